"""Variable pay tied to the shared goals: the statements of a plan — pure, no Django (issue 17).

The **plan** is a JSON document (read and validated by ``comp_plan.plan_parse``, which names the
JSON path of a wrong field)::

    {"currency": "EUR", "year": 2026, "clawback_days": 90,
     "components": [...], "participants": [...]}

**Periods** are the calendar months, the quarters and the year of the fiscal year ``year``
(starting in ``first_month``, January by default); labels ``2026-05``, ``2026-Q2``, ``2026``. A
component's ``period`` is ``month``, ``quarter`` or ``year``, or one per side
(``{"sales": "quarter", "marketing": "year"}``).

**Participants**: ``person``, ``side`` (sales or marketing), ``variable_target`` (annual),
``start`` and ``end`` (inclusive, either may be null: no bound), ``components`` (ids), ``quota``
(component id → annual quota, for each attainment component measured on the person).

- **Proration**: a participant's share of a period = days of [start, end] in the period ÷ days
  in the period. A period with no such day has no line (its clawback lines still come).
- **Target pay** of an attainment component = variable_target × weight × period fraction (month
  1/12, quarter 1/4, year 1) × proration; the period's **quota** = annual quota × the same
  period fraction × proration.

Component kinds:

- ``attainment`` (``metric``, ``scope``, ``weight``, ``curve: {points, cap}``): attainment =
  actual ÷ target. ``scope: person``: actual = the sum of the participant's credits
  (amount × share) closed in the period (a deal cancelled later still counts where it closed);
  target = the period's quota. Any other scope: actual and target are the metric's values for
  that scope and period (the goal's KPI values; the same values serve every side, each on its
  own period). **Curve**: payout fraction = 0 below the first point; linear between consecutive
  points; beyond the last point the last segment's slope continues (flat with a single point);
  then at most ``cap`` (optional). Payout = target pay × fraction. Attainments must increase
  from point to point and fractions may not fall.
- ``commission`` (``basis``, ``mode``, ``tiers: [{up_to, rate}]``, last ``up_to`` null): basis
  = the participant's credited amount in the period. ``marginal``: each tier's rate applies to
  the part of the basis inside the tier; ``retroactive``: the rate of the tier the whole basis
  reaches applies to all of it. A tier runs up to and including ``up_to``: a basis of exactly
  50,000 is in the tier ``up_to: 50000``. Bounds are per period and not prorated.
- ``draw`` (``against``: a commission component with the same ``period``, ``amount`` per period,
  ``recoverable``): the guarantee of a period = amount × proration, to the cent (half up); the
  draw line = guarantee − the period's commission line when that is positive, else 0. When
  ``recoverable``, what the draws paid is a balance: a later period whose commission exceeds its
  guarantee gives back min(balance, commission − guarantee) as a negative draw line (the person
  still gets at least the guarantee), and the balance falls by as much. The balance starts at 0
  each plan year; what is left at year end is forgiven.
- ``ramp`` (``months``, ``fraction``, ``components``: the ids it covers, all on the ramp's
  ``period``): a new hire's guarantee for the first ``months`` months after ``start`` (from
  ``start`` to the day before the same date ``months`` months later). Guarantee of a period =
  variable_target × fraction × period fraction × (days of the period in both the ramp and
  [start, end] ÷ days of the period), to the cent (half up); the ramp line = guarantee − the sum
  of the covered components' lines of the period when positive, else 0. A period that does not
  meet the ramp has no ramp line.
- ``spiff`` (``amount`` per deal, ``campaign`` and/or ``from``/``to``): a one-off bonus of
  ``amount`` × share for each credited deal of the named campaign (the credits' ``campaign``)
  and/or closed between ``from`` and ``to`` inclusive (both conditions when both are given),
  paid in the period that contains its ``closed_on``.

**Advances** (``advances`` on an attainment component: ``{side: {"period": "quarter" |
"month", "share": "0.5"}}``, for a side paid on the year): in each period p of that kind of the
plan's year that the participant is in, an advance line (kind ``advance``) = share × the payout
the component would give on p alone (p's actual and target, target pay = variable_target ×
weight × p's period fraction × proration in p: what a participant paid on that kind would get),
to the cent. In the year's statement, the component's line stays the full year's payout and a
**true-up** line (kind ``true_up``) = minus the sum of the year's advance lines as paid follows
it: the year pays its payout less what was advanced (negative when the advances exceeded it).
Advances have no clawback lines (the true-up settles them; the year's line has its own). The
engine recomputes every advance; the app counts an approved period's advance as frozen in its
statement instead (``cordee.comp.inputs``).

**Clawback**: a credited deal cancelled on a date d at most ``clawback_days`` after its
``closed_on`` gives, for each component whose payout depends on the participant's credits
(attainment on the person, commission, spiff), an adjustment line in the statement of the
period of that component's kind that contains d: minus (the original period's payout − the same
period's payout recomputed without that deal), both payouts to the cent as they were paid. A
zero adjustment gives no line. Draws and ramps are judged on the period's payouts as computed
and not recomputed. A deal cancelled after the window keeps its payout. Only the deals closed
in the plan's year count (for payouts and clawbacks); the statement of a period after the year
holds the clawbacks that land in it and nothing else. Credits of people who are not
participants are ignored. A clawback line keeps the original period's payout as computed
(``Line.original``: the payout without the deal is ``original + payout``); the app weighs it
against the payout frozen in an approved statement instead (``cordee.comp.inputs``), and asks
for the zero lines too (``zero_clawbacks``: a deal that changes nothing today may still change
what was paid).

**Money**: every line is rounded to the cent, half up; the total is the sum of the rounded
lines. Amounts are exact: credits are integer cents × integer shares (``share`` × 10^k), a
curve or a tier rate is an exact fraction. The engine computes every period of the year on
NumPy arrays in floating point, then recomputes exactly (``fractions.Fraction``) each value
whose cents lie too close to a half for the floating-point error bound, and each attainment
too close to a hurdle (the one jump of a curve): the cents equal those of an exact computation.

Source: issue 17 ("Variable pay tied to the shared goals"); docs/variable-pay.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from cordee.analytics.calendar import add_months
from cordee.analytics.comp_data import (
    ADVANCE,
    TRUE_UP,
    Credit,
    CreditTable,
    Line,
    Metric,
    MetricKey,
    Statement,
    cents_decimal,
    cents_round,
    commission_amount,
    curve_fraction,
    metrics_index,
)
from cordee.analytics.comp_plan import (
    PERIOD_FRACTION,
    PERIOD_KINDS,
    PERSON,
    Component,
    Participant,
    Period,
    Plan,
    PlanError,
    period_label,
    period_parse,
    plan_parse,
    plan_periods,
    plan_validate,
)

_FAR = 10**7  # days: an open start or end
_EXACT_FLOAT = 2**52  # integer sums below this are exact in float64


# -- the engine ------------------------------------------------------------------------------------


@dataclass
class _Block:
    """One component's lines on one period kind: cents and validity per participant × period."""

    component: Component
    kind: str
    cents: np.ndarray  # int64 [n, T]
    valid: np.ndarray  # bool [n, T]
    missing: set[int] = field(default_factory=set)  # periods without the shared metric
    share: Fraction = Fraction(1)  # an advance's block: the share of the period's payout


