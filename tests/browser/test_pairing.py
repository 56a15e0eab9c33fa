"""The pairing page in a real browser, wide and narrow: a sales manager proposes the pairs of a
week around 14 July — the case where the greedy choice is wrong (Alice could go with Bob or
Dave, Mia only with Bob: the best pairs Alice with Dave and Mia with Bob) —, confirms them, and
sees the sessions placed around the public holiday; then the effect page (the programme has not
ended: nothing measured yet). Nothing scrolls sideways."""

from __future__ import annotations

import pytest

from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page
from tests.rituals.pairing_helpers import join, programme, week

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_pairing_page_in_a_browser(browser, live_server, personas, width):
    _mon, tue, wed, thu, _fri = week()
    prog = programme(personas.acme)
    join(prog, personas.alice, "marketing", [tue, wed, thu])
    join(prog, personas.mia, "marketing", [tue])
    join(prog, personas.bob, "sales", [tue, wed])
    join(prog, personas.dave, "sales", [wed, thu])
    watched = open_page(browser, width)
    page = watched.page
    page.on("dialog", lambda dialog: dialog.accept())
    try:
        log_in(watched, live_server.url, personas.dave.email)
        page.goto(f"{live_server.url}/w/acme/programmes/{prog.pk}/pairing/")
        page.locator("#pairing-propose").click()
        page.wait_for_selector("#pairing-pairs table")
        pairs = page.locator("#pairing-pairs tbody").inner_text()
        assert "Alice" in pairs and "Mia" in pairs
        rows = page.locator("#pairing-pairs tbody tr").all_inner_texts()
        assert any("Alice" in r and "Dave" in r for r in rows)
        assert any("Mia" in r and "Bob" in r for r in rows)
        page.locator("#pairing-confirm").click()
        page.wait_for_selector("#pairing-sessions")
        sessions = page.locator("#pairing-sessions tbody").inner_text()
        # Mia and Bob on Tuesday; Alice and Dave share the 14th (a holiday) and Thursday
        assert tue.strftime("%d/%m/%Y") in sessions and thu.strftime("%d/%m/%Y") in sessions
        assert wed.strftime("%d/%m/%Y") not in sessions
        check_and_shoot(watched, "pairing", width)
        page.goto(f"{live_server.url}/w/acme/programmes/{prog.pk}/effect/")
        page.wait_for_selector("#effect-wait")
        check_and_shoot(watched, "programme-effect", width)
    finally:
        page.context.close()
