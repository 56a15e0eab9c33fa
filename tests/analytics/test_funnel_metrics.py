"""Funnel metrics on a hand-worked example."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from cordee.analytics.funnel import conversion_by_cohort, lead_velocity_rate, pipeline_by_source

DAY = 86400.0
NAN = np.nan


def test_conversion_and_median_time_by_cohort():
    # March: 5 MQLs — 3 accepted after 1, 2 and 5 days; 2 of those qualified after 10 and 20 days;
    # 1 won 30 days later; the fifth has a "SAL" before its MQL, which does not count. April: 1 MQL.
    cohort = ["2026-03"] * 4 + ["2026-04", "2026-03"]
    mql = np.array([0, 0, 0, 0, 40, 0], dtype=float) * DAY
    sal = np.array([1, 2, 5, NAN, NAN, -1], dtype=float) * DAY
    sql = np.array([11, 22, NAN, NAN, NAN, NAN], dtype=float) * DAY
    won = np.array([41, NAN, NAN, NAN, NAN, NAN], dtype=float) * DAY
    march, april = conversion_by_cohort(cohort, mql, sal, sql, won)
    assert (march.mqls, march.sal, march.sql, march.won) == (5, 3, 2, 1)
    assert march.rate("sal", "mqls") == pytest.approx(0.6)
    assert march.rate("sql", "sal") == pytest.approx(2 / 3)
    assert (
        march.median_days_mql_to_sal,
        march.median_days_sal_to_sql,
        march.median_days_sql_to_won,
    ) == (2.0, 15.0, 30.0)
    assert (april.mqls, april.sal, april.median_days_mql_to_sal) == (1, 0, None)


def test_pipeline_by_source_is_exact():
    created = pipeline_by_source(
        ["marketing", "sales", "marketing", "partner"],
        [Decimal("24000.10"), Decimal("8000"), Decimal("0.20"), Decimal("15000")],
        [True, False, False, True],
    )
    assert created == {
        "marketing": (Decimal("24000.30"), Decimal("24000.10")),
        "partner": (Decimal("15000"), Decimal("15000")),
        "sales": (Decimal("8000"), Decimal("0")),
    }


def test_lead_velocity_rate():
    assert lead_velocity_rate(120, 100) == pytest.approx(0.2)
    assert lead_velocity_rate(80, 100) == pytest.approx(-0.2)
    assert lead_velocity_rate(5, 0) is None


def test_median_days_to_each_stage_and_the_stages_a_cohort_is_too_young_for():
    from cordee.analytics.funnel import median_days_to_stages, too_recent_stages

    # four cycles, all MQL at 0: SAL after 1, 2 and 4 days (a SAL before the MQL does not
    # count); SQL after 10 and 30 (the second skipped SAL: an import); Won after 60
    mql = np.zeros(4)
    sal = np.array([1, 2, 4, -3], dtype=float) * DAY
    sql = np.array([10, NAN, 30, NAN]) * DAY
    won = np.array([60, NAN, NAN, NAN]) * DAY
    medians = median_days_to_stages(mql, sal, sql, won)
    # SAL median(1, 2, 4) = 2; SQL median(10, 30) = 20; Won median(60) = 60
    assert medians == {"sal": 2.0, "sql": 20.0, "won": 60.0}
    now = 100 * DAY
    assert too_recent_stages(now - 25 * DAY, now, medians) == ("won",)  # 25 d ≥ 2, 20; < 60
    assert too_recent_stages(now - 1 * DAY, now, medians) == ("sal", "sql", "won")
    assert too_recent_stages(now - 60 * DAY, now, medians) == ()  # as old as the median: mature
    # no cycle ever reached Won: no median, nobody is marked for it
    assert too_recent_stages(now, now, {"sal": None, "sql": None, "won": None}) == ()
