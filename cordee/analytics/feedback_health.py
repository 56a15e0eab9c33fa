"""How healthy the field-feedback loop is — pure NumPy, no Django.

Inputs are aligned arrays, one entry per feedback item, instants in UTC epoch seconds and
``NEVER`` where something has not happened. The window is the items *submitted* in
[start, end); ``months`` is its length in months.

- **items per rep per month** = items of the window raised by a sales rep ÷ (reps × months);
- **median time to acknowledge** = median over the window's acknowledged items of
  (acknowledged − submitted), in hours of wall-clock time;
- **median time to a response** = the same with the first response;
- **share closed with a response** (the loop's closure rate) = among the window's threads (items
  not merged into another) that are closed (done or won't do), the share that received a
  response (no answer, no closed loop).

The acknowledgement SLA: item i is due at dᵢ = due(submittedᵢ, N business days) on the
workspace's business calendar (``cordee.core.business_time``, the clock the funnel's SLAs use);
it is breached as of ``now`` when now > dᵢ and the item was not acknowledged at or before dᵢ.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

NEVER = np.iinfo(np.int64).max
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


class Clock(Protocol):
    def due(self, starts: npt.ArrayLike, business_seconds: npt.ArrayLike) -> IntArray: ...


@dataclass(frozen=True)
class LoopHealth:
    submitted: int
    by_reps: int
    reps: int
    months: float
    items_per_rep_per_month: float | None
    acknowledged: int
    median_hours_to_acknowledge: float | None
    responded: int
    median_hours_to_response: float | None
    closed: int
    closed_with_response: int
    share_closed_with_response: float | None


def _median_hours(start: IntArray, end: IntArray) -> float | None:
    done = end != NEVER
    if not done.any():
        return None
    return float(statistics.median(((end[done] - start[done]) / 3600.0).tolist()))


def loop_health(
    *,
    start: int,
    end: int,
    months: float,
    submitted_at: IntArray,
    acknowledged_at: IntArray,
    first_response_at: IntArray,
    closed: BoolArray,
    merged: BoolArray,
    by_rep: BoolArray,
    reps: int,
) -> LoopHealth:
    """The loop's numbers for the items submitted in [start, end) (see the module docstring)."""
    inside = (submitted_at >= start) & (submitted_at < end)
    sub = submitted_at[inside]
    ack = acknowledged_at[inside]
    resp = first_response_at[inside]
    threads_closed = inside & closed & ~merged
    closed_n = int(threads_closed.sum())
    answered = int((threads_closed & (first_response_at != NEVER)).sum())
    by_reps = int((inside & by_rep).sum())
    return LoopHealth(
        submitted=int(inside.sum()),
        by_reps=by_reps,
        reps=reps,
        months=months,
        items_per_rep_per_month=by_reps / (reps * months) if reps and months else None,
        acknowledged=int((ack != NEVER).sum()),
        median_hours_to_acknowledge=_median_hours(sub, ack),
        responded=int((resp != NEVER).sum()),
        median_hours_to_response=_median_hours(sub, resp),
        closed=closed_n,
        closed_with_response=answered,
        share_closed_with_response=answered / closed_n if closed_n else None,
    )


def counts_by_period(
    period: IntArray, key: IntArray, n_periods: int, n_keys: int
) -> npt.NDArray[np.int64]:
    """A (periods × keys) table of how many items fall in each period for each key; entries
    with a period or key outside the table (−1: none) are left out."""
    keep = (period >= 0) & (period < n_periods) & (key >= 0) & (key < n_keys)
    flat = period[keep] * n_keys + key[keep]
    return np.bincount(flat, minlength=n_periods * n_keys).reshape(n_periods, n_keys)


def top_keys(table: npt.NDArray[np.int64], k: int) -> list[int]:
    """The ``k`` keys (columns) with the largest totals, most first; ties by the lower index."""
    totals = table.sum(axis=0)
    order = np.lexsort((np.arange(len(totals)), -totals))
    return [int(i) for i in order[:k] if totals[i] > 0]


@dataclass(frozen=True)
class AckClocks:
    due: IntArray
    breached: BoolArray


def acknowledge_clocks(
    *,
    clock: Clock,
    now: int,
    submitted_at: IntArray,
    acknowledged_at: IntArray,
    business_seconds: int,
) -> AckClocks:
    """Due instants of the acknowledgement SLA and which items breached it as of ``now``."""
    if len(submitted_at) == 0:
        return AckClocks(np.zeros(0, np.int64), np.zeros(0, bool))
    due = clock.due(submitted_at, np.full(len(submitted_at), business_seconds, dtype=np.int64))
    return AckClocks(due=due, breached=(now > due) & (acknowledged_at > due))