@dataclass
class _Clawbacks:
    participant: np.ndarray
    component: list[str]
    kind: list[str]
    row: np.ndarray  # the credit row
    cents: np.ndarray
    cancel_day: np.ndarray  # days from the fiscal year's start
    before: np.ndarray  # the original period's payout (with the deal), in cents


class Payouts:
    """Every line of a plan's year, computed at once on arrays; ``statements(label)`` reads
    one period's statements out of it."""

    def __init__(
        self,
        plan: Plan,
        credits: CreditTable | Sequence[Credit],
        metrics: Mapping[MetricKey, tuple[Fraction, Fraction]] | Iterable[Metric] = (),
        first_month: int = 1,
        zero_clawbacks: bool = False,
    ) -> None:
        self.plan = plan
        self.first_month = first_month
        # keep the clawbacks of a deal that changes nothing today (the app weighs them against
        # the payout frozen on approval, ``cordee.comp.inputs``); statements drop them otherwise
        self.zero_clawbacks = zero_clawbacks
        self.credits = (
            credits if isinstance(credits, CreditTable) else CreditTable.from_credits(credits)
        )
        self.metrics = metrics if isinstance(metrics, Mapping) else metrics_index(metrics)
        self.start = dt.date(plan.year, first_month, 1)
        self.periods = {k: plan_periods(plan.year, k, first_month) for k in PERIOD_KINDS}
        self.participant_index = {p.person: i for i, p in enumerate(plan.participants)}
        self._prepare_participants()
        self._prepare_credits()
        self.blocks: dict[tuple[str, str], _Block] = {}
        self._quotas: dict[str, np.ndarray] = {}
        self._fractions: dict[Any, Fraction] = {}
        self._qualifies: dict[str, np.ndarray] = {}
        for kind_order in (("attainment", "commission", "spiff"), ("draw",), ("ramp",)):
            for c in plan.components:
                if c.kind in kind_order:
                    for k in PERIOD_KINDS:
                        rows = self._members(c, k)
                        if rows.any():
                            self.blocks[(c.id, k)] = self._block(c, k, rows)
        # the advances on a yearly payout, by component and side (their own period kind)
        self.advances: dict[tuple[str, str], _Block] = {}
        sides = np.array([p.side for p in plan.participants], dtype=object)
        for c in plan.components:
            for side, (kind, share) in c.advances.items():
                rows = self._members(c, "year") & (sides == side)
                if rows.any():
                    self.advances[(c.id, side)] = self._advance_block(c, kind, share, rows)
        self.clawbacks = self._clawbacks()

    # -- preparation

    def _off(self, day: dt.date | None, default: int) -> int:
        return default if day is None else (day - self.start).days

    def _prepare_participants(self) -> None:
        ps = self.plan.participants
        self.p_start = np.array([self._off(p.start, -_FAR) for p in ps], dtype=np.int64)
        self.p_end = np.array([self._off(p.end, _FAR) for p in ps], dtype=np.int64)
        self.p_target_cents = np.array([int(p.variable_target * 100) for p in ps], dtype=np.int64)
        self.bounds: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self.days_in: dict[str, np.ndarray] = {}
        for k, periods in self.periods.items():
            ps_ = np.array([self._off(x.start, 0) for x in periods], dtype=np.int64)
            pe_ = np.array([self._off(x.end, 0) for x in periods], dtype=np.int64)
            self.bounds[k] = (ps_, pe_)
            self.days_in[k] = self._overlap(self.p_start, self.p_end, k)

    def _overlap(self, start: np.ndarray, end: np.ndarray, kind: str) -> np.ndarray:
        ps_, pe_ = self.bounds[kind]
        hi = np.minimum(end[:, None], pe_[None, :])
        lo = np.maximum(start[:, None], ps_[None, :])
        return np.maximum(hi - lo + 1, 0)

    def _prepare_credits(self) -> None:
        import pyarrow as pa
        import pyarrow.compute as pc

        t = self.credits
        names = pa.array([p.person for p in self.plan.participants], type=pa.string())
        found = pc.index_in(pa.array(t.person, type=pa.string()), value_set=names)
        self.c_person = found.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64)
        start = np.datetime64(self.start, "D")
        self.c_closed = (t.closed_on - start).astype(np.int64)
        cancelled = t.cancelled_on - start
        self.c_cancelled = np.where(np.isnat(cancelled), _FAR, cancelled.astype(np.int64))
        month_starts = np.append(self.bounds["month"][0], self.bounds["month"][1][-1] + 1)
        month = np.searchsorted(month_starts, self.c_closed, side="right") - 1
        self.c_month = np.where((month >= 0) & (month < 12) & (self.c_person >= 0), month, -1)
        self.c_units = t.amount_cents * t.share  # 1 unit = 1 / (100 × share_scale) currency
        self.scale = t.share_scale
        self._scale_digits = len(str(self.scale)) - 1
        if self.scale != 10**self._scale_digits:
            raise ValueError("share_scale must be a power of 10.")
        counted = self.c_month >= 0
        self.c_cell = np.where(counted, self.c_person * 12 + self.c_month, -1)
        n = len(self.plan.participants)
        self.actual_month = self._cell_sums(self.c_units, counted, n)
        self._sums = {"month": self.actual_month}
        self._sums["quarter"] = self.actual_month.reshape(n, 4, 3).sum(axis=2)
        self._sums["year"] = self.actual_month.sum(axis=1, keepdims=True)

    def _cell_sums(self, values: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
        """Sums of ``values`` per participant × month, exact (integers)."""
        cells, vals = self.c_cell[mask], values[mask]
        if float(np.abs(vals).sum(dtype=np.float64)) < _EXACT_FLOAT:
            out = np.bincount(cells, weights=vals, minlength=n * 12)
            return out.astype(np.int64).reshape(n, 12)
        exact = np.zeros(n * 12, dtype=object)
        np.add.at(exact, cells, vals.astype(object))
        return exact.reshape(n, 12)

    def _members(self, c: Component, kind: str) -> np.ndarray:
        return np.array(
            [c.id in p.components and c.period_for(p.side) == kind for p in self.plan.participants],
            dtype=bool,
        )

    def sums(self, kind: str) -> np.ndarray:
        return self._sums[kind]

    def period_index(self, days: np.ndarray, kind: str) -> np.ndarray:
        """Index of the period of ``kind`` containing each day (−1 outside the year)."""
        ps_, pe_ = self.bounds[kind]
        i = np.searchsorted(ps_, days, side="right") - 1
        return np.where((i >= 0) & (days <= pe_[-1]), i, -1)

    # -- the components

    def _block(self, c: Component, kind: str, rows: np.ndarray) -> _Block:
        din = self.days_in[kind]
        valid = rows[:, None] & (din > 0)
        cents = np.zeros(din.shape, dtype=np.int64)
        block = _Block(c, kind, cents, valid)
        if c.kind == "ramp":
            self._ramp(block, rows)
            return block
        p, t = np.nonzero(valid)
        if c.kind == "attainment" and c.scope == PERSON:
            cents[p, t] = self.person_attainment_cents(c, kind, p, t, self.sums(kind)[p, t])
        elif c.kind == "attainment":
            cents[p, t] = self._shared_cents(block, p, t)
        elif c.kind == "commission":
            cents[p, t] = self.commission_cents(c, self.sums(kind)[p, t])
        elif c.kind == "spiff":
            shares = self._spiff_shares(c, kind)
            cents[p, t] = self.spiff_cents(c, shares[p, t])
        elif c.kind == "draw":
            self._draw(block)
        return block

    def _advance_block(self, c: Component, kind: str, share: Decimal, rows: np.ndarray) -> _Block:
        """An advance in each period of ``kind`` the participant is in: ``share`` × the payout
        ``c`` would give on that period alone (its actual and target, its target pay), to the
        cent."""
        din = self.days_in[kind]
        valid = rows[:, None] & (din > 0)
        cents = np.zeros(din.shape, dtype=np.int64)
        block = _Block(c, kind, cents, valid, share=Fraction(share))
        p, t = np.nonzero(valid)
        if c.scope == PERSON:
            cents[p, t] = self.person_attainment_cents(
                c, kind, p, t, self.sums(kind)[p, t], block.share
            )
        else:
            cents[p, t] = self._shared_cents(block, p, t)
        return block

    def person_attainment_cents(
        self,
        c: Component,
        kind: str,
        p: np.ndarray,
        t: np.ndarray,
        actual: np.ndarray,
        share: Fraction = Fraction(1),
    ) -> np.ndarray:
        """Target pay × curve(actual ÷ quota) in cents, for cells (p, t) and credited units
        (× ``share``: an advance)."""
        f = PERIOD_FRACTION[kind]
        din = self.days_in[kind][p, t]
        dp = self._period_days(kind)[t]
        quota = self._quota(c)
        prorate = din / dp
        target_units = quota[p] * float(f * 100 * self.scale) * prorate
        a = np.asarray(actual, dtype=np.float64) / target_units
        pay = self.p_target_cents[p] * float(Fraction(c.weight) * f * share) * prorate
        x, frac_bound = self._curve_float(c, a)
        x = x * pay
        near = self._near_half(x, pay * frac_bound) | self._near_hurdle(c, a)
        out = np.floor(x + 0.5).astype(np.int64)
        for i in np.nonzero(near)[0]:
            participant = self.plan.participants[p[i]]
            prorated = f * self._prorate(int(din[i]), int(dp[i]))
            att = Fraction(int(actual[i]), 100 * self.scale) / (
                self._exact(participant.quota[c.id]) * prorated
            )
            exact_pay = int(self.p_target_cents[p[i]]) * self._exact(c.weight) * prorated * share
            out[i] = cents_round(exact_pay * curve_fraction(c.points, c.cap, att))
        return out

    def _quota(self, c: Component) -> np.ndarray:
        """Each participant's annual quota of ``c`` as floats (1 where it has none)."""
        if c.id not in self._quotas:
            self._quotas[c.id] = np.array(
                [float(p.quota.get(c.id, 1)) for p in self.plan.participants], dtype=np.float64
            )
        return self._quotas[c.id]

    def _shared_cents(self, block: _Block, p: np.ndarray, t: np.ndarray) -> np.ndarray:
        c, kind = block.component, block.kind
        f = PERIOD_FRACTION[kind]
        factor: list[Fraction] = []
        for ti, period in enumerate(self.periods[kind]):
            value = self.metrics.get((c.metric, c.scope, period.label))
            if value is None or value[1] <= 0:
                block.missing.add(ti)
                factor.append(Fraction(0))
            else:
                factor.append(
                    Fraction(c.weight)
                    * f
                    * block.share
                    * curve_fraction(c.points, c.cap, value[0] / value[1])
                )
        din = self.days_in[kind][p, t]
        dp = self._period_days(kind)[t]
        k = np.array([float(x) for x in factor])[t]
        x = self.p_target_cents[p] * k * (din / dp)
        out = np.floor(x + 0.5).astype(np.int64)
        for i in np.nonzero(self._near_half(x, np.abs(x)))[0]:
            exact = (
                int(self.p_target_cents[p[i]]) * factor[t[i]] * Fraction(int(din[i]), int(dp[i]))
            )
            out[i] = cents_round(exact)
        return out

    def commission_cents(self, c: Component, basis: np.ndarray) -> np.ndarray:
        """The commission in cents for bases in credited units (exact tier choice in integers)."""
        basis = np.asarray(basis)
        per_cent = self.scale  # units per cent
        bounds = [None if up is None else int(up * 100) * per_cent for up, _ in c.tiers]
        rates = [float(r) for _, r in c.tiers]
        if c.mode == "retroactive":
            finite = np.array([b for b in bounds if b is not None], dtype=np.int64)
            tier = np.searchsorted(finite, basis, side="left")
            x = np.array(rates)[tier] * basis / per_cent
        else:
            x = np.zeros(len(basis))
            low = 0
            for bound, rate in zip(bounds, rates, strict=True):
                high = basis if bound is None else np.minimum(basis, bound)
                x = x + rate * np.maximum(high - low, 0) / per_cent
                low = bound if bound is not None else low
        out = np.floor(x + 0.5).astype(np.int64)
        for i in np.nonzero(self._near_half(x, np.abs(x)))[0]:
            exact = commission_amount(c.tiers, c.mode, Fraction(int(basis[i]), 100 * per_cent))
            out[i] = cents_round(exact * 100)
        return out

    def _spiff_qualifies(self, c: Component) -> np.ndarray:
        """The credit rows that earn ``c`` (closed in the year, its campaign, its window)."""
        if c.id in self._qualifies:
            return self._qualifies[c.id]
        ok = self.c_month >= 0
        if c.campaign is not None:
            ok &= self.credits.campaign == c.campaign
        if c.window is not None:
            ok &= (self.c_closed >= self._off(c.window[0], 0)) & (
                self.c_closed <= self._off(c.window[1], 0)
            )
        self._qualifies[c.id] = ok
        return ok

    def _spiff_shares(self, c: Component, kind: str) -> np.ndarray:
        n = len(self.plan.participants)
        monthly = self._cell_sums(self.credits.share, self._spiff_qualifies(c), n)
        if kind == "quarter":
            return monthly.reshape(n, 4, 3).sum(axis=2)
        return monthly.sum(axis=1, keepdims=True) if kind == "year" else monthly

    def spiff_cents(self, c: Component, shares: np.ndarray) -> np.ndarray:
        """amount × Σ share of the qualifying deals, in cents, half up (integers throughout)."""
        num = int(c.amount * 100) * np.asarray(
            shares, dtype=object if self.scale > 10**6 else np.int64
        )
        return ((2 * num + self.scale) // (2 * self.scale)).astype(np.int64)

    def _draw(self, block: _Block) -> None:
        c, kind = block.component, block.kind
        against = self.blocks[(c.against, kind)]
        din, dp = self.days_in[kind], self._period_days(kind)
        amount = int(c.amount * 100)
        guarantee = np.where(block.valid, (2 * amount * din + dp) // (2 * dp), 0)
        paid = np.where(against.valid, against.cents, 0)
        balance = np.zeros(din.shape[0], dtype=np.int64)
        for t in range(din.shape[1]):
            top_up = np.maximum(guarantee[:, t] - paid[:, t], 0)
            line = top_up
            if c.recoverable:
                line = top_up - np.minimum(balance, np.maximum(paid[:, t] - guarantee[:, t], 0))
            line = np.where(block.valid[:, t], line, 0)
            balance += line
            block.cents[:, t] = line

    def ramp_window(self, participant: Participant, months: int) -> tuple[int, int]:
        """Days (from the fiscal year's start) of the ramp: start to the day before the same
        date ``months`` months later (the month's last day when it has no such date)."""
        start = participant.start
        assert start is not None
        first = add_months(start, months)
        last_day = (add_months(first, 1) - dt.timedelta(days=1)).day
        end = first.replace(day=min(start.day, last_day)) - dt.timedelta(days=1)
        if participant.end is not None:
            end = min(end, participant.end)
        return self._off(start, 0), self._off(end, 0)

    def _ramp(self, block: _Block, rows: np.ndarray) -> None:
        c, kind = block.component, block.kind
        ps = self.plan.participants
        windows = [self.ramp_window(p, c.months) if rows[i] else (1, 0) for i, p in enumerate(ps)]
        rdays = self._overlap(
            np.array([w[0] for w in windows], dtype=np.int64),
            np.array([w[1] for w in windows], dtype=np.int64),
            kind,
        )
        block.valid = rows[:, None] & (rdays > 0)
        share = Fraction(c.fraction) * PERIOD_FRACTION[kind]
        dp = self._period_days(kind)
        num = self.p_target_cents[:, None].astype(object) * share.numerator * rdays
        den = share.denominator * dp
        guarantee = ((2 * num + den) // (2 * den)).astype(np.int64)
        covered = np.zeros_like(guarantee)
        for cid in c.covers:
            other = self.blocks.get((cid, kind))
            if other is not None:
                covered += np.where(other.valid, other.cents, 0)
        block.cents[:] = np.where(block.valid, np.maximum(guarantee - covered, 0), 0)

    def _period_days(self, kind: str) -> np.ndarray:
        ps_, pe_ = self.bounds[kind]
        return pe_ - ps_ + 1

    def _curve_float(self, c: Component, a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The curve on floats, and a bound of its size for the error estimate."""
        xs = np.array([float(x) for x, _ in c.points])
        ys = np.array([float(y) for _, y in c.points])
        slope = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2]) if len(xs) > 1 else 0.0
        y = np.interp(a, xs, ys)
        y = np.where(a > xs[-1], ys[-1] + slope * (a - xs[-1]), y)
        y = np.where(a < xs[0], 0.0, y)
        if c.cap is not None:
            y = np.minimum(y, float(c.cap))
        steepest = max(
            [slope] + [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(len(xs) - 1)]
        )
        return y, 1.0 + np.abs(y) + steepest * np.abs(a)

    @staticmethod
    def _near_half(x: np.ndarray, scale: np.ndarray) -> np.ndarray:
        """Cents too close to a half (or the value too large) to trust the float rounding."""
        frac = x - np.floor(x)
        return (np.abs(frac - 0.5) <= 1e-7 + np.abs(scale) * 1e-12) | (np.abs(x) > 2.0**50)

    @staticmethod
    def _near_hurdle(c: Component, a: np.ndarray) -> np.ndarray:
        x0, y0 = c.points[0]
        if y0 == 0:
            return np.zeros(a.shape, dtype=bool)  # the curve is continuous there
        return np.abs(a - float(x0)) <= 1e-9 * np.maximum(1.0, np.abs(a))

    # -- clawbacks

    def _clawbacks(self) -> _Clawbacks:
        limit = self.plan.clawback_days
        gap = self.c_cancelled - self.c_closed
        rows = np.nonzero(
            (self.c_month >= 0) & (self.c_cancelled < _FAR) & (gap >= 0) & (gap <= limit)
        )[0]
        parts: list[tuple[np.ndarray, str, str, np.ndarray, np.ndarray, np.ndarray]] = []
        for (cid, kind), block in self.blocks.items():
            c = block.component
            if not c.uses_credits:
                continue
            r = rows
            if c.kind == "spiff":
                r = r[self._spiff_qualifies(c)[r]]
            p = self.c_person[r]
            t = self.period_index(self.c_closed[r], kind)
            keep = block.valid[p, t]
            r, p, t = r[keep], p[keep], t[keep]
            if not len(r):
                continue
            before = block.cents[p, t]
            if c.kind == "spiff":
                shares = self._spiff_shares(c, kind)[p, t] - self.credits.share[r]
                after = self.spiff_cents(c, shares)
            else:
                actual = self.sums(kind)[p, t] - self.c_units[r]
                if c.kind == "commission":
                    after = self.commission_cents(c, actual)
                else:
                    after = self.person_attainment_cents(c, kind, p, t, actual)
            line = after - before
            nz = np.ones(len(line), dtype=bool) if self.zero_clawbacks else line != 0
            parts.append((p[nz], cid, kind, r[nz], line[nz], before[nz]))
        return _Clawbacks(
            participant=np.concatenate([x[0] for x in parts]) if parts else np.zeros(0, np.int64),
            component=[cid for x in parts for cid in [x[1]] * len(x[0])],
            kind=[k for x in parts for k in [x[2]] * len(x[0])],
            row=np.concatenate([x[3] for x in parts]) if parts else np.zeros(0, np.int64),
            cents=np.concatenate([x[4] for x in parts]) if parts else np.zeros(0, np.int64),
            cancel_day=self.c_cancelled[np.concatenate([x[3] for x in parts])]
            if parts
            else np.zeros(0, np.int64),
            before=np.concatenate([x[5] for x in parts]) if parts else np.zeros(0, np.int64),
        )

    # -- reading the results

    def total_cents(self, kind: str) -> np.ndarray:
        """Each participant's total per period of ``kind`` of the year, in cents [n, T] (the
        clawbacks that land in the year, the advances and the year's true-ups included). A
        shared component whose metric has no value for a period counts 0 there (``statements``
        refuses that period instead)."""
        n, periods = len(self.plan.participants), len(self.periods[kind])
        total = np.zeros((n, periods), dtype=np.int64)
        for (_cid, k), block in self.blocks.items():
            if k == kind:
                total += np.where(block.valid, block.cents, 0)
        for advance in self.advances.values():
            paid = np.where(advance.valid, advance.cents, 0)
            if advance.kind == kind:
                total += paid
            if kind == "year":
                total[:, 0] -= paid.sum(axis=1)  # the true-up
        claws = self.clawbacks
        mine = np.array([k == kind for k in claws.kind], dtype=bool)
        t = self.period_index(claws.cancel_day[mine], kind)
        inside = t >= 0
        np.add.at(total, (claws.participant[mine][inside], t[inside]), claws.cents[mine][inside])
        return total

    def statements(self, label: str) -> list[Statement]:
        """The statements of a period: every participant with a component on its kind."""
        period = period_parse(label, self.first_month)
        if period.end < self.start:
            raise ValueError(
                f"{period.label} ends before the plan's year {self.plan.year} "
                f"(from {self.start:%Y-%m-%d})."
            )
        kind = period.kind
        in_year = [i for i, x in enumerate(self.periods[kind]) if x.label == period.label]
        t = in_year[0] if in_year else None
        first, last = self._off(period.start, 0), self._off(period.end, 0)
        claws = self.clawbacks
        order = {c.id: i for i, c in enumerate(self.plan.components)}
        by_id = {c.id: c for c in self.plan.components}
        claws_of: dict[int, list[int]] = {}
        for hit in np.nonzero((claws.cancel_day >= first) & (claws.cancel_day <= last))[0]:
            if claws.kind[hit] == kind:
                claws_of.setdefault(int(claws.participant[hit]), []).append(int(hit))
        closed_in = (self.c_month >= 0) & (self.c_closed >= first) & (self.c_closed <= last)
        rows = np.nonzero(closed_in)[0]
        rows_of: dict[int, list[int]] = {}
        for r in rows[np.argsort(self.c_person[rows], kind="stable")]:
            rows_of.setdefault(int(self.c_person[r]), []).append(int(r))
        out: list[Statement] = []
        for i, participant in enumerate(self.plan.participants):
            side = participant.side
            mine = [
                by_id[cid]
                for cid in sorted(participant.components, key=order.__getitem__)
                if by_id[cid].period_for(side) == kind or self._advance(cid, side, kind)
            ]
            if not mine:
                continue
            lines = []
            if t is not None:
                for c in mine:
                    advance = self.advances.get((c.id, side))
                    if c.period_for(side) != kind:  # an advance on the yearly payout
                        assert advance is not None
                        if advance.valid[i, t]:
                            line = self._line(advance, i, t, period, rows_of.get(i, []))
                            share = c.advances[side][1]
                            lines.append(dataclasses.replace(line, kind=ADVANCE, share=share))
                        continue
                    block = self.blocks.get((c.id, kind))
                    if block is not None and block.valid[i, t]:
                        lines.append(self._line(block, i, t, period, rows_of.get(i, [])))
                        if advance is not None:
                            lines.append(self._true_up(advance, i))
            pick = claws_of.get(i, [])
            pick.sort(
                key=lambda j: (
                    order[claws.component[j]],
                    self.c_closed[claws.row[j]],
                    self.credits.deal_id[claws.row[j]],
                )
            )
            for j in pick:
                row = claws.row[j]
                lines.append(
                    Line(
                        claws.component[j],
                        by_id[claws.component[j]].kind,
                        cents_decimal(claws.cents[j]),
                        deal_id=str(self.credits.deal_id[row]),
                        deals=((str(self.credits.deal_id[row]), self._credited(row)),),
                        closed_on=self.start + dt.timedelta(days=int(self.c_closed[row])),
                        cancelled_on=self.start + dt.timedelta(days=int(self.c_cancelled[row])),
                        original=cents_decimal(claws.before[j]),
                    )
                )
            out.append(Statement(participant.person, period.label, tuple(lines)))
        return out

    def _advance(self, cid: str, side: str, kind: str) -> bool:
        """Whether the component ``cid`` pays the ``side`` advances on periods of ``kind``."""
        advance = self.advances.get((cid, side))
        return advance is not None and advance.kind == kind

    def _true_up(self, advance: _Block, i: int) -> Line:
        """Minus the advances the participant ``i`` was paid on the year's payout, as paid."""
        c = advance.component
        periods = self.periods[advance.kind]
        paid = np.nonzero(advance.valid[i])[0]
        metrics: tuple[MetricKey, ...] = ()
        if c.scope != PERSON:
            for t in paid:
                if t in advance.missing:
                    raise MetricMissingError(c.metric, c.scope, periods[t].label)
            metrics = tuple((c.metric, c.scope, periods[t].label) for t in paid)
        return Line(
            c.id,
            TRUE_UP,
            cents_decimal(-int(advance.cents[i, paid].sum())),
            advances=tuple((periods[t].label, cents_decimal(advance.cents[i, t])) for t in paid),
            metrics=metrics,
        )

    def _credited(self, row: int) -> Decimal:
        """amount × share of a credit row, exact (the scale is a power of 10)."""
        return Decimal(int(self.c_units[row])).scaleb(-2 - self._scale_digits)

    def _deals(
        self, rows: list[int], qualifies: np.ndarray | None = None
    ) -> tuple[tuple[str, Decimal], ...]:
        """The credits used (deal, amount × share), in the file's order."""
        return tuple(
            (str(self.credits.deal_id[r]), self._credited(r))
            for r in rows
            if qualifies is None or qualifies[r]
        )

    def _exact(self, value: Decimal | int) -> Fraction:
        """``Fraction(value)``, remembered: a statement reads the same few numbers many times."""
        found = self._fractions.get(value)
        if found is None:
            found = self._fractions[value] = Fraction(value)
        return found

    def _prorate(self, din: int, dp: int) -> Fraction:
        found = self._fractions.get((din, dp))
        if found is None:
            found = self._fractions[(din, dp)] = Fraction(din, dp)
        return found

    def _line(self, block: _Block, i: int, t: int, period: Period, rows: list[int]) -> Line:
        c, kind = block.component, block.kind
        payout = cents_decimal(block.cents[i, t])
        participant = self.plan.participants[i]
        prorate = self._prorate(int(self.days_in[kind][i, t]), int(self._period_days(kind)[t]))
        f = PERIOD_FRACTION[kind]
        if c.kind == "attainment":
            pay = self._exact(participant.variable_target) * self._exact(c.weight) * f * prorate
            if c.scope == PERSON:
                actual = Fraction(int(self.sums(kind)[i, t]), 100 * self.scale)
                target = self._exact(participant.quota[c.id]) * f * prorate
                return Line(
                    c.id,
                    c.kind,
                    payout,
                    actual / target,
                    actual=actual,
                    target=target,
                    target_pay=pay,
                    deals=self._deals(rows),
                )
            if t in block.missing:
                raise MetricMissingError(c.metric, c.scope, period.label)
            actual, target = self.metrics[(c.metric, c.scope, period.label)]
            return Line(
                c.id,
                c.kind,
                payout,
                actual / target,
                actual=actual,
                target=target,
                target_pay=pay,
                metric=(c.metric, c.scope, period.label),
            )
        if c.kind == "commission":
            return Line(
                c.id,
                c.kind,
                payout,
                actual=Fraction(int(self.sums(kind)[i, t]), 100 * self.scale),
                deals=self._deals(rows),
            )
        if c.kind == "spiff":
            deals = self._deals(rows, self._spiff_qualifies(c))
            return Line(
                c.id,
                c.kind,
                payout,
                actual=Fraction(sum((d[1] for d in deals), Decimal(0))),
                deals=deals,
            )
        return Line(c.id, c.kind, payout)


class MetricMissingError(ValueError):
    def __init__(self, metric: str, scope: str, period: str) -> None:
        super().__init__(
            f"no value (or no positive target) of the metric {metric} for the scope {scope} "
            f"in {period}."
        )
        self.key = (metric, scope, period)


def statements_compute(
    plan: Plan | Mapping[str, Any],
    credits: CreditTable | Sequence[Credit],
    metrics: Mapping[MetricKey, tuple[Fraction, Fraction]] | Iterable[Metric],
    label: str,
    first_month: int = 1,
) -> list[Statement]:
    """The statements of the period ``label`` (the plan as a ``Plan`` or as its document)."""
    parsed = plan if isinstance(plan, Plan) else plan_parse(plan)
    return Payouts(parsed, credits, metrics, first_month).statements(label)


__all__ = [
    "Credit",
    "CreditTable",
    "Line",
    "Metric",
    "MetricMissingError",
    "Payouts",
    "PlanError",
    "Statement",
    "commission_amount",
    "curve_fraction",
    "metrics_index",
    "period_label",
    "period_parse",
    "plan_parse",
    "plan_validate",
    "statements_compute",
]
