"""Sales-side SLA breaches for many leads at once — pure NumPy, no Django.

Inputs are aligned arrays, one entry per lead's current MQL cycle, times in UTC epoch seconds,
``NEVER`` where something has not happened. Per-lead commitments may differ (each lead follows
the contract that governs it). A ``BusinessClock`` turns business durations into due instants.

For a lead that became MQL at m, as of the instant ``now``:

- **first touch** is due at  d₁ = due(m, N hours). Breached when now > d₁ and neither a sales
  activity nor a rejection happened at or before d₁.
- **decision** (accept or reject) is due at d₂ = due(m, H hours). Breached when now > d₂ and no
  decision was taken at or before d₂.
- **attempts**: k sales activities within d business days, i.e. by d₃ = due(m, d × one business
  day). Breached when now > d₃, fewer than k activities fall in [m, d₃], and the lead was not
  rejected by d₃ (a rejection ends the obligation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

NEVER = np.iinfo(np.int64).max
IntArray = npt.NDArray[np.int64]


class Clock(Protocol):
    def due(self, starts: npt.ArrayLike, business_seconds: npt.ArrayLike) -> IntArray: ...


@dataclass(frozen=True)
class LeadClocks:
    first_touch_due: IntArray
    decision_due: IntArray
    attempts_due: IntArray
    first_touch_breached: npt.NDArray[np.bool_]
    decision_breached: npt.NDArray[np.bool_]
    attempts_breached: npt.NDArray[np.bool_]
    attempts_made: IntArray
    first_touch_at: IntArray


def count_in_windows(
    touch_lead: IntArray, touch_at: IntArray, window_start: IntArray, window_end: IntArray
) -> IntArray:
    """How many touches of each lead fall in its window [start, end]. ``touch_lead`` holds
    indexes into the lead arrays."""
    if len(touch_lead) == 0:
        return np.zeros(len(window_start), dtype=np.int64)
    inside = (touch_at >= window_start[touch_lead]) & (touch_at <= window_end[touch_lead])
    return np.bincount(touch_lead[inside], minlength=len(window_start)).astype(np.int64)


def first_in_window(touch_lead: IntArray, touch_at: IntArray, window_start: IntArray) -> IntArray:
    """The first touch of each lead at or after its window start (``NEVER`` if none)."""
    first = np.full(len(window_start), NEVER, dtype=np.int64)
    if len(touch_lead) == 0:
        return first
    after = touch_at >= window_start[touch_lead]
    np.minimum.at(first, touch_lead[after], touch_at[after])
    return first


def lead_clocks(
    *,
    clock: Clock,
    now: int,
    mql_at: IntArray,
    decided_at: IntArray,
    rejected_at: IntArray,
    touch_lead: IntArray,
    touch_at: IntArray,
    first_touch_seconds: IntArray,
    decision_seconds: IntArray,
    attempts_required: IntArray,
    attempts_window_seconds: IntArray,
) -> LeadClocks:
    """Due instants and breach flags of the three sales commitments for every lead."""
    d1 = clock.due(mql_at, first_touch_seconds)
    d2 = clock.due(mql_at, decision_seconds)
    d3 = clock.due(mql_at, attempts_window_seconds)
    first_touch = first_in_window(touch_lead, touch_at, mql_at)
    made = count_in_windows(touch_lead, touch_at, mql_at, d3)
    return LeadClocks(
        first_touch_due=d1,
        decision_due=d2,
        attempts_due=d3,
        first_touch_breached=(now > d1) & (first_touch > d1) & (rejected_at > d1),
        decision_breached=(now > d2) & (decided_at > d2),
        attempts_breached=(now > d3) & (made < attempts_required) & (rejected_at > d3),
        attempts_made=made,
        first_touch_at=first_touch,
    )
