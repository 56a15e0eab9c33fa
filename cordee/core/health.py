"""What ``/healthz`` and ``/readyz`` check. A probe gets a status per check, never an error's
text (which may name hosts or users): the error itself goes to the log."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone

from cordee.core.models import WorkerHeartbeat

log = logging.getLogger(__name__)


def database_check() -> str:
    """``ok``, or ``unavailable`` (logged with its cause)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        log.exception("health check: the database cannot be reached")
        return "unavailable"
    return "ok"


def worker_checks(now: dt.datetime | None = None) -> dict[str, str]:
    """Per queue, ``worker:<queue>``: ``ok`` when a supervisor saw its worker alive within
    ``WORKER_HEARTBEAT_STALE_SECONDS``, ``stale`` when it did earlier, ``missing`` if never."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    seen = dict(
        WorkerHeartbeat.objects.values("queue")
        .annotate(last=Max("seen_at"))
        .values_list("queue", "last")
    )
    checks = {}
    for queue in settings.TASKS["default"].get("QUEUES", ["default"]):
        last = seen.get(queue)
        checks[f"worker:{queue}"] = (
            "missing" if last is None else "ok" if last >= limit else "stale"
        )
    return checks


def readiness() -> dict[str, str]:
    """Every check of ``/readyz``; ready when all are ``ok``."""
    checks = {"database": database_check()}
    if checks["database"] == "ok":
        try:
            checks.update(worker_checks())
        except DatabaseError:
            log.exception("readiness: the workers' heartbeats cannot be read")
            checks["workers"] = "unavailable"
    return checks
