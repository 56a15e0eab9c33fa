"""Multi-touch attribution of conversions (or value) to channels — pure NumPy, no Django.

Input is a set of **journeys**: each an ordered list of channel indexes (ties already broken by
the caller: by input row order, or by touchpoint id inside the app), a converted flag, a value
(the largest value on its rows), and — for time decay — the touch timestamps in seconds. A
journey with no touch is ignored.

Models (the contract of issue #4):

- ``first`` / ``last``: the whole conversion (or value) to the first / last touch.
- ``linear``: an equal share to every touch, repeated channels included.
- ``position`` (U-shaped): 40 % first, 40 % last, 20 % spread over the touches in between;
  one touch 100 %, two touches 50/50; repeats are not merged (A > A > B: A 60 %, B 40 %).
- ``time_decay``: weight ``2^(−Δt / half-life)``, Δt from the touch to the journey's last touch,
  normalised within the journey.
- ``markov`` (first order): states start, channels, conversion, null; consecutive repeats
  merged. P(conversion) is the absorption probability from start, solved exactly
  ((I − Q) x = r). Removing channel c sends every transition into c to null;
  RE_c = 1 − P(conv | c removed) / P(conv); credit_c = total × RE_c / Σ RE (total = conversions,
  or value — removal effects still come from conversions). Source: Anderl et al., "Mapping the
  customer journey" (2016); Archak et al. (2010).
- ``shapley``: v(S) = conversion rate of the journeys whose set of distinct channels ⊆ S
  (v(∅) = 0; v(S) = 0 when no journey qualifies); exact Shapley values over all coalitions
  (n ≤ 20) by a subset-sum (zeta) transform; credit_c = total × φ_c / v(all). Credits may be
  negative: a channel whose presence lowers the conversion rate. Source: Shapley (1953);
  Dalessandro et al., "Causally motivated attribution" (2012).

With no conversion at all, every credit (and removal effect) is 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from math import factorial
from typing import Any

import numpy as np
import numpy.typing as npt

MODELS = ("first", "last", "linear", "position", "time_decay", "markov", "shapley")
EXACT_SHAPLEY_MAX = 20


@dataclass
class PathSummary:
    """What the from-paths models need, accumulated in one compiled pass over the path strings
    (``journeys_io``): the Markov transition counts (as ``markov_counts``), the first, last,
    linear and position credits (rows of ``credits[use_value]``, as ``_by_position``) and the
    journeys and conversions per channel set (as ``coalition_counts``; ``None`` beyond
    ``EXACT_SHAPLEY_MAX`` channels)."""

    counts: npt.NDArray[np.float64]
    credits: dict[bool, npt.NDArray[np.float64]]
    coalition_journeys: npt.NDArray[np.float64] | None = None
    coalition_conversions: npt.NDArray[np.float64] | None = None


POSITION_MODELS = ("first", "last", "linear", "position")


@dataclass
class Journeys:
    """Journeys as flat arrays: touch ``i`` belongs to journey ``journey[i]`` (0-based, sorted,
    in touch order within each journey).

    A journey may stand for several identical ones (aggregated paths): ``weight`` says how many,
    and ``conversions`` how many of them converted (by default ``converted × weight``); ``value``
    is then the value *per conversion*."""

    channels: list[str]
    journey: npt.NDArray[np.int64]  # per touch
    channel: npt.NDArray[np.int64]  # per touch
    converted: npt.NDArray[np.bool_]  # per journey
    value: npt.NDArray[np.float64]  # per journey
    ts: npt.NDArray[np.float64] | None = None  # per touch, seconds
    weight: npt.NDArray[np.float64] | None = None  # per journey: how many identical journeys
    conversions: npt.NDArray[np.float64] | None = None  # per journey: how many of them converted
    _layout: tuple[Any, ...] | None = field(default=None, repr=False, compare=False)
    summary: PathSummary | None = field(default=None, repr=False, compare=False)

    def layout(
        self,
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(length per journey, index of each touched journey's first touch, … last touch),
        computed once per ``Journeys`` (every model uses them; touches are never edited)."""
        if self._layout is None or self._layout[0] is not self.journey:
            length = np.bincount(self.journey, minlength=self.n_journeys)
            boundary = np.flatnonzero(self.journey[1:] != self.journey[:-1])
            if len(self.journey):
                first = np.concatenate([[0], boundary + 1])
                last = np.concatenate([boundary, [len(self.journey) - 1]])
            else:
                first = last = np.empty(0, dtype=np.int64)
            self._layout = (self.journey, length, first, last)
        return self._layout[1], self._layout[2], self._layout[3]

    def weights(self) -> npt.NDArray[np.float64]:
        return self.weight if self.weight is not None else np.ones(self.n_journeys)

    def conversion_weights(self) -> npt.NDArray[np.float64]:
        """Converted journeys each journey stands for (1/0 for a single journey)."""
        if self.conversions is not None:
            return self.conversions
        return np.where(self.converted, self.weights(), 0.0)

    @property
    def n_journeys(self) -> int:
        return len(self.converted)

    @classmethod
    def from_paths(
        cls,
        paths: Sequence[Sequence[str]],
        converted: Sequence[bool],
        value: Sequence[float] | None = None,
        ts: Sequence[Sequence[float]] | None = None,
    ) -> Journeys:
        """Convenience constructor (tests, small inputs): one list of channel names per journey."""
        kept = [i for i, p in enumerate(paths) if len(p)]
        channels = sorted({c for i in kept for c in paths[i]})
        index = {c: k for k, c in enumerate(channels)}
        journey = (
            np.concatenate([np.full(len(paths[i]), j) for j, i in enumerate(kept)])
            if kept
            else np.empty(0)
        )
        channel = np.array([index[c] for i in kept for c in paths[i]], dtype=np.int64)
        return cls(
            channels=channels,
            journey=journey.astype(np.int64),
            channel=channel,
            converted=np.array([bool(converted[i]) for i in kept], dtype=bool),
            value=np.array(
                [float(value[i]) if value is not None else 1.0 for i in kept], dtype=np.float64
            ),
            ts=np.array([t for i in kept for t in ts[i]], dtype=np.float64)
            if ts is not None
            else None,
        )


