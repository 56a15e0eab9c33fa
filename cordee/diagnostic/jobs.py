"""Periodic work of the diagnostic: close, once a day, the waves whose last day of answers has
passed (quick work in the scheduler's tick; idempotent). Registered from ``apps.ready()``."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic
from cordee.diagnostic.services import waves_close_due


@periodic(every=dt.timedelta(days=1))
def close_due_waves() -> None:
    """Close the open waves past their last day of answers."""
    waves_close_due()
