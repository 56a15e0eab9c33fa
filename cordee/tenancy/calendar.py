"""Validation of a workspace's business calendar settings (time zone, holidays, windows).

The settings are plain JSON on the workspace; this module checks them so that a bad
value is refused with a message naming the field, never stored.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import holidays
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DEFAULT_BUSINESS_HOURS: dict[str, list[list[str]]] = {
    day: [["09:00", "12:30"], ["14:00", "18:00"]] for day in WEEKDAYS[:5]
}
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")


def default_business_hours() -> dict[str, list[list[str]]]:
    return {day: [list(w) for w in windows] for day, windows in DEFAULT_BUSINESS_HOURS.items()}


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone “%(tz)s”."), params={"tz": value}) from exc


def validate_country(country: str, subdivision: str = "") -> None:
    """Check the country and subdivision codes against the pinned ``holidays`` package."""
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise ValidationError(
            _("Public holidays are not known for country “%(code)s”."), params={"code": country}
        )
    if subdivision and subdivision not in supported[country]:
        raise ValidationError(
            _("“%(sub)s” is not a subdivision of %(code)s known to the holidays calendar."),
            params={"sub": subdivision, "code": country},
        )


def validate_business_hours(value: Any) -> None:
    """``{"mon": [["09:00", "12:30"], ["14:00", "18:00"]], ...}``: ordered, non-overlapping."""
    if not isinstance(value, dict):
        raise ValidationError(_("Business hours must map weekdays to lists of windows."))
    for day, windows in value.items():
        if day not in WEEKDAYS:
            raise ValidationError(_("“%(day)s” is not a weekday (mon … sun)."), params={"day": day})
        if not isinstance(windows, list):
            raise ValidationError(
                _("The windows of %(day)s must be a list of [start, end] pairs."),
                params={"day": day},
            )
        previous_end = "00:00"
        for window in windows:
            if (
                not isinstance(window, list | tuple)
                or len(window) != 2
                or not all(isinstance(t, str) and _HHMM.match(t) for t in window)
            ):
                raise ValidationError(
                    _("Window %(window)s on %(day)s must be two times HH:MM."),
                    params={"window": window, "day": day},
                )
            start, end = window
            if not (previous_end <= start < end):
                raise ValidationError(
                    _("Windows on %(day)s must be in order and must not overlap."),
                    params={"day": day},
                )
            previous_end = end


def validate_date_list(value: Any) -> None:
    if not isinstance(value, list):
        raise ValidationError(_("Expected a list of dates (YYYY-MM-DD)."))
    for item in value:
        try:
            dt.date.fromisoformat(str(item))
        except ValueError as exc:
            raise ValidationError(
                _("“%(value)s” is not a date (YYYY-MM-DD)."), params={"value": item}
            ) from exc
