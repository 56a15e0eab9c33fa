"""Where a pair's exchange session goes — on the workspace's business calendar, no Django inside.

**The rule.** A session starts at the opening of the *earliest* day that is

- an available day of both people (their common days),
- a business day of the workspace (a working weekday that is not a public holiday of its
  country and subdivision, nor a day it added; a public holiday it works counts),
- inside the programme and not before today,
- a day neither person already has a session (one session a day per person: the host is never
  double-booked, and neither is the visitor),

and lasts the programme's ``session_minutes`` of *business* time, from the day's first opening:
a lunch break is skipped, a full day (``session_minutes`` ≥ the day's hours) ends at the day's
closing, a half day (the morning's length) ends at the morning's closing. A session longer than
a day continues on the next business days, each of which must be usable too.

**Order.** Pairs are placed one after another, the one with the fewest usable days first (the
most constrained), ties by their key; each placed session makes its days busy for both people.

**The host** is the pair's participant who hosts visitors (``is_host``); when both or neither
do, the salesperson: vis-ma-vie sends the marketer into the field (``host_of``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from cordee.core.business_time import BusinessCalendar, from_epoch


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime  # aware, UTC
    ends_at: dt.datetime
    days: tuple[dt.date, ...]  # the local business days it takes


@dataclass(frozen=True)
class PairDays:
    """A pair to place: its key, its two people (participant ids) and their common days."""

    key: int
    people: tuple[int, int]
    days: frozenset[dt.date]


def host_of(marketer_hosts: bool, salesperson_hosts: bool) -> str:
    """ "marketer" or "salesperson": who receives the other (see the module)."""
    return "marketer" if marketer_hosts and not salesperson_hosts else "salesperson"


def business_windows(
    calendar: BusinessCalendar, first: dt.date, last: dt.date
) -> dict[dt.date, list[tuple[int, int]]]:
    """Each business day from ``first`` to ``last`` and its working intervals (UTC epoch
    seconds), in order. Days off (weekends, public holidays, added days) are absent."""
    windows: dict[dt.date, list[tuple[int, int]]] = {}
    for start, end in calendar.intervals(first, last).tolist():
        day = from_epoch(start).astimezone(calendar.tz).date()
        windows.setdefault(day, []).append((int(start), int(end)))
    return windows


def slot_from(
    day: dt.date,
    windows: Mapping[dt.date, list[tuple[int, int]]],
    usable: AbstractSet[dt.date],
    seconds: int,
) -> Slot | None:
    """The session of ``seconds`` business seconds from ``day``'s opening, when every business
    day it takes is usable; None otherwise."""
    remaining, start, taken = seconds, None, []
    for d in sorted(x for x in windows if x >= day):
        if d not in usable:
            return None
        taken.append(d)
        for open_s, close_s in windows[d]:
            start = open_s if start is None else start
            if close_s - open_s >= remaining:
                return Slot(from_epoch(start), from_epoch(open_s + remaining), tuple(taken))
            remaining -= close_s - open_s
    return None


def sessions_place(
    calendar: BusinessCalendar,
    pairs: Iterable[PairDays],
    *,
    minutes: int,
    first: dt.date,
    last: dt.date,
    busy: Mapping[int, set[dt.date]] | None = None,
) -> dict[int, Slot | None]:
    """Each pair's session (None: no usable day), placed by the module's rule between ``first``
    (the later of the programme's start and today) and ``last`` (its end). ``busy``: the days
    each person already has a session (kept sessions); not changed."""
    taken = {person: set(days) for person, days in (busy or {}).items()}
    windows = business_windows(calendar, first, last) if first <= last else {}
    seconds = minutes * 60

    def usable(pair: PairDays) -> set[dt.date]:
        free = set(pair.days) & set(windows)
        for person in pair.people:
            free -= taken.get(person, set())
        return free

    placed: dict[int, Slot | None] = {}
    todo = list(pairs)
    while todo:
        todo.sort(key=lambda p: (len(usable(p)), p.key))
        pair = todo.pop(0)
        days = usable(pair)
        placed[pair.key] = next(
            (s for d in sorted(days) if (s := slot_from(d, windows, days, seconds)) is not None),
            None,
        )
        slot = placed[pair.key]
        if slot is not None:
            for person in pair.people:
                taken.setdefault(person, set()).update(slot.days)
    return placed
