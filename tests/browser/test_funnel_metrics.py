"""The funnel metrics page in a real browser, wide and narrow: reached from the navigation, the
dimension picker swaps the body through htmx, the period applies, nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page
from tests.funnel.test_metrics import build_hand_worked_funnel

pytestmark = pytest.mark.browser


@pytest.fixture
def hand_worked_funnel(personas):
    """The hand-worked example of tests/funnel/test_metrics.py, built for this test (a live
    server's test commits its rows)."""
    return build_hand_worked_funnel(personas)


@pytest.mark.parametrize("width", list(WIDTHS))
def test_metrics_page_in_a_browser(browser, live_server, personas, hand_worked_funnel, width):
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, "erin@example.fr")  # an executive reads it
        page.goto(f"{live_server.url}/w/acme/funnel/metrics/?from=2026-01-01&to=2026-03-31")
        assert page.locator("#metrics-body tbody tr").first.locator("td").first.inner_text() == (
            "janvier 2026"
        )
        check_and_shoot(watched, "funnel-metrics-month", width)

        page.select_option("select[name=by]", "pod")
        page.wait_for_url(lambda url: "by=pod" in url)
        page.wait_for_function(
            "document.querySelector('#metrics-body tbody td')?.textContent === 'Pod Nord'"
        )
        check_and_shoot(watched, "funnel-metrics-pod", width)

        page.fill("input[name=from]", "2026-02-01")
        page.wait_for_url(lambda url: "from=2026-02-01" in url)
        # February and March only: Pod Nord keeps L3b, Pod Sud its three
        page.wait_for_function(
            "document.querySelector('#metrics-body tfoot td:nth-child(2)')?.textContent === '5'"
        )
        watched.assert_clean("filters")
    finally:
        page.context.close()
