"""Committees: the services (who may write, members of the workspace only, audited), meetings
generated 90 days ahead from the rule (idempotent; a new rule replaces the future meetings
nobody wrote on and keeps the others), the missing-side flag, the daily job, the ICS feed and
the pages.

The hand-worked clock: "now" is Tuesday 1 January 2030, 10:00 in Paris (09:00 UTC); the horizon
(90 days) ends on Monday 1 April 2030. A weekly committee on Tuesdays at 10:00 from 8 January
has 12 meetings in it: 8, 15, 22, 29 January; 5, 12, 19, 26 February; 5, 12, 19, 26 March.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cordee.codesign import feeds
from cordee.core.errors import Conflict, PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.core.scheduler import jobs
from cordee.rituals import committee_jobs, committee_selectors, committees
from cordee.rituals.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    Meeting,
    MeetingState,
)
from cordee.tenancy.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2030, 1, 1, 10, 0, tzinfo=PARIS)


def paris(y: int, m: int, d: int, h: int = 10) -> dt.datetime:
    return dt.datetime(y, m, d, h, 0, tzinfo=PARIS)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``clock.set(at)``: what ``timezone.now()`` answers from then on (NOW to begin with)."""

    class Clock:
        at = NOW.astimezone(dt.UTC)

        def set(self, at: dt.datetime) -> None:
            self.at = at.astimezone(dt.UTC)

    c = Clock()
    monkeypatch.setattr("django.utils.timezone.now", lambda: c.at)
    return c


def weekly(personas: Any, name: str = "Comité du mardi", **extra: Any) -> Committee:
    data = {
        "name": name,
        "kind": "pod_weekly",
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "first_at": paris(2030, 1, 8),
        "duration_minutes": 45,
        "location": "Salle Everest",
        **extra,
    }
    return committees.committee_create(actor=personas.actor("mia"), data=data)


def starts(committee: Committee) -> list[str]:
    return [
        f"{m.starts_at.astimezone(PARIS):%m-%d %a %H:%M}"
        for m in committee.meetings.order_by("starts_at")
    ]


TUESDAYS = [
    "01-08",
    "01-15",
    "01-22",
    "01-29",
    "02-05",
    "02-12",
    "02-19",
    "02-26",
    "03-05",
    "03-12",
    "03-19",
    "03-26",
]


# -- generation ---------------------------------------------------------------------------------


def test_creating_a_committee_plans_its_meetings_ninety_days_ahead(personas, clock):
    committee = weekly(personas)
    assert starts(committee) == [f"{d} Tue 10:00" for d in TUESDAYS]
    first = committee.meetings.order_by("starts_at").first()
    assert first.ends_at - first.starts_at == dt.timedelta(minutes=45)
    assert {m.state for m in committee.meetings.all()} == {MeetingState.PLANNED}


def test_generating_again_adds_nothing_and_a_later_day_adds_only_the_new_week(personas, clock):
    committee = weekly(personas)
    assert committees.meetings_generate(committee) == 0
    assert committee.meetings.count() == 12
    # a week later the horizon reaches Monday 8 April: Tuesday 2 April is new
    clock.set(paris(2030, 1, 8))
    assert committees.meetings_generate(committee) == 1
    assert starts(committee)[-1] == "04-02 Tue 10:00"
    assert committee.meetings.count() == 13


def test_a_cancelled_meeting_is_not_planned_again(personas, clock):
    committee = weekly(personas)
    Meeting.objects.filter(committee=committee, starts_at=paris(2030, 1, 15)).update(
        state=MeetingState.CANCELLED
    )
    assert committees.meetings_generate(committee) == 0
    assert committee.meetings.filter(state=MeetingState.CANCELLED).count() == 1


