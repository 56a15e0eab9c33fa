"""Periodic work of integrations: prune the request and delivery logs."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic


@periodic(every=dt.timedelta(days=1))
def prune_logs() -> None:
    from cordee.core.scheduler import retention_cutoff
    from cordee.integrations.services import logs_prune

    logs_prune(older_than=retention_cutoff())
