"""Vis-ma-vie pairing: marketers with salespeople, solved exactly as a mixed-integer program —
pure, no Django.

**Valid pair** (edge e = (m, s)): the marketer and the salesperson share at least one available
day, and they were never paired before (``forbidden``: a pair of an earlier programme, or a
dropped one). A pair kept by hand (``fixed``) is always in the answer.

**Variables**: xₑ ∈ {0, 1} per valid or fixed edge (1: proposed), yᵢ ∈ {0, 1} per participant
(1: paired at least once).

**Constraints**: Σₑ∋ᵢ xₑ ≤ capacityᵢ (a host receives up to its capacity, anyone else one
pair); yᵢ ≤ Σₑ∋ᵢ xₑ (paired only through a pair); xₑ = 1 for a fixed edge.

**Objective**, lexicographic, as one weighted sum (maximised):

1. the participants paired, Σ yᵢ;
2. then the pairs whose two people share no pod (cross-pod), Σ cₑ xₑ;
3. then the pairs (a host's spare capacity used), Σ xₑ;
4. then the pairs' common days, Σ dₑ xₑ (more days: more room to schedule the session).

With X the most pairs possible (min(edges, Σ marketers' capacity, Σ salespeople's capacity))
and D the most common days of one pair, the weights are integers built from the bottom:

    w₄ = 1,  U₄ = X·D                 (level 4 never exceeds U₄)
    w₃ = U₄ + 1,  U₃ = w₃·X + U₄       (levels 3–4 never exceed U₃)
    w₂ = U₃ + 1,  U₂ = w₂·X + U₃
    w₁ = U₂ + 1

They are enough: between two answers, the levels below k differ by at most Uₖ (each lies in
[0, Uₖ]), and Uₖ < wₖ, so one more unit at level k always outweighs any change below it — the
weighted optimum is the lexicographic one. Every weight is an integer, so HiGHS, asked for a
zero relative gap, proves the optimum exactly.

**Tie-break**: the input is sorted by id before the model is built, and HiGHS is deterministic:
the same participants give the same pairs, whatever order they came in.

**Unpaired**: a participant left alone is reported with the reason — no common day with anyone
on the other side; only earlier partners share a day with them; or everyone valid is already at
capacity (at the optimum, a valid partner with room left would have been paired with them;
after changes by hand, ``why_unpaired`` may find one with room: ``PARTNER_FREE``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array


class Unpaired(StrEnum):
    NO_COMMON_DAY = "no_common_day"
    EARLIER_PARTNERS = "earlier_partners"
    PARTNERS_FULL = "partners_full"
    PARTNER_FREE = "partner_free"  # only after changes by hand: the solver never leaves one


@dataclass(frozen=True)
class Person:
    """A participant: its id (unique across both sides), pods, capacity, available days."""

    id: int
    pods: frozenset[int]
    capacity: int
    days: frozenset[dt.date]


@dataclass(frozen=True)
class Pair:
    marketer: int
    salesperson: int
    days: tuple[dt.date, ...]  # the common available days, in order
    cross_pod: bool
    fixed: bool


@dataclass(frozen=True)
class Weights:
    participant: int
    cross_pod: int
    pair: int
    day: int


@dataclass(frozen=True)
class Proposal:
    pairs: tuple[Pair, ...]
    unpaired: dict[int, Unpaired]  # participant id → why
    weights: Weights | None


def cross_pod(a: Person, b: Person) -> bool:
    """Two people are from different pods unless they share one (no pod shares none)."""
    return not (a.pods & b.pods)


def weights(max_pairs: int, max_days: int) -> Weights:
    """The lexicographic weights of the module's docstring."""
    u4 = max_pairs * max_days
    w3 = u4 + 1
    u3 = w3 * max_pairs + u4
    w2 = u3 + 1
    u2 = w2 * max_pairs + u3
    return Weights(participant=u2 + 1, cross_pod=w2, pair=w3, day=1)


def _check_fixed(
    fixed: list[tuple[int, int]], by_id: dict[int, Person], sides: dict[int, str]
) -> None:
    used: dict[int, int] = {}
    for m, s in fixed:
        if sides.get(m) != "m" or sides.get(s) != "s":
            raise ValueError(f"fixed pair ({m}, {s}) is not a marketer and a salesperson")
        for i in (m, s):
            used[i] = used.get(i, 0) + 1
            if used[i] > by_id[i].capacity:
                raise ValueError(f"fixed pairs exceed the capacity of {i}")


