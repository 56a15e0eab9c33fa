"""A vis-ma-vie programme of Acme for the pairing tests: 12–16 July of the first coming year
whose 14 July (the Fête nationale, a French public holiday) falls on a Tuesday, Wednesday or
Thursday, so that it lies among the week's common days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cordee.rituals.models import Participant, Programme


def holiday_year() -> int:
    year = dt.date.today().year + 1
    while dt.date(year, 7, 14).weekday() not in (1, 2, 3):
        year += 1
    return year


def week() -> list[dt.date]:
    """The Monday-to-Friday week around 14 July."""
    holiday = dt.date(holiday_year(), 7, 14)
    monday = holiday - dt.timedelta(days=holiday.weekday())
    return [monday + dt.timedelta(days=n) for n in range(5)]


def programme(workspace: Any, name: str = "Vis ma vie juillet", **kwargs: Any) -> Programme:
    days = week()
    values = {"starts_on": days[0], "ends_on": days[-1], "session_minutes": 450} | kwargs
    return Programme.objects.create(workspace=workspace, name=name, **values)


def join(
    prog: Programme, user: Any, side: str, days: list[dt.date], *, host: int = 0
) -> Participant:
    return Participant.objects.create(
        workspace=prog.workspace,
        programme=prog,
        user=user,
        side=side,
        is_host=bool(host),
        capacity=host or 1,
        available_days=[d.isoformat() for d in days],
        opted_in_at=timezone.now(),
    )
