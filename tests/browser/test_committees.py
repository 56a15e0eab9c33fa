"""The committees in a real browser, wide and on a phone: the list (members by side, the
missing-side flag, the next meeting, the recurrence in words), a committee set up through the
form's recurrence builder, a member added on its page until no side is missing; nothing scrolls
sideways and the pages are clean. (Assertions on structure, not words: the French of these
pages comes with the catalogue.)"""

from __future__ import annotations

import datetime as dt

import pytest

from cordee.rituals.committees import committee_create
from cordee.rituals.models import Committee, Meeting, MeetingState
from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser


def _seed(personas) -> None:
    ws = personas.acme
    today = ws.today()
    tuesday = today + dt.timedelta(days=7 + (1 - today.weekday()) % 7)
    at = dt.datetime.combine(tuesday, dt.time(10), tzinfo=ws.zone)
    actor = personas.actor("mia")
    listening = committee_create(
        actor=actor,
        data={
            "name": "Comité d’écoute mutuelle",
            "kind": "monthly",
            "purpose": "Les irritants des deux équipes, chiffres à l’appui",
            "rrule": "FREQ=MONTHLY;BYDAY=1TU",
            "first_at": at,
            "duration_minutes": 90,
            "location": "https://visio.example.fr/comite-ecoute-mutuelle-marketing-ventes",
            "members": [personas.alice.pk, personas.mia.pk, personas.dave.pk, personas.erin.pk],
        },
    )
    start = at - dt.timedelta(days=28)
    Meeting.objects.create(
        workspace=ws,
        committee=listening,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=90),
        state=MeetingState.HELD,
    )
    committee_create(
        actor=actor,
        data={
            "name": "Point hebdo du pod Grand Est",
            "kind": "pod_weekly",
            "rrule": "FREQ=WEEKLY;BYDAY=TH",
            "first_at": at + dt.timedelta(days=2),
            "duration_minutes": 30,
            "members": [personas.alice.pk],
        },
    )


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_committees_list_form_and_page(browser, live_server, personas, width):
    _seed(personas)
    watched = open_page(browser, width)
    page = watched.page
    base = live_server.url
    try:
        log_in(watched, base, "mia@example.fr")
        page.goto(f"{base}/w/acme/committees/")
        assert page.locator("#committees .committee").count() == 2
        flagged = page.locator(".committee .committee__missing")
        assert flagged.count() == 1 and flagged.get_attribute("data-missing") == "sales"
        assert page.locator(".committee__next").first.inner_text() != "—"
        check_and_shoot(watched, "committees", width)

        page.locator("#committee-new").click()
        page.fill("input[name=name]", "Revue trimestrielle marketing–ventes")
        page.select_option("select[name=kind]", "qbr")
        page.select_option("select[name=frequency]", "quarterly")
        page.fill("input[name=first_date]", "2030-01-15")
        page.fill("input[name=first_time]", "14:30")
        page.fill("input[name=duration_minutes]", "120")
        check_and_shoot(watched, "committee-form", width)
        page.locator("#committee-form button[type=submit]").click()
        page.wait_for_url("**/committees/*/")
        committee = Committee.objects.get(name="Revue trimestrielle marketing–ventes")
        assert committee.rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=3TU"
        assert page.locator(".alert.committee__missing").get_attribute("data-missing") == (
            "marketing,sales"
        )
        page.select_option("#committee-add-user", str(personas.alice.pk))
        page.locator("#committee-member-add button").click()
        page.wait_for_url("**#committee-members")
        page.select_option("#committee-add-user", str(personas.bob.pk))
        page.locator("#committee-member-add button").click()
        page.wait_for_url("**#committee-members")
        assert page.locator(".alert.committee__missing").count() == 0
        page.goto(
            f"{base}/w/acme/committees/{Committee.objects.get(name__startswith='Comité').pk}/"
        )
        assert page.locator("#committee-past .rows__item").count() == 1
        assert (
            page.locator("#committee-upcoming .rows__item a")
            .first.get_attribute("href")
            .startswith("/w/acme/meetings/")
        )
        check_and_shoot(watched, "committee-detail", width)
    finally:
        page.context.close()