def pairs_propose(
    marketers: Iterable[Person],
    salespeople: Iterable[Person],
    *,
    forbidden: Iterable[tuple[int, int]] = (),
    fixed: Iterable[tuple[int, int]] = (),
) -> Proposal:
    """The best pairs (module docstring). ``forbidden`` and ``fixed`` are (marketer id,
    salesperson id); a fixed pair is kept even when it would not be valid, and fixed pairs must
    fit the capacities (``ValueError`` otherwise)."""
    ms = sorted(marketers, key=lambda p: p.id)
    ss = sorted(salespeople, key=lambda p: p.id)
    by_id = {p.id: p for p in (*ms, *ss)}
    sides = {p.id: "m" for p in ms} | {p.id: "s" for p in ss}
    banned = set(forbidden)
    kept = sorted(set(fixed))
    _check_fixed(kept, by_id, sides)
    edges = sorted(
        set(kept)
        | {(m.id, s.id) for m in ms for s in ss if m.days & s.days and (m.id, s.id) not in banned}
    )
    if not edges:
        return Proposal((), why_unpaired(ms, ss, forbidden=banned), None)

    people = [p.id for p in (*ms, *ss)]
    index = {pid: k for k, pid in enumerate(people)}
    n_e, n_p = len(edges), len(people)
    common = [len(by_id[m].days & by_id[s].days) for m, s in edges]
    crossing = [cross_pod(by_id[m], by_id[s]) for m, s in edges]
    max_pairs = min(n_e, sum(p.capacity for p in ms), sum(p.capacity for p in ss))
    w = weights(max_pairs, max(common))

    # minimise −(objective); variables: x₀…x_{E−1}, then y₀…y_{P−1}
    c = np.zeros(n_e + n_p)
    c[:n_e] = -np.array(
        [w.cross_pod * cr + w.pair + w.day * d for cr, d in zip(crossing, common, strict=True)],
        dtype=np.float64,
    )
    c[n_e:] = -w.participant
    rows, cols, vals = [], [], []
    for e, (m, s) in enumerate(edges):
        for pid in (m, s):
            i = index[pid]
            rows += [i, n_p + i]  # capacity row i; pairing row n_p + i
            cols += [e, e]
            vals += [1.0, -1.0]
    for i in range(n_p):
        rows.append(n_p + i)
        cols.append(n_e + i)
        vals.append(1.0)
    a = coo_array((vals, (rows, cols)), shape=(2 * n_p, n_e + n_p)).tocsr()
    upper = np.array([float(by_id[pid].capacity) for pid in people] + [0.0] * n_p)
    constraint = LinearConstraint(a, -np.inf, upper)
    fixed_set = set(kept)
    low = np.array([1.0 if edge in fixed_set else 0.0 for edge in edges] + [0.0] * n_p)
    result = milp(
        c,
        constraints=constraint,
        integrality=np.ones(n_e + n_p),
        bounds=Bounds(low, np.ones(n_e + n_p)),
        options={"mip_rel_gap": 0.0},
    )
    if result.x is None:  # cannot happen: the fixed pairs fit (checked) and x = fixed is feasible
        raise RuntimeError(f"the pairing solver found no answer: {result.message}")
    chosen = [edges[e] for e in range(n_e) if result.x[e] > 0.5]
    pairs = tuple(
        Pair(
            marketer=m,
            salesperson=s,
            days=tuple(sorted(by_id[m].days & by_id[s].days)),
            cross_pod=cross_pod(by_id[m], by_id[s]),
            fixed=(m, s) in fixed_set,
        )
        for m, s in chosen
    )
    load: dict[int, int] = {}
    for pair in chosen:
        for i in pair:
            load[i] = load.get(i, 0) + 1
    return Proposal(pairs, why_unpaired(ms, ss, forbidden=banned, load=load), w)


def why_unpaired(
    marketers: Iterable[Person],
    salespeople: Iterable[Person],
    *,
    forbidden: Iterable[tuple[int, int]] = (),
    load: dict[int, int] | None = None,
) -> dict[int, Unpaired]:
    """Why each participant without a pair (``load``: pairs per participant; 0 when absent) is
    alone: no common day with anyone on the other side; only earlier partners share a day; every
    valid partner at capacity; or a valid partner still has room (after changes by hand)."""
    ms, ss, banned, used = list(marketers), list(salespeople), set(forbidden), load or {}
    why: dict[int, Unpaired] = {}
    for side, others, first in ((ms, ss, True), (ss, ms, False)):
        for p in side:
            if used.get(p.id, 0):
                continue
            sharing = [o for o in others if p.days & o.days]
            valid = [o for o in sharing if ((p.id, o.id) if first else (o.id, p.id)) not in banned]
            if not sharing:
                why[p.id] = Unpaired.NO_COMMON_DAY
            elif not valid:
                why[p.id] = Unpaired.EARLIER_PARTNERS
            elif all(used.get(o.id, 0) >= o.capacity for o in valid):
                why[p.id] = Unpaired.PARTNERS_FULL
            else:
                why[p.id] = Unpaired.PARTNER_FREE
    return why
