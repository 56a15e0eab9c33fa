"""Periodic work of attribution: refresh the current periods' snapshots every night."""

from __future__ import annotations

import datetime as dt

from cordee.attribution.models import Dimension
from cordee.attribution.periods import fiscal_periods
from cordee.attribution.tasks import compute_snapshot
from cordee.core.scheduler import periodic
from cordee.tenancy.models import Workspace


@periodic(every=dt.timedelta(hours=12))
def refresh_current_snapshots() -> None:
    for ws in Workspace.objects.all():
        for period in fiscal_periods(ws.fiscal_year_start_month, ws.today(), quarters=1):
            for dimension in Dimension.values:
                compute_snapshot.enqueue(
                    ws.pk, period.start.isoformat(), period.end.isoformat(), dimension
                )
