"""The import rate for ``/metrics`` (registered with ``core.metrics.collector_register``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from cordee.dataio.models import ImportJob, ImportStatus

WINDOW = dt.timedelta(hours=1)


def import_rate() -> Iterable[Metric]:
    """Rows written per second by the imports that succeeded in the last hour, by kind: their
    rows over their running time (0 when none)."""
    gauge = GaugeMetricFamily(
        "cordee_import_rows_per_second",
        "Rows per second of the imports that succeeded in the last hour, by kind.",
        labels=["kind"],
    )
    totals: dict[str, list[float]] = {}
    for job in ImportJob.objects.filter(
        status=ImportStatus.SUCCEEDED,
        finished_at__gte=timezone.now() - WINDOW,
        started_at__isnull=False,
    ).only("kind", "rows_done", "started_at", "finished_at"):
        assert job.started_at is not None and job.finished_at is not None
        total = totals.setdefault(job.kind, [0.0, 0.0])
        total[0] += job.rows_done
        total[1] += (job.finished_at - job.started_at).total_seconds()
    for kind, (rows, seconds) in sorted(totals.items()):
        gauge.add_metric([kind], rows / seconds if seconds > 0 else 0.0)
    return [gauge]
