"""A meeting's agenda in a real browser, wide and narrow: the hand-made workspace of
tests/rituals/test_agenda.py (its 13 items and their order written in that module), its pre-read
pack (the agenda, two charts, the members by side, the open action items; printed: no
navigation), and the edit page where bob, a member, moves an item down and removes another with
a reason (htmx); nothing scrolls sideways."""

from __future__ import annotations

import pytest

from cordee.rituals import agenda as services
from tests.browser.conftest import SCREENSHOTS, WIDTHS, check_and_shoot, log_in, open_page
from tests.rituals.test_agenda import make_hand_made

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_preread_and_agenda_edits_in_a_browser(browser, live_server, personas, width):
    rows = make_hand_made(personas)
    meeting = rows["m2"]
    services.agenda_build(meeting)
    first, second = list(services.agenda_items(meeting))[:2]
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, personas.bob.email)
        page.goto(f"{live_server.url}/w/acme/meetings/{meeting.pk}/preread/")
        page.wait_for_selector("#agenda")
        assert page.locator("#agenda .agenda-list__item").count() == 13
        assert page.locator("#breaches figure svg").count() == 1
        assert page.locator("#rejections figure svg").count() == 1
        assert "Relire le script SDR" in page.locator("#actions").inner_text()
        check_and_shoot(watched, "meeting-preread", width)
        if width == max(WIDTHS):
            page.emulate_media(media="print")
            assert not page.locator(".sidebar").is_visible()
            page.screenshot(path=str(SCREENSHOTS / "meeting-preread-print.png"), full_page=True)
            page.emulate_media(media="screen")
        page.locator(".page-head__actions a").click()
        page.wait_for_selector("#agenda-editor")
        page.locator(f"#item-{first.pk} input[name=direction][value=down] + button").click()
        page.wait_for_selector(f".agenda-list--edit li:nth-child(2)#item-{first.pk}")
        page.locator(f"#item-{second.pk} .agenda-remove summary").click()
        page.fill(f"#reason-{second.pk}", "Traité par e-mail")
        page.locator(f"#item-{second.pk} .agenda-remove button").click()
        page.wait_for_selector(f"#removed-{second.pk}")
        assert "Traité par e-mail" in page.locator("#agenda-removed").inner_text()
        check_and_shoot(watched, "meeting-agenda", width)
    finally:
        page.context.close()
    assert [i.pk for i in services.agenda_items(meeting)][:1] == [first.pk]