def _write_on(meeting: Meeting, kind: str, personas: Any) -> None:
    ws, mia = meeting.workspace, personas.mia
    if kind == "attendance":
        Attendance.objects.create(workspace=ws, meeting=meeting, user=mia)
    elif kind == "decision":
        Decision.objects.create(
            workspace=ws, meeting=meeting, text="On garde", decided_at=timezone.now()
        )
    elif kind == "by hand":
        AgendaItem.objects.create(
            workspace=ws,
            meeting=meeting,
            source="manual",
            key="manual:1",
            position=1,
            title="Tarifs 2030",
            added_by=mia,
        )
    elif kind == "action":
        ActionItem.objects.create(
            workspace=ws,
            committee=meeting.committee,
            meeting=meeting,
            title="Relancer",
            owner=mia,
            due_on=dt.date(2030, 3, 1),
        )
    elif kind == "notes":
        meeting.notes = "À préparer"
        meeting.save()
    elif kind == "by the data":  # what the agenda writes is no one's content
        AgendaItem.objects.create(
            workspace=ws, meeting=meeting, source="breach", object_id=7, key="breach:7", position=1
        )


def test_a_new_rule_replaces_the_future_meetings_nobody_wrote_on_and_keeps_the_others(
    personas, clock
):
    committee = weekly(personas)
    by_day = {f"{m.starts_at.astimezone(PARIS):%m-%d}": m for m in committee.meetings.all()}
    for day, kind in [
        ("01-15", "attendance"),
        ("01-22", "decision"),
        ("01-29", "by hand"),
        ("02-05", "action"),
        ("02-12", "notes"),
        ("02-19", "by the data"),
    ]:
        _write_on(by_day[day], kind, personas)
    by_day["02-26"].state = MeetingState.CANCELLED
    by_day["02-26"].save()
    # Wednesday 9 January, 13:00: the 8 January meeting is past; the committee moves to Thursdays
    clock.set(paris(2030, 1, 9, 13))
    committees.committee_update(
        actor=personas.actor("dave"),
        committee=committee,
        data={"rrule": "FREQ=WEEKLY;BYDAY=TH", "first_at": paris(2030, 1, 10)},
    )
    kept = [
        "01-08",
        "01-15",
        "01-22",
        "01-29",
        "02-05",
        "02-12",
        "02-26",
    ]  # past, content, cancelled
    # Thursdays from 10 January to the horizon (Wednesday 10 April, 13:00)
    thursdays = ["01-10", "01-17", "01-24", "01-31", "02-07", "02-14", "02-21", "02-28"]
    thursdays += ["03-07", "03-14", "03-21", "03-28", "04-04"]
    expected = sorted([f"{d} Tue 10:00" for d in kept] + [f"{d} Thu 10:00" for d in thursdays])
    assert starts(committee) == expected
    # replaced: 19 February (only the data's line) and the four March Tuesdays
    entry = AuditEntry.objects.filter(target="committee", action="update").latest("id")
    assert entry.after["meetings_replaced"] == 5
    assert entry.before["rrule"] == "FREQ=WEEKLY;BYDAY=TU"


