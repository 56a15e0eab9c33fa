"""The rituals' participation numbers on a hand-worked Acme, fiscal quarter 2026-Q4 (1 October –
31 December 2026; the fiscal year starts in January), for the workspace and the pod "Grand Est".

Acme's active members by side: marketing alice, mia (2); sales bob, dave (2); other erin, rita.
Pod Grand Est: alice, bob, dave.

Committees: A (pod Grand Est; alice, bob, dave), B (no pod; mia, dave, erin). Meetings:

| meeting      | state     | present          | absent |
|--------------|-----------|------------------|--------|
| A 6 Oct      | held      | alice, bob       | dave   |
| A 3 Nov      | held      | alice, bob, dave |        |
| A 1 Dec      | cancelled |                  |        |
| A 5 Jan 2027 | held      | (outside)        |        |
| B 10 Nov     | held      | mia, erin        | dave   |

Action items due in the quarter: A's x1 due 20 Oct, done 20 Oct 23:30 Paris (on time); x2 due
30 Nov, done 1 Dec 00:30 Paris — 30 Nov 23:30 UTC, late on the workspace's calendar; x3 due
15 Dec, open; B's y1 due 20 Nov, done 18 Nov (on time). A's x4, due 10 Jan 2027: outside.

Programmes: P1 2–27 Nov (alice marketing, bob sales, dave sales but withdrawn); P2 28 Sep –
2 Oct (mia marketing: overlaps the quarter); P3 January 2027 (dave: outside).

By hand, the workspace:
- committees held: A 6 Oct, A 3 Nov, B 10 Nov = 3;
- attendance: marketing alice, alice, mia present ÷ 3 expected = 3 ÷ 3; sales bob, bob, dave
  present of bob, dave, bob, dave, dave = 3 ÷ 5; other erin = 1 ÷ 1;
- action items on time: x1, y1 of x1, x2, x3, y1 = 2 ÷ 4;
- programme participation: marketing alice, mia ÷ alice, mia = 2 ÷ 2; sales bob ÷ bob, dave =
  1 ÷ 2.
The pod Grand Est (committee A, the pod's members):
- committees held 2; attendance marketing 2 ÷ 2, sales 3 ÷ 4, other 0 ÷ 0;
- action items on time: x1 of x1, x2, x3 = 1 ÷ 3;
- programme participation: marketing alice ÷ alice = 1 ÷ 1; sales bob ÷ bob, dave = 1 ÷ 2.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cordee.analytics import rituals_participation as maths
from cordee.core.errors import ValidationFailed
from cordee.people.models import PodMember
from cordee.rituals.models import (
    ActionItem,
    Attendance,
    MeetingState,
    Participant,
    Programme,
)
from cordee.rituals.participation import participation_read
from tests import factories as f
from tests.rituals.test_meetings import make_committee, make_meeting

PARIS = ZoneInfo("Europe/Paris")


def _at(y, m, d, h=14, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=PARIS)


def _held(personas, committee, when, present, absent, state=MeetingState.HELD):
    meeting = make_meeting(committee, when, state=state)
    for who, there in [(w, True) for w in present] + [(w, False) for w in absent]:
        Attendance.objects.create(
            workspace=personas.acme, meeting=meeting, user=getattr(personas, who), present=there
        )
    return meeting


def _action(personas, meeting, title, due, done_at=None):
    return ActionItem.objects.create(
        workspace=personas.acme,
        committee=meeting.committee,
        meeting=meeting,
        title=title,
        owner=personas.bob,
        due_on=due,
        done_at=done_at,
    )


def _programme(personas, name, start, end, people):
    programme = Programme.objects.create(
        workspace=personas.acme, name=name, starts_on=start, ends_on=end
    )
    for who, side, withdrawn in people:
        Participant.objects.create(
            workspace=personas.acme,
            programme=programme,
            user=getattr(personas, who),
            side=side,
            opted_in_at=timezone.now(),
            withdrawn_at=timezone.now() if withdrawn else None,
        )


@pytest.fixture
def acme(personas):
    pod = f.PodFactory(workspace=personas.acme, name="Grand Est")
    for who in ("alice", "bob", "dave"):
        PodMember.objects.create(pod=pod, user=getattr(personas, who))
    a = make_committee(personas, ("alice", "bob", "dave"), name="Comité A", pod=pod)
    b = make_committee(personas, ("mia", "dave", "erin"), name="Comité B")
    a1 = _held(personas, a, _at(2026, 10, 6), ["alice", "bob"], ["dave"])
    _held(personas, a, _at(2026, 11, 3), ["alice", "bob", "dave"], [])
    _held(personas, a, _at(2026, 12, 1), [], [], state=MeetingState.CANCELLED)
    _held(personas, a, _at(2027, 1, 5), ["alice", "bob", "dave"], [])
    b1 = _held(personas, b, _at(2026, 11, 10), ["mia", "erin"], ["dave"])
    _action(personas, a1, "x1", dt.date(2026, 10, 20), _at(2026, 10, 20, 23, 30))
    _action(personas, a1, "x2", dt.date(2026, 11, 30), _at(2026, 12, 1, 0, 30))
    _action(personas, a1, "x3", dt.date(2026, 12, 15))
    _action(personas, a1, "x4", dt.date(2027, 1, 10))
    _action(personas, b1, "y1", dt.date(2026, 11, 20), _at(2026, 11, 18, 9))
    _programme(
        personas,
        "P1",
        dt.date(2026, 11, 2),
        dt.date(2026, 11, 27),
        [("alice", "marketing", False), ("bob", "sales", False), ("dave", "sales", True)],
    )
    _programme(
        personas, "P2", dt.date(2026, 9, 28), dt.date(2026, 10, 2), [("mia", "marketing", False)]
    )
    _programme(
        personas, "P3", dt.date(2027, 1, 4), dt.date(2027, 1, 29), [("dave", "sales", False)]
    )
    return pod


def _pairs(rates):
    return {side: (r.numerator, r.denominator) for side, r in rates.items()}


def test_the_workspaces_participation_in_the_quarter(personas, acme):
    report = participation_read(personas.actor("erin"), period="2026-Q4")
    n = report.numbers
    assert (report.period.key, report.period.start, report.period.end) == (
        "FY2026-Q4",
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert n.committees_held == 3
    assert _pairs(n.attendance) == {"marketing": (3, 3), "sales": (3, 5), "other": (1, 1)}
    assert (n.actions_on_time.numerator, n.actions_on_time.denominator) == (2, 4)
    assert _pairs(n.programme) == {"marketing": (2, 2), "sales": (1, 2)}


def test_a_pods_participation_in_the_quarter(personas, acme):
    report = participation_read(personas.actor("bob"), period="2026-Q4", pod=acme.pk)
    n = report.numbers
    assert report.pod == acme
    assert n.committees_held == 2
    assert _pairs(n.attendance) == {"marketing": (2, 2), "sales": (3, 4), "other": (0, 0)}
    assert n.attendance["other"].value is None  # nothing to divide: no rate, not 0 %
    assert (n.actions_on_time.numerator, n.actions_on_time.denominator) == (1, 3)
    assert _pairs(n.programme) == {"marketing": (1, 1), "sales": (1, 2)}


def test_another_workspaces_pod_and_a_bad_period_are_refused(personas, acme):
    theirs = f.PodFactory(workspace=personas.globex, name="Globex Nord")
    with pytest.raises(ValidationFailed) as refused:
        participation_read(personas.actor("bob"), period="2026-Q4", pod=theirs.pk)
    assert "pod" in refused.value.field_errors
    with pytest.raises(ValidationFailed) as refused:
        participation_read(personas.actor("bob"), period="Q4")
    assert "period" in refused.value.field_errors


def test_the_maths_count_a_late_done_and_an_open_item_as_not_on_time():
    rate = maths.actions_on_time(
        [
            maths.DueAction(dt.date(2026, 11, 30), dt.date(2026, 11, 30)),
            maths.DueAction(dt.date(2026, 11, 30), dt.date(2026, 12, 1)),
            maths.DueAction(dt.date(2026, 11, 30), None),
        ]
    )
    assert (rate.numerator, rate.denominator) == (1, 3)
