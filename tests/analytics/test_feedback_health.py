"""The loop-health maths on hand-worked arrays, with a clock on which every second is business
time (so business seconds are plain differences and the arithmetic stays by hand)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from cordee.analytics import feedback_health as fh

N = fh.NEVER
H = 3600
DAY = 8 * H  # one business day of this calendar


class AlwaysOpen:
    """Business time = wall-clock time."""

    def due(self, starts: npt.ArrayLike, business_seconds: npt.ArrayLike) -> fh.IntArray:
        return np.asarray(starts, dtype=np.int64) + np.asarray(business_seconds, dtype=np.int64)

    def between(self, starts: npt.ArrayLike, ends: npt.ArrayLike) -> fh.IntArray:
        gap = np.asarray(ends, dtype=np.int64) - np.asarray(starts, dtype=np.int64)
        return np.maximum(gap, 0)


def ints(*values: int) -> fh.IntArray:
    return np.asarray(values, dtype=np.int64)


def test_the_first_move_is_the_earliest_of_a_status_move_a_close_and_an_answer():
    moved = fh.first_move(
        ints(5 * H, N, N, N, 9 * H),  # acknowledged_at (any status move, a merge)
        ints(N, 3 * H, N, N, 2 * H),  # first answer
        ints(N, 4 * H, 7 * H, N, N),  # closed (done, won't do)
    )
    assert moved.tolist() == [5 * H, 3 * H, 7 * H, N, 2 * H]


def test_a_breach_is_a_first_move_after_the_due_instant_and_only_no_move_is_still_waiting():
    # every item raised at 0, due at 16 h; now = 100 h
    clocks = fh.acknowledge_clocks(
        clock=AlwaysOpen(),
        now=100 * H,
        submitted_at=ints(0, 0, 0, 0),
        # closed at 10 h (before due) · closed at 20 h (after) · answered at 16 h (on the due
        # instant: in time) · nothing
        acknowledged_at=ints(10 * H, 20 * H, 16 * H, N),
        business_seconds=16 * H,
    )
    assert clocks.due.tolist() == [16 * H] * 4
    assert clocks.breached.tolist() == [False, True, False, True]
    assert clocks.waiting.tolist() == [False, False, False, True]


def test_nothing_is_breached_before_its_due_instant():
    clocks = fh.acknowledge_clocks(
        clock=AlwaysOpen(),
        now=10 * H,
        submitted_at=ints(0),
        acknowledged_at=ints(N),
        business_seconds=16 * H,
    )
    assert clocks.breached.tolist() == [False] and clocks.waiting.tolist() == [False]


def test_every_share_is_out_of_the_same_set_and_durations_are_business_days():
    """Five items raised at 0; now = 100 h; commitment 2 days = 16 h; reps raised 1, 2, 4.

    item  acknowledged  answered  closed        first move  breach    waiting
    1     4 h           —         —             4 h = 0.5 d  no
    2     —             12 h      12 h (done)   12 h = 1.5 d no
    3     —             —         40 h (won't)  40 h = 5 d   yes       no (closed)
    4     —             8 h       —             8 h = 1 d    no
    5     —             —         —             never        yes       yes
    acknowledged 4 of 5, median of 0.5, 1, 1.5, 5 = (1 + 1.5) / 2 = 1.25 days;
    answered 2 of 5 (12 h, 8 h), median (1.5 + 1) / 2 = 1.25 days;
    closed 2, with an answer 1 of 5; breached 2 of 5, waiting 1;
    items per rep per month = 3 ÷ (2 reps × 0.5 month) = 3.
    """
    n = fh.loop_health(
        clock=AlwaysOpen(),
        now=100 * H,
        business_day=DAY,
        within_days=2,
        months=0.5,
        submitted_at=ints(0, 0, 0, 0, 0),
        acknowledged_at=ints(4 * H, N, N, N, N),
        first_response_at=ints(N, 12 * H, N, 8 * H, N),
        closed_at=ints(N, 12 * H, 40 * H, N, N),
        closed=np.asarray([False, True, True, False, False]),
        by_rep=np.asarray([True, True, False, True, False]),
        reps=2,
    )
    assert n.items == 5
    assert (n.acknowledged, n.share_acknowledged) == (4, pytest.approx(4 / 5))
    assert n.median_business_days_to_acknowledge == pytest.approx(1.25)
    assert (n.answered, n.share_answered) == (2, pytest.approx(2 / 5))
    assert n.median_business_days_to_answer == pytest.approx(1.25)
    assert (n.closed, n.closed_with_answer) == (2, 1)
    assert n.share_closed_with_answer == pytest.approx(1 / 5)
    assert (n.breached, n.share_breached, n.waiting) == (2, pytest.approx(2 / 5), 1)
    assert n.items_per_rep_per_month == pytest.approx(3.0)


def test_an_empty_set_has_no_shares():
    empty = ints()
    n = fh.loop_health(
        clock=AlwaysOpen(),
        now=0,
        business_day=DAY,
        within_days=2,
        months=1.0,
        submitted_at=empty,
        acknowledged_at=empty,
        first_response_at=empty,
        closed_at=empty,
        closed=np.zeros(0, bool),
        by_rep=np.zeros(0, bool),
        reps=0,
    )
    assert (n.items, n.share_acknowledged, n.median_business_days_to_acknowledge) == (0, None, None)
