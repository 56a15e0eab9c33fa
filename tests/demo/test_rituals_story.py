"""The demo's rituals tell a believable story (issue 19): committees of both sides meeting on their
rule, held meetings with their attendance, agenda, minutes, decisions and action items; a
finished vis-ma-vie with its pairs, sessions and debriefs, and the next one open for sign-up.

The demo is built once, at a fixed load instant (Friday 4 December 2026, 16:00 UTC), so that
the meetings' dates below are worked out by hand from the calendar; every check reads the rows
with plain ORM queries and this module's own constants.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.core.management import call_command

from cordee.codesign.models import Debrief, LaunchOverride
from cordee.demo import DEMO_SLUG
from cordee.demo import builder as b
from cordee.feedback.models import FeedbackItem, FeedbackStatusChange
from cordee.funnel.models import Goal, RejectionReason, SlaBreach
from cordee.people.models import PodMember
from cordee.rituals.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    ExchangeDebrief,
    ExchangeSession,
    Meeting,
    Pairing,
    Participant,
    Programme,
)
from cordee.tenancy.models import Membership, Workspace

UTC = dt.UTC
PARIS = ZoneInfo("Europe/Paris")
LOAD = dt.datetime(2026, 12, 4, 16, 0, tzinfo=UTC)  # a Friday afternoon
SPREAD = dt.timedelta(minutes=30)  # how far outside the working windows a person may act
MARKETING = {"marketer", "marketing_manager"}
SALES = {"sdr", "sales_rep", "sales_manager"}
SOURCES: dict[str, Any] = {
    "action": ActionItem,
    "breach": SlaBreach,
    "goal": Goal,
    "feedback": FeedbackItem,
    "override": LaunchOverride,
    "debrief": Debrief,
    "rejections": RejectionReason,
    "exchange": ExchangeDebrief,
}


@pytest.fixture(scope="module")
def story(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    with django_db_blocker.unblock():
        b.delete_workspace(DEMO_SLUG)
        b.build_demo(size="small", seed=1, now=LOAD)
        yield {"ws": Workspace.objects.get(slug=DEMO_SLUG), "now": LOAD}
        call_command("flush", interactive=False, verbosity=0)


PUBLIC = holidays.country_holidays("FR", years=range(2025, 2028))


def _business_day(ws: Workspace, day: dt.date) -> bool:
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
    return day not in PUBLIC and bool(ws.business_hours.get(weekday))


def _at_work(ws: Workspace, at: dt.datetime, spread: dt.timedelta = SPREAD) -> bool:
    local = at.astimezone(PARIS)
    day = local.date()
    if not _business_day(ws, day):
        return False
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[day.weekday()]
    for start, end in ws.business_hours[weekday]:
        opens = dt.datetime.combine(day, dt.time.fromisoformat(start), PARIS)
        closes = dt.datetime.combine(day, dt.time.fromisoformat(end), PARIS)
        if opens - spread <= local <= closes + spread:
            return True
    return False


def _roles(ws: Workspace) -> dict[int, str]:
    return dict(Membership.objects.filter(workspace=ws).values_list("user_id", "role"))


def _local(at: dt.datetime) -> dt.datetime:
    return at.astimezone(PARIS)


# --------------------------------------------------------------------------- committees


@pytest.mark.django_db
def test_every_committee_has_both_sides(story: dict[str, Any]) -> None:
    ws = story["ws"]
    roles = _roles(ws)
    committees = list(Committee.objects.filter(workspace=ws))
    kinds = sorted(c.kind for c in committees)
    assert kinds == ["monthly", "pod_weekly", "pod_weekly", "pod_weekly", "qbr"]
    for committee in committees:
        members = [roles[u] for u in committee.memberships.values_list("user_id", flat=True)]
        assert MARKETING & set(members) and SALES & set(members), committee.name
        if committee.pod_id:  # a pod's meeting: that pod's people
            pod_people = set(
                PodMember.objects.filter(pod=committee.pod).values_list("user_id", flat=True)
            )
            assert set(committee.memberships.values_list("user_id", flat=True)) == pod_people


@pytest.mark.django_db
def test_the_monthly_committee_meets_on_its_rule(story: dict[str, Any]) -> None:
    """First Thursday of the month, 9:30 in Paris summer and winter alike, from the first one
    six months before the load (4 June 2026) to three months after it (4 March 2027); August's
    cancelled for the holidays; the ones after the load planned."""
    ws = story["ws"]
    committee = Committee.objects.get(workspace=ws, kind="monthly")
    assert committee.rrule == "FREQ=MONTHLY;BYDAY=1TH"
    meetings = list(committee.meetings.order_by("starts_at"))
    held = ["2026-06-04", "2026-07-02", "2026-09-03", "2026-10-01", "2026-11-05", "2026-12-03"]
    planned = ["2027-01-07", "2027-02-04", "2027-03-04"]
    by_state = defaultdict(list)
    for m in meetings:
        assert (_local(m.starts_at).hour, _local(m.starts_at).minute) == (9, 30)
        assert m.ends_at - m.starts_at == dt.timedelta(minutes=90)
        by_state[m.state].append(_local(m.starts_at).date().isoformat())
    assert by_state == {"held": held, "cancelled": ["2026-08-06"], "planned": planned}
    assert committee.first_at == dt.datetime(2026, 6, 4, 7, 30, tzinfo=UTC)  # 9:30 CEST


@pytest.mark.django_db
def test_pod_meetings_skip_the_holidays(story: dict[str, Any]) -> None:
    """Every Tuesday from 9 June 2026 to 2 March 2027: 39 Tuesdays; 14 July (Fête nationale),
    the three last of August and the two of the Christmas weeks cancelled; held up to the
    load's week (1 December), planned after."""
    ws = story["ws"]
    cancelled = ["2026-07-14", "2026-08-11", "2026-08-18", "2026-08-25", "2026-12-22", "2026-12-29"]
    for committee in Committee.objects.filter(workspace=ws, kind="pod_weekly"):
        meetings = list(committee.meetings.order_by("starts_at"))
        days = [_local(m.starts_at).date() for m in meetings]
        assert days[0] == dt.date(2026, 6, 9) and days[-1] == dt.date(2027, 3, 2)
        assert len(days) == 39 and all(d.weekday() == 1 for d in days)
        states = {_local(m.starts_at).date().isoformat(): m.state for m in meetings}
        # those, and a meeting where too many people of a small pod were on leave
        others = [
            m
            for m in meetings
            if m.state == "cancelled" and _local(m.starts_at).date().isoformat() not in cancelled
        ]
        assert {d for d, s in states.items() if s == "cancelled"} >= set(cancelled)
        assert len(others) <= 3 and all("congés" in m.notes for m in others)
        assert all(s != "planned" for d, s in states.items() if d <= "2026-12-01")
        assert all(s != "held" for d, s in states.items() if d > "2026-12-04")
        assert sum(s == "held" for s in states.values()) >= 20
        assert all(m.notes for m in meetings if m.state == "cancelled")


