"""How far a Shapley credit can be trusted — pure NumPy, no Django.

The rate-based Shapley of ``cordee.analytics.attribution`` (v(S) = conversion rate of the
journeys whose set of distinct channels ⊆ S) may give a channel a negative credit, and on sparse
data a credit of either sign may rest on a handful of journeys. Two numbers say so:

- **Bootstrap interval** (Efron & Tibshirani, "An Introduction to the Bootstrap", 1993, ch. 13):
  draw ``resamples`` samples of the N journeys *with replacement* (``numpy.random.default_rng(
  seed)``: the same seed gives the same interval), compute every channel's credit on each, and
  keep the 2.5th and 97.5th percentiles. A resample draws N journey indexes uniformly
  (``rng.integers(0, N, N)``) and counts how often each journey is taken; since v depends on
  the journeys only through their counts per channel set, a resample is a reweighting of the
  per-coalition journey and conversion counts (``bincount``s per resample, no loop over
  journeys). Credits
  in conversions scale φ by the resample's conversions; credits in value by the resample's value.
  A credit whose interval contains 0 is **not distinguishable from zero**.
- **Journeys behind the smallest coalition that moves it**: for channel c, among the coalitions
  T = S ∪ {c} whose marginal contribution v(T) − v(S) is non-zero, the one with the fewest
  channels (ties: the largest |w(|S|) · (v(T) − v(S))|, w(s) = s! (n − s − 1)! / n!, i.e. the
  term that weighs most in φ_c; then the lowest bitmask). Its **support** is the number of
  journeys that define v(T): those whose channel set ⊆ T. A credit resting on a support of 3
  journeys is an anecdote, whatever its size. No such coalition (every marginal 0): support 0.

Exact only (n ≤ ``EXACT_SHAPLEY_MAX`` channels); beyond, ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import factorial

import numpy as np
import numpy.typing as npt

from cordee.analytics.attribution import (
    EXACT_SHAPLEY_MAX,
    Journeys,
    _sizes,
    _subset_sums,
    coalition_counts,
)

BOOTSTRAP_SEED = 12
BOOTSTRAP_RESAMPLES = 200
LEVEL = 0.95


@dataclass(frozen=True)
class ShapleyInterval:
    """Per channel (the order of ``channels``): the percentile interval of its credit, in
    conversions and in value, and the smallest coalition that moves it with its support."""

    channels: list[str]
    low: npt.NDArray[np.float64]
    high: npt.NDArray[np.float64]
    low_value: npt.NDArray[np.float64]
    high_value: npt.NDArray[np.float64]
    coalition: list[list[str]]
    support: npt.NDArray[np.int64]
    seed: int
    resamples: int

    def indistinguishable_from_zero(self) -> npt.NDArray[np.bool_]:
        return (self.low <= 0) & (self.high >= 0)


def _journey_sets(j: Journeys) -> npt.NDArray[np.int64]:
    """Each journey's set of distinct channels as a bitmask."""
    bits = np.zeros(j.n_journeys, dtype=np.int64)
    if len(j.journey):
        np.bitwise_or.at(bits, j.journey, np.left_shift(1, j.channel))
    return bits


def _shares(
    journeys: npt.NDArray[np.float64], conversions: npt.NDArray[np.float64], n: int
) -> npt.NDArray[np.float64]:
    """φ / v(all) for a batch of resamples at once (rows: resamples, columns: coalition
    bitmasks): each channel's share of one conversion, credits = total × share. The same sums
    as ``shapley_from_coalitions``, on every row: subset sums, v(S), then
    φ_c = Σ_{S ∋ c} [w(|S| − 1) + w(|S|)] v(S) − Σ_S w(|S|) v(S)."""
    nj, nc = journeys.copy(), conversions.copy()
    rows = len(nj)
    for k in range(n):  # subset sums along each row
        for a in (nj, nc):
            view = a.reshape(rows, -1, 2, 1 << k)
            view[:, :, 1, :] += view[:, :, 0, :]
    v = np.divide(nc, nj, out=np.zeros_like(nc), where=nj > 0)
    v[:, 0] = 0.0
    size = _sizes(n)
    weight = np.array(
        [factorial(s) * factorial(n - s - 1) / factorial(n) if s < n else 0.0 for s in range(n + 1)]
    )
    before = np.concatenate([[0.0], weight[:-1]])
    spread = (v * weight[size]).sum(axis=1)
    folded = v * (weight[size] + before[size])
    phi = np.zeros((rows, n))
    for c in range(n - 1, -1, -1):  # fold on the highest bit: Σ over the S containing c
        halves = folded.reshape(rows, 2, -1)
        phi[:, c] = halves[:, 1].sum(axis=1)
        folded = halves[:, 0] + halves[:, 1]
    phi -= spread[:, None]
    grand = v[:, -1]
    return np.divide(phi, grand[:, None], out=np.zeros_like(phi), where=grand[:, None] != 0)


