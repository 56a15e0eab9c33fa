"""A goal's forecast to period end and its status — pure, no Django.

**Forecast** (calendar days; today counts as elapsed):

- elapsed = days from the period's first day through today (0 before the period, all of them
  after it), remaining = the period's days − elapsed;
- a **count or money** KPI (additive): forecast = actual to date + remaining ÷ days × pace,
  where pace = the mean of the KPI's values over the same scope in the previous periods of the
  same length (``HISTORY_PERIODS`` of them: the 4 previous months, quarters or fiscal years),
  counting only the previous periods that start on or after the workspace's first data; with
  no such period, linear extrapolation: actual × days ÷ elapsed (the actual as is when nothing
  has elapsed yet);
- a **rate or duration**: the forecast is the actual to date (a rate does not add up over the
  days left);
- a period over: the forecast is the actual.

A count's forecast is given to 2 decimal places, money to the cent (half up).

**Status** against the target, with the workspace's thresholds (default: on track from 100 %,
at risk from 85 %, off track below): ratio = forecast ÷ target, or target ÷ forecast for a KPI
where lower is better (median sales cycle, feedback acknowledgement time); a target of 0 (or,
lower being better, a forecast of 0) is on track; no forecast (no value to date), ``unknown``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

HISTORY_PERIODS = 4
ON_TRACK, AT_RISK, OFF_TRACK, UNKNOWN = "on_track", "at_risk", "off_track", "unknown"
PACE, LINEAR, ACTUAL, FINAL, NONE = "pace", "linear", "actual", "final", "none"
ADDITIVE_UNITS = ("count", "money")

Number = int | Fraction | Decimal


def previous_keys(key: str, count: int = HISTORY_PERIODS) -> list[str]:
    """The keys of the ``count`` periods of the same length before ``key`` (``2027``,
    ``2027-Q1`` or ``2027-03``), the nearest first."""
    year, _sep, rest = key.partition("-")
    y = int(year)
    out: list[str] = []
    if not rest:
        return [str(y - i) for i in range(1, count + 1)]
    if rest.startswith("Q"):
        q = int(rest[1:])
        for _i in range(count):
            q -= 1
            if q == 0:
                y, q = y - 1, 4
            out.append(f"{y}-Q{q}")
        return out
    m = int(rest)
    for _i in range(count):
        m -= 1
        if m == 0:
            y, m = y - 1, 12
        out.append(f"{y:04d}-{m:02d}")
    return out


def elapsed_days(start: dt.date, end: dt.date, today: dt.date) -> tuple[int, int]:
    """(elapsed, days) of the period ``start``–``end`` (inclusive) at ``today``, today
    counted as elapsed."""
    days = (end - start).days + 1
    elapsed = min(max((today - start).days + 1, 0), days)
    return elapsed, days


@dataclass(frozen=True)
class Forecast:
    value: Fraction | None
    method: str  # PACE, LINEAR, ACTUAL, FINAL or NONE (no value to date)
    periods: int  # the previous periods the pace is the mean of (0 unless PACE)
    pace: Fraction | None = None  # PACE: the mean of the previous periods


def forecast(
    unit: str,
    actual: Number | None,
    history: Sequence[Number],
    elapsed: int,
    days: int,
) -> Forecast:
    """The forecast to period end (the module's rule); ``history``: the KPI's values of the
    previous periods counted (their mean is the pace)."""
    if actual is None:
        return Forecast(None, NONE, 0)
    value = Fraction(actual)
    if elapsed >= days:
        return Forecast(value, FINAL, 0)
    if unit not in ADDITIVE_UNITS:
        return Forecast(value, ACTUAL, 0)
    if history:
        pace = sum((Fraction(h) for h in history), Fraction(0)) / len(history)
        return Forecast(value + Fraction(days - elapsed, days) * pace, PACE, len(history), pace)
    if elapsed == 0:
        return Forecast(value, ACTUAL, 0)
    return Forecast(value * days / elapsed, LINEAR, 0)


def status(
    forecast_value: Fraction | None,
    target: Number,
    *,
    lower_is_better: bool,
    on_track: Number,
    at_risk: Number,
) -> str:
    """On track, at risk, off track or unknown (the module's rule)."""
    if forecast_value is None:
        return UNKNOWN
    target = Fraction(target)
    if lower_is_better:
        if forecast_value == 0:
            return ON_TRACK
        ratio = target / forecast_value
    else:
        if target == 0:
            return ON_TRACK
        ratio = forecast_value / target
    if ratio >= Fraction(on_track):
        return ON_TRACK
    if ratio >= Fraction(at_risk):
        return AT_RISK
    return OFF_TRACK


def rounded(value: Fraction | None, unit: str) -> Decimal | None:
    """A forecast as a decimal: money to the cent, anything else to 4 places for a rate, 2
    otherwise (half up)."""
    if value is None:
        return None
    places = Decimal("0.0001") if unit == "rate" else Decimal("0.01")
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        places, rounding=ROUND_HALF_UP
    )
