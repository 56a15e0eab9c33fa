"""Business time on a workspace calendar — pure Python + NumPy, no Django inside.

A calendar is a time zone, working windows per weekday (local wall-clock times, several per
day for a lunch break), the public holidays of a country/subdivision (``holidays`` package),
plus days the company added (non-working) or removed (a worked public holiday).

The calendar is turned into a sorted array of working intervals in UTC (DST-correct: each
window is placed in local time, then converted). Over those intervals the cumulative
business time F(t) is a continuous, non-decreasing, piecewise-linear function, so:

- business seconds between a and b = F(b) − F(a);
- the due time of "N business hours after t" is the *first* instant u with F(u) = F(t) + N·3600,
  so a deadline that falls exactly at closing time is that closing time, not the next opening.

Both are vectorised with ``numpy.searchsorted`` over the interval bounds: one call serves a
million leads.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from zoneinfo import ZoneInfo

import holidays as holidays_lib
import numpy as np
import numpy.typing as npt

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _parse_hhmm(value: str) -> dt.time | None:
    """``"24:00"`` means end of day and is returned as ``None``."""
    if value == "24:00":
        return None
    hours, minutes = value.split(":")
    return dt.time(int(hours), int(minutes))


@dataclass(frozen=True)
class BusinessCalendar:
    time_zone: str
    windows: Mapping[str, Sequence[Sequence[str]]]
    country: str = ""
    subdivision: str = ""
    extra_holidays: frozenset[dt.date] = field(default_factory=frozenset)
    worked_holidays: frozenset[dt.date] = field(default_factory=frozenset)

    @classmethod
    def build(
        cls,
        *,
        time_zone: str,
        windows: Mapping[str, Sequence[Sequence[str]]],
        country: str = "",
        subdivision: str = "",
        extra_holidays: Iterable[dt.date | str] = (),
        worked_holidays: Iterable[dt.date | str] = (),
    ) -> BusinessCalendar:
        def dates(values: Iterable[dt.date | str]) -> frozenset[dt.date]:
            return frozenset(
                v if isinstance(v, dt.date) else dt.date.fromisoformat(v) for v in values
            )

        return cls(
            time_zone=time_zone,
            windows={k: tuple(tuple(w) for w in v) for k, v in windows.items()},
            country=country,
            subdivision=subdivision,
            extra_holidays=dates(extra_holidays),
            worked_holidays=dates(worked_holidays),
        )

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def public_holidays(self, years: Iterable[int]) -> set[dt.date]:
        if not self.country:
            return set()
        found = holidays_lib.country_holidays(
            self.country, subdiv=self.subdivision or None, years=list(years)
        )
        return set(found.keys())

    def public_holiday_names(self, years: Iterable[int], language: str) -> dict[dt.date, str]:
        """The public holidays of ``years`` with their names, in ``language`` ("fr", "en-gb"…)
        when the library knows it (else its default)."""
        if not self.country:
            return {}
        years = list(years)
        subdiv = self.subdivision or None
        known = holidays_lib.country_holidays(self.country, subdiv=subdiv, years=years[:1])
        offered = getattr(known, "supported_languages", ()) or ()
        chosen = next((c for c in offered if c.split("_")[0] == language[:2]), None)
        names = holidays_lib.country_holidays(
            self.country, subdiv=subdiv, years=years, language=chosen
        )
        return {day: str(name) for day, name in names.items()}

    def is_working_day(self, day: dt.date, public: set[dt.date]) -> bool:
        if day in self.extra_holidays:
            return False
        if day in public and day not in self.worked_holidays:
            return False
        return bool(self.windows.get(WEEKDAYS[day.weekday()]))

    def intervals(self, start: dt.date, end: dt.date) -> npt.NDArray[np.int64]:
        """Working intervals ``[[start_s, end_s], …]`` in UTC epoch seconds for local days
        ``start`` … ``end`` inclusive, sorted and non-overlapping."""
        public = self.public_holidays(range(start.year, end.year + 1))
        rows: list[tuple[int, int]] = []
        day = start
        while day <= end:
            if self.is_working_day(day, public):
                for open_s, close_s in self.windows[WEEKDAYS[day.weekday()]]:
                    rows.append((self._instant(day, open_s), self._instant(day, close_s)))
            day += dt.timedelta(days=1)
        if not rows:
            return np.empty((0, 2), dtype=np.int64)
        return np.asarray(rows, dtype=np.int64)

    def _instant(self, day: dt.date, hhmm: str) -> int:
        clock = _parse_hhmm(hhmm)
        if clock is None:
            local = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=self.tz)
        else:
            local = dt.datetime.combine(day, clock, tzinfo=self.tz)
        return int(local.astimezone(dt.UTC).timestamp())


class BusinessClock:
    """Business time over a span of dates, ready for vectorised queries.

    ``BusinessClock(calendar, first_day, last_day)`` covers local days first_day…last_day;
    instants outside that span are clipped, so choose a span that covers every clock
    start and a comfortable margin after it (``around`` does that).
    """

    def __init__(self, calendar: BusinessCalendar, first_day: dt.date, last_day: dt.date) -> None:
        self.calendar = calendar
        bounds = calendar.intervals(first_day, last_day)
        if len(bounds) == 0:
            raise ValueError("The calendar has no working time in this span.")
        self.starts = bounds[:, 0]
        self.ends = bounds[:, 1]
        lengths = self.ends - self.starts
        self.cum_end = np.cumsum(lengths)
        self.cum_start = self.cum_end - lengths

    @classmethod
    def around(
        cls,
        calendar: BusinessCalendar,
        first: dt.datetime,
        last: dt.datetime,
        *,
        margin_days: int = 60,
    ) -> BusinessClock:
        tz = calendar.tz
        return cls(
            calendar,
            first.astimezone(tz).date() - dt.timedelta(days=1),
            last.astimezone(tz).date() + dt.timedelta(days=margin_days),
        )

    # -- vectorised core (epoch seconds) -------------------------------------------------------

    def elapsed(self, instants: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """F(t): business seconds from the start of the span up to each instant."""
        t = np.asarray(instants, dtype=np.int64)
        i = np.searchsorted(self.starts, t, side="right") - 1
        before_first = i < 0
        i = np.clip(i, 0, len(self.starts) - 1)
        inside = np.clip(t - self.starts[i], 0, self.ends[i] - self.starts[i])
        return np.where(before_first, 0, self.cum_start[i] + inside)

    def at_elapsed(self, targets: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """F⁻¹: the first instant at which the cumulative business time reaches each target."""
        target = np.asarray(targets, dtype=np.int64)
        if np.any(target > self.cum_end[-1]):
            raise ValueError("A due time falls beyond the calendar span; widen the span.")
        j = np.searchsorted(self.cum_end, target, side="left")
        j = np.clip(j, 0, len(self.starts) - 1)
        return self.starts[j] + (target - self.cum_start[j])

    def due(self, starts: npt.ArrayLike, business_seconds: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Instants at which ``business_seconds`` of business time after each start are used up."""
        return self.at_elapsed(self.elapsed(starts) + np.asarray(business_seconds, dtype=np.int64))

    def between(self, starts: npt.ArrayLike, ends: npt.ArrayLike) -> npt.NDArray[np.int64]:
        """Business seconds between each pair of instants (0 when end ≤ start)."""
        return np.maximum(self.elapsed(ends) - self.elapsed(starts), 0)

    # -- one-instant conveniences --------------------------------------------------------------

    def due_at(self, start: dt.datetime, hours: float) -> dt.datetime:
        """The aware UTC instant at which ``hours`` business hours after ``start`` are used up."""
        seconds = round(hours * 3600)
        due = int(self.due([to_epoch(start)], [seconds])[0])
        return from_epoch(due)

    def business_hours_between(self, start: dt.datetime, end: dt.datetime) -> float:
        return float(self.between([to_epoch(start)], [to_epoch(end)])[0]) / 3600


def to_epoch(value: dt.datetime) -> int:
    if value.tzinfo is None:
        raise ValueError("Business time needs aware datetimes.")
    return int((value - _EPOCH).total_seconds())


def from_epoch(seconds: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(seconds=int(seconds))


def local_dates(epochs: npt.ArrayLike, tz: dt.tzinfo) -> npt.NDArray[np.datetime64]:
    """The local calendar day (``datetime64[D]``) of each instant (epoch seconds) in ``tz``:
    each instant placed among the local midnights of the days the instants span (DST-correct),
    without making a datetime of each instant."""
    at = np.asarray(epochs, dtype=np.float64)
    if not len(at):
        return np.array([], dtype="datetime64[D]")
    first = dt.datetime.fromtimestamp(float(at.min()), tz).date()
    last = dt.datetime.fromtimestamp(float(at.max()), tz).date()
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    midnights = np.array(
        [dt.datetime.combine(day, dt.time(0), tzinfo=tz).timestamp() for day in days]
    )
    return np.array(days, dtype="datetime64[D]")[np.searchsorted(midnights, at, side="right") - 1]