@dataclass
class Result:
    model: str
    channels: list[str]
    credits: npt.NDArray[np.float64]
    total: float
    removal_effects: npt.NDArray[np.float64] | None = None
    extra: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "model": self.model,
            "total_conversions": self.total,
            "credits": {c: float(v) for c, v in zip(self.channels, self.credits, strict=True)},
        }
        if self.removal_effects is not None:
            out["removal_effects"] = {
                c: float(v) for c, v in zip(self.channels, self.removal_effects, strict=True)
            }
        return out


def _weights_total(j: Journeys, use_value: bool) -> npt.NDArray[np.float64]:
    """What each journey distributes: its value (converted journeys) or 1 per conversion."""
    conversions = j.conversion_weights()
    return conversions * j.value if use_value else conversions


def _spread(
    j: Journeys, touch_weight: npt.NDArray[np.float64], use_value: bool
) -> npt.NDArray[np.float64]:
    """Sum per channel of each touch's share of its journey's amount (weights normalised per journey)."""
    sums = np.bincount(j.journey, weights=touch_weight, minlength=j.n_journeys)
    share = np.divide(
        touch_weight, sums[j.journey], out=np.zeros_like(touch_weight), where=sums[j.journey] > 0
    )
    amount = _weights_total(j, use_value)[j.journey]
    return np.bincount(j.channel, weights=share * amount, minlength=len(j.channels)).astype(
        np.float64
    )


def _positions(j: Journeys) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Position of each touch within its journey, and the journey's length."""
    length, _first, _last = j.layout()
    start = np.concatenate([[0], np.cumsum(length)[:-1]])
    return np.arange(len(j.journey)) - start[j.journey], length[j.journey]


def heuristic(
    j: Journeys, model: str, *, use_value: bool = False, half_life_days: float = 7.0
) -> Result:
    """first, last, linear, position (U) and time_decay."""
    if model in POSITION_MODELS:  # shares known per position: no weights
        amount = _weights_total(j, use_value)
        if j.summary is not None:
            credits = j.summary.credits[use_value][POSITION_MODELS.index(model)].copy()
        else:
            credits = _by_position(j, model, amount)
        return Result(model, j.channels, credits, float(amount.sum()))
    if model == "time_decay":
        if j.ts is None:
            raise ValueError("time_decay needs touch timestamps.")
        last = np.full(j.n_journeys, -np.inf)
        np.maximum.at(last, j.journey, j.ts)
        delta_days = (last[j.journey] - j.ts) / 86400.0
        w = np.power(2.0, -delta_days / half_life_days)
    else:
        raise ValueError(f"Unknown model {model!r}.")
    credits = _spread(j, w.astype(np.float64), use_value)
    return Result(model, j.channels, credits, float(_weights_total(j, use_value).sum()))