def smallest_moving_coalition(j: Journeys) -> tuple[list[list[str]], npt.NDArray[np.int64]]:
    """Per channel: the smallest coalition T ∋ c with v(T) ≠ v(T ∖ {c}) (ties as the module
    docstring says) as channel names, and the journeys whose channel set ⊆ T."""
    n = len(j.channels)
    journeys, conversions = coalition_counts(j)
    nj, nc = _subset_sums(journeys, n), _subset_sums(conversions, n)
    v = np.divide(nc, nj, out=np.zeros_like(nc), where=nj > 0)
    v[0] = 0.0
    size = _sizes(n)
    weight = np.array(
        [factorial(s) * factorial(n - s - 1) / factorial(n) if s < n else 0.0 for s in range(n + 1)]
    )
    masks = np.arange(1 << n)
    coalitions: list[list[str]] = []
    support = np.zeros(n, dtype=np.int64)
    for c in range(n):
        with_c = masks[(masks >> c) & 1 == 1]
        marginal = v[with_c] - v[with_c ^ (1 << c)]
        moving = with_c[marginal != 0]
        if not len(moving):
            coalitions.append([])
            continue
        weighted = np.abs(weight[size[moving] - 1] * (v[moving] - v[moving ^ (1 << c)]))
        # fewest channels, then the heaviest term, then the lowest bitmask (lexsort: last key first)
        best = int(moving[np.lexsort((moving, -weighted, size[moving]))[0]])
        coalitions.append([j.channels[k] for k in range(n) if best >> k & 1])
        support[c] = round(float(nj[best]))
    return coalitions, support


def shapley_bootstrap(
    j: Journeys,
    *,
    seed: int = BOOTSTRAP_SEED,
    resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = LEVEL,
) -> ShapleyInterval | None:
    """Percentile bootstrap intervals of the Shapley credits (conversions and value, the value of
    a converted journey being ``j.value``), resampling journeys with replacement; ``None`` beyond
    ``EXACT_SHAPLEY_MAX`` channels or without journeys."""
    n = len(j.channels)
    if n == 0 or n > EXACT_SHAPLEY_MAX or j.n_journeys == 0:
        return None
    if j.weight is not None:
        raise ValueError("The bootstrap resamples single journeys, not aggregated paths.")
    bits = _journey_sets(j)
    converted = j.conversion_weights()
    value = converted * j.value
    rng = np.random.default_rng(seed)
    cells = 1 << n
    credits = np.zeros((resamples, n))
    credits_value = np.zeros((resamples, n))
    n_j = j.n_journeys
    batch = max(1, (1 << 21) // cells)  # resamples per batch: about 16 MB per array
    for first in range(0, resamples, batch):
        rows = range(first, min(first + batch, resamples))
        taken = np.zeros((len(rows), n_j))
        for r in range(len(rows)):  # a bincount per resample: no loop over journeys
            taken[r] = np.bincount(rng.integers(0, n_j, n_j), minlength=n_j)
        conv = taken * converted
        counts = np.stack([np.bincount(bits, weights=t, minlength=cells) for t in taken])
        conversions = np.stack([np.bincount(bits, weights=c, minlength=cells) for c in conv])
        share = _shares(counts.astype(np.float64), conversions.astype(np.float64), n)
        credits[rows.start : rows.stop] = share * conv.sum(axis=1)[:, None]
        credits_value[rows.start : rows.stop] = share * (taken @ value)[:, None]
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(credits, [tail, 100.0 - tail], axis=0)
    low_value, high_value = np.percentile(credits_value, [tail, 100.0 - tail], axis=0)
    coalitions, support = smallest_moving_coalition(j)
    return ShapleyInterval(
        channels=list(j.channels),
        low=low,
        high=high,
        low_value=low_value,
        high_value=high_value,
        coalition=coalitions,
        support=support,
        seed=seed,
        resamples=resamples,
    )
