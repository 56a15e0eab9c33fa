"""The KPIs page in a real browser, wide and narrow: reached from the navigation, the form
shows another scope and period through htmx (the address keeps them), the definitions wrap
instead of running off the table (a phone shows each indicator and its value), nothing scrolls the page sideways."""

from __future__ import annotations

import pytest

from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page, seed_workspace

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_kpis_page_in_a_browser(browser, live_server, personas, width):
    seed_workspace(personas)
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "mia@example.fr")
        page.goto(f"{live_server.url}/w/acme/")
        page.locator("nav.nav a[href='/w/acme/kpis/']").click()
        page.wait_for_selector("#kpis-table")
        check_and_shoot(watched, "kpis", width)
        page.select_option("#kpis-scope", "side:marketing")
        page.fill("#kpis-period", "2026")
        page.locator("form.form--ask button[type=submit]").click()
        page.wait_for_url(lambda url: "scope=side" in url and "period=2026" in url)
        page.wait_for_selector("#kpis-table")
        assert page.locator("#kpi-acceptance_rate").count() == 1
        # every column in view (on a phone: the indicator and its value): the sentences wrap
        sideways = page.evaluate(
            "(() => { const w = document.querySelector('#kpis-body .table-wrap');"
            " return w.scrollWidth - w.clientWidth; })()"
        )
        assert sideways <= 0, f"the KPIs table scrolls sideways by {sideways}px at {width}px"
        check_and_shoot(watched, "kpis-marketing", width)
        watched.assert_clean("kpis")
    finally:
        page.context.close()
