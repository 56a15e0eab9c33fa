"""Attribution checked against independent computations written here (exact fractions, a dense
absorbing-chain solve, Shapley by brute force over orderings) — none imports the engine's maths."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction
from math import factorial

import numpy as np
import pytest

from cordee.analytics.attribution import Journeys, attribute

# -- references ------------------------------------------------------------------------------------


def ref_markov(paths, converted):
    """Exact removal effects with fractions: absorption probabilities by Gauss-Jordan elimination."""
    states = sorted({c for p in paths for c in p})

    def p_conv(removed=None):
        counts = {}
        for path, conv in zip(paths, converted, strict=True):
            merged = [c for i, c in enumerate(path) if i == 0 or c != path[i - 1]]
            seq = ["start", *merged, "conv" if conv else "null"]
            for a, b in itertools.pairwise(seq):
                if b == removed:
                    b = "null"
                counts.setdefault(a, {}).setdefault(b, 0)
                counts[a][b] += 1
        transient = ["start", *[s for s in states if s != removed]]
        idx = {s: i for i, s in enumerate(transient)}
        n = len(transient)
        # (I - Q) x = r
        m = [[Fraction(int(i == k)) for k in range(n)] + [Fraction(0)] for i in range(n)]
        for s, row in counts.items():
            if s not in idx:
                continue
            total = sum(row.values())
            for t, c in row.items():
                if t in idx:
                    m[idx[s]][idx[t]] -= Fraction(c, total)
                elif t == "conv":
                    m[idx[s]][n] += Fraction(c, total)
        for col in range(n):
            pivot = next(r for r in range(col, n) if m[r][col] != 0)
            m[col], m[pivot] = m[pivot], m[col]
            m[col] = [x / m[col][col] for x in m[col]]
            for r in range(n):
                if r != col and m[r][col] != 0:
                    f = m[r][col]
                    m[r] = [a - f * b for a, b in zip(m[r], m[col], strict=True)]
        return m[0][n]

    base = p_conv()
    effects = {c: 1 - p_conv(c) / base for c in states}
    total = sum(converted)
    return {c: total * e / sum(effects.values()) for c, e in effects.items()}, effects


def ref_shapley(paths, converted):
    channels = sorted({c for p in paths for c in p})
    sets = [frozenset(p) for p in paths]

    def v(s):
        rows = [conv for st, conv in zip(sets, converted, strict=True) if st <= s]
        return Fraction(sum(rows), len(rows)) if s and rows else Fraction(0)

    n = len(channels)
    phi = dict.fromkeys(channels, Fraction(0))
    for order in itertools.permutations(channels):
        seen = set()
        for c in order:
            phi[c] += v(frozenset(seen | {c})) - v(frozenset(seen))
            seen.add(c)
    phi = {c: x / factorial(n) for c, x in phi.items()}
    grand = v(frozenset(channels))
    return {c: sum(converted) * x / grand for c, x in phi.items()}


def credits(result):
    return dict(zip(result.channels, result.credits, strict=True))


# -- hand-worked examples --------------------------------------------------------------------------


def test_markov_two_paths_exactly_two_thirds_one_third():
    j = Journeys.from_paths([["A"], ["B", "A"]], [True, False])
    result = attribute(j, "markov")
    assert credits(result) == pytest.approx({"A": 2 / 3, "B": 1 / 3}, abs=1e-12)
    assert dict(zip(result.channels, result.removal_effects, strict=True)) == pytest.approx(
        {"A": 1.0, "B": 0.5}
    )
    reference, _ = ref_markov([["A"], ["B", "A"]], [True, False])
    assert reference == {"A": Fraction(2, 3), "B": Fraction(1, 3)}


def test_markov_merges_repeats_and_a_channel_that_never_closes_can_earn():
    paths = [["A", "A", "B"], ["C", "B"], ["A", "C"], ["C"]]
    converted = [True, True, False, False]
    result = credits(attribute(Journeys.from_paths(paths, converted), "markov"))
    reference, _ = ref_markov(paths, converted)
    assert result == pytest.approx({c: float(x) for c, x in reference.items()}, abs=1e-12)
    assert result["A"] > 0  # A never ends a converting journey, yet it earns credit


def test_shapley_three_channels_with_a_negative_credit():
    # C alone never converts and drags every coalition it joins down
    paths = [["A"], ["A"], ["B"], ["A", "B"], ["C"], ["C"], ["A", "C"], ["B", "C"]]
    converted = [True, False, True, True, False, False, False, True]
    result = credits(attribute(Journeys.from_paths(paths, converted), "shapley"))
    reference = ref_shapley(paths, converted)
    assert result == pytest.approx({c: float(x) for c, x in reference.items()}, abs=1e-12)
    assert result["C"] < 0
    assert sum(result.values()) == pytest.approx(sum(converted))


def test_position_repeats_are_not_merged():
    result = credits(
        attribute(Journeys.from_paths([["A", "A", "B"], ["X"], ["Y", "Z"]], [True] * 3), "position")
    )
    assert result == pytest.approx({"A": 0.6, "B": 0.4, "X": 1.0, "Y": 0.5, "Z": 0.5})


def test_first_last_linear_by_hand():
    j = Journeys.from_paths([["A", "B", "B"], ["B", "C"]], [True, True], value=[300.0, 100.0])
    assert credits(attribute(j, "first")) == pytest.approx({"A": 1, "B": 1, "C": 0})
    assert credits(attribute(j, "last")) == pytest.approx({"A": 0, "B": 1, "C": 1})
    assert credits(attribute(j, "linear")) == pytest.approx(
        {"A": 1 / 3, "B": 2 / 3 + 1 / 2, "C": 1 / 2}
    )
    assert credits(attribute(j, "linear", use_value=True)) == pytest.approx(
        {"A": 100, "B": 250, "C": 50}
    )


def test_time_decay_halves_every_half_life():
    day = 86400.0
    # touches 14 and 7 days before the last one, half-life 7 days → weights 1/4, 1/2, 1
    j = Journeys.from_paths([["A", "B", "C"]], [True], ts=[[0.0, 7 * day, 14 * day]])
    assert credits(attribute(j, "time_decay", half_life_days=7)) == pytest.approx(
        {"A": 0.25 / 1.75, "B": 0.5 / 1.75, "C": 1 / 1.75}
    )


def test_time_decay_without_timestamps_is_refused():
    with pytest.raises(ValueError, match="timestamps"):
        attribute(Journeys.from_paths([["A"]], [True]), "time_decay")


@pytest.mark.parametrize("model", ["first", "last", "linear", "position", "markov", "shapley"])
def test_no_conversion_gives_zero_everywhere(model):
    result = attribute(Journeys.from_paths([["A", "B"], ["B"]], [False, False]), model)
    assert np.all(result.credits == 0)
    if result.removal_effects is not None:
        assert np.all(result.removal_effects == 0)


def test_empty_journeys_are_ignored():
    j = Journeys.from_paths([[], ["A"]], [True, True])
    assert j.n_journeys == 1
    assert credits(attribute(j, "first")) == {"A": 1.0}


# -- generated data --------------------------------------------------------------------------------


def _random_paths(seed: int, n: int, channels: str):
    rng = random.Random(seed)
    paths, converted = [], []
    for _ in range(n):
        length = 1
        while rng.random() < 0.7 and length < 8:
            length += 1
        paths.append([rng.choice(channels) for _ in range(length)])
        converted.append(rng.random() < 0.3 + 0.1 * ("D" in paths[-1]))
    return paths, converted


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_markov_matches_the_exact_reference_on_generated_data(seed):
    paths, converted = _random_paths(seed, 300, "ABCDE")
    result = attribute(Journeys.from_paths(paths, converted), "markov")
    reference, effects = ref_markov(paths, converted)
    got = credits(result)
    for c, x in reference.items():
        assert got[c] == pytest.approx(float(x), rel=1e-9)
    for c, e in zip(result.channels, result.removal_effects, strict=True):
        assert e == pytest.approx(float(effects[c]), rel=1e-9)


@pytest.mark.parametrize("seed", [4, 5])
def test_shapley_matches_brute_force_on_generated_data(seed):
    paths, converted = _random_paths(seed, 200, "ABCDE")
    got = credits(attribute(Journeys.from_paths(paths, converted), "shapley"))
    for c, x in ref_shapley(paths, converted).items():
        assert got[c] == pytest.approx(float(x), rel=1e-9)


def test_weighted_paths_equal_repeated_journeys():
    repeated = Journeys.from_paths([["A", "B"]] * 3 + [["B"]] * 2, [True, True, False, True, False])
    weighted = Journeys.from_paths(
        [["A", "B"], ["A", "B"], ["B"], ["B"]], [True, False, True, False]
    )
    weighted.weight = np.array([2.0, 1.0, 1.0, 1.0])
    for model in ("linear", "markov", "shapley"):
        assert credits(attribute(repeated, model)) == pytest.approx(
            credits(attribute(weighted, model))
        )


def test_sampled_shapley_stays_within_its_stated_bound():
    from cordee.analytics.attribution import shapley_error_bound, shapley_sampled

    paths, converted = _random_paths(9, 400, "ABCDEFGH")
    j = Journeys.from_paths(paths, converted)
    exact = attribute(j, "shapley")
    sampled = shapley_sampled(j, samples=3000, seed=7)
    bound = shapley_error_bound(3000)  # ≈ 0.059 in φ units, with 99 % confidence per channel
    to_phi = exact.extra["v_all"] / exact.total
    assert np.max(np.abs((sampled.credits - exact.credits) * to_phi)) <= bound
    assert sampled.credits.sum() == pytest.approx(exact.total, rel=1e-9)  # efficiency holds exactly
    # and it is reproducible
    assert np.array_equal(sampled.credits, shapley_sampled(j, samples=3000, seed=7).credits)


def test_more_than_twenty_channels_switch_to_sampling():
    channels = [f"c{i}" for i in range(24)]
    rng = random.Random(3)
    paths = [[rng.choice(channels) for _ in range(rng.randint(1, 4))] for _ in range(300)]
    converted = [rng.random() < 0.4 for _ in paths]
    result = attribute(Journeys.from_paths(paths, converted), "shapley")
    assert result.extra["samples"] == 2000
    assert result.credits.sum() == pytest.approx(sum(converted), rel=1e-9)


def test_w_shaped_by_hand():
    from cordee.analytics.attribution import w_shaped

    # journey 1: A(first) B(lead) C D(opportunity) E → 30/30/30 to A, B, D; 10 % over C and E
    # journey 2: X(first and lead) Y(opportunity) → X 60 %, Y 30 %, the 10 % over X and Y
    j = Journeys.from_paths([["A", "B", "C", "D", "E"], ["X", "Y"]], [True, True])
    result = credits(w_shaped(j, np.array([1, 0]), np.array([3, 1])))
    assert result == pytest.approx(
        {"A": 0.3, "B": 0.3, "C": 0.05, "D": 0.3, "E": 0.05, "X": 0.65, "Y": 0.35}
    )