def test_a_longer_meeting_replaces_the_empty_ones_with_the_new_length(personas, clock):
    committee = weekly(personas)
    _write_on(committee.meetings.order_by("starts_at")[1], "attendance", personas)
    committees.committee_update(
        actor=personas.actor("mia"), committee=committee, data={"duration_minutes": 90}
    )
    lengths = [
        int((m.ends_at - m.starts_at).total_seconds() // 60) for m in committee.meetings.all()
    ]
    assert sorted(lengths) == [45] + [90] * 11  # 15 January keeps its attendance and its length


def test_changing_only_the_name_keeps_every_meeting(personas, clock):
    committee = weekly(personas)
    ids = set(committee.meetings.values_list("pk", flat=True))
    committees.committee_update(
        actor=personas.actor("mia"), committee=committee, data={"name": "Comité hebdo"}
    )
    assert set(committee.meetings.values_list("pk", flat=True)) == ids


def test_archiving_stops_the_meetings_and_removes_the_empty_future_ones(personas, clock):
    committee = weekly(personas)
    _write_on(committee.meetings.order_by("starts_at")[2], "decision", personas)
    committee = committees.committee_archive(actor=personas.actor("rita"), committee=committee)
    assert starts(committee) == ["01-22 Tue 10:00"]
    assert committees.meetings_generate(committee) == 0
    with pytest.raises(Conflict):
        committees.committee_update(
            actor=personas.actor("rita"), committee=committee, data={"name": "Autre"}
        )
    assert AuditEntry.objects.filter(target="committee", action="archive").count() == 1


def test_the_daily_job_fills_every_active_committees_horizon(personas, clock):
    committee = weekly(personas)
    archived = weekly(personas, name="Ancien comité")
    committees.committee_archive(actor=personas.actor("rita"), committee=archived)
    assert "cordee.rituals.committee_jobs.generate_meetings" in {j.name for j in jobs()}
    # a week later the horizon ends on Monday 8 April: one Tuesday more (2 April)
    clock.set(paris(2030, 1, 8))
    committee_jobs.generate_meetings()
    assert committee.meetings.count() == 13
    assert archived.meetings.count() == 0


# -- the services' rules ---------------------------------------------------------------------------


def test_only_managers_and_revops_set_up_committees(personas, clock):
    with pytest.raises(PermissionDenied):
        committees.committee_create(
            actor=personas.actor("alice"),
            data={"name": "X", "rrule": "FREQ=WEEKLY", "first_at": paris(2030, 1, 8)},
        )
    committee = weekly(personas)
    for who in ("bob", "erin", "alice"):
        with pytest.raises(PermissionDenied):
            committees.committee_members_set(
                actor=personas.actor(who), committee=committee, user_ids=[personas.bob.pk]
            )
    assert committees.committee_members_set(
        actor=personas.actor("dave"), committee=committee, user_ids=[personas.bob.pk]
    ) == [personas.bob.pk]


def test_only_active_members_of_the_workspace_sit_on_a_committee(personas, clock):
    committee = weekly(personas)
    actor = personas.actor("mia")
    with pytest.raises(ValidationFailed) as refused:
        committees.committee_members_set(
            actor=actor, committee=committee, user_ids=[personas.alice.pk, personas.carol.pk]
        )
    assert list(refused.value.field_errors) == ["members"]
    Membership.objects.filter(user=personas.bob).update(is_active=False)
    with pytest.raises(ValidationFailed):
        committees.committee_member_add(actor=actor, committee=committee, user_id=personas.bob.pk)
    assert committee.memberships.count() == 0


def test_members_are_added_and_removed_and_each_change_is_audited(personas, clock):
    committee = weekly(personas)
    actor = personas.actor("mia")
    committees.committee_member_add(actor=actor, committee=committee, user_id=personas.alice.pk)
    committees.committee_member_add(actor=actor, committee=committee, user_id=personas.bob.pk)
    committees.committee_member_remove(actor=actor, committee=committee, user_id=personas.alice.pk)
    assert list(committee.memberships.values_list("user_id", flat=True)) == [personas.bob.pk]
    entries = AuditEntry.objects.filter(target="committee", target_id=committee.pk, action="update")
    assert [e.after["members"] for e in entries.order_by("id")] == [
        [personas.alice.pk],
        sorted([personas.alice.pk, personas.bob.pk]),
        [personas.bob.pk],
    ]


def test_the_fields_are_checked_and_named(personas, clock):
    weekly(personas)
    cases = [
        ({"name": "comité du MARDI"}, "name"),  # the same name, whatever the case
        ({"name": "B", "rrule": "FREQ=HOURLY"}, "rrule"),
        ({"name": "B", "duration_minutes": 2}, "duration_minutes"),
        ({"name": "B", "pod": f.PodFactory(workspace=personas.globex).pk}, "pod"),
        ({"name": "B", "kind": "weekly_party"}, "kind"),
        ({"name": "B", "first_at": None}, "first_at"),
    ]
    for extra, field in cases:
        with pytest.raises(ValidationFailed) as refused:
            weekly(personas, **extra)
        assert list(refused.value.field_errors) == [field], extra


# -- the missing side ---------------------------------------------------------------------------------


def test_a_committee_without_marketing_or_without_sales_is_flagged(personas, clock):
    actor = personas.actor("mia")
    committee = weekly(personas)
    row = committee_selectors.committee_row(actor, committee)
    assert row.missing_sides == ["marketing", "sales"]
    # RevOps and executives are of neither side: still missing both
    committees.committee_members_set(
        actor=actor, committee=committee, user_ids=[personas.rita.pk, personas.erin.pk]
    )
    assert committee_selectors.committee_row(actor, committee).missing_sides == [
        "marketing",
        "sales",
    ]
    committees.committee_member_add(actor=actor, committee=committee, user_id=personas.alice.pk)
    row = committee_selectors.committee_row(actor, committee)
    assert row.missing_sides == ["sales"]
    assert [u.pk for u in row.members["marketing"]] == [personas.alice.pk]
    committees.committee_member_add(actor=actor, committee=committee, user_id=personas.dave.pk)
    row = committee_selectors.committee_row(actor, committee)
    assert row.missing_sides == []
    assert {u.pk for u in row.members["other"]} == {personas.rita.pk, personas.erin.pk}


def test_the_list_reads_in_a_constant_number_of_queries(personas, clock, django_assert_num_queries):
    actor = personas.actor("mia")
    for n in range(3):
        c = weekly(personas, name=f"Comité {n}")
        committees.committee_members_set(
            actor=actor, committee=c, user_ids=[personas.alice.pk, personas.bob.pk]
        )
    with django_assert_num_queries(4):  # committees, members, their roles, the next meetings
        rows = committee_selectors.committee_list(actor)
    assert [r.next_meeting.starts_at for r in rows] == [paris(2030, 1, 8)] * 3


# -- the ICS feed ------------------------------------------------------------------------------------


def test_the_persons_feed_carries_the_meetings_of_their_committees(personas):
    ws = personas.acme
    today = ws.today()
    # next week's Tuesday at 10:00, local: this test runs on the real clock (the feed's window)
    tuesday = today + dt.timedelta(days=7 + (1 - today.weekday()) % 7)
    first = dt.datetime.combine(tuesday, dt.time(10, 0), tzinfo=ws.zone)
    committee = committees.committee_create(
        actor=personas.actor("mia"),
        data={
            "name": "Comité d’écoute, Lyon; mensuel",
            "kind": "monthly",
            "rrule": "FREQ=WEEKLY;COUNT=2",
            "first_at": first,
            "duration_minutes": 90,
            "location": "https://visio.example/comite",
            "members": [personas.bob.pk, personas.alice.pk],
        },
    )
    first_meeting, second = committee.meetings.order_by("starts_at")
    second.state = MeetingState.CANCELLED
    second.save()
    other = committees.committee_create(  # bob is not on it
        actor=personas.actor("mia"),
        data={"name": "Autre", "rrule": "FREQ=WEEKLY", "first_at": first, "members": []},
    )
    _feed, secret = feeds.feed_create(actor=personas.actor("bob"))
    response = Client().get(reverse("calendar_feed", args=[secret]))
    assert response.status_code == 200
    events = {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    uid = f"meeting-{first_meeting.pk}@127.0.0.1"
    event = events[uid]
    assert str(event["SUMMARY"]) == "Comité d’écoute, Lyon; mensuel"
    assert event["DTSTART"].dt == first
    assert event["DTEND"].dt == first + dt.timedelta(minutes=90)
    assert str(event["LOCATION"]) == "https://visio.example/comite"
    assert event["URL"] == f"http://127.0.0.1:8000/w/acme/meetings/{first_meeting.pk}/"
    assert str(event["STATUS"]) == "CONFIRMED"
    cancelled = events[f"meeting-{second.pk}@127.0.0.1"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled["DTSTART"].dt == first + dt.timedelta(days=7)
    assert other.meetings.exists()  # and none of them in bob's feed:
    meeting_uids = {u for u in events if u.startswith("meeting-")}
    assert meeting_uids == {uid, f"meeting-{second.pk}@127.0.0.1"}
    # the same UIDs on every read; someone on no committee gets no meeting
    again = Calendar.from_ical(Client().get(reverse("calendar_feed", args=[secret])).content)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)
    _feed, erins = feeds.feed_create(actor=personas.actor("erin"))
    hers = Calendar.from_ical(Client().get(reverse("calendar_feed", args=[erins])).content)
    assert not [e for e in hers.walk("VEVENT") if str(e["UID"]).startswith("meeting-")]


# -- the pages -------------------------------------------------------------------------------------

pages = pytest.mark.usefixtures("english_pages")


def _client(user: Any) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


@pages
def test_the_list_flags_the_committee_missing_a_side(personas, clock):
    actor = personas.actor("mia")
    both = weekly(personas, name="Les deux")
    committees.committee_members_set(
        actor=actor, committee=both, user_ids=[personas.alice.pk, personas.bob.pk]
    )
    weekly(personas, name="Marketing seul", members=[personas.alice.pk])
    html = _client(personas.bob).get(reverse("committee_list", args=["acme"])).content.decode()
    assert 'data-missing="sales"' in html
    assert html.count("data-missing=") == 1
    assert "Every week on Tuesday at 10:00" in html
    assert "Tuesday 8 January 2030, 10:00" in html  # the next meeting
    assert "committee-new" not in html  # bob may not set committees up


@pages
def test_a_manager_creates_a_committee_from_the_form(personas, clock):
    client = _client(personas.dave)
    url = reverse("committee_create", args=["acme"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "name": "Revue trimestrielle",
            "kind": "qbr",
            "first_date": "2030-01-15",  # the third Tuesday of January
            "first_time": "14:30",
            "duration_minutes": "120",
            "frequency": "quarterly",
            "location": "Siège",
        },
    )
    committee = Committee.objects.get(name="Revue trimestrielle")
    assert response.status_code == 302
    assert response["Location"] == reverse("committee_detail", args=["acme", committee.pk])
    assert committee.rrule == "FREQ=MONTHLY;INTERVAL=3;BYDAY=3TU"
    assert committee.first_at == paris(2030, 1, 15, 14) + dt.timedelta(minutes=30)
    assert starts(committee) == ["01-15 Tue 14:30"]  # 15 April is beyond the horizon
    refused = client.post(
        url,
        {
            "name": "Sans règle",
            "kind": "qbr",
            "first_date": "2030-01-15",
            "first_time": "10:00",
            "duration_minutes": "60",
            "frequency": "custom",
            "rrule": "FREQ=HOURLY",
        },
    )
    assert refused.status_code == 422
    assert "at most once a day" in refused.content.decode()


@pages
def test_the_detail_shows_members_by_side_and_links_each_meeting(personas, clock):
    committee = weekly(personas, members=[personas.alice.pk])
    client = _client(personas.mia)
    url = reverse("committee_detail", args=["acme", committee.pk])
    html = client.get(url).content.decode()
    assert "missing a side" in html
    first = committee.meetings.order_by("starts_at").first()
    assert f'href="/w/acme/meetings/{first.pk}/"' in html
    add = client.post(
        reverse("committee_member_add", args=["acme", committee.pk]), {"user": personas.bob.pk}
    )
    assert add.status_code == 302
    html = client.get(url).content.decode()
    assert "missing a side" not in html
    client.post(
        reverse("committee_member_remove", args=["acme", committee.pk]),
        {"user": personas.alice.pk},
    )
    assert list(committee.memberships.values_list("user_id", flat=True)) == [personas.bob.pk]
    client.post(reverse("committee_archive", args=["acme", committee.pk]))
    assert Committee.objects.get(pk=committee.pk).archived_at is not None


@pages
def test_the_pages_refuse_writers_without_the_capability_and_hide_other_workspaces(personas, clock):
    committee = weekly(personas)
    bob = _client(personas.bob)
    assert bob.get(reverse("committee_detail", args=["acme", committee.pk])).status_code == 200
    assert bob.get(reverse("committee_edit", args=["acme", committee.pk])).status_code == 403
    assert bob.post(reverse("committee_archive", args=["acme", committee.pk])).status_code == 403
    carol = _client(personas.carol)
    other = reverse("committee_detail", args=["globex", committee.pk])
    assert carol.get(other).status_code == 404
