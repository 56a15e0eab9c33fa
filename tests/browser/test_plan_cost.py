"""The plan's cost page in a real browser, wide and narrow: reached from the plan's page, a
scenario of one's own added by the form (a GET: the address keeps it), nothing scrolls
sideways. Numbers by hand: tests/comp/test_plan_cost.py's docstring."""

from __future__ import annotations

import pytest

from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page
from tests.comp.test_plan_cost import make_costed_plan

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_plan_cost_page_in_a_browser(browser, live_server, personas, width):
    plan = make_costed_plan(personas)
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, personas.erin.email)
        page.goto(f"{live_server.url}/w/acme/pay/plans/{plan.pk}/")
        page.locator("#plan-cost-link").click()
        page.wait_for_selector("#plan-cost")
        page.fill("input[name=attainment]", "135")
        page.locator("#cost-form button[type=submit]").click()
        page.wait_for_url(lambda url: "attainment=135" in url)
        heads = page.locator("#plan-cost thead th").all_inner_texts()
        assert len(heads) == 6  # the rows' heading, last year, 80, 100, 120 and 135 %
        total = page.locator("#plan-cost tr.cost-row--total td.num").all_inner_texts()
        digits = [t.replace("\u202f", "").replace("\xa0", "").replace(" ", "") for t in total]
        assert digits[0].startswith("56134,09") and digits[3].startswith("107144,84")
        check_and_shoot(watched, "pay-plan-cost", width)
        watched.assert_clean("pay-plan-cost")
    finally:
        page.context.close()
