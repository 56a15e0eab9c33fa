"""Participation in the rituals for one fiscal period and one scope (the workspace, or a pod) —
pure, no Django. The reads (``cordee.rituals.participation``) give the facts already cut to the
period and the scope; this module counts:

- **committees held** = meetings marked held whose start falls in the period;
- **attendance by side** = Σ members of the side present ÷ Σ members of the side expected, over
  those meetings (one row per member and meeting: a member on two meetings counts twice);
- **action items closed on time** = action items due in the period done on or before their
  due date (the done instant's local date ≤ due date) ÷ action items due in the period;
- **programme participation by side** (marketing, sales) = people of the side who took part (opted in, not
  withdrawn) in a vis-ma-vie programme overlapping the period ÷ the side's members (a person in
  two programmes counts once; a participant who is no longer a member of the scope counts in
  neither).

Every rate is a numerator and a denominator (``alignment_campaigns.Rate``: its value is None
when the denominator is 0 — nothing to divide, not 0 %).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cordee.analytics.alignment_campaigns import Rate

SIDES = ("marketing", "sales", "other")
PAIRED_SIDES = ("marketing", "sales")


@dataclass(frozen=True)
class Presence:
    """One committee member at one held meeting."""

    side: str
    present: bool


@dataclass(frozen=True)
class DueAction:
    due_on: dt.date
    done_on: dt.date | None  # the local date it was marked done; None: still open


@dataclass(frozen=True)
class Participation:
    committees_held: int
    attendance: dict[str, Rate]  # side → present ÷ expected
    actions_on_time: Rate
    programme: dict[str, Rate]  # side → participants ÷ members


def attendance_by_side(rows: Iterable[Presence]) -> dict[str, Rate]:
    present = dict.fromkeys(SIDES, 0)
    expected = dict.fromkeys(SIDES, 0)
    for row in rows:
        side = row.side if row.side in expected else "other"
        expected[side] += 1
        present[side] += int(row.present)
    return {side: Rate(present[side], expected[side]) for side in SIDES}


def actions_on_time(rows: Iterable[DueAction]) -> Rate:
    due = done = 0
    for row in rows:
        due += 1
        done += int(row.done_on is not None and row.done_on <= row.due_on)
    return Rate(done, due)


def programme_by_side(
    participants: Mapping[int, str], members: Mapping[int, str]
) -> dict[str, Rate]:
    """``participants``: the people who took part; ``members``: person → side, every member of
    the scope. Marketing and sales only (the programmes pair those two sides); a participant
    counts on their member side."""
    took_part = dict.fromkeys(PAIRED_SIDES, 0)
    counted = dict.fromkeys(PAIRED_SIDES, 0)
    for person, side in members.items():
        if side in counted:
            counted[side] += 1
            took_part[side] += int(person in participants)
    return {side: Rate(took_part[side], counted[side]) for side in PAIRED_SIDES}


def participation(
    *,
    held: int,
    presences: Iterable[Presence],
    due_actions: Iterable[DueAction],
    participants: Mapping[int, str],
    members: Mapping[int, str],
) -> Participation:
    return Participation(
        committees_held=held,
        attendance=attendance_by_side(presences),
        actions_on_time=actions_on_time(due_actions),
        programme=programme_by_side(participants, members),
    )
