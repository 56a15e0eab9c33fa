"""The campaign alignment page in a real browser, wide and on a phone: reached from the campaigns
list, a period chosen, each pod's numbers readable (on a phone each pod a block of labelled
lines) and nothing scrolling the page sideways."""

from __future__ import annotations

import pytest

from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page
from tests.codesign.test_alignment import quarter  # noqa: F401  (the hand-worked quarter)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_alignment_page_in_a_browser(browser, live_server, personas, quarter, width):  # noqa: F811
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "dave@example.fr")
        page.goto(f"{live_server.url}/w/acme/campaigns/")
        page.locator("a[href='/w/acme/campaigns/alignment/']").click()
        page.wait_for_selector("#alignment-period")
        page.fill("#alignment-period", "2026-Q2")
        page.locator("form.form--ask button[type=submit]").click()
        page.wait_for_url(lambda url: "period=2026-Q2" in url)
        page.wait_for_selector("#alignment-table")
        row = page.locator("#alignment-workspace")
        assert "2/6" in row.inner_text() and "3/7" in row.inner_text()
        assert page.locator("#alignment-table tbody tr").count() == 4
        check_and_shoot(watched, "campaign-alignment", width)
    finally:
        page.context.close()
