"""Prometheus metrics (``prometheus_client``), served by ``/metrics`` to a caller holding
``METRICS_TOKEN``.

Two kinds: counters kept by the web processes (requests by view and status, their latency),
and gauges read from the database when scraped (each queue's waiting tasks and the age of the
oldest, and what an upper app adds with ``collector_register``: the import rate, from
``dataio``). Under ``cordee run`` the web processes share their counters through
``PROMETHEUS_MULTIPROC_DIR`` (prometheus_client's multiprocess mode)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from django.utils import timezone
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

REQUESTS = Counter(
    "cordee_http_requests",
    "HTTP requests answered, by view, method and status.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "cordee_http_request_duration_seconds",
    "Time to answer a request, by view.",
    ["view"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

MetricsSource = Callable[[], Iterable[Metric]]
_SOURCES: list[MetricsSource] = []


def request_observe(*, view: str, method: str, status: int, seconds: float) -> None:
    REQUESTS.labels(view=view, method=method, status=str(status)).inc()
    LATENCY.labels(view=view).observe(seconds)


def collector_register(source: MetricsSource) -> None:
    """An upper app adds gauges read at scrape time (called from its ``AppConfig.ready``)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


def task_queues() -> Iterable[Metric]:
    """Per queue: tasks ready to run and not started, and the age of the oldest of them."""
    from django.conf import settings
    from django.db.models import Count, Min
    from django_tasks_db.models import DBTaskResult

    depth = GaugeMetricFamily(
        "cordee_task_queue_depth", "Tasks waiting to run, by queue.", labels=["queue"]
    )
    oldest = GaugeMetricFamily(
        "cordee_task_queue_oldest_age_seconds",
        "Seconds the oldest waiting task of the queue has waited (0 when none).",
        labels=["queue"],
    )
    rows = {
        row["queue_name"]: row
        for row in DBTaskResult.objects.ready()
        .values("queue_name")
        .annotate(n=Count("id"), first=Min("enqueued_at"))
    }
    now = timezone.now()
    queues = settings.TASKS["default"].get("QUEUES", ["default"])
    for queue in sorted({*queues, *rows}):
        row = rows.get(queue)
        depth.add_metric([queue], row["n"] if row else 0)
        age = (now - row["first"]).total_seconds() if row and row["first"] else 0.0
        oldest.add_metric([queue], max(age, 0.0))
    return [depth, oldest]


class _DatabaseCollector(Collector):
    def collect(self) -> Iterable[Metric]:
        yield from task_queues()
        for source in _SOURCES:
            yield from source()


def exposition() -> bytes:
    """The text exposition format of every metric."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        processes = CollectorRegistry()
        MultiProcessCollector(processes)
    else:
        processes = REGISTRY
    database = CollectorRegistry(auto_describe=False)
    database.register(_DatabaseCollector())
    return generate_latest(processes) + generate_latest(database)
