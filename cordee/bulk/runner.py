"""Running a bulk job batch by batch, and its undo: called inline for small jobs and by the
background tasks (``tasks.py``) for large ones."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cordee.bulk import actions
from cordee.bulk.kinds import BATCH, kind_spec
from cordee.bulk.models import BulkJob, BulkStatus
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.tenancy.models import Membership

log = logging.getLogger(__name__)


def _actor_of(job: BulkJob) -> Actor | None:
    if job.actor_id is None:
        return None
    membership = (
        Membership.objects.filter(
            workspace_id=job.workspace_id, user_id=job.actor_id, is_active=True
        )
        .select_related("user", "workspace")
        .first()
    )
    return Actor.from_membership(membership) if membership else None


def _merge(job: BulkJob, undo: dict[str, Any], out: actions.Outcome) -> None:
    job.changed += out.changed
    job.failed += len(out.failures)
    for code, n in out.skipped.items():
        job.skipped[code] = job.skipped.get(code, 0) + n
    room = BulkJob.FAILURES_KEPT - len(job.failures)
    job.failures.extend(out.failures[: max(room, 0)])
    for key, value in out.undo.items():
        if isinstance(value, dict):
            actions._merge_groups(undo, key, value)
        else:
            undo.setdefault(key, []).extend(value)


def bulk_job_run(*, job_id: int) -> BulkJob:
    """Run a queued job batch by batch (each batch its own transaction; progress is saved after
    each, outside it, so pages see it advance). Only one runner claims a job."""
    claimed = BulkJob.objects.filter(pk=job_id, status=BulkStatus.QUEUED).update(
        status=BulkStatus.RUNNING, heartbeat_at=timezone.now()
    )
    job = BulkJob.objects.get(pk=job_id)
    if not claimed:
        return job
    actor = _actor_of(job)
    if actor is None:
        return _finish(job, BulkStatus.FAILED, error="stopped")
    spec, do = kind_spec(job.kind), actions.DO[job.action]
    undo: dict[str, Any] = {}
    try:
        for k in range(0, len(job.selection), BATCH):
            batch = job.selection[k : k + BATCH]
            with transaction.atomic(), audit.records_muted():  # the job's one entry tells it
                out = do(actor, spec, batch, job.args, job.total)
            _merge(job, undo, out)
            job.done = min(job.total, k + len(batch))
            BulkJob.objects.filter(pk=job.pk).update(
                done=job.done,
                changed=job.changed,
                failed=job.failed,
                skipped=job.skipped,
                failures=job.failures,
                heartbeat_at=timezone.now(),
            )
    except Exception:  # what ran stays (and can be undone); the rest is reported as stopped
        log.exception("bulk job %s stopped", job.pk)
        return _finish(job, BulkStatus.FAILED, error="stopped", undo=undo)
    return _finish(job, BulkStatus.SUCCEEDED, undo=undo)


def _finish(
    job: BulkJob, status: str, *, error: str = "", undo: dict[str, Any] | None = None
) -> BulkJob:
    now = timezone.now()
    job.status, job.error, job.finished_at = status, error, now
    job.undo_data = undo or {}
    job.undo_until = now + dt.timedelta(minutes=settings.BULK_UNDO_MINUTES) if undo else None
    job.save(
        update_fields=[
            "status",
            "error",
            "finished_at",
            "undo_data",
            "undo_until",
            "done",
            "changed",
            "failed",
            "skipped",
            "failures",
            "updated_at",
        ]
    )
    return job


def bulk_job_undo_run(*, job_id: int, actor: Actor | None = None) -> BulkJob:
    """Put back what the job changed, in one transaction."""
    job = BulkJob.objects.get(pk=job_id, status=BulkStatus.UNDOING)
    actor = actor or _actor_of(job)
    if actor is None:
        BulkJob.objects.filter(pk=job.pk).update(status=job.finished_status)
        job.refresh_from_db()
        return job
    with transaction.atomic(), audit.records_muted():
        actions.undo(actor, kind_spec(job.kind), job.action, job.args, job.undo_data)
        job.status, job.undone_at, job.undo_data = BulkStatus.UNDONE, timezone.now(), {}
        job.save(update_fields=["status", "undone_at", "undo_data", "updated_at"])
    return job
