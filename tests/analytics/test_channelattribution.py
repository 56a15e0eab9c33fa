"""Cordée against ChannelAttribution (the reference R/Python package) on generated data: the
heuristics agree exactly; its Markov model is a simulation, so shares agree within 0.7 points."""

from __future__ import annotations

import random

import numpy as np
import pytest

from cordee.analytics.attribution import Journeys, attribute

ca = pytest.importorskip(
    "ChannelAttribution", reason="installed by make test from requirements/bench.lock"
)
pd = pytest.importorskip("pandas")

CHANNELS = "ABCDEFGH"


def _paths(seed: int, n: int) -> dict[tuple[str, ...], tuple[int, int]]:
    """Aggregated paths; no channel repeats itself consecutively, so that both definitions of the
    first-order chain coincide (Cordée merges such repeats)."""
    rng = random.Random(seed)
    paths: dict[tuple[str, ...], tuple[int, int]] = {}
    for _ in range(n):
        path = [rng.choice(CHANNELS)]
        while rng.random() < 0.72 and len(path) < 12:
            path.append(rng.choice([c for c in CHANNELS if c != path[-1]]))
        p = tuple(path)
        converted = rng.random() < 0.05 + 0.05 * p.count("C") + (0.1 if p[-1] == "D" else 0)
        conv, null = paths.get(p, (0, 0))
        paths[p] = (conv + converted, null + (not converted))
    return paths


def _both(paths):
    frame = pd.DataFrame(
        {
            "path": [" > ".join(p) for p in paths],
            "total_conversions": [v[0] for v in paths.values()],
            "total_null": [v[1] for v in paths.values()],
        }
    )
    rows, flags, weights = [], [], []
    for p, (conv, null) in paths.items():
        for converted, weight in ((True, conv), (False, null)):
            if weight:
                rows.append(list(p))
                flags.append(converted)
                weights.append(weight)
    journeys = Journeys.from_paths(rows, flags)
    journeys.weight = np.array(weights, dtype=float)
    return frame, journeys


@pytest.mark.parametrize("seed", [5, 6])
def test_first_last_linear_equal_heuristic_models(seed):
    frame, journeys = _both(_paths(seed, 20_000))
    reference = ca.heuristic_models(frame, "path", "total_conversions", flg_pro=False).set_index(
        "channel_name"
    )
    for model, column in (
        ("first", "first_touch"),
        ("last", "last_touch"),
        ("linear", "linear_touch"),
    ):
        result = attribute(journeys, model)
        for channel, credit in zip(result.channels, result.credits, strict=True):
            assert credit == pytest.approx(reference.loc[channel, column], rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("seed", [5, 6])
def test_markov_shares_within_seven_tenths_of_a_point_of_markov_model(seed):
    frame, journeys = _both(_paths(seed, 20_000))
    reference = ca.markov_model(
        frame,
        "path",
        "total_conversions",
        var_null="total_null",
        seed=seed,
        verbose=False,
        flg_pro=False,
    ).set_index("channel_name")["total_conversions"]
    result = attribute(journeys, "markov")
    ours = result.credits / result.credits.sum()
    theirs = np.array([reference[c] for c in result.channels]) / reference.sum()
    assert np.max(np.abs(ours - theirs)) * 100 <= 0.7
