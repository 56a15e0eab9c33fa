"""A goal's forecast and status (cordee.analytics.goals), worked by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from cordee.analytics import goals as g

THRESHOLDS = {"on_track": Decimal("1"), "at_risk": Decimal("0.85")}


def test_previous_periods_of_the_same_length():
    assert g.previous_keys("2026-03") == ["2026-02", "2026-01", "2025-12", "2025-11"]
    assert g.previous_keys("2027-Q2") == ["2027-Q1", "2026-Q4", "2026-Q3", "2026-Q2"]
    assert g.previous_keys("2027", 2) == ["2026", "2025"]


def test_elapsed_days_count_today():
    march = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert g.elapsed_days(*march, dt.date(2026, 3, 10)) == (10, 31)
    assert g.elapsed_days(*march, dt.date(2026, 2, 27)) == (0, 31)
    assert g.elapsed_days(*march, dt.date(2026, 4, 2)) == (31, 31)


def test_an_additive_kpi_adds_the_pace_of_the_previous_periods_over_the_days_left():
    # March, 10 days elapsed of 31, 4 SQLs so far; previous months 6, 10, 12, 8 → pace 36/4 = 9
    # forecast = 4 + 21/31 × 9 = 4 + 189/31 = 313/31 ≈ 10.0968
    f = g.forecast("count", 4, [6, 10, 12, 8], 10, 31)
    assert (f.value, f.method, f.periods) == (Fraction(313, 31), g.PACE, 4)
    assert g.rounded(f.value, "count") == Decimal("10.10")


def test_without_history_the_actual_is_extrapolated_linearly():
    # 4 in 10 days of 31 → 4 × 31 / 10 = 12.4
    f = g.forecast("count", 4, [], 10, 31)
    assert (f.value, f.method) == (Fraction(62, 5), g.LINEAR)
    # money, nothing elapsed yet and no history: the actual as is
    assert g.forecast("money", Decimal("0"), [], 0, 31).method == g.ACTUAL


def test_a_rate_or_duration_forecast_is_the_actual_and_a_period_over_is_final():
    assert g.forecast("rate", Fraction(1, 2), [Fraction(1, 3)], 10, 31) == g.Forecast(
        Fraction(1, 2), g.ACTUAL, 0
    )
    assert g.forecast("duration", Decimal("40"), [], 3, 90).method == g.ACTUAL
    assert g.forecast("count", 7, [100], 31, 31) == g.Forecast(Fraction(7), g.FINAL, 0)
    assert g.forecast("count", None, [3], 1, 31) == g.Forecast(None, g.NONE, 0)


def test_status_against_the_thresholds():
    forecast = Fraction(313, 31)  # ≈ 10.0968
    # target 10 → 1.0097 ≥ 1: on track; 11 → 0.9179 ≥ 0.85: at risk; 12 → 0.8414: off track
    assert g.status(forecast, 10, lower_is_better=False, **THRESHOLDS) == g.ON_TRACK
    assert g.status(forecast, 11, lower_is_better=False, **THRESHOLDS) == g.AT_RISK
    assert g.status(forecast, 12, lower_is_better=False, **THRESHOLDS) == g.OFF_TRACK
    # a RevOps threshold of 0.80: 0.8414 is at risk
    relaxed = {"on_track": Decimal("1"), "at_risk": Decimal("0.80")}
    assert g.status(forecast, 12, lower_is_better=False, **relaxed) == g.AT_RISK
    assert g.status(Fraction(0), 0, lower_is_better=False, **THRESHOLDS) == g.ON_TRACK
    assert g.status(None, 5, lower_is_better=False, **THRESHOLDS) == g.UNKNOWN


def test_lower_is_better_inverts_the_ratio():
    # median sales cycle, target 40 days: 38 → 40/38 ≥ 1 on track; 45 → 0.889 at risk;
    # 50 → 0.8 off track
    assert g.status(Fraction(38), 40, lower_is_better=True, **THRESHOLDS) == g.ON_TRACK
    assert g.status(Fraction(45), 40, lower_is_better=True, **THRESHOLDS) == g.AT_RISK
    assert g.status(Fraction(50), 40, lower_is_better=True, **THRESHOLDS) == g.OFF_TRACK
    assert g.status(Fraction(0), 40, lower_is_better=True, **THRESHOLDS) == g.ON_TRACK


def test_the_catalogue_says_where_lower_is_better():
    from cordee.analytics.kpis import CATALOGUE

    lower = {k.key for k in CATALOGUE if k.lower_is_better}
    assert lower == {"median_sales_cycle", "feedback_acknowledgement_latency"}
