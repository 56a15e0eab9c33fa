"""Periodic work of integrations: prune the request and delivery logs."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic, retention_cutoff
from cordee.integrations.services import logs_prune


@periodic(every=dt.timedelta(days=1))
def prune_logs() -> None:
    logs_prune(older_than=retention_cutoff())
