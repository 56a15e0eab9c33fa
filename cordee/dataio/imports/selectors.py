"""Reads of imports, scoped to the actor's workspace (the wizard's pages and the API)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.dataio.imports.layouts import FIELDS, FieldSpec
from cordee.dataio.imports.services import LIVE, import_jobs_reap
from cordee.dataio.imports.words import words
from cordee.dataio.models import ImportJob


@dataclass(frozen=True)
class ImportProgress:
    job_id: int
    status: str
    phase: str
    rows_total: int
    rows_done: int
    errors_count: int
    percent: int
    finished: bool
    message: str


def import_job_get(*, actor: Actor, job_id: int) -> ImportJob:
    """The job (404 for another workspace's); a job whose runner died is shown failed."""

    if not ImportJob.objects.filter(workspace=actor.workspace, pk=job_id).exists():
        raise NotFound(_("Import not found."))
    import_jobs_reap(job_ids=[job_id])
    return ImportJob.objects.select_related("created_by").get(pk=job_id)


def import_jobs_list(*, actor: Actor, limit: int = 20) -> list[ImportJob]:
    jobs = list(
        ImportJob.objects.filter(workspace=actor.workspace)
        .select_related("created_by")
        .order_by("-created_at", "-id")[:limit]
    )
    live = [j.pk for j in jobs if j.status in LIVE]
    if live and import_jobs_reap(job_ids=live):
        return import_jobs_list(actor=actor, limit=limit)
    return jobs


def import_progress_of(job: ImportJob) -> ImportProgress:
    total = job.rows_total or 0
    done = min(job.rows_done, total) if total else job.rows_done
    percent = 100 if job.is_finished else (int(done * 100 / total) if total else 0)
    return ImportProgress(
        job_id=job.pk,
        status=job.status,
        phase=job.phase,
        rows_total=total,
        rows_done=done,
        errors_count=job.errors_count,
        percent=percent,
        finished=job.is_finished,
        message=words((job.report or {}).get("message", "")),
    )


def import_job_progress(*, actor: Actor, job_id: int) -> ImportProgress:
    """Rows done / total and errors so far, for the page's progress bar (poll it)."""
    return import_progress_of(import_job_get(actor=actor, job_id=job_id))


def import_fields(kind: str) -> list[FieldSpec]:
    """The Cordée fields a column of a ``kind`` import may fill (for the mapping step)."""
    return list(FIELDS[kind])
