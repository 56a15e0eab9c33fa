"""A rep logs a call from the MQL queue in one tap, on a wide screen and on a phone: the row is
swapped in place and its first-touch clock turns to kept. Screenshots before and after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cordee.funnel.models import SlaContract, Stage, Touchpoint
from tests import factories as f
from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser


def _fresh_mql(personas):
    today = personas.acme.today()
    SlaContract.objects.create(
        workspace=personas.acme,
        name="Contrat en cours",
        period_start=today - dt.timedelta(days=30),
        period_end=today + dt.timedelta(days=30),
        first_touch_hours=Decimal(4),
        decision_hours=Decimal(8),
        attempts_required=3,
        attempts_within_days=2,
        marketing_signed_by=personas.mia,
        marketing_signed_at=timezone.now(),
        sales_signed_by=personas.dave,
        sales_signed_at=timezone.now(),
    )
    account = f.AccountFactory(workspace=personas.acme, name="Aciéries de Lorraine")
    contact = f.ContactFactory(
        workspace=personas.acme, account=account, first_name="Hélène", last_name="Rousseau"
    )
    now = timezone.now() - dt.timedelta(minutes=10)
    return f.LeadFactory(
        workspace=personas.acme,
        contact=contact,
        stage=Stage.MQL,
        stage_entered_at=now,
        mql_at=now,
        owner=personas.bob,
        score=92,
    )


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_call_logged_from_the_queue_turns_the_first_touch_clock_to_kept(
    browser, live_server, personas, width
):
    lead = _fresh_mql(personas)
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "bob@example.fr")
        page.goto(f"{live_server.url}/w/acme/queue/")
        row = page.locator(f"#lead-{lead.pk}")
        first_touch = row.locator("td[data-label]").nth(1)
        assert first_touch.locator(".clock--met").count() == 0
        button = row.locator("button[data-outcome=no_answer]")
        assert button.is_visible()
        box = button.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width  # on screen, no scrolling
        check_and_shoot(watched, "queue-before-call", width)

        button.click()  # one tap
        page.wait_for_selector(f"#lead-{lead.pk} .clock--met")

        first_touch = page.locator(f"#lead-{lead.pk} td[data-label]").nth(1)
        assert first_touch.locator(".clock--met").count() == 1
        assert first_touch.inner_text().lower().startswith("tenu")  # French, in capitals (CSS)
        touch = Touchpoint.objects.get(lead=lead)
        assert (touch.kind, touch.outcome, touch.actor_id) == ("call", "no_answer", personas.bob.pk)
        check_and_shoot(watched, "queue-after-call", width)

        page.goto(f"{live_server.url}/w/acme/leads/{lead.pk}/")
        assert page.locator("#timeline [data-kind=activity]").count() == 1
        check_and_shoot(watched, "lead-timeline", width)
    finally:
        page.context.close()
