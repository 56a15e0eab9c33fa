"""The measured effect of a vis-ma-vie programme: the windows, each kind of number, the
difference-in-differences and the small-group rule — on hand-worked examples.

The workspace example (Acme: Europe/Paris, France, 09:00–12:30 and 14:00–18:00 on weekdays; no
public holiday from 30 September to 14 October 2026). The programme runs Monday 5 – Friday 9
October 2026 (5 days); measured on 1 December: *before* = 30 Sep – 4 Oct, *after* = 10 – 14 Oct.

Sales participants S1…S5 (each in a confirmed pair with M1, a marketer hosting five); sales
non-participants: Bob, Dave, O1, O2, O3 (five). On marketing, M1 alone took part, and only
Alice and Mia did not sign up: both marketing groups are under 5 — "not enough people".

Feedback items raised (per person per 30 days = items ÷ 5 people ÷ 5 days × 30):

| group | before | after |
|---|---|---|
| participants | S1 1, S2 1 → 2 → 2.4 | S1 2, S3 2, S4 1 → 5 → 6.0 |
| others | Bob 2, O1 1 → 3 → 3.6 | Bob 1, Dave 1 → 2 → 2.4 |

changes +3.6 and −1.2; difference 3.6 − (−1.2) = 4.8.

Decision time on MQLs (business hours from the MQL to the decision, decided in the window):

- before, participants: S1 Wed 30 Sep 09:00 → 11:00 = 2 h; S2 Wed 10:00 → Thu 1 Oct 10:00 =
  2.5 + 4 + 1 = 7.5 h; S3 Thu 17:00 → Fri 09:30 = 1 + 0.5 = 1.5 h → median 2.0;
- before, others: Bob Fri 2 Oct 12:00 → 15:00 = 0.5 + 1 = 1.5 h; Dave Fri 17:00 → Sat 10:00 =
  1 h → median 1.25;
- after, participants: S1 Mon 12 Oct 09:00 → 10:00 = 1 h; S2 14:00 → 14:30 = 0.5 h → median 0.75;
- after, others: Bob Fri 9 Oct 18:00 → Mon 12 Oct 12:00 = 3 h; O1 Tue 13 Oct 09:00 → 18:00 =
  7.5 h; O2 Wed 14 Oct 09:00 → 09:30 = 0.5 h → median 3.0;

changes 0.75 − 2.0 = −1.25 and 3.0 − 1.25 = +1.75; difference −1.25 − 1.75 = −3.0.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cordee.analytics.exchange_effect import (
    EFFECT_MIN_GROUP,
    Window,
    effect_row,
    effect_windows,
    summarise,
)
from cordee.feedback.models import FeedbackItem
from cordee.funnel.models import LeadDecision
from cordee.rituals.effect import programme_effect
from cordee.rituals.models import Pairing, Participant, Programme
from tests import factories as f

PARIS = ZoneInfo("Europe/Paris")


# -- the maths ------------------------------------------------------------------------------------


def test_the_windows_have_the_programme_s_length_on_both_sides() -> None:
    w = effect_windows(dt.date(2026, 10, 5), dt.date(2026, 10, 9), dt.date(2026, 12, 1))
    assert w is not None
    assert (w.before.start, w.before.end) == (dt.date(2026, 9, 30), dt.date(2026, 10, 4))
    assert (w.after.start, w.after.end) == (dt.date(2026, 10, 10), dt.date(2026, 10, 14))


def test_an_after_window_still_running_stops_yesterday_and_shortens_the_before_window() -> None:
    # a 10-day programme ended on 10 Oct; on 14 Oct only 11–13 Oct have passed: 3 days each
    w = effect_windows(dt.date(2026, 10, 1), dt.date(2026, 10, 10), dt.date(2026, 10, 14))
    assert w is not None
    assert (w.after.start, w.after.end, w.after.days) == (
        dt.date(2026, 10, 11),
        dt.date(2026, 10, 13),
        3,
    )
    assert (w.before.start, w.before.end) == (dt.date(2026, 9, 28), dt.date(2026, 9, 30))


def test_no_window_before_a_day_after_the_programme_has_passed() -> None:
    assert (
        effect_windows(dt.date(2026, 10, 1), dt.date(2026, 10, 10), dt.date(2026, 10, 11)) is None
    )


def test_each_kind_of_number() -> None:
    assert summarise("rate", [1, 0, 1, 1], 5, 10) == 0.75
    assert summarise("rate", [], 5, 10) is None
    assert summarise("median", [3, 1, 2, 10], 5, 10) == 2.5
    # 6 items by 4 people over 45 days: 6 ÷ 4 ÷ 45 × 30 = 1.0
    assert summarise("per_person_30d", [1] * 6, 4, 45) == 1.0


def test_the_difference_in_differences_of_a_rate() -> None:
    people, others = range(1, 6), range(11, 16)
    # participants: before 1 of 4 accepted (0.25), after 3 of 4 (0.75): +0.5
    # others: before 2 of 4 (0.5), after 3 of 5 (0.6): +0.1; difference 0.4
    before = [(1, 1.0), (2, 0.0), (3, 0.0), (4, 0.0), (11, 1.0), (12, 1.0), (13, 0.0), (14, 0.0)]
    after = [(1, 1.0), (2, 1.0), (3, 1.0), (5, 0.0), (11, 1.0), (12, 1.0), (13, 1.0), (14, 0.0)]
    after.append((15, 0.0))
    row = effect_row("rate", people, others, before, after, 30)
    assert (row.participants.before, row.participants.after) == (0.25, 0.75)
    assert (row.others.before, row.others.after) == (0.5, 0.6)
    assert row.difference == pytest.approx(0.4)


def test_a_group_under_the_threshold_shows_no_number_and_no_difference() -> None:
    assert EFFECT_MIN_GROUP == 5
    row = effect_row("median", [1, 2, 3, 4], range(11, 16), [(1, 2.0)], [(1, 1.0)], 30)
    assert row.participants.size == 4 and not row.participants.enough
    assert row.participants.before is None and row.participants.change is None
    assert row.others.enough
    assert row.difference is None


def test_window_holds_its_days() -> None:
    w = Window(dt.date(2026, 10, 10), dt.date(2026, 10, 14))
    assert w.holds(dt.date(2026, 10, 14)) and not w.holds(dt.date(2026, 10, 15))


# -- on the workspace -----------------------------------------------------------------------------


def at(month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=PARIS)


def member(workspace: Any, name: str, role: str) -> Any:
    user = f.UserFactory(email=f"{name}@example.fr", first_name=name)
    f.MembershipFactory(workspace=workspace, user=user, role=role)
    return user


@pytest.mark.django_db
def test_the_effect_on_a_hand_worked_workspace(personas: Any) -> None:
    ws = personas.acme
    prog = Programme.objects.create(
        workspace=ws, name="Octobre", starts_on=dt.date(2026, 10, 5), ends_on=dt.date(2026, 10, 9)
    )
    now = timezone.now()

    def join(user: Any, side: str, **kw: Any) -> Participant:
        return Participant.objects.create(
            workspace=ws, programme=prog, user=user, side=side, opted_in_at=now, **kw
        )

    m1 = join(member(ws, "m1", "marketer"), "marketing", is_host=True, capacity=5)
    s = {i: member(ws, f"s{i}", "sales_rep") for i in range(1, 6)}
    for user in s.values():
        Pairing.objects.create(
            workspace=ws,
            programme=prog,
            marketer=m1,
            salesperson=join(user, "sales"),
            state="confirmed",
        )
    o = {i: member(ws, f"o{i}", "sdr") for i in range(1, 4)}
    bob, dave = personas.bob, personas.dave

    def item(author: Any, when: dt.datetime) -> None:
        FeedbackItem.objects.create(
            workspace=ws, kind="objection", title="Prix", author=author, submitted_at=when
        )

    for author, when in [
        (s[1], at(9, 30, 10)),
        (s[2], at(10, 2, 10)),
        (bob, at(10, 1, 10)),
        (bob, at(10, 4, 10)),
        (o[1], at(9, 30, 15)),
        (s[1], at(10, 10, 10)),
        (s[1], at(10, 12, 10)),
        (s[3], at(10, 13, 10)),
        (s[3], at(10, 14, 10)),
        (s[4], at(10, 14, 20)),
        (bob, at(10, 12, 11)),
        (dave, at(10, 13, 11)),
        (s[5], at(10, 7, 10)),  # during the programme: in no window
        (s[5], at(10, 15, 10)),  # after the after window
    ]:
        item(author, when)

    def decision(who: Any, mql: dt.datetime, decided: dt.datetime) -> None:
        LeadDecision.objects.create(
            workspace=ws,
            lead=f.LeadFactory(workspace=ws),
            mql_at=mql,
            kind="accept",
            decided_by=who,
            decided_at=decided,
        )

    for who, mql, decided in [
        (s[1], at(9, 30, 9), at(9, 30, 11)),
        (s[2], at(9, 30, 10), at(10, 1, 10)),
        (s[3], at(10, 1, 17), at(10, 2, 9, 30)),
        (bob, at(10, 2, 12), at(10, 2, 15)),
        (dave, at(10, 2, 17), at(10, 3, 10)),
        (s[1], at(10, 12, 9), at(10, 12, 10)),
        (s[2], at(10, 12, 14), at(10, 12, 14, 30)),
        (bob, at(10, 9, 18), at(10, 12, 12)),
        (o[1], at(10, 13, 9), at(10, 13, 18)),
        (o[2], at(10, 14, 9), at(10, 14, 9, 30)),
    ]:
        decision(who, mql, decided)

    effect = programme_effect(prog, today=dt.date(2026, 12, 1))
    lines = {line.measure.key: line.row for line in effect.lines}

    raised = lines["feedback_raised"]
    assert (raised.participants.size, raised.others.size) == (5, 5)
    assert raised.participants.before == pytest.approx(2.4)
    assert raised.participants.after == pytest.approx(6.0)
    assert raised.others.before == pytest.approx(3.6)
    assert raised.others.after == pytest.approx(2.4)
    assert raised.difference == pytest.approx(4.8)

    hours = lines["decision_hours"]
    assert (hours.participants.before, hours.participants.after) == (2.0, 0.75)
    assert (hours.others.before, hours.others.after) == (1.25, 3.0)
    assert hours.difference == pytest.approx(-3.0)

    for key in ("acceptance_rate", "feedback_response_hours"):
        row = lines[key]
        assert (row.participants.size, row.others.size) == (1, 2)  # M1; Alice and Mia
        assert not row.participants.enough and not row.others.enough
        assert row.participants.before is None and row.difference is None


@pytest.mark.django_db
def test_the_marketing_numbers_read_the_funnel_s_and_the_feedback_s_definitions(
    personas: Any,
) -> None:
    """Window 10–14 Oct 2026. Acceptance, by campaign owner: L1 (Alice's campaign) MQL 12 Oct
    09:00 then SAL → Alice 1; L2 (Alice's) MQL 12 Oct 11:00, rejected → Alice 0; L3 (Mia's)
    not decided → not counted; L4 (Mia's) MQL 9 Oct, before the window → not counted.
    Response time, to whoever moved the item first out of *new*: F1 submitted 12 Oct 09:00,
    acknowledged by Alice at 11:00 → Alice 2 h; F2 submitted 12 Oct 17:00, answered by Mia 13
    Oct 11:30 (1 h + 2.5 h), acknowledged by Alice later → Mia 3.5 h; F3 waiting → not counted;
    F4 submitted 9 Oct → not counted."""
    from cordee.feedback.models import FeedbackResponse, FeedbackStatusChange
    from cordee.funnel.stages import ImportedStep, lead_history_import
    from cordee.rituals.effect import acceptance, feedback_response

    ws, alice, mia = personas.acme, personas.alice, personas.mia
    theirs = {
        "alice": f.CampaignFactory(workspace=ws, owner=alice),
        "mia": f.CampaignFactory(workspace=ws, owner=mia),
    }

    def lead(owner: str, steps: list[tuple[str, dt.datetime]]) -> Any:
        row = f.LeadFactory(
            workspace=ws, source_campaign=theirs[owner], stage_entered_at=steps[0][1]
        )
        lead_history_import(
            workspace_id=ws.pk, lead=row, steps=[ImportedStep(s, when) for s, when in steps]
        )
        return row

    lead("alice", [("mql", at(10, 12, 9)), ("sal", at(10, 12, 10))])
    rejected = lead("alice", [("mql", at(10, 12, 11))])
    LeadDecision.objects.create(
        workspace=ws,
        lead=rejected,
        mql_at=at(10, 12, 11),
        kind="reject",
        decided_by=personas.bob,
        decided_at=at(10, 12, 15),
    )
    lead("mia", [("mql", at(10, 13, 9))])
    lead("mia", [("mql", at(10, 9, 9)), ("sal", at(10, 12, 9))])
    window = Window(dt.date(2026, 10, 10), dt.date(2026, 10, 14))
    assert sorted(acceptance(ws, window)) == [(alice.pk, 0.0), (alice.pk, 1.0)]

    def item(when: dt.datetime) -> FeedbackItem:
        return FeedbackItem.objects.create(
            workspace=ws, kind="objection", title="Prix", author=personas.bob, submitted_at=when
        )

    def moved(row: FeedbackItem, who: Any, when: dt.datetime) -> None:
        FeedbackStatusChange.objects.create(
            workspace=ws, item=row, from_status="new", to_status="acknowledged", actor=who, at=when
        )

    f1, f2, _f3, f4 = (
        item(at(10, 12, 9)),
        item(at(10, 12, 17)),
        item(at(10, 13, 9)),
        item(at(10, 9, 9)),
    )
    moved(f1, alice, at(10, 12, 11))
    FeedbackResponse.objects.create(
        workspace=ws, item=f2, author=mia, text="Merci", created_at=at(10, 13, 11, 30)
    )
    moved(f2, alice, at(10, 13, 14))
    moved(f4, alice, at(10, 12, 9))
    assert sorted(feedback_response(ws, window)) == [(alice.pk, 2.0), (mia.pk, 3.5)]
