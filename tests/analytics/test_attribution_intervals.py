"""Shapley's bootstrap intervals and "the smallest coalition that moves it", against computations
written here: Shapley in closed form for two channels, supports counted by hand."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from cordee.analytics.attribution import Journeys
from cordee.analytics.attribution_intervals import (
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    shapley_bootstrap,
    smallest_moving_coalition,
)


def _journeys(groups):
    """groups: [(channels, journeys, of which converted, value per conversion)]."""
    paths, converted, value = [], [], []
    for channels, n, conv, amount in groups:
        for i in range(n):
            paths.append(list(channels))
            converted.append(i < conv)
            value.append(amount)
    return Journeys.from_paths(paths, converted, value)


def test_the_smallest_coalition_that_moves_each_channel_and_the_journeys_behind_it():
    # {A}: 2 journeys, 1 converted; {B}: 2 journeys, 0; {A, C}: 1 journey, converted.
    # v(A) = 1/2, v(B) = 0, v(C) = 0 (no journey ⊆ {C}), v(AB) = 1/4 (4 journeys, 1 conv),
    # v(AC) = 2/3 (3 journeys: {A}×2, {A,C}; 2 conv), v(BC) = 0 ({B}×2).
    # A: {A} moves it (1/2 − 0): 2 journeys. B: {B} does not (0 − 0); of the pairs, {A,B}
    # (1/4 − 1/2 ≠ 0) does, {B,C} (0 − 0) does not: 4 journeys. C: {C} does not (0 − 0);
    # {A,C} does (2/3 − 1/2), {B,C} does not: 3 journeys.
    j = _journeys([("A", 2, 1, 1.0), ("B", 2, 0, 1.0), ("AC", 1, 1, 1.0)])
    coalitions, support = smallest_moving_coalition(j)
    assert coalitions == [["A"], ["A", "B"], ["A", "C"]]
    assert support.tolist() == [2, 4, 3]


def test_ties_between_coalitions_of_one_size_go_to_the_heaviest_term():
    # C never alone: v(C) = 0, its singleton does not move it. Both pairs do, with the same
    # weight w(1) = 1!·1!/3! = 1/6: {A,C}: v(AC) − v(A) = 3/4 − 1/2 = 1/4 ({A}×2 with 1 conv,
    # {A,C}×2 both conv); {B,C}: v(BC) − v(B) = 1/2 − 0 = 1/2 ({B} not conv, {B,C} conv).
    # The heavier term is {B,C} (the lower bitmask, {A,C}, would lose): 2 journeys behind it.
    j = _journeys([("A", 2, 1, 1.0), ("AC", 2, 2, 1.0), ("B", 1, 0, 1.0), ("BC", 1, 1, 1.0)])
    coalitions, support = smallest_moving_coalition(j)
    assert coalitions[2] == ["B", "C"] and support[2] == 2


def _closed_form_credits(counts):
    """Two channels, exactly: φ_A = ½ v(A) + ½ (v(AB) − v(B)), φ_B likewise, credits = total ×
    φ ÷ v(AB). ``counts``: {set: (journeys, conversions)} for "A", "B", "AB"."""

    def rate(*sets):
        n = sum(counts[s][0] for s in sets)
        return Fraction(sum(counts[s][1] for s in sets), n) if n else Fraction(0)

    v_a, v_b, v_ab = rate("A"), rate("B"), rate("A", "B", "AB")
    phi_a = (v_a + v_ab - v_b) / 2
    phi_b = (v_b + v_ab - v_a) / 2
    total = sum(c for _n, c in counts.values())
    if v_ab == 0:
        return 0.0, 0.0
    return float(total * phi_a / v_ab), float(total * phi_b / v_ab)


def test_the_bootstrap_resamples_journeys_with_its_stated_seed_and_size():
    # journeys in order: 6 × {A} (3 converted), 4 × {B} (1 converted), 5 × {A,B} (4 converted)
    groups = [("A", 6, 3, 100.0), ("B", 4, 1, 100.0), ("AB", 5, 4, 100.0)]
    j = _journeys(groups)
    interval = shapley_bootstrap(j)
    assert (interval.seed, interval.resamples) == (12, 200)
    assert (BOOTSTRAP_SEED, BOOTSTRAP_RESAMPLES) == (12, 200)
    # the same draws, replayed here: 15 journeys taken with replacement, 200 times
    rng = np.random.default_rng(12)
    draws = [np.bincount(rng.integers(0, 15, 15), minlength=15) for _ in range(200)]
    kinds = ["A"] * 6 + ["B"] * 4 + ["AB"] * 5
    converted = [i < 3 for i in range(6)] + [i < 1 for i in range(4)] + [i < 4 for i in range(5)]
    per_resample = []
    for taken in draws:
        counts = {s: [0, 0] for s in ("A", "B", "AB")}
        for kind, conv, k in zip(kinds, converted, taken, strict=True):
            counts[kind][0] += int(k)
            counts[kind][1] += int(k) * conv
        per_resample.append(_closed_form_credits(counts))
    expected = np.percentile(np.array(per_resample), [2.5, 97.5], axis=0)
    assert interval.low == pytest.approx(expected[0], abs=1e-9)
    assert interval.high == pytest.approx(expected[1], abs=1e-9)
    # every conversion is worth 100: the value interval is the conversions' × 100
    assert interval.low_value == pytest.approx(expected[0] * 100, abs=1e-6)
    # the point estimate (A: v(A) = 1/2, v(B) = 1/4, v(AB) = 8/15 → φ_A = (1/2 + 8/15 − 1/4)/2
    # = 47/120, credit = 8 × (47/120) ÷ (8/15) = 47/8 = 5.875) lies inside A's interval
    assert interval.low[0] <= 5.875 <= interval.high[0]
    # another seed, other draws: the interval is the seed's, reproducible, not an accident
    assert shapley_bootstrap(j, seed=12).low.tolist() == interval.low.tolist()
    assert shapley_bootstrap(j, seed=13).low.tolist() != interval.low.tolist()


def test_a_credit_whose_interval_contains_zero_is_marked():
    # v(A) = 5/10, v(B) = 0/2, v(AB) = 11/22 = 1/2: φ_B = ½ v(B) + ½ (v(AB) − v(A)) = 0, and
    # resamples move it both ways; φ_A = ½ · 1/2 + ½ (1/2 − 0) = 1/2, clearly above 0
    j = _journeys([("A", 10, 5, 1.0), ("B", 2, 0, 1.0), ("AB", 10, 6, 1.0)])
    interval = shapley_bootstrap(j)
    marked = dict(zip(interval.channels, interval.indistinguishable_from_zero(), strict=True))
    assert marked["B"] and interval.low[1] <= 0 <= interval.high[1]
    assert not marked["A"]
