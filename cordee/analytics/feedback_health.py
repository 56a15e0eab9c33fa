"""How healthy the field-feedback loop is — pure NumPy, no Django.

Inputs are aligned arrays, one entry per feedback item, instants in UTC epoch seconds and
``NEVER`` where something has not happened. The caller chooses the **set**: the items of a period
(the loop-health page takes the items raised in it, each duplicate counted once, with the item it
was merged into). Every count below is over that one set, so each share reads "n of d" with
the same d = the number of items in the set.

- **acknowledged** = items that made their first move out of *new*: acknowledged, planned,
  done, won't do (``acknowledged_at``, stamped by any status move or a merge, ``closed_at``)
  or an answer (``first_response_at``): aᵢ = min(acknowledgedᵢ, first responseᵢ, closedᵢ);
- **answered** = items with an answer; **closed with an answer** = items done or won't do
  that received an answer (the loop's closure: no answer, no closed loop);
- **items per rep per month** = items of the set raised by a sales rep ÷ (reps × months);
- **median time to acknowledge** = median over the acknowledged items of the *business* time
  between submission and aᵢ, in business days of the workspace calendar (one business day = the
  usual length of a working day); **median time to an answer** the same with the first answer;
- **past the commitment** (the acknowledgement SLA): item i is due at dᵢ = due(submittedᵢ,
  N business days) on the workspace's business calendar (``cordee.core.business_time``, the clock
  the funnel's SLAs use); it is breached as of ``now`` when now > dᵢ and aᵢ > dᵢ — an item
  closed or answered before dᵢ is no breach. A breach is **still waiting** while aᵢ = NEVER:
  a closed item never is.
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

    def between(self, starts: npt.ArrayLike, ends: npt.ArrayLike) -> IntArray: ...


def first_move(
    acknowledged_at: IntArray, first_response_at: IntArray, closed_at: IntArray
) -> IntArray:
    """aᵢ = min(acknowledgedᵢ, first responseᵢ, closedᵢ): when each item left *new* (``NEVER``
    while it has not)."""
    return np.minimum(np.minimum(acknowledged_at, first_response_at), closed_at)


@dataclass(frozen=True)
class AckClocks:
    due: IntArray
    breached: BoolArray
    waiting: BoolArray


def acknowledge_clocks(
    *,
    clock: Clock,
    now: int,
    submitted_at: IntArray,
    acknowledged_at: IntArray,
    business_seconds: int,
) -> AckClocks:
    """Due instants of the acknowledgement SLA, which items breached it as of ``now`` (due
    passed, first move after it or never) and which of those are still waiting (no move yet).
    ``acknowledged_at`` is the first move (see ``first_move``)."""
    if len(submitted_at) == 0:
        empty = np.zeros(0, bool)
        return AckClocks(np.zeros(0, np.int64), empty, empty)
    due = clock.due(submitted_at, np.full(len(submitted_at), business_seconds, dtype=np.int64))
    breached = (now > due) & (acknowledged_at > due)
    return AckClocks(due=due, breached=breached, waiting=breached & (acknowledged_at == NEVER))


@dataclass(frozen=True)
class LoopHealth:
    items: int
    by_reps: int
    reps: int
    months: float
    items_per_rep_per_month: float | None
    acknowledged: int
    median_business_days_to_acknowledge: float | None
    answered: int
    median_business_days_to_answer: float | None
    closed: int
    closed_with_answer: int
    breached: int
    waiting: int
    # the shares, each n ÷ items (None for an empty set)
    share_acknowledged: float | None
    share_answered: float | None
    share_closed_with_answer: float | None
    share_breached: float | None


def _median_days(clock: Clock, start: IntArray, end: IntArray, day: int) -> float | None:
    done = end != NEVER
    if not done.any():
        return None
    seconds = clock.between(start[done], end[done])
    return float(statistics.median((seconds / day).tolist()))


def share(part: int, whole: int) -> float | None:
    """part ÷ whole, or None for an empty set."""
    return part / whole if whole else None


def loop_health(
    *,
    clock: Clock,
    now: int,
    business_day: int,
    within_days: int,
    months: float,
    submitted_at: IntArray,
    acknowledged_at: IntArray,
    first_response_at: IntArray,
    closed_at: IntArray,
    closed: BoolArray,
    by_rep: BoolArray,
    reps: int,
) -> LoopHealth:
    """The loop's numbers over the given set of items (see the module docstring):
    ``business_day`` is one business day in seconds, the commitment ``within_days`` of them."""
    moved = first_move(acknowledged_at, first_response_at, closed_at)
    sla = acknowledge_clocks(
        clock=clock,
        now=now,
        submitted_at=submitted_at,
        acknowledged_at=moved,
        business_seconds=within_days * business_day,
    )
    answered = first_response_at != NEVER
    by_reps = int(by_rep.sum())
    items = len(submitted_at)
    acknowledged = int((moved != NEVER).sum())
    closed_with_answer = int((closed & answered).sum())
    breached = int(sla.breached.sum())
    return LoopHealth(
        items=items,
        by_reps=by_reps,
        reps=reps,
        months=months,
        items_per_rep_per_month=by_reps / (reps * months) if reps and months else None,
        acknowledged=acknowledged,
        median_business_days_to_acknowledge=_median_days(clock, submitted_at, moved, business_day),
        answered=int(answered.sum()),
        median_business_days_to_answer=_median_days(
            clock, submitted_at, first_response_at, business_day
        ),
        closed=int(closed.sum()),
        closed_with_answer=closed_with_answer,
        breached=breached,
        waiting=int(sla.waiting.sum()),
        share_acknowledged=share(acknowledged, items),
        share_answered=share(int(answered.sum()), items),
        share_closed_with_answer=share(closed_with_answer, items),
        share_breached=share(breached, items),
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
