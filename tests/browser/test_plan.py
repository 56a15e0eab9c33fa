"""The Plan page in a real browser, wide and narrow: reached from the navigation, the form
computes the plan through htmx (the address keeps the inputs), nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_plan_page_in_a_browser(browser, live_server, personas, width):
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "mia@example.fr")
        page.goto(f"{live_server.url}/w/acme/plan/")
        check_and_shoot(watched, "plan-form", width)
        for name, value in (
            ("revenue", "1000000"),
            ("deal_size", "25000"),
            ("mql_to_sal", "0.3"),
            ("sal_to_sql", "0.4"),
            ("sql_to_won", "0.25"),
            ("marketing_share", "0.6"),
        ):
            page.fill(f"input[name={name}]", value)
        page.locator("form.form--ask button[type=submit]").click()
        page.wait_for_url(lambda url: "revenue=1000000" in url)
        # 40 customers, 160 SQLs, 400 SALs, 1333.3 → 1334 MQLs, 800.4 → 801 of marketing's
        page.wait_for_selector("#plan-stages")
        counts = page.locator("#plan-stages tbody td.num").all_inner_texts()
        assert [c.replace("\u202f", "").replace("\xa0", "").replace(" ", "") for c in counts] == [
            "40",
            "160",
            "400",
            "1334",
            "801",
        ]
        check_and_shoot(watched, "plan-result", width)
        watched.assert_clean("plan")
    finally:
        page.context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_plan_of_a_segment_in_a_browser(browser, live_server, personas, width):
    """The segment picker opens, its industries are ticked, the plan is the segment's and its
    action proposes the segment's SLA contract (no goal); nothing scrolls sideways."""
    from tests import factories as f

    for name, industry in (("Forges", "Industrie"), ("Clinique", "Santé")):
        f.AccountFactory(workspace=personas.acme, name=name, industry=industry)
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "mia@example.fr")
        page.goto(f"{live_server.url}/w/acme/plan/")
        for name, value in (
            ("revenue", "1000000"),
            ("period", "2027-Q1"),
            ("deal_size", "25000"),
            ("mql_to_sal", "0.3"),
            ("sal_to_sql", "0.4"),
            ("sql_to_won", "0.25"),
            ("marketing_share", "0.6"),
        ):
            page.fill(f"input[name={name}]", value)
        page.locator("#plan-segment summary").click()
        page.locator("#plan-segment input[value='Santé']").check()
        check_and_shoot(watched, "plan-segment-picker", width)
        page.locator("form.form--ask button[type=submit]").click()
        page.wait_for_url(lambda url: "segment=Sant" in url)
        page.wait_for_selector("#plan-as-goals")
        assert page.locator("#plan-as-goals select").count() == 0  # no goal, no owners
        assert (
            page.locator("#plan-as-goals input[type=hidden][name=segment]").get_attribute("value")
            == "Santé"
        )
        check_and_shoot(watched, "plan-segment", width)
        watched.assert_clean("plan segment")
    finally:
        page.context.close()