def _by_position(
    j: Journeys, model: str, amount: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """first / last: the journey's amount to one touch; linear: amount ÷ length to every touch;
    position: 40 % first, 40 % last, 20 % ÷ (length − 2) to each touch between (one touch: 100 %,
    two: 50/50). One ``bincount`` over the touches, each weighted by its share of its journey's
    amount."""
    n = len(j.channels)
    if len(j.journey) == 0:
        return np.zeros(n)
    length, first, last = j.layout()
    journeys = j.journey[first]  # the journeys that have touches, in order
    if model == "first":
        touches, share = first, amount[journeys]
    elif model == "last":
        touches, share = last, amount[journeys]
    elif model == "linear":
        per_touch = np.divide(amount, length, out=np.zeros(j.n_journeys), where=length > 0)
        return np.bincount(j.channel, weights=per_touch[j.journey], minlength=n).astype(np.float64)
    else:  # position
        size = length[journeys]
        middle = np.divide(0.2 * amount, length - 2, out=np.zeros(j.n_journeys), where=length > 2)
        share = middle[j.journey]  # every touch, then the first and last overwritten
        share[last] = amount[journeys] * np.where(size == 2, 0.5, 0.4)
        share[first] = amount[journeys] * np.where(size == 1, 1.0, np.where(size == 2, 0.5, 0.4))
        return np.bincount(j.channel, weights=share, minlength=n).astype(np.float64)
    return np.bincount(j.channel[touches], weights=share, minlength=n).astype(np.float64)


def w_shaped(
    j: Journeys,
    lead_created: npt.NDArray[np.int64],
    opportunity_created: npt.NDArray[np.int64],
    *,
    use_value: bool = False,
) -> Result:
    """W-shaped: 30 % each to the first touch, the touch at which the lead was created and the
    touch at which the opportunity was created; 10 % spread over the other touches. A touch that
    is two milestones gets both shares; with no other touch, the 10 % goes equally to the
    milestone touches. ``lead_created`` / ``opportunity_created`` give, per journey, the position
    of that touch in the journey (−1 when unknown: its 30 % then goes to the first touch)."""
    pos, _length = _positions(j)
    lead_pos = np.where(lead_created[j.journey] >= 0, lead_created[j.journey], 0)
    opp_pos = np.where(opportunity_created[j.journey] >= 0, opportunity_created[j.journey], 0)
    milestones = 0.3 * ((pos == 0).astype(float) + (pos == lead_pos) + (pos == opp_pos))
    is_milestone = milestones > 0
    others = np.bincount(j.journey, weights=(~is_milestone).astype(float), minlength=j.n_journeys)[
        j.journey
    ]
    n_milestone = np.bincount(
        j.journey, weights=is_milestone.astype(float), minlength=j.n_journeys
    )[j.journey]
    rest = np.where(
        others > 0,
        np.where(is_milestone, 0.0, 0.1 / np.maximum(others, 1)),
        np.where(is_milestone, 0.1 / np.maximum(n_milestone, 1), 0.0),
    )
    credits = _spread(j, milestones + rest, use_value)
    return Result("w_shaped", j.channels, credits, float(_weights_total(j, use_value).sum()))


# -- Markov ----------------------------------------------------------------------------------------


def markov_counts(j: Journeys) -> tuple[npt.NDArray[np.float64], int]:
    """Transition counts over states [start, channels…, conversion, null], consecutive repeats
    merged. Returns the (n+3)×(n+3) count matrix and n."""
    n = len(j.channels)
    if j.summary is not None:
        return j.summary.counts.copy(), n
    size = n + 3
    start, conv, null = 0, n + 1, n + 2
    if len(j.channel) == 0:
        return np.zeros((size, size)), n
    # Merging consecutive repeats changes neither a journey's first nor its last channel, and
    # its inner transitions are exactly the adjacent pairs with src ≠ dst: count every adjacent
    # pair of one journey, then drop the channel→same-channel diagonal.
    _length, first, last = j.layout()
    ends = j.journey[last]
    weights = j.weights()
    conversions = j.conversion_weights()
    cells = size * size
    pair = j.channel[:-1] * size  # state (c + 1) → (d + 1): flat cell (c + 1)·size + d + 1
    pair += j.channel[1:]  # in place: one array of the touches' size, not four
    pair += size + 1
    same = j.journey[1:] == j.journey[:-1]
    if j.weight is None:  # one journey each: plain counts, other pairs into a spare bin
        np.copyto(pair, cells, where=~same)
        counts = np.bincount(pair, minlength=cells + 1)[:cells].astype(np.float64)
        counts += np.bincount(start * size + j.channel[first] + 1, minlength=cells)
    else:
        counts = np.bincount(pair, weights[j.journey[1:]] * same, minlength=cells).astype(
            np.float64
        )
        counts += np.bincount(start * size + j.channel[first] + 1, weights[ends], minlength=cells)
    del pair, same
    counts[(size + 1) * np.arange(1, n + 1)] = 0.0  # channel → itself: a merged repeat
    last_state = (j.channel[last] + 1) * size
    counts += np.bincount(last_state + conv, conversions[ends], minlength=cells)
    counts += np.bincount(last_state + null, weights[ends] - conversions[ends], minlength=cells)
    return counts.reshape(size, size), n


def absorption_probability(counts: npt.NDArray[np.float64], removed: int | None = None) -> float:
    """P(conversion) from start, exactly: solve (I − Q) x = r on the transient states."""
    n = counts.shape[0] - 3
    conv, null = n + 1, n + 2
    c = counts.copy()
    if removed is not None:
        c[:, null] += c[:, removed]
        c[:, removed] = 0.0
    totals = c.sum(axis=1)
    probs = np.divide(c, totals[:, None], out=np.zeros_like(c), where=totals[:, None] > 0)
    transient = list(range(n + 1))
    q = probs[np.ix_(transient, transient)]
    r = probs[transient, conv]
    x = np.linalg.solve(np.eye(len(transient)) - q, r)
    return float(x[0])


def markov(j: Journeys, *, use_value: bool = False) -> Result:
    counts, _n = markov_counts(j)
    return markov_from_counts(counts, j.channels, float(_weights_total(j, use_value).sum()))


def markov_from_counts(
    counts: npt.NDArray[np.float64], channels: list[str], total: float
) -> Result:
    """Removal effects and credits from a transition count matrix (any engine's)."""
    n = len(channels)
    if counts[:, n + 1].sum() == 0:  # no conversion at all
        return Result("markov", channels, np.zeros(n), total, np.zeros(n))
    base = absorption_probability(counts)
    effects = np.array([1.0 - absorption_probability(counts, k + 1) / base for k in range(n)])
    denominator = effects.sum()
    credits = total * effects / denominator if denominator > 0 else np.zeros(n)
    return Result("markov", channels, credits, total, effects, {"p_conversion": base})


# -- Shapley ---------------------------------------------------------------------------------------


def coalition_counts(j: Journeys) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Journeys and conversions per exact set of distinct channels (a bitmask)."""
    n = len(j.channels)
    if n > EXACT_SHAPLEY_MAX:
        raise ValueError(
            f"Exact Shapley values are computed for up to {EXACT_SHAPLEY_MAX} channels."
        )
    if j.summary is not None and j.summary.coalition_journeys is not None:
        assert j.summary.coalition_conversions is not None
        return j.summary.coalition_journeys.copy(), j.summary.coalition_conversions.copy()
    bits = np.zeros(j.n_journeys, dtype=np.int64)
    if len(j.journey):
        touch_bits = np.left_shift(1, j.channel)
        if bool(np.all(j.journey[1:] >= j.journey[:-1])):  # sorted: one reduceat per journey
            first = np.flatnonzero(np.concatenate([[True], j.journey[1:] != j.journey[:-1]]))
            bits[j.journey[first]] = np.bitwise_or.reduceat(touch_bits, first)
        else:
            np.bitwise_or.at(bits, j.journey, touch_bits)
    journeys = np.bincount(bits, weights=j.weights(), minlength=1 << n).astype(np.float64)
    conversions = np.bincount(bits, weights=j.conversion_weights(), minlength=1 << n).astype(
        np.float64
    )
    return journeys, conversions


def _subset_sums(values: npt.NDArray[np.float64], n: int) -> npt.NDArray[np.float64]:
    """Zeta transform: out[S] = Σ values[T] over T ⊆ S."""
    out = values.copy()
    for k in range(n):
        view = out.reshape(-1, 2, 1 << k)
        view[:, 1, :] += view[:, 0, :]
    return out


def shapley(j: Journeys, *, use_value: bool = False, samples: int = 2000, seed: int = 7) -> Result:
    """Exact for up to ``EXACT_SHAPLEY_MAX`` channels, sampled beyond (``shapley_sampled``)."""
    n = len(j.channels)
    total = float(_weights_total(j, use_value).sum())
    if not j.conversion_weights().any() or n == 0:
        return Result("shapley", j.channels, np.zeros(n), total)
    if n > EXACT_SHAPLEY_MAX:
        return shapley_sampled(j, use_value=use_value, samples=samples, seed=seed)
    journeys, conversions = coalition_counts(j)
    return shapley_from_coalitions(journeys, conversions, j.channels, total)


def shapley_from_coalitions(
    journeys: npt.NDArray[np.float64],
    conversions: npt.NDArray[np.float64],
    channels: list[str],
    total: float,
) -> Result:
    """Exact Shapley credits from journeys and conversions per channel-set bitmask (any engine's)."""
    n = len(channels)
    if conversions.sum() == 0:
        return Result("shapley", channels, np.zeros(n), total)
    nj, nc = _subset_sums(journeys, n), _subset_sums(conversions, n)
    v = np.divide(nc, nj, out=np.zeros_like(nc), where=nj > 0)
    v[0] = 0.0
    size = _sizes(n)
    weight = np.array(
        [factorial(s) * factorial(n - s - 1) / factorial(n) if s < n else 0.0 for s in range(n + 1)]
    )
    # φ_c = Σ_{S ∌ c} w(|S|) (v(S ∪ {c}) − v(S)), w(s) = s! (n − s − 1)! / n!, regrouped by
    # coalition: φ_c = Σ_{S ∋ c} [w(|S| − 1) + w(|S|)] v(S) − Σ_S w(|S|) v(S) (w(n) = 0).
    # The sums over the S containing c, for every c, fold the coalitions in halves on their
    # highest bit: about 2 · 2^n additions instead of n · 2^n.
    before = np.concatenate([[0.0], weight[:-1]])  # w(|S| − 1), 0 for the empty set
    spread = v * weight[size]
    both = v * before[size]
    both += spread
    phi = np.zeros(n)
    folded = both
    for c in range(n - 1, -1, -1):
        halves = folded.reshape(2, -1)
        phi[c] = float(halves[1].sum())
        folded = halves[0] + halves[1]
    phi -= float(spread.sum())
    grand = v[(1 << n) - 1]
    credits = total * phi / grand if grand != 0 else np.zeros(n)
    return Result("shapley", channels, credits, total, extra={"v_all": float(grand)})


def shapley_error_bound(samples: int, delta: float = 0.01) -> float:
    """Hoeffding: a marginal contribution v(S ∪ {c}) − v(S) lies in [−1, 1], so the mean of
    ``samples`` independent permutations is within ε = √(2 ln(2/δ) / samples) of φ_c with
    probability ≥ 1 − δ (for each channel). Credits scale this by total ÷ v(all)."""
    return float(np.sqrt(2.0 * np.log(2.0 / delta) / samples))


def shapley_sampled(
    j: Journeys, *, use_value: bool = False, samples: int = 2000, seed: int = 7
) -> Result:
    """Shapley values by permutation sampling (fixed seed: reproducible), for many channels.

    v(S) is evaluated directly: the conversion rate of the journeys whose channel set is a subset
    of S. Each permutation adds channels one by one; a journey enters the coalition when its
    last channel does, so one permutation costs one pass over the journeys.
    """
    n = len(j.channels)
    total = float(_weights_total(j, use_value).sum())
    w = j.weights()
    conv = j.conversion_weights()
    rng = np.random.default_rng(seed)
    phi = np.zeros(n)
    for _ in range(samples):
        order = rng.permutation(n)
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        enters = np.zeros(j.n_journeys, dtype=np.int64)
        np.maximum.at(
            enters, j.journey, rank[j.channel]
        )  # step at which the journey's set is complete
        journeys_by_step = np.cumsum(np.bincount(enters, weights=w, minlength=n))
        conv_by_step = np.cumsum(np.bincount(enters, weights=conv, minlength=n))
        v = np.divide(conv_by_step, journeys_by_step, out=np.zeros(n), where=journeys_by_step > 0)
        gains = np.diff(np.concatenate([[0.0], v]))
        phi[order] += gains
    phi /= samples
    grand = float(conv.sum() / w.sum()) if w.sum() else 0.0
    credits = total * phi / grand if grand else np.zeros(n)
    return Result(
        "shapley",
        j.channels,
        credits,
        total,
        extra={
            "v_all": grand,
            "samples": float(samples),
            "error_bound_phi": shapley_error_bound(samples),
        },
    )


def _sizes(n: int) -> npt.NDArray[np.int64]:
    """|S| of every coalition S = 0 … 2^n − 1: the second half of each block is the first + 1."""
    size = np.zeros(1 << n, dtype=np.int64)
    for k in range(n):
        np.add(size[: 1 << k], 1, out=size[1 << k : 2 << k])
    return size


def attribute(
    j: Journeys, model: str, *, use_value: bool = False, half_life_days: float = 7.0
) -> Result:
    """One entry point for every model."""
    if model == "markov":
        return markov(j, use_value=use_value)
    if model == "shapley":
        return shapley(j, use_value=use_value)
    return heuristic(j, model, use_value=use_value, half_life_days=half_life_days)
