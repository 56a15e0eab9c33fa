"""Split credit in a real browser: a sales manager splits a deal on its page (shares in percent,
a French decimal comma), the deal's Credit card shows the split; the form fits a phone."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cordee.funnel.models import OpportunityCredit
from tests import factories as f
from tests.browser.conftest import check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_a_sales_manager_splits_a_deal(browser, live_server, personas, width):
    deal = f.OpportunityFactory(
        workspace=personas.acme,
        name="Contrat Auvergne",
        owner=personas.bob,
        stage="closed_won",
        forecast_category="closed",
        amount=Decimal("9000"),
        currency="EUR",
    )
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "dave@example.fr")
        page.goto(f"{live_server.url}/w/acme/opportunities/{deal.pk}/credits/")
        page.select_option("#id_person_0", str(personas.bob.pk))
        page.fill("#id_share_0", "66,67")
        page.select_option("#id_person_1", str(personas.dave.pk))
        page.fill("#id_share_1", "33,33")
        check_and_shoot(watched, "opportunity-credits-form", width)
        page.click("button[type=submit].button--primary")
        page.wait_for_url(f"**/opportunities/{deal.pk}/")
        card = page.locator("#credit-split").inner_text()
        # 9 000 × 0.6667 = 6 000.30; 9 000 × 0.3333 = 2 999.70
        assert "6\u00a0000,30" in card and "2\u00a0999,70" in card
        assert "66,67" in card and "33,33" in card
        page.locator("#credit").scroll_into_view_if_needed()
        check_and_shoot(watched, "opportunity-credits", width)
        shares = OpportunityCredit.objects.filter(opportunity=deal).values_list("person", "share")
        assert set(shares) == {
            (personas.bob.pk, Decimal("0.6667")),
            (personas.dave.pk, Decimal("0.3333")),
        }
    finally:
        page.context.close()
