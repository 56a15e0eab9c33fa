"""The measured effect of a vis-ma-vie programme — pure, no Django.

**Windows.** The programme lasts L days (``starts_on`` … ``ends_on``). *Before* is the L days
ending the day before it starts; *after* the L days starting the day after it ends — or, while
those have not all passed, the days after it up to yesterday (the last whole day), the before
window then shortened to the same length, so both windows always have the same length. No
after window yet (the programme ended today or later): no measure.

**Groups.** For one side, the *participants* (who took part: a confirmed pair) against the
*non-participants* (members of the same side who did not sign up). A group smaller than
``EFFECT_MIN_GROUP`` people shows no number and no difference — "not enough people": with
fewer, one person's month moves the group's number and would be read as the programme's effect.

**Numbers.** Each is computed over the group's observations in a window:

- ``rate``: Σ values ÷ number of observations (each observation 1 or 0: the acceptance rate,
  accepted ÷ decided, pooled over the group's MQLs); no observation → no value;
- ``median``: the median of the values (hours); none → no value;
- ``per_person_30d``: the number of observations ÷ the group's size ÷ the window's days × 30.

**Difference-in-differences**: (after − before) of the participants − (after − before) of the
non-participants; it needs the four values and both groups large enough.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Collection, Iterable
from dataclasses import dataclass

EFFECT_MIN_GROUP = 5
KINDS = ("rate", "median", "per_person_30d")


@dataclass(frozen=True)
class Window:
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def holds(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Windows:
    before: Window
    after: Window


def effect_windows(starts_on: dt.date, ends_on: dt.date, today: dt.date) -> Windows | None:
    """The before and after windows of the module's docstring; None while no day after the
    programme has passed."""
    length = (ends_on - starts_on).days + 1
    last = min(ends_on + dt.timedelta(days=length), today - dt.timedelta(days=1))
    if last <= ends_on:
        return None
    after = Window(ends_on + dt.timedelta(days=1), last)
    before = Window(starts_on - dt.timedelta(days=after.days), starts_on - dt.timedelta(days=1))
    return Windows(before=before, after=after)


def summarise(kind: str, values: Iterable[float], size: int, days: int) -> float | None:
    """One group's number in one window (see the module for each ``kind``)."""
    seen = list(values)
    if kind == "rate":
        return sum(seen) / len(seen) if seen else None
    if kind == "median":
        return float(statistics.median(seen)) if seen else None
    if kind == "per_person_30d":
        return len(seen) / size / days * 30 if size and days else None
    raise ValueError(f"unknown kind {kind!r}")


@dataclass(frozen=True)
class GroupNumbers:
    size: int
    enough: bool
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if not self.enough or self.before is None or self.after is None:
            return None
        return self.after - self.before


@dataclass(frozen=True)
class EffectRow:
    participants: GroupNumbers
    others: GroupNumbers

    @property
    def difference(self) -> float | None:
        """The difference-in-differences; None unless both changes are known."""
        a, b = self.participants.change, self.others.change
        return None if a is None or b is None else a - b


def group_numbers(
    kind: str,
    people: Collection[int],
    before: Iterable[tuple[int, float]],
    after: Iterable[tuple[int, float]],
    days: int,
    *,
    minimum: int = EFFECT_MIN_GROUP,
) -> GroupNumbers:
    """A group's numbers before and after from (person, value) observations (anyone's: those of
    the group are kept). A group under ``minimum`` people gets no number."""
    size = len(people)
    if size < minimum:
        return GroupNumbers(size, False, None, None)
    mine = set(people)
    return GroupNumbers(
        size,
        True,
        summarise(kind, (v for p, v in before if p in mine), size, days),
        summarise(kind, (v for p, v in after if p in mine), size, days),
    )


def effect_row(
    kind: str,
    participants: Collection[int],
    others: Collection[int],
    before: list[tuple[int, float]],
    after: list[tuple[int, float]],
    days: int,
    *,
    minimum: int = EFFECT_MIN_GROUP,
) -> EffectRow:
    """One number of the effect table: both groups before and after, and the difference."""
    return EffectRow(
        group_numbers(kind, participants, before, after, days, minimum=minimum),
        group_numbers(kind, others, before, after, days, minimum=minimum),
    )
