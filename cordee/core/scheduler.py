"""Periodic work: a small registry of jobs the worker's scheduler loop runs when due, and a
reaper for tasks a killed worker left RUNNING (the database task backend never recovers them).

Apps register jobs with ``@periodic(every=timedelta(...))``; a job is a plain function that
enqueues tasks or does quick work. Due times are kept in memory: after a restart every job
runs once, which is safe because jobs are idempotent by design.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

log = logging.getLogger(__name__)

STALE_RUNNING_AFTER = dt.timedelta(hours=2)


@dataclass
class Job:
    name: str
    every: dt.timedelta
    func: Callable[[], object]
    next_run: dt.datetime | None = None


_JOBS: dict[str, Job] = {}


def periodic(*, every: dt.timedelta) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def register(func: Callable[[], object]) -> Callable[[], object]:
        name = f"{func.__module__}.{func.__qualname__}"
        _JOBS[name] = Job(name=name, every=every, func=func)
        return func

    return register


def jobs() -> list[Job]:
    return list(_JOBS.values())


def reap_stale_tasks(now: dt.datetime | None = None) -> int:
    """Mark tasks RUNNING for longer than ``STALE_RUNNING_AFTER`` as failed, with the reason;
    returns how many. (``cordee worker`` fails its own dead workers' tasks at once; this catches
    a worker of another host that vanished.)"""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    return DBTaskResult.objects.filter(
        status="RUNNING", started_at__lt=now - STALE_RUNNING_AFTER
    ).update(
        status="FAILED",
        finished_at=now,
        exception_class_path="cordee.core.scheduler.StaleTask",
        traceback=f"Still running after {STALE_RUNNING_AFTER}: its worker is presumed dead.",
    )


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    """Logs older than this are pruned: ``LOG_RETENTION_DAYS`` (``CORDEE_LOG_RETENTION_DAYS``)."""
    from django.conf import settings

    return (now or timezone.now()) - dt.timedelta(days=settings.LOG_RETENTION_DAYS)


def prune_finished_tasks(now: dt.datetime | None = None) -> int:
    """Delete the results of tasks finished more than ``LOG_RETENTION_DAYS`` ago (the database
    backend keeps every result forever); returns how many."""
    from django_tasks_db.models import DBTaskResult

    deleted, _ = DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"],
        finished_at__lt=retention_cutoff(now),
    ).delete()
    return deleted


def tick(now: dt.datetime | None = None) -> list[str]:
    """Run every job that is due; returns the names run. One failing job does not stop others."""
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("jobs")  # each app's jobs.py registers its periodic jobs
    now = now or timezone.now()
    ran: list[str] = []
    for job in [
        Job("core.reap_stale_tasks", dt.timedelta(minutes=10), reap_stale_tasks),
        Job("core.prune_finished_tasks", dt.timedelta(days=1), prune_finished_tasks),
        *_JOBS.values(),
    ]:
        stored = _JOBS.get(job.name, job)
        if stored.next_run is not None and stored.next_run > now:
            continue
        try:
            stored.func()
            ran.append(stored.name)
        except Exception:
            log.exception("periodic job %s failed", stored.name)
        stored.next_run = now + stored.every
        _JOBS.setdefault(stored.name, stored)
    return ran
