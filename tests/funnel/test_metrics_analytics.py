"""The pure funnel functions on cases the app relies on: a stage skipped by an imported history
is implied by the later one (counts nest, the three rates multiply to Won ÷ MQL) but gives no
duration; the LVR series."""

from __future__ import annotations

import numpy as np
import pytest

from cordee.analytics.funnel import conversion_by_cohort, lead_velocity_series

DAY = 86400.0
NAN = np.nan


def test_skipped_stages_are_implied_but_give_no_duration():
    # a: MQL → SAL (+3 d) → SQL (+5 d); b: MQL → SQL (+4 d, no SAL: HubSpot) → Won (+6 d);
    # c: MQL → Won (+9 d) straight from an import; d: MQL only
    mql = np.zeros(4)
    sal = np.array([3, NAN, NAN, NAN]) * DAY
    sql = np.array([8, 4, NAN, NAN]) * DAY
    won = np.array([NAN, 10, 9, NAN]) * DAY
    (row,) = conversion_by_cohort(["x"] * 4, mql, sal, sql, won)
    # reached: SAL a, b, c; SQL a, b, c; Won b, c
    assert (row.mqls, row.sal, row.sql, row.won) == (4, 3, 3, 2)
    product = row.rate("sal", "mqls") * row.rate("sql", "sal") * row.rate("won", "sql")
    assert product == pytest.approx(row.rate("won", "mqls")) == pytest.approx(0.5)
    # durations only where both entries are in the history: MQL→SAL a (3); SAL→SQL a (5);
    # SQL→Won b (6)
    assert (
        row.median_days_mql_to_sal,
        row.median_days_sal_to_sql,
        row.median_days_sql_to_won,
    ) == (3.0, 5.0, 6.0)


def test_lead_velocity_series():
    assert lead_velocity_series([4, 2, 2, 3, 0, 5]) == [
        pytest.approx(-0.5),
        pytest.approx(0.0),
        pytest.approx(0.5),
        pytest.approx(-1.0),
        None,
    ]
    assert lead_velocity_series([7]) == []
