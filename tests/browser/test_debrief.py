"""The campaign debrief in a real browser, wide and narrow: the hand-worked campaign of
tests/codesign/test_debrief.py (its numbers by hand in that module's docstring) with its
attribution locked, a rep's rating and marketing's lessons; the sales manager rates the leads on
the page; nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest

from cordee.attribution.services import lock_sign
from cordee.attribution.snapshots import snapshot_compute
from cordee.codesign import debrief as services
from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page
from tests.codesign.test_debrief import make_brief, make_campaign, make_pod, make_results

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_debrief_page_in_a_browser(browser, live_server, personas, width):
    campaign = make_campaign(personas)
    make_brief(personas, campaign, make_pod(personas))
    make_results(personas, campaign)
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    snapshot_compute(workspace=personas.acme, start=start, end=end, dimension="campaign")
    for name in ("mia", "dave"):
        lock_sign(
            actor=personas.actor(name), start=start, end=end, dimension="campaign", model="first"
        )
    services.debrief_open(personas.actor("alice"), campaign, today=dt.date(2026, 11, 1))
    services.rating_set(personas.actor("bob"), campaign, 4, "Des contacts bien qualifiés")
    services.lessons_set(
        personas.actor("alice"), campaign, "marketing", "Cibler les directions financières"
    )
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, personas.dave.email)
        page.goto(f"{live_server.url}/w/acme/campaigns/{campaign.pk}/")
        page.locator("#campaign-debrief a").click()
        page.wait_for_selector("#debrief-results")
        assert "3 ÷ 6" in page.locator("#row-acceptance").inner_text()
        page.select_option("#rating", "3")
        page.fill("#rating-comment", "Trop de petites structures")
        page.locator("#rating-form button[type=submit]").click()
        page.wait_for_selector("#debrief-ratings")
        ratings = page.locator("#debrief-ratings .rows").inner_text()
        assert "Trop de petites structures" in ratings and "Des contacts bien qualifiés" in ratings
        check_and_shoot(watched, "campaign-debrief", width)
    finally:
        page.context.close()
