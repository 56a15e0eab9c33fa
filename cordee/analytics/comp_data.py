"""The variable-pay engine's inputs and outputs, and its exact scalar maths — pure, no Django.

The semantics are in ``cordee.analytics.comp`` (and ``docs/variable-pay.md``): the curve and the
tiers below are their definition in exact fractions; the engine computes the same on arrays.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

# -- inputs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    """One person's credit on a won deal (``share`` of ``amount``)."""

    deal_id: str
    person: str
    amount: Decimal
    share: Decimal
    closed_on: dt.date
    cancelled_on: dt.date | None = None
    campaign: str | None = None


@dataclass(frozen=True)
class Metric:
    """A shared KPI's value and target for a scope and a period (the goals' values)."""

    metric: str
    scope: str
    period: str
    actual: Decimal
    target: Decimal


@dataclass
class CreditTable:
    """Credits as columns: what the engine reads (``from_credits`` builds it from a list)."""

    deal_id: np.ndarray  # object (str)
    person: np.ndarray  # object (str)
    amount_cents: np.ndarray  # int64
    share: np.ndarray  # int64: share × share_scale
    share_scale: int  # 10^k
    closed_on: np.ndarray  # datetime64[D]
    cancelled_on: np.ndarray  # datetime64[D], NaT when not cancelled
    campaign: np.ndarray  # object (str or None)

    def __len__(self) -> int:
        return len(self.amount_cents)

    @classmethod
    def from_credits(cls, credits: Sequence[Credit]) -> CreditTable:
        places = max((_places(c.share) for c in credits), default=0)
        scale = 10**places
        for c in credits:
            if _places(c.amount) > 2:
                raise ValueError(f"{c.deal_id}: an amount has at most 2 decimal places.")
            if places > 6:
                raise ValueError(f"{c.deal_id}: a share has at most 6 decimal places.")
        return cls(
            deal_id=np.array([c.deal_id for c in credits], dtype=object),
            person=np.array([c.person for c in credits], dtype=object),
            amount_cents=np.array([int(c.amount * 100) for c in credits], dtype=np.int64),
            share=np.array([int(c.share * scale) for c in credits], dtype=np.int64),
            share_scale=scale,
            closed_on=np.array([c.closed_on for c in credits], dtype="datetime64[D]"),
            cancelled_on=np.array(
                [c.cancelled_on or np.datetime64("NaT") for c in credits], dtype="datetime64[D]"
            ),
            campaign=np.array([c.campaign for c in credits], dtype=object),
        )


def _places(value: Decimal) -> int:
    return max(0, -int(value.normalize().as_tuple().exponent))


MetricKey = tuple[str, str, str]  # metric, scope, period label


def metrics_index(metrics: Iterable[Metric]) -> dict[MetricKey, tuple[Fraction, Fraction]]:
    return {
        (m.metric, m.scope, m.period): (Fraction(m.actual), Fraction(m.target)) for m in metrics
    }


# -- outputs ---------------------------------------------------------------------------------------


ADVANCE, TRUE_UP = "advance", "true_up"  # the kinds of the lines of an advance and its true-up


@dataclass(frozen=True)
class Line:
    """A statement line; ``actual``/``target``/``deals``/``metric`` are its drill-down.
    ``kind`` is its component's kind, or ``advance`` / ``true_up`` for the lines of an advance
    on a yearly payout and of its true-up at year end."""

    component: str
    kind: str
    payout: Decimal
    attainment: Fraction | None = None
    deal_id: str | None = None  # clawback lines
    actual: Fraction | None = None  # attainment's actual, commission's basis, spiff's deals
    target: Fraction | None = None  # the period's quota or the goal's target
    target_pay: Fraction | None = None
    guarantee: Decimal | None = None  # draw and ramp lines
    deals: tuple[tuple[str, Decimal], ...] = ()  # the credits used: deal, amount × share
    metric: MetricKey | None = None  # shared scope: the KPI value used
    closed_on: dt.date | None = None  # clawback lines
    cancelled_on: dt.date | None = None
    share: Decimal | None = None  # an advance: the share of the period's payout it pays
    # a true-up: the advances it settles (period label, amount as paid) and the KPI values
    # they used
    advances: tuple[tuple[str, Decimal], ...] = ()
    metrics: tuple[MetricKey, ...] = ()
    # a clawback: the original period's payout as computed (with the deal), to the cent; the
    # line is the payout without the deal minus it
    original: Decimal | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "component": self.component,
            "attainment": None if self.attainment is None else ratio_text(self.attainment),
            "payout": money_text(self.payout),
        }
        if self.deal_id is not None:
            out["deal_id"] = self.deal_id
        if self.kind in (ADVANCE, TRUE_UP):
            out["kind"] = self.kind
        return out


