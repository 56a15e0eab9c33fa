"""What a pay plan's year costs under a scenario of attainments — pure, no Django (issue 17: "finance
sees the plan's total cost at the attainment distribution of last year and at chosen scenarios").

The **cost** of a scenario is the sum of every line of the plan's year — every period, every
participant, every component, and the clawbacks that land in the year — each line to the cent
as the engine (``analytics.comp.Payouts``) computes it for a statement, grouped by component and
by side (sales, marketing).

A **scenario** gives:

- ``credits``: the credited deals the person-scope attainments, the commissions and the spiffs
  read (last year's deals moved one year forward; none in a uniform scenario);
- ``assumed``: for some participants, an attainment X used instead of their credits: each of
  their person-scope attainment components is at X in every period (actual = the period's quota
  × X), and each of their commissions is paid on a basis of the period's quota × X — the
  quota of their first person-scope attainment component in the plan's order
  (``person_quota``; a participant with a commission and no such quota has no basis: the
  commission counts 0 and they are named in ``no_basis``). Their spiffs count 0 (no deal);
  their draws and ramps follow from those lines, as the engine computes them;
- ``shared``: the attainment (actual ÷ target) of each shared metric in each period of the year;
  the payout depends on that ratio alone (target pay × curve(actual ÷ target)).

``uniform_scenario(plan, X)``: every attainment at X — each participant assumed at X, each
shared metric at X. ``last_year_scenario(plan, credits, shared)``: last year's credited deals
moved one year forward (``credits_shifted``: each period of the plan's year gets last year's
same period's deals; a deal of 29 February lands on the 28th); a participant with no credit last
year is assumed at the **median** of the annual attainments of those who have one and a quota
(Σ amount × share of last year ÷ the annual quota, ``history_attainments``; 100 % when nobody
has one); the shared metrics at the attainments given (the app reads last year's goals).

**On target** = Σ over the participants of variable_target × their proration over the year (days
of [start, end] in the year ÷ days in the year), each to the cent, half up: what the plan
budgets at 100 % (it is what the attainment components pay at 100 % when their weights add up to
1 and each curve pays 1 at 1; commissions come on top). The **ratio** = cost ÷ on target.

Source: issue 17; docs/variable-pay.md, "Plan cost".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from cordee.analytics.comp import Payouts
from cordee.analytics.comp_data import (
    Credit,
    MetricKey,
    cents_decimal,
    cents_round,
    commission_amount,
    curve_fraction,
)
from cordee.analytics.comp_plan import (
    PERIOD_FRACTION,
    PERIOD_KINDS,
    PERSON,
    Component,
    Participant,
    Plan,
    plan_periods,
)

SIDES = ("sales", "marketing")


@dataclass(frozen=True)
class Scenario:
    credits: Sequence[Credit] = ()
    assumed: Mapping[str, Fraction] = field(default_factory=dict)  # person → attainment
    shared: Mapping[MetricKey, Fraction] = field(default_factory=dict)  # key → attainment


@dataclass(frozen=True)
class ComponentCost:
    component: str
    kind: str
    by_side: dict[str, Decimal]  # the sides that take it → the cost of their lines
    total: Decimal


@dataclass(frozen=True)
class Cost:
    components: tuple[ComponentCost, ...]
    by_side: dict[str, Decimal]
    total: Decimal
    on_target_by_side: dict[str, Decimal]
    on_target: Decimal
    no_basis: tuple[str, ...]  # assumed participants whose commission had no quota to stand on

    @property
    def ratio(self) -> Fraction | None:
        return Fraction(self.total) / Fraction(self.on_target) if self.on_target else None

    def side_ratio(self, side: str) -> Fraction | None:
        target = self.on_target_by_side.get(side, Decimal(0))
        return Fraction(self.by_side.get(side, Decimal(0))) / Fraction(target) if target else None


# -- the rules of the scenarios -------------------------------------------------------------------


def person_quota(plan: Plan, participant: Participant) -> Decimal | None:
    """The annual quota of the participant's first person-scope attainment component (the
    plan's order): what an assumed attainment and a commission's assumed basis stand on."""
    for c in plan.components:
        if c.kind == "attainment" and c.scope == PERSON and c.id in participant.components:
            return participant.quota.get(c.id)
    return None


def uniform_scenario(plan: Plan, attainment: Fraction, first_month: int = 1) -> Scenario:
    """Every attainment at ``attainment``: each participant, each shared metric."""
    return Scenario(
        assumed={p.person: attainment for p in plan.participants},
        shared={key: attainment for key, _before in shared_needs(plan, first_month)},
    )


def shared_needs(plan: Plan, first_month: int = 1) -> list[tuple[MetricKey, str]]:
    """Each shared metric's key for each period of the year a participant is paid on, with the
    label of the same period a year before (``2026-Q2`` → ``2025-Q2``)."""
    out: dict[MetricKey, str] = {}
    for c in plan.components:
        if c.kind != "attainment" or c.scope == PERSON:
            continue
        kinds = {c.period_for(p.side) for p in plan.participants if c.id in p.components} - {None}
        for kind in PERIOD_KINDS:
            if kind not in kinds:
                continue
            before = plan_periods(plan.year - 1, kind, first_month)
            for i, period in enumerate(plan_periods(plan.year, kind, first_month)):
                out[(c.metric, c.scope, period.label)] = before[i].label
    return list(out.items())


def _year_later(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _measured_on_credits(plan: Plan, participant: Participant) -> bool:
    """The participant has a person-scope attainment or a commission: what a history feeds."""
    return any(
        c.id in participant.components
        and (c.kind == "commission" or (c.kind == "attainment" and c.scope == PERSON))
        for c in plan.components
    )


def credits_shifted(credits: Sequence[Credit]) -> list[Credit]:
    """The credits with their dates one year later (closed and cancelled)."""
    return [
        dataclasses.replace(
            c,
            closed_on=_year_later(c.closed_on),
            cancelled_on=_year_later(c.cancelled_on) if c.cancelled_on else None,
        )
        for c in credits
    ]


def history_attainments(plan: Plan, credits: Sequence[Credit]) -> dict[str, Fraction]:
    """Each participant credited on a deal in ``credits`` (last year's) who has a quota: Σ amount
    × share ÷ their annual quota (``person_quota``)."""
    credited: dict[str, Fraction] = {}
    for c in credits:
        credited[c.person] = credited.get(c.person, Fraction(0)) + Fraction(c.amount * c.share)
    out: dict[str, Fraction] = {}
    for p in plan.participants:
        quota = person_quota(plan, p)
        if p.person in credited and quota:
            out[p.person] = credited[p.person] / Fraction(quota)
    return out


def last_year_scenario(
    plan: Plan, credits: Sequence[Credit], shared: Mapping[MetricKey, Fraction]
) -> tuple[Scenario, Fraction, tuple[str, ...]]:
    """Last year's deals replayed on the plan's year (``credits``: last year's, as read); the
    participants without one assumed at the median attainment of those with one. Answers the
    scenario, that median and who was assumed at it."""
    people = {p.person for p in plan.participants}
    with_history = {c.person for c in credits if c.person in people}
    attainments = history_attainments(plan, credits)
    median = Fraction(statistics.median(attainments.values())) if attainments else Fraction(1)
    assumed = {
        p.person: median
        for p in plan.participants
        if p.person not in with_history and _measured_on_credits(plan, p)
    }
    scenario = Scenario(credits=credits_shifted(credits), assumed=assumed, shared=shared)
    return scenario, median, tuple(assumed)


# -- the cost -------------------------------------------------------------------------------------


class _AssumedPayouts(Payouts):
    """The engine, with the assumed participants' credited sums replaced by quota × X (exact
    fractions of the engine's units), and their person-scope attainments and commissions on
    those values computed by the engine's exact definitions (``comp_data``). Every other line
    (shared components, draws, ramps, spiffs, the other participants) is the engine's own."""

    def __init__(
        self,
        plan: Plan,
        credits: Sequence[Credit],
        metrics: Mapping[MetricKey, tuple[Fraction, Fraction]],
        first_month: int,
        assumed: Mapping[int, Fraction],
    ) -> None:
        self.assumed = dict(assumed)
        self._assumed_sums: dict[str, np.ndarray] = {}
        super().__init__(plan, credits, metrics, first_month)

    def _assumed_prorate(self, kind: str, i: int, t: int) -> Fraction:
        return Fraction(int(self.days_in[kind][i, t]), self.periods[kind][t].days)

    def sums(self, kind: str) -> np.ndarray:
        base = super().sums(kind)
        if not self.assumed:
            return base
        found = self._assumed_sums.get(kind)
        if found is None:
            found = base.astype(object)
            unit = 100 * self.scale
            for i, x in self.assumed.items():
                quota = person_quota(self.plan, self.plan.participants[i])
                for t in range(found.shape[1]):
                    found[i, t] = (
                        Fraction(quota or 0)
                        * PERIOD_FRACTION[kind]
                        * self._assumed_prorate(kind, i, t)
                    ) * (x * unit)
            self._assumed_sums[kind] = found
        return found

    def _split(self, p: np.ndarray) -> np.ndarray:
        return np.array([int(i) in self.assumed for i in p], dtype=bool)

    def person_attainment_cents(
        self,
        c: Component,
        kind: str,
        p: np.ndarray,
        t: np.ndarray,
        actual: np.ndarray,
        share: Fraction = Fraction(1),
    ) -> np.ndarray:
        """The engine's, or for an assumed participant target pay × curve(X) exactly (×
        ``share``: an advance on a yearly payout, when the engine computes one)."""
        mine = self._split(p)
        out = np.zeros(len(p), dtype=np.int64)
        if (~mine).any():
            rest: tuple[Any, ...] = (c, kind, p[~mine], t[~mine], np.asarray(actual)[~mine])
            out[~mine] = super().person_attainment_cents(*rest, *([share] if share != 1 else []))
        for j in np.nonzero(mine)[0]:
            i, ti = int(p[j]), int(t[j])
            participant = self.plan.participants[i]
            pay = (
                Fraction(participant.variable_target)
                * 100
                * Fraction(c.weight)
                * PERIOD_FRACTION[kind]
                * self._assumed_prorate(kind, i, ti)
                * share
            )
            out[j] = cents_round(pay * curve_fraction(c.points, c.cap, self.assumed[i]))
        return out

    def commission_cents(self, c: Component, basis: np.ndarray) -> np.ndarray:
        values = list(np.asarray(basis, dtype=object).ravel())
        exact = np.array([isinstance(b, Fraction) for b in values], dtype=bool)
        out = np.zeros(len(values), dtype=np.int64)
        if (~exact).any():
            plain = np.array([int(b) for b, e in zip(values, exact, strict=True) if not e])
            out[~exact] = super().commission_cents(c, plain.astype(np.int64))
        unit = 100 * self.scale
        for j in np.nonzero(exact)[0]:
            amount = commission_amount(c.tiers, c.mode, Fraction(values[j]) / unit)
            out[j] = cents_round(amount * 100)
        return out


def cost_compute(plan: Plan, scenario: Scenario, first_month: int = 1) -> Cost:
    """The cost of the plan's year under ``scenario`` (the module's docstring)."""
    index = {p.person: i for i, p in enumerate(plan.participants)}
    assumed = {
        index[person]: Fraction(x) for person, x in scenario.assumed.items() if person in index
    }
    metrics = {key: (Fraction(a), Fraction(1)) for key, a in scenario.shared.items()}
    payouts = _AssumedPayouts(plan, scenario.credits, metrics, first_month, assumed)
    sides = [p.side for p in plan.participants]

    cents: dict[tuple[str, str], int] = {}
    for c in plan.components:  # every side that takes the component has its cell, even at 0
        for p in plan.participants:
            if c.id in p.components and c.period_for(p.side) is not None:
                cents.setdefault((c.id, p.side), 0)
    for (cid, _kind), block in payouts.blocks.items():
        per_person = np.where(block.valid, block.cents, 0).sum(axis=1)
        for row in np.nonzero(block.valid.any(axis=1))[0]:
            key = (cid, sides[int(row)])
            cents[key] = cents.get(key, 0) + int(per_person[row])
    claws = payouts.clawbacks
    for j, (cid, kind) in enumerate(zip(claws.component, claws.kind, strict=True)):
        if payouts.period_index(claws.cancel_day[j : j + 1], kind)[0] >= 0:  # in the year
            key = (cid, sides[int(claws.participant[j])])
            cents[key] = cents.get(key, 0) + int(claws.cents[j])

    components = []
    for c in plan.components:
        by_side = {s: cents_decimal(cents[(c.id, s)]) for s in SIDES if (c.id, s) in cents}
        if by_side:
            total = cents_decimal(sum(cents[(c.id, s)] for s in SIDES if (c.id, s) in cents))
            components.append(ComponentCost(c.id, c.kind, by_side, total))
    side_cents = {s: sum(v for (_c, side), v in cents.items() if side == s) for s in SIDES}

    year = payouts.periods["year"][0]
    target_cents: dict[str, int] = dict.fromkeys(SIDES, 0)
    for i, p in enumerate(plan.participants):
        prorate = Fraction(int(payouts.days_in["year"][i, 0]), year.days)
        target_cents[p.side] += cents_round(Fraction(p.variable_target) * 100 * prorate)
    no_basis = tuple(
        plan.participants[i].person
        for i in sorted(assumed)
        if person_quota(plan, plan.participants[i]) is None
        and any(plan.component(cid).kind == "commission" for cid in plan.participants[i].components)
    )
    return Cost(
        components=tuple(components),
        by_side={s: cents_decimal(v) for s, v in side_cents.items()},
        total=cents_decimal(sum(side_cents.values())),
        on_target_by_side={s: cents_decimal(v) for s, v in target_cents.items()},
        on_target=cents_decimal(sum(target_cents.values())),
        no_basis=no_basis,
    )


__all__ = [
    "ComponentCost",
    "Cost",
    "Scenario",
    "cost_compute",
    "credits_shifted",
    "history_attainments",
    "last_year_scenario",
    "person_quota",
    "shared_needs",
    "uniform_scenario",
]
