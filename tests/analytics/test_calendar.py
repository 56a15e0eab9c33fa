"""Calendar arithmetic (analytics/calendar.py), by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from cordee.analytics.calendar import add_months


@pytest.mark.parametrize(
    ("day", "months", "first"),
    [
        (dt.date(2026, 11, 17), 3, dt.date(2027, 2, 1)),  # across the year's end
        (dt.date(2026, 1, 31), -1, dt.date(2025, 12, 1)),  # back across it
        (dt.date(2026, 3, 1), 0, dt.date(2026, 3, 1)),
        (dt.date(2026, 12, 5), 12, dt.date(2027, 12, 1)),
        (dt.date(2026, 7, 15), -19, dt.date(2024, 12, 1)),
    ],
)
def test_add_months_gives_the_first_day_of_the_month_so_many_months_away(day, months, first):
    assert add_months(day, months) == first
