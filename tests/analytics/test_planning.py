"""The planning calculator's maths on hand-worked cases (cordee.analytics.planning)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D
from fractions import Fraction

import pytest

from cordee.analytics.planning import (
    Plan,
    Rates,
    exact,
    plan_period,
    plan_stages,
    sensitivity,
)


def rates(a: str, b: str, c: str) -> Rates:
    return Rates(exact(D(a)), exact(D(b)), exact(D(c)))


def test_each_stage_is_rounded_up_from_the_one_below():
    # 1 000 000 ÷ 25 000 = 40 customers; 40 ÷ 0.25 = 160 SQLs; 160 ÷ 0.4 = 400 SALs;
    # 400 ÷ 0.3 = 1333.33… → 1334 MQLs; 1334 × 0.6 = 800.4 → 801 of marketing's;
    # lead value 25 000 × 40 ÷ 1334 = 749.6251… → 749.63
    plan = plan_stages(
        revenue=D("1000000"),
        deal_size=D("25000"),
        rates=rates("0.3", "0.4", "0.25"),
        marketing_share=D("0.6"),
    )
    assert plan == Plan(40, 160, 400, 1334, 801, D("749.63"))


def test_rounding_at_each_stage_asks_more_than_rounding_once_at_the_end():
    # 100 000 ÷ 30 000 = 3.33 → 4 customers; 4 ÷ 0.3 = 13.33 → 14 SQLs; 14 ÷ 0.5 = 28 SALs;
    # 28 ÷ 0.6 = 46.67 → 47 MQLs. Rounded once: 100 000 ÷ (30 000 × 0.6 × 0.5 × 0.3)
    # = 37.04 → 38 MQLs, nine fewer.
    plan = plan_stages(
        revenue=D("100000"),
        deal_size=D("30000"),
        rates=rates("0.6", "0.5", "0.3"),
        marketing_share=D("0.5"),
    )
    assert (plan.customers, plan.sqls, plan.sals, plan.mqls) == (4, 14, 28, 47)
    assert plan.marketing_mqls == 24  # 47 × 0.5 = 23.5 → 24
    once = -(
        -Fraction(100000) // (Fraction(30000) * Fraction("0.6") * Fraction("0.5") * Fraction("0.3"))
    )
    assert once == 38
    assert plan.lead_value == D("2553.19")  # 30 000 × 4 ÷ 47 = 2553.1914…


def test_exact_arithmetic_does_not_round_a_float_error_up():
    # in floats 21 ÷ 0.7 = 30.000000000000004 (→ 31) and 25 × 0.28 = 7.000000000000001 (→ 8)
    assert 21 / 0.7 > 30 and 25 * 0.28 > 7
    plan = plan_stages(
        revenue=D("210"), deal_size=D("10"), rates=rates("1", "1", "0.7"), marketing_share=1
    )
    assert (plan.customers, plan.sqls, plan.sals, plan.mqls) == (21, 30, 30, 30)
    assert plan.lead_value == D("7.00")  # 10 × 21 ÷ 30
    plan = plan_stages(
        revenue=D("250"), deal_size=D("10"), rates=rates("1", "1", "1"), marketing_share=D("0.28")
    )
    assert (plan.mqls, plan.marketing_mqls) == (25, 7)


def test_lead_value_is_rounded_half_up_to_the_cent():
    # 1 customer, 2 MQLs (SQL→Won 0.5): 0.05 × 1 ÷ 2 = 0.025 → 0.03 (half even would say 0.02)
    plan = plan_stages(
        revenue=D("0.05"), deal_size=D("0.05"), rates=rates("1", "1", "0.5"), marketing_share=1
    )
    assert (plan.customers, plan.mqls, plan.marketing_mqls) == (1, 2, 2)
    assert plan.lead_value == D("0.03")


def test_a_share_of_zero_commits_marketing_to_nothing():
    plan = plan_stages(
        revenue=D("10"), deal_size=D("10"), rates=rates("1", "1", "1"), marketing_share=0
    )
    assert (plan.mqls, plan.marketing_mqls) == (1, 0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"revenue": D("-1")},
        {"deal_size": D("0")},
        {"marketing_share": D("1.01")},
        {"rates": rates("0", "0.5", "0.5")},
        {"rates": rates("0.5", "1.1", "0.5")},
    ],
)
def test_inputs_out_of_range_are_refused(kwargs):
    given = {
        "revenue": D("100"),
        "deal_size": D("10"),
        "rates": rates("0.5", "0.5", "0.5"),
        "marketing_share": D("0.5"),
        **kwargs,
    }
    with pytest.raises(ValueError):
        plan_stages(**given)


def test_sensitivity_moves_each_rate_five_points_the_others_kept():
    # the first case: 40 customers, 160 SQLs, 400 SALs at 0.3 / 0.4 / 0.25, share 0.6
    rows = sensitivity(
        revenue=D("1000000"),
        deal_size=D("25000"),
        rates=rates("0.3", "0.4", "0.25"),
        marketing_share=D("0.6"),
    )
    table = [(r.rate, r.change, r.value, r.mqls, r.marketing_mqls) for r in rows]
    assert table == [
        # 400 ÷ 0.25 = 1600, × 0.6 = 960; 400 ÷ 0.35 = 1142.9 → 1143, × 0.6 = 685.8 → 686
        ("mql_to_sal", Fraction(-1, 20), Fraction(1, 4), 1600, 960),
        ("mql_to_sal", Fraction(1, 20), Fraction(7, 20), 1143, 686),
        # 160 ÷ 0.35 = 457.1 → 458 SALs ÷ 0.3 = 1526.7 → 1527, × 0.6 = 916.2 → 917
        ("sal_to_sql", Fraction(-1, 20), Fraction(7, 20), 1527, 917),
        # 160 ÷ 0.45 = 355.6 → 356 ÷ 0.3 = 1186.7 → 1187, × 0.6 = 712.2 → 713
        ("sal_to_sql", Fraction(1, 20), Fraction(9, 20), 1187, 713),
        # 40 ÷ 0.2 = 200 ÷ 0.4 = 500 ÷ 0.3 = 1666.7 → 1667, × 0.6 = 1000.2 → 1001
        ("sql_to_won", Fraction(-1, 20), Fraction(1, 5), 1667, 1001),
        # 40 ÷ 0.3 = 133.3 → 134 ÷ 0.4 = 335 ÷ 0.3 = 1116.7 → 1117, × 0.6 = 670.2 → 671
        ("sql_to_won", Fraction(1, 20), Fraction(3, 10), 1117, 671),
    ]


def test_sensitivity_clamps_a_rate_to_one_and_drops_one_at_zero():
    rows = sensitivity(
        revenue=D("100"), deal_size=D("10"), rates=rates("0.98", "0.05", "1"), marketing_share=1
    )
    by = {(r.rate, r.change): r for r in rows}
    up = by[("mql_to_sal", Fraction(1, 20))]
    # 10 customers, 10 SQLs, 10 ÷ 0.05 = 200 SALs; MQL→SAL 1.03 → 1: 200 MQLs
    assert (up.value, up.mqls) == (1, 200)
    down = by[("sal_to_sql", Fraction(-1, 20))]
    assert (down.value, down.mqls, down.marketing_mqls) == (None, None, None)
    assert by[("sql_to_won", Fraction(1, 20))].value == 1


def test_a_fiscal_year_is_named_after_the_year_it_starts_in():
    # a fiscal year starting in April
    year = plan_period("2027", 4)
    assert (year.key, year.start, year.end) == ("FY2027", dt.date(2027, 4, 1), dt.date(2028, 3, 31))
    q1 = plan_period("2027-Q1", 4)
    assert (q1.start, q1.end) == (dt.date(2027, 4, 1), dt.date(2027, 6, 30))
    q4 = plan_period("2027-q4", 4)
    assert (q4.key, q4.start, q4.end) == ("FY2027-Q4", dt.date(2028, 1, 1), dt.date(2028, 3, 31))
    month = plan_period("2028-02", 4)  # a calendar month, whatever the fiscal year
    assert (month.key, month.start, month.end) == (
        "2028-02",
        dt.date(2028, 2, 1),
        dt.date(2028, 2, 29),
    )
    calendar = plan_period("2027", 1)
    assert (calendar.start, calendar.end) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))


@pytest.mark.parametrize("text", ["27", "2027-13", "2027-00", "2027-Q5", "2027-1", "FY2027", ""])
def test_a_period_that_is_not_one_is_refused(text):
    with pytest.raises(ValueError):
        plan_period(text, 1)
