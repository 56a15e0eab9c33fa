"""The planning calculator: from a revenue goal to each stage's volume — pure, no Django.

PRODUCT.md, "Planning maths" (the HubSpot SLA method, stage by stage). Working back from the
revenue goal, **each count is rounded up from the stage below it** (one can win neither 0.4 of a
customer nor of an opportunity, and a plan that rounds down misses its goal)::

    customers      = ⌈revenue ÷ deal size⌉
    SQLs           = ⌈customers ÷ SQL→Won⌉
    SALs           = ⌈SQLs ÷ SAL→SQL⌉
    MQLs           = ⌈SALs ÷ MQL→SAL⌉
    marketing MQLs = ⌈MQLs × marketing's share of revenue⌉
    lead value     = deal size × (customers ÷ MQLs), to the cent, rounded half up

Rounding at each stage can ask for more than rounding once at the end
(⌈revenue ÷ (deal size × MQL→SAL × SAL→SQL × SQL→Won)⌉): each ceiling carries its excess up.

Every quantity is an exact rational (``fractions.Fraction``; a ``Decimal`` converts to one
exactly), so 0.3 × 10 is 3, not 3.0000000000000004 that would round up to 4.

The **sensitivity** table moves each rate by ±5 points (absolute: 0.25 → 0.20 and 0.30), the
others unchanged, and gives the MQLs and marketing's MQLs that follow; a rate moved above 1 is
1, a rate moved to 0 or below has no plan (``None``).

The plan's **period** (``2027``, ``2027-Q1``, ``2027-03``) is read on the workspace's fiscal
calendar: a fiscal year is named after the calendar year it starts in (as the attribution's
``FY2027``), its quarters follow from its first month; a month is a calendar month.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from cordee.analytics.calendar import add_months

Number = Decimal | Fraction | int

RATES = ("mql_to_sal", "sal_to_sql", "sql_to_won")
SENSITIVITY_STEP = Fraction(5, 100)  # ±5 points


def exact(value: Number) -> Fraction:
    """``value`` as an exact fraction (a Decimal's digits, not a float's binary approximation)."""
    if isinstance(value, Decimal) and not value.is_finite():
        raise ValueError("not a finite number")
    return Fraction(value)


def to_cents(value: Fraction) -> Decimal:
    """A non-negative exact amount rounded to the cent, half up (0.125 → 0.13)."""
    cents = math.floor(value * 100 + Fraction(1, 2))
    return Decimal(cents).scaleb(-2)


@dataclass(frozen=True)
class Rates:
    mql_to_sal: Fraction
    sal_to_sql: Fraction
    sql_to_won: Fraction

    def replaced(self, name: str, value: Fraction) -> Rates:
        values = {n: getattr(self, n) for n in RATES}
        values[name] = value
        return Rates(**values)


@dataclass(frozen=True)
class Plan:
    customers: int
    sqls: int
    sals: int
    mqls: int
    marketing_mqls: int
    lead_value: Decimal | None  # None when the plan needs no MQL (a revenue of 0)


def check_rate(value: Fraction) -> bool:
    """A conversion rate is in (0, 1]: 0 converts nobody (no plan reaches the goal)."""
    return 0 < value <= 1


def plan_stages(
    *, revenue: Number, deal_size: Number, rates: Rates, marketing_share: Number
) -> Plan:
    """Each stage's count, rounded up from the stage below (see the module's formulas).

    ``revenue`` ≥ 0, ``deal_size`` > 0, each rate in (0, 1], ``marketing_share`` in [0, 1]
    (``ValueError`` otherwise)."""
    revenue_, deal_, share = exact(revenue), exact(deal_size), exact(marketing_share)
    if revenue_ < 0:
        raise ValueError("revenue must not be negative")
    if deal_ <= 0:
        raise ValueError("deal size must be positive")
    if not 0 <= share <= 1:
        raise ValueError("marketing share must be from 0 to 1")
    for name in RATES:
        if not check_rate(getattr(rates, name)):
            raise ValueError(f"{name} must be above 0 and at most 1")
    customers = math.ceil(revenue_ / deal_)
    sqls = math.ceil(customers / rates.sql_to_won)
    sals = math.ceil(sqls / rates.sal_to_sql)
    mqls = math.ceil(sals / rates.mql_to_sal)
    marketing_mqls = math.ceil(mqls * share)
    lead_value = to_cents(deal_ * Fraction(customers, mqls)) if mqls else None
    return Plan(customers, sqls, sals, mqls, marketing_mqls, lead_value)


@dataclass(frozen=True)
class SensitivityRow:
    rate: str  # one of RATES
    change: Fraction  # -0.05 or +0.05
    value: Fraction | None  # the moved rate (clamped to 1); None when it would be ≤ 0
    mqls: int | None
    marketing_mqls: int | None


def sensitivity(
    *, revenue: Number, deal_size: Number, rates: Rates, marketing_share: Number
) -> list[SensitivityRow]:
    """For each rate, then −5 and +5 points: the plan with that rate moved, the others kept."""
    rows = []
    for name in RATES:
        for change in (-SENSITIVITY_STEP, SENSITIVITY_STEP):
            moved = min(getattr(rates, name) + change, Fraction(1))
            if moved <= 0:
                rows.append(SensitivityRow(name, change, None, None, None))
                continue
            plan = plan_stages(
                revenue=revenue,
                deal_size=deal_size,
                rates=rates.replaced(name, moved),
                marketing_share=marketing_share,
            )
            rows.append(SensitivityRow(name, change, moved, plan.mqls, plan.marketing_mqls))
    return rows


# -- the plan's period on the fiscal calendar ------------------------------------------------------


@dataclass(frozen=True)
class PlanPeriod:
    key: str  # "FY2027", "FY2027-Q1", "2027-03"
    start: dt.date
    end: dt.date  # inclusive


_PERIOD = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>\d{2})))?$")


def plan_period(text: str, first_month: int) -> PlanPeriod:
    """``2027`` (the fiscal year starting in ``first_month`` of 2027), ``2027-Q1`` (its first
    quarter), ``2027-03`` (March 2027); ``ValueError`` for anything else."""
    match = _PERIOD.match(text.strip().upper())
    if not match or not 1 <= first_month <= 12:
        raise ValueError(text)
    year = int(match["year"])
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12 or year < 1:
            raise ValueError(text)
        start = dt.date(year, month, 1)
        return PlanPeriod(f"{year:04d}-{month:02d}", start, add_months(start, 1) - _DAY)
    year_start = dt.date(year, first_month, 1)
    if match["quarter"]:
        quarter = int(match["quarter"])
        start = add_months(year_start, 3 * (quarter - 1))
        return PlanPeriod(f"FY{year}-Q{quarter}", start, add_months(start, 3) - _DAY)
    return PlanPeriod(f"FY{year}", year_start, add_months(year_start, 12) - _DAY)


_DAY = dt.timedelta(days=1)
