"""Periodic work of the committees: keep every active committee's meetings generated
``committees.HORIZON`` ahead, once a day (quick work, run in the scheduler's tick; idempotent,
so the run after a restart does no harm). Registered from ``apps.ready()``: the scheduler
discovers only modules named ``jobs``."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic
from cordee.rituals.committees import meetings_generate_all


@periodic(every=dt.timedelta(days=1))
def generate_meetings() -> None:
    """Fill each active committee's horizon with its planned meetings."""
    meetings_generate_all()