@dataclass(frozen=True)
class Statement:
    person: str
    period: str
    lines: tuple[Line, ...]
    total: Decimal = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", sum((x.payout for x in self.lines), Decimal("0.00")))

    def as_dict(self) -> dict[str, Any]:
        return {
            "person": self.person,
            "lines": [x.as_dict() for x in self.lines],
            "total": money_text(self.total),
        }


def money_text(amount: Decimal) -> str:
    return f"{amount.quantize(Decimal('0.01')):.2f}"


def ratio_text(value: Fraction) -> str:
    """An attainment to 4 decimal places, cut (not rounded): 0.79999 is "0.7999", so that a
    statement never shows a hurdle of 0.8 reached when it was not."""
    n = math.floor(value * 10_000)
    return f"{Decimal(n).scaleb(-4):.4f}"


def cents_round(value: Fraction) -> int:
    """An exact amount in cents, rounded to the cent half up (away from zero at .5)."""
    return (
        math.floor(value + Fraction(1, 2)) if value >= 0 else -math.floor(-value + Fraction(1, 2))
    )


def cents_decimal(cents: int) -> Decimal:
    return Decimal(int(cents)).scaleb(-2).quantize(Decimal("0.01"))


# -- exact scalar maths (the engine's fallback; also its definition) ------------------------------


def curve_fraction(
    points: Sequence[tuple[Decimal, Decimal]], cap: Decimal | None, a: Fraction
) -> Fraction:
    """The payout fraction at attainment ``a``: 0 below the first point, linear between points,
    the last slope beyond the last point, then at most ``cap``."""
    xs, ys, slope = _exact_points(tuple(points))
    if a < xs[0]:
        out = Fraction(0)
    elif a >= xs[-1]:
        out = ys[-1] + slope * (a - xs[-1])
    else:
        i = next(i for i in range(len(xs) - 1) if xs[i] <= a < xs[i + 1])
        out = ys[i] + (ys[i + 1] - ys[i]) * (a - xs[i]) / (xs[i + 1] - xs[i])
    return min(out, Fraction(cap)) if cap is not None else out


@functools.lru_cache(maxsize=256)
def _exact_points(
    points: tuple[tuple[Decimal, Decimal], ...],
) -> tuple[list[Fraction], list[Fraction], Fraction]:
    """A curve's points as fractions, and the last segment's slope (0 with a single point)."""
    xs = [Fraction(x) for x, _ in points]
    ys = [Fraction(y) for _, y in points]
    slope = (ys[-1] - ys[-2]) / (xs[-1] - xs[-2]) if len(xs) > 1 else Fraction(0)
    return xs, ys, slope


def commission_amount(
    tiers: Sequence[tuple[Decimal | None, Decimal]], mode: str, basis: Fraction
) -> Fraction:
    """Marginal: each rate on the part of the basis inside its tier; retroactive: the rate of
    the tier the whole basis reaches (bounds inclusive) on all of it."""
    if mode == "retroactive":
        rate = next(r for up, r in tiers if up is None or basis <= up)
        return Fraction(rate) * basis
    total, low = Fraction(0), Fraction(0)
    for up, rate in tiers:
        high = basis if up is None else min(basis, Fraction(up))
        if high > low:
            total += Fraction(rate) * (high - low)
        if up is None or basis <= up:
            break
        low = Fraction(up)
    return total