@pytest.mark.django_db
def test_every_held_meeting_has_attendance_and_an_agenda(story: dict[str, Any]) -> None:
    ws, now = story["ws"], story["now"]
    held = Meeting.objects.filter(workspace=ws, state="held").select_related("committee")
    assert held.count() >= 60
    absent = 0
    for meeting in held:
        assert meeting.ends_at < now and _at_work(ws, meeting.starts_at, dt.timedelta(0))
        members = set(meeting.committee.memberships.values_list("user_id", flat=True))
        rows = dict(meeting.attendance.values_list("user_id", "present"))
        assert set(rows) == members, meeting
        # most members present: at least two, at least half
        assert sum(rows.values()) >= max(2, (len(members) + 1) // 2), meeting
        assert rows[meeting.closed_by_id], meeting  # run by someone who was there
        absent += len(rows) - sum(rows.values())
        assert meeting.agenda_items.filter(removed_at__isnull=True).exists(), meeting
        assert all(i.minutes for i in meeting.agenda_items.all()), meeting
        assert meeting.closed_at is not None and meeting.closed_at <= now
    assert absent > 0  # holidays and busy days: not everybody every time


@pytest.mark.django_db
def test_planned_meetings_are_empty(story: dict[str, Any]) -> None:
    ws, now = story["ws"], story["now"]
    for meeting in Meeting.objects.filter(workspace=ws).exclude(state="held"):
        assert not meeting.agenda_items.exists() and not meeting.attendance.exists()
        assert not meeting.decisions.exists() and not meeting.actions.exists()
        if meeting.state == "planned":
            assert meeting.starts_at > now


# --------------------------------------------------------------------------- agenda


@pytest.mark.django_db
def test_agenda_items_name_objects_of_the_workspace(story: dict[str, Any]) -> None:
    ws = story["ws"]
    items = list(AgendaItem.objects.filter(workspace=ws))
    sources = {i.source for i in items}
    assert {"action", "breach", "feedback", "goal", "debrief", "exchange", "manual"} <= sources
    for item in items:
        if item.source == "manual":
            assert item.title and item.object_id is None
            continue
        model = SOURCES[item.source]
        assert model.objects.filter(workspace=ws, pk=item.object_id).exists(), item.key
        assert item.key == f"{item.source}:{item.object_id}"
    # the agenda's order: carried actions first, hand-added lines last
    order = ["action", "breach", "goal", "feedback", "override", "debrief", "rejections", "exchange", "manual"]  # fmt: skip
    for meeting in Meeting.objects.filter(workspace=ws, state="held"):
        sources_in_order = [i.source for i in meeting.agenda_items.order_by("position")]
        assert sources_in_order == sorted(sources_in_order, key=order.index)


@pytest.mark.django_db
def test_breaches_decided_close_their_committee_flag(story: dict[str, Any]) -> None:
    ws = story["ws"]
    on_agenda = set(
        AgendaItem.objects.filter(workspace=ws, source="breach").values_list("object_id", flat=True)
    )
    decided = set(
        Decision.objects.filter(workspace=ws, agenda_item__source="breach").values_list(
            "agenda_item__object_id", flat=True
        )
    )
    closed = set(
        SlaBreach.objects.filter(workspace=ws, committee_pending=False).values_list("id", flat=True)
    )
    assert on_agenda and on_agenda == decided == closed
    # each was discussed after it fell due, by the committee of its side
    for item in AgendaItem.objects.filter(workspace=ws, source="breach").select_related(
        "meeting__committee"
    ):
        breach = SlaBreach.objects.get(pk=item.object_id)
        assert breach.due_at < item.meeting.starts_at
        kind = item.meeting.committee.kind
        assert (breach.side, kind) in {("sales", "pod_weekly"), ("marketing", "monthly")}


@pytest.mark.django_db
def test_feedback_decisions_match_status_changes(story: dict[str, Any]) -> None:
    ws = story["ws"]
    decisions = Decision.objects.filter(workspace=ws).exclude(feedback_status="")
    assert decisions.exists()
    for decision in decisions.select_related("agenda_item"):
        assert decision.agenda_item is not None and decision.agenda_item.source == "feedback"
        assert FeedbackStatusChange.objects.filter(
            item_id=decision.agenda_item.object_id,
            to_status=decision.feedback_status,
            at__gt=decision.decided_at,
            at__lte=decision.decided_at + dt.timedelta(days=5),
        ).exists()


@pytest.mark.django_db
def test_campaign_items_are_marked_discussed_at_their_meeting(story: dict[str, Any]) -> None:
    ws = story["ws"]
    for source, model in (("debrief", Debrief), ("override", LaunchOverride)):
        for item in AgendaItem.objects.filter(workspace=ws, source=source).select_related(
            "meeting"
        ):
            discussed = model.objects.get(pk=item.object_id).discussed_at
            assert item.meeting.starts_at <= discussed <= item.meeting.ends_at, item.key
    assert AgendaItem.objects.filter(workspace=ws, source="debrief").count() >= 5


# --------------------------------------------------------------------------- action items


@pytest.mark.django_db
def test_action_items_due_on_business_days_and_carried_until_done(story: dict[str, Any]) -> None:
    ws, now = story["ws"], story["now"]
    roles = _roles(ws)
    actions = list(ActionItem.objects.filter(workspace=ws).select_related("meeting"))
    assert len(actions) >= 40
    owners = {roles[a.owner_id] for a in actions}
    assert owners & MARKETING and owners & SALES  # owners from both sides
    on_time = late = still_open = 0
    for action in actions:
        assert _business_day(ws, action.due_on), action.due_on
        assert action.due_on > _local(action.meeting.starts_at).date()
        if action.done_at is None:
            still_open += 1
        else:
            assert action.done_at <= now and _at_work(ws, action.done_at)
            assert action.done_at > action.meeting.ends_at and action.done_by_id == action.owner_id
            if _local(action.done_at).date() <= action.due_on:
                on_time += 1
            else:
                late += 1
        # carried to every later meeting of its committee held before it was done, none after
        later = Meeting.objects.filter(
            committee_id=action.committee_id, state="held", starts_at__gt=action.meeting.starts_at
        )
        for meeting in later:
            carried = meeting.agenda_items.filter(key=f"action:{action.pk}").exists()
            assert carried == (action.done_at is None or action.done_at > meeting.starts_at)
    assert on_time > late > 0 and still_open > 0
    assert on_time >= 0.6 * len(actions)


# --------------------------------------------------------------------------- vis-ma-vie


@pytest.mark.django_db
def test_the_finished_programme(story: dict[str, Any]) -> None:
    """Autumn 2026: from Monday 14 September to Friday 16 October (five weeks), closed; every
    marketing person (5) and every salesperson (8) signed up in time, eight confirmed pairs."""
    ws = story["ws"]
    roles = _roles(ws)
    programme = Programme.objects.get(workspace=ws, name="Vis ma vie — automne 2026")
    assert (programme.starts_on, programme.ends_on) == (dt.date(2026, 9, 14), dt.date(2026, 10, 16))
    assert programme.state == "closed" and programme.signup_until == dt.date(2026, 8, 31)
    parts = list(programme.participants.all())
    sides = sorted(p.side for p in parts)
    assert sides == ["marketing"] * 5 + ["sales"] * 8
    for part in parts:
        assert (roles[part.user_id] in MARKETING) == (part.side == "marketing")
        assert part.learning_goals and _at_work(ws, part.opted_in_at)
        assert part.opted_in_at.date() <= programme.signup_until
        days = [dt.date.fromisoformat(d) for d in part.available_days]
        assert days and all(programme.starts_on <= d <= programme.ends_on for d in days)
        assert all(_business_day(ws, d) for d in days)
    pairs = programme.pairings.filter(state="confirmed")
    assert pairs.count() == 8
    # a host receives no more visitors than their capacity
    visits: dict[int, int] = defaultdict(int)
    for session in ExchangeSession.objects.filter(pairing__programme=programme):
        visits[session.host_id] += 1
    for part in parts:
        assert visits[part.pk] <= part.capacity


@pytest.mark.django_db
def test_no_pair_repeats_and_most_cross_pods(story: dict[str, Any]) -> None:
    ws = story["ws"]
    pairs = [
        (p.marketer.user_id, p.salesperson.user_id)
        for p in Pairing.objects.filter(workspace=ws).select_related("marketer", "salesperson")
    ]
    assert len(pairs) == len(set(pairs)) == 8
    pods = dict(PodMember.objects.filter(pod__workspace=ws).values_list("user_id", "pod_id"))
    same = [m for m, s in pairs if m in pods and pods.get(m) == pods.get(s)]
    assert len(same) <= 2


@pytest.mark.django_db
def test_sessions_on_business_days_in_working_hours(story: dict[str, Any]) -> None:
    ws = story["ws"]
    sessions = list(
        ExchangeSession.objects.filter(workspace=ws).select_related(
            "pairing__marketer", "pairing__salesperson", "pairing__programme", "host"
        )
    )
    assert len(sessions) == 16  # each pair: a day on each side
    for s in sessions:
        start, end = _local(s.starts_at), _local(s.ends_at)
        day = start.date()
        assert end.date() == day and _business_day(ws, day) and day not in PUBLIC
        assert (start.hour, start.minute) >= (9, 0) and (end.hour, end.minute) <= (18, 0)
        assert s.pairing.programme.starts_on <= day <= s.pairing.programme.ends_on
        for part in (s.pairing.marketer, s.pairing.salesperson):
            assert day.isoformat() in part.available_days
        assert s.host_id in (s.pairing.marketer_id, s.pairing.salesperson_id)
    # nobody is in two sessions on one day
    busy: dict[tuple[int, dt.date], int] = defaultdict(int)
    for s in sessions:
        for part in (s.pairing.marketer, s.pairing.salesperson):
            busy[(part.user_id, _local(s.starts_at).date())] += 1
    assert max(busy.values()) == 1


@pytest.mark.django_db
def test_debriefs_come_after_a_session(story: dict[str, Any]) -> None:
    ws, now = story["ws"], story["now"]
    last: dict[int, dt.datetime] = {}
    for s in ExchangeSession.objects.filter(workspace=ws).select_related("pairing"):
        for pk in (s.pairing.marketer_id, s.pairing.salesperson_id):
            last[pk] = max(last.get(pk, s.ends_at), s.ends_at)
    debriefs = list(ExchangeDebrief.objects.filter(workspace=ws).select_related("participant"))
    assert 8 <= len(debriefs) <= 13
    for d in debriefs:
        assert d.participant_id in last and last[d.participant_id] < d.written_at <= now
        assert _at_work(ws, d.written_at) and d.surprised and d.will_change
    assert len({d.surprised for d in debriefs}) == len(debriefs)  # varied
    # two became field feedback, written by their author after the debrief
    turned = [d for d in debriefs if d.feedback_item_id]
    assert len(turned) == 2
    for d in turned:
        item = FeedbackItem.objects.get(pk=d.feedback_item_id)
        assert item.author_id == d.participant.user_id and item.submitted_at >= d.written_at
        assert _at_work(ws, item.submitted_at) and d.surprised in item.text
    # one went to the next monthly committee held after it was written
    (taken,) = [d for d in debriefs if d.agenda_item_id]
    item = AgendaItem.objects.select_related("meeting__committee").get(pk=taken.agenda_item_id)
    assert (item.source, item.object_id) == ("exchange", taken.pk)
    nxt = (
        Meeting.objects.filter(
            committee__kind="monthly", state="held", starts_at__gt=taken.written_at
        )
        .order_by("starts_at")
        .first()
    )
    assert item.meeting == nxt


@pytest.mark.django_db
def test_the_next_programme_is_open(story: dict[str, Any]) -> None:
    ws, now = story["ws"], story["now"]
    programme = Programme.objects.get(workspace=ws, name="Vis ma vie — printemps 2027")
    assert programme.state == "open" and programme.signup_until > now.date()
    assert programme.starts_on == dt.date(2027, 3, 15)  # the Monday after 9 March 2027
    parts = Participant.objects.filter(programme=programme)
    assert 3 <= parts.count() <= 6 and {p.side for p in parts} == {"marketing", "sales"}
    assert not programme.pairings.exists()
    for part in parts:
        assert part.opted_in_at <= now and _at_work(ws, part.opted_in_at)


@pytest.mark.django_db
def test_meeting_acts_in_working_hours(story: dict[str, Any]) -> None:
    ws = story["ws"]
    for decision in Decision.objects.filter(workspace=ws).select_related("meeting"):
        assert decision.meeting.starts_at < decision.decided_at < decision.meeting.ends_at
        assert _at_work(ws, decision.decided_at)
    for presence in Attendance.objects.filter(workspace=ws).select_related("meeting")[:50]:
        assert presence.meeting.state == "held"
    for committee in Committee.objects.filter(workspace=ws):
        assert _at_work(ws, committee.created_at) and committee.created_by_id is not None
    for programme in Programme.objects.filter(workspace=ws):
        assert _at_work(ws, programme.created_at)


@pytest.mark.django_db
def test_agenda_lines_keep_their_numbers(story: dict[str, Any]) -> None:
    """Each generated line keeps what the agenda writes it with: a breach its side and kind, a
    goal its status on the meeting's day, a carried action its owner and due date."""
    ws = story["ws"]
    for item in AgendaItem.objects.filter(workspace=ws, source="breach"):
        breach = SlaBreach.objects.get(pk=item.object_id)
        assert (item.params["side"], item.params["kind"]) == (breach.side, breach.kind)
        assert item.params["due"] == breach.due_at.isoformat() and item.params["count"] == 1
    for item in AgendaItem.objects.filter(workspace=ws, source="goal"):
        assert item.params["status"] in ("at_risk", "off_track")
        assert int(item.params["percent"]) < 100 or item.params["kpi"] == "acceptance_rate"
    for item in AgendaItem.objects.filter(workspace=ws, source="action"):
        action = ActionItem.objects.select_related("owner").get(pk=item.object_id)
        assert item.params["due"] == action.due_on.isoformat()
        assert item.params["owner"] == action.owner.get_full_name()
        day = item.meeting.starts_at.astimezone(PARIS).date()
        assert item.params["late"] == (action.due_on < day)
