"""Calendar arithmetic shared by the fiscal periods, the planner and its history window."""

from __future__ import annotations

import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s (before it when negative):
    ``add_months(date(2026, 11, 17), 3)`` is 1 February 2027."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)
