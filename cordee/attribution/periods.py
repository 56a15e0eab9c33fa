"""Fiscal periods of a workspace: its fiscal year and quarters, from its first month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cordee.analytics.calendar import add_months


@dataclass(frozen=True)
class Period:
    key: str
    start: dt.date
    end: dt.date


def fiscal_periods(first_month: int, today: dt.date, quarters: int = 5) -> list[Period]:
    """The current fiscal year and the last ``quarters`` fiscal quarters, newest first."""
    year_start = dt.date(
        today.year if today.month >= first_month else today.year - 1, first_month, 1
    )
    periods = [
        Period(
            f"FY{year_start.year}", year_start, add_months(year_start, 12) - dt.timedelta(days=1)
        )
    ]
    months_in = (today.year - year_start.year) * 12 + today.month - year_start.month
    quarter_start = add_months(year_start, months_in // 3 * 3)
    for _ in range(quarters):
        end = add_months(quarter_start, 3) - dt.timedelta(days=1)
        fy = year_start.year if quarter_start >= year_start else year_start.year - 1
        number = ((quarter_start.year - fy) * 12 + quarter_start.month - first_month) // 3 % 4 + 1
        periods.append(Period(f"FY{fy}-Q{number}", quarter_start, end))
        if quarter_start <= year_start:
            year_start = add_months(year_start, -12)
        quarter_start = add_months(quarter_start, -3)
    return periods
