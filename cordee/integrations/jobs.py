"""Periodic work of integrations: prune the request and delivery logs (each workspace's own
retention, or the instance's)."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic
from cordee.integrations.services import logs_prune


@periodic(every=dt.timedelta(days=1))
def prune_logs() -> None:
    logs_prune()
