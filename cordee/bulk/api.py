"""REST endpoints of bulk actions: start one, follow its progress, undo it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from cordee.bulk import schemas, selectors, services
from cordee.bulk.models import BulkJob, reason_text
from cordee.core.api import current_actor
from cordee.core.schemas import PathId

router = Router(tags=["Bulk actions"])


def _out(job: BulkJob) -> dict[str, Any]:
    """The job with its reasons written in the reader's language."""
    return {
        **{
            name: getattr(job, name)
            for name in (
                "id",
                "kind",
                "action",
                "status",
                "total",
                "done",
                "changed",
                "failed",
                "percent",
                "created_at",
                "finished_at",
                "undo_until",
                "undone_at",
                "can_undo",
            )
        },
        "skipped": [
            {"code": code, "reason": reason_text(code), "count": n}
            for code, n in sorted(job.skipped.items())
        ],
        "failures": [
            {
                "id": f["id"],
                "code": f["code"],
                "params": f.get("params") or {},
                "reason": reason_text(f["code"], f.get("params")),
            }
            for f in job.failures
        ],
    }


@router.post("/bulk-jobs", response={201: schemas.BulkJobOut}, operation_id="bulk_job_create")
def bulk_job_create(request: HttpRequest, payload: schemas.BulkJobIn) -> Any:
    """Start a bulk action on `ids`, or on every row matching `filters`. Up to the instance's
    inline limit (200 rows by default) it has run when the answer comes; a larger one runs in
    the background: follow `GET /bulk-jobs/{id}`. Rows the caller may not change are counted in
    `skipped` with their reason; ids of another workspace make the whole request a 404."""
    job = services.bulk_job_start(
        actor=current_actor(request),
        kind=payload.kind,
        action=payload.action,
        ids=payload.ids,
        params=payload.filters,
        args=payload.args,
    )
    return 201, _out(job)


@router.get("/bulk-jobs", response=list[schemas.BulkJobOut], operation_id="bulk_job_list")
def bulk_job_list(request: HttpRequest, limit: int = 50) -> Any:
    """The bulk actions the caller may see (their own; a manager's: everyone's), newest first;
    `limit` at most 200."""
    jobs = selectors.bulk_jobs(actor=current_actor(request)).order_by("-created_at", "-id")
    return [_out(job) for job in jobs[: max(1, min(limit, 200))]]


@router.get("/bulk-jobs/{int:pk}", response=schemas.BulkJobOut, operation_id="bulk_job_get")
def bulk_job_get(request: HttpRequest, pk: PathId) -> Any:
    """A bulk action's progress and result (its author's, or any for a manager)."""
    return _out(selectors.bulk_job_get(actor=current_actor(request), pk=pk))


@router.post("/bulk-jobs/{int:pk}/undo", response=schemas.BulkJobOut, operation_id="bulk_job_undo")
def bulk_job_undo(request: HttpRequest, pk: PathId) -> Any:
    """Undo a bulk action within its window (10 minutes by default): previous owners, pods
    and stages back, memberships removed, deleted rows restored. 409 after the window."""
    actor = current_actor(request)
    job = services.bulk_job_undo(actor=actor, job=selectors.bulk_job_get(actor=actor, pk=pk))
    return _out(job)
