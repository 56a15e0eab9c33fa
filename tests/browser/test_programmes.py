"""A vis-ma-vie programme in a real browser, wide and on a phone: Bob (sales) signs up on the
programme's page — days from the checklist of its business days, hosting two visitors, his
learning goals — and sees himself among sales; Alice (marketing), whose session with Bob is
over, writes her debrief and turns it into field feedback in one click. Nothing scrolls
sideways. The programme is tests/rituals/test_programmes.py's hand-worked one (3–14 May 2027,
Ascension Day on 6 May not offered)."""

from __future__ import annotations

import pytest

from cordee.rituals.models import ExchangeDebrief, PairingState, Participant
from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page
from tests.rituals.test_programmes import join, make_programme, pair, session, today  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("today")]


@pytest.mark.parametrize("width", list(WIDTHS))
def test_signing_up_and_writing_a_debrief_in_a_browser(browser, live_server, personas, width):
    programme = make_programme(personas)
    alice = join(personas, programme, "alice")
    join(personas, programme, "mia", available_days=["2027-05-05", "2027-05-12"])
    url = f"{live_server.url}/w/acme/programmes/{programme.pk}/"

    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, personas.bob.email)
        page.goto(f"{live_server.url}/w/acme/programmes/")
        page.locator(f"#programme-{programme.pk} a").click()
        page.wait_for_selector("#signup-form")
        offered = page.locator("#signup-form input[name=available_days]")
        assert offered.count() == 9  # the programme's business days
        assert page.locator("#join-day-2027-05-06").count() == 0  # Ascension Day
        page.locator("label:has(#join-day-2027-05-04)").click()
        page.locator("label:has(#join-day-2027-05-11)").click()
        page.check("#join-host")
        page.fill("#join-capacity", "2")
        page.fill("#join-goals", "Voir comment le marketing choisit ses cibles et ses messages.")
        page.locator("#signup-submit").click()
        page.wait_for_selector("#side-sales .person")
        assert "Bob Test" in page.locator("#side-sales").inner_text()
        bob = Participant.objects.get(programme=programme, user=personas.bob)
        assert bob.available_days == ["2027-05-04", "2027-05-11"] and bob.capacity == 2
        check_and_shoot(watched, "programme-signed-up", width)
    finally:
        page.context.close()

    pairing = pair(programme, alice, bob, PairingState.CONFIRMED)
    session(pairing, ends_in_hours=-2, host=bob)
    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, personas.alice.email)
        page.goto(url)
        page.wait_for_selector("#debrief-form")
        page.fill("#debrief-surprised", "Les commerciaux rappellent chaque MQL dans l’heure.")
        page.fill("#debrief-change", "Joindre le contexte de la campagne à chaque MQL.")
        page.locator("#debrief-save").click()
        page.wait_for_selector("#debriefs .programme-debrief")
        debrief = ExchangeDebrief.objects.get(participant=alice)
        page.select_option(f"#kind-{debrief.pk}", "lead_quality")
        page.locator(f"#to-feedback-{debrief.pk}").click()
        page.wait_for_selector(f"#debrief-{debrief.pk} a.chip")
        debrief.refresh_from_db()
        assert debrief.feedback_item is not None
        assert debrief.feedback_item.author == personas.alice
        check_and_shoot(watched, "programme-debrief", width)
    finally:
        page.context.close()
