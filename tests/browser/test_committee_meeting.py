"""A committee meeting in a real browser, wide and narrow: alice (on the committee) opens the
meeting's page, ticks who is there, writes the minutes of the breach's item, records a decision
on it (the breach leaves the committee's list) and an action item for bob, closes the meeting
(the summary shows), then opens the next meeting and finds the action item on its agenda;
nothing scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cordee.rituals import agenda
from cordee.rituals.models import AgendaSource, MeetingState
from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page
from tests.rituals.test_meetings import make_breach, make_committee, make_meeting

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", list(WIDTHS))
def test_a_committee_meeting_in_a_browser(browser, live_server, personas, width):
    committee = make_committee(personas, ("alice", "mia", "bob", "dave"))
    committee.location = "Salle Vosges / visio"
    committee.save()
    zone = personas.acme.zone
    today = personas.acme.today()
    start = dt.datetime.combine(today, dt.time(14), tzinfo=zone)
    meeting = make_meeting(committee, start)
    following = make_meeting(committee, start + dt.timedelta(days=7))
    breach = make_breach(personas, mql_at=timezone.now() - dt.timedelta(days=3))
    item = agenda.agenda_item_add(
        actor=personas.actor("alice"),
        meeting=meeting,
        source=AgendaSource.BREACH,
        object_id=breach.pk,
        title="Premier contact hors délai (Pod Grand Est)",
    )
    agenda.agenda_item_add(
        actor=personas.actor("alice"),
        meeting=meeting,
        title="Calendrier des salons du premier trimestre",
    )
    due = today + dt.timedelta(days=7)

    watched = open_page(browser, width)
    page = watched.page
    try:
        log_in(watched, live_server.url, personas.alice.email)
        page.goto(f"{live_server.url}/w/acme/meetings/{meeting.pk}/")
        page.wait_for_selector("#meeting-agenda")
        # attendance: alice, mia and bob there, dave absent
        for who in ("alice", "mia", "bob"):
            page.check(f"input[name=present][value='{getattr(personas, who).pk}']")
        page.click("#attendance-save")
        page.wait_for_selector("#meeting-attendance")
        # the minutes, saved in place
        page.fill(f"#minutes-{item.pk}", "Trois MQL rappelés après 2 jours ouvrés.")
        page.locator(f"#item-{item.pk} .meeting-minutes button[type=submit]").click()
        page.wait_for_selector(f"#minutes-state-{item.pk}:has-text('Enregistré')")
        # a decision on the breach, and an action item
        page.locator(f"#item-{item.pk} details summary").click()
        page.fill(f"#decision-{item.pk}", "Les SDR rappellent sous 4 h ouvrées.")
        page.locator(f"#item-{item.pk} .meeting-decide button[type=submit]").click()
        page.wait_for_selector(f"#item-{item.pk} .meeting-decision")
        page.locator(f"#item-{item.pk} details summary").click()
        page.fill(f"#action-form-{item.pk}-title", "Revoir la file des SDR")
        page.select_option(f"#action-form-{item.pk}-owner", str(personas.bob.pk))
        page.fill(f"#action-form-{item.pk}-due", due.isoformat())
        page.locator(f"#action-form-{item.pk} button[type=submit]").click()
        page.wait_for_selector("#meeting-action-list")
        assert "Revoir la file des SDR" in page.locator("#meeting-action-list").inner_text()
        check_and_shoot(watched, "committee-meeting", width)
        breach.refresh_from_db()
        assert breach.committee_pending is False
        # close: the summary shows
        page.click("#meeting-close")
        page.wait_for_selector("#meeting-summary")
        summary = page.locator("#meeting-summary").inner_text()
        assert "3" in summary and "Les SDR rappellent sous 4 h ouvrées." in summary
        check_and_shoot(watched, "committee-meeting-held", width)
        meeting.refresh_from_db()
        assert meeting.state == MeetingState.HELD
        # the next meeting: the action item is on its agenda until done
        agenda.agenda_build(following)  # as the job does two business days ahead
        page.goto(f"{live_server.url}/w/acme/meetings/{following.pk}/")
        page.wait_for_selector("#meeting-agenda")
        assert "Revoir la file des SDR" in page.locator("#meeting-agenda").inner_text()
        check_and_shoot(watched, "committee-meeting-next", width)
    finally:
        page.context.close()
