"""Bulk actions: start one on a selection or on every row matching a list's filters, run it in
batches (inline when small, in the background when large), undo it within its window, purge
what undoing needs once the window has closed.

Which rows an actor may change is ``core.records.records_changeable`` (the rule single edits
follow too); a row outside it is counted as skipped with its reason, never changed. The
selection is resolved to ids when the job starts: rows that match the filters later are not
added."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.bulk.kinds import ID_BATCH, PAGES, ROW_SCOPED, bulk_actions, kind_spec
from cordee.bulk.models import BulkJob, BulkStatus
from cordee.bulk.runner import bulk_job_run, bulk_job_undo_run
from cordee.bulk.tasks import run_bulk_job, undo_bulk_job
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.core.records import (
    RecordSpec,
    member_user,
    record_list,
    record_queryset,
    records_changeable,
)
from cordee.crm.models import Campaign
from cordee.funnel.models import Stage
from cordee.people.models import Pod
from cordee.tenancy.models import User


def action_allowed(actor: Actor, kind: str, action: str) -> bool:
    """The capabilities an action needs: the kind's writing one, plus deleting or campaigns'."""
    if action not in bulk_actions(kind) or not actor.can(PAGES[kind].spec.capability):
        return False
    if action == "delete":
        return actor.can("record.delete")
    if action == "campaign":
        return actor.can("campaign.write")
    return True


def _field_error(name: str, message: str) -> ValidationFailed:
    return ValidationFailed(_("Some fields are not valid."), field_errors={name: [message]})


def _clean_args(actor: Actor, action: str, args: Mapping[str, Any]) -> dict[str, Any]:
    """The action's arguments, checked against the workspace; ids as ints."""
    if action == "reassign":
        return {"to_owner": member_user(actor=actor, user_id=args.get("to_owner")).pk}
    if action == "pod":
        value = args.get("pod")
        if value in (None, ""):
            return {"pod": None}
        pod = (
            Pod.objects.filter(workspace=actor.workspace, pk=int(str(value))).first()
            if str(value).isdigit()
            else None
        )
        if pod is None:
            raise _field_error("pod", _("No such pod in this workspace."))
        return {"pod": pod.pk}
    if action == "stage":
        if args.get("to_stage") not in Stage.values:
            raise _field_error("to_stage", _("Unknown stage."))
        return {"to_stage": args["to_stage"]}
    if action == "campaign":
        value = args.get("campaign")
        campaign = (
            Campaign.objects.filter(workspace=actor.workspace, pk=int(str(value))).first()
            if str(value or "").isdigit()
            else None
        )
        if campaign is None:
            raise _field_error("campaign", _("No such campaign in this workspace."))
        return {"campaign": campaign.pk}
    return {}


def _given_ids(actor: Actor, spec: RecordSpec, ids: Iterable[Any]) -> list[int]:
    """The given ids, every one a row of the actor's workspace (else 404: nothing of another
    workspace is acted on, or confirmed to exist)."""
    try:
        wanted = sorted({int(i) for i in ids})
    except (TypeError, ValueError) as exc:
        raise _field_error("ids", _("Ids are whole numbers.")) from exc
    found = 0
    base = record_queryset(actor=actor, spec=spec).order_by()
    for k in range(0, len(wanted), ID_BATCH):
        found += base.filter(pk__in=wanted[k : k + ID_BATCH]).count()
    if found != len(wanted):
        raise NotFound(
            _("%(thing)s not found.")
            % {"thing": str(spec.model._meta.verbose_name_plural).capitalize()}
        )
    return wanted


def _selection(
    actor: Actor,
    spec: RecordSpec,
    action: str,
    ids: Iterable[Any] | None,
    params: Mapping[str, str],
) -> tuple[list[int], dict[str, int]]:
    """(ids the job acts on, rows refused up front by reason)."""
    if ids is not None:
        chosen = _given_ids(actor, spec, ids)
        if action not in ROW_SCOPED:
            return chosen, {}
        base = record_queryset(actor=actor, spec=spec).order_by()
        allowed: list[int] = []
        for k in range(0, len(chosen), ID_BATCH):
            allowed.extend(
                records_changeable(
                    actor=actor, qs=base.filter(pk__in=chosen[k : k + ID_BATCH])
                ).values_list("pk", flat=True)
            )
        refused = len(chosen) - len(allowed)
        return sorted(allowed), ({"not_yours": refused} if refused else {})
    matching: QuerySet[Any] = record_list(actor=actor, spec=spec, params=dict(params)).order_by()
    if action not in ROW_SCOPED:
        return sorted(matching.values_list("pk", flat=True)), {}
    allowed = sorted(records_changeable(actor=actor, qs=matching).values_list("pk", flat=True))
    refused = matching.count() - len(allowed)
    return allowed, ({"not_yours": refused} if refused else {})


def bulk_job_start(
    *,
    actor: Actor,
    kind: str,
    action: str,
    ids: Iterable[Any] | None = None,
    params: Mapping[str, str] | None = None,
    args: Mapping[str, Any] | None = None,
) -> BulkJob:
    """Start ``action`` on ``ids`` (a selection) or, when ``ids`` is None, on every row matching
    the list's ``params`` (search, filters). Runs at once up to ``BULK_INLINE_MAX`` rows; larger
    jobs go to the background (``bulk_job_run``)."""
    spec = kind_spec(kind)
    if action not in bulk_actions(kind):
        raise _field_error("action", _("This action does not apply to these records."))
    if not action_allowed(actor, kind, action):
        raise PermissionDenied(_("Your role in this workspace does not allow this action."))
    clean = _clean_args(actor, action, args or {})
    chosen, refused = _selection(actor, spec, action, ids, params or {})
    with transaction.atomic():
        job = BulkJob.objects.create(
            workspace=actor.workspace,
            actor=actor.user,
            kind=kind,
            action=action,
            args={**clean, "filters": dict(params or {}) if ids is None else {}},
            selection=chosen,
            total=len(chosen),
            skipped=refused,
        )
        _audit(actor, job, "bulk")
    if len(chosen) <= settings.BULK_INLINE_MAX:
        return bulk_job_run(job_id=job.pk)
    transaction.on_commit(partial(_enqueue, job.pk, run_bulk_job))
    return job


AUDIT_IDS_KEPT = 1000
audit.audit_kind_register("bulk-jobs", BulkJob._meta.verbose_name, BulkJob)


def _audit(actor: Actor, job: BulkJob, action: str) -> None:
    """One audit entry per bulk job, not one per row: the job (its page tells the rows' fate),
    the kind, the action and its arguments, how many rows, and their ids (the first
    ``AUDIT_IDS_KEPT``) or the list's filters the selection came from."""
    audit.audit_write(
        actor=actor,
        action=action,
        target="bulk-jobs",
        target_id=job.pk,
        after={
            "kind": job.kind,
            "action": job.action,
            **_named_args(job.args),
            "count": job.total,
            "ids": job.selection[:AUDIT_IDS_KEPT],
            **({"filters": job.args["filters"]} if job.args.get("filters") else {}),
        },
    )


def _named_args(args: Mapping[str, Any]) -> dict[str, Any]:
    """A job's arguments for the log: the new owner, pod or campaign by id and name."""
    models: dict[str, Any] = {"to_owner": User, "pod": Pod, "campaign": Campaign}
    out: dict[str, Any] = {}
    for key, value in args.items():
        if key == "filters":
            continue
        if key in models and value is not None:
            row = models[key].objects.filter(pk=value).first()
            out[key] = {"id": value, "name": str(row) if row else ""}
        else:
            out[key] = value
    return out


def _enqueue(job_id: int, task: Any) -> None:
    result = task.enqueue(job_id)
    BulkJob.objects.filter(pk=job_id).update(task_id=str(result.id))


UNDOABLE = (BulkStatus.SUCCEEDED, BulkStatus.FAILED)  # a stopped job's finished batches too


def bulk_job_undo(*, actor: Actor, job: BulkJob) -> BulkJob:
    """Undo a finished job within its window (the job's author, or a manager); refused after
    it. Runs at once when small, else in the background."""
    if job.workspace_id != actor.workspace.pk:
        raise NotFound(_("Not found."))
    if job.actor_id != actor.user.pk and not actor.can("record.reassign.any"):
        raise PermissionDenied(
            _("Only the person who ran this bulk action, or a manager, may undo it.")
        )
    if job.undone_at is not None or job.status in (BulkStatus.UNDOING, BulkStatus.UNDONE):
        raise Conflict(_("This bulk action has already been undone."))
    if job.status not in UNDOABLE or not job.undo_data or job.undo_until is None:
        raise Conflict(_("This bulk action cannot be undone."))
    if timezone.now() > job.undo_until:
        raise Conflict(
            _("Too late to undo: the window closed %(minutes)s minutes after the action ended.")
            % {"minutes": settings.BULK_UNDO_MINUTES}
        )
    claimed = BulkJob.objects.filter(pk=job.pk, status=job.status).update(
        status=BulkStatus.UNDOING, finished_status=job.status
    )
    if not claimed:
        raise Conflict(_("This bulk action has already been undone."))
    _audit(actor, job, "undo")
    if job.total <= settings.BULK_INLINE_MAX:
        return bulk_job_undo_run(job_id=job.pk, actor=actor)
    transaction.on_commit(partial(_enqueue, job.pk, undo_bulk_job))
    job.refresh_from_db()
    return job


def bulk_undo_data_purge(now: dt.datetime | None = None) -> int:
    """Drop the undo data of jobs whose window has closed (deleted rows are kept no longer);
    returns how many jobs were purged."""
    return (
        BulkJob.objects.filter(undo_until__lt=now or timezone.now())
        .exclude(undo_data={})
        .update(undo_data={})
    )


STALE_AFTER = dt.timedelta(minutes=15)


def bulk_jobs_reap(now: dt.datetime | None = None) -> int:
    """Mark failed the running jobs whose worker died (no heartbeat for ``STALE_AFTER``, or a
    task the worker or the scheduler's reaper marked failed)."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    dead = BulkJob.objects.filter(
        status__in=(BulkStatus.QUEUED, BulkStatus.RUNNING), heartbeat_at__lt=now - STALE_AFTER
    )
    failed_tasks = DBTaskResult.objects.filter(status="FAILED").values_list("id", flat=True)
    by_task = BulkJob.objects.filter(
        status__in=(BulkStatus.QUEUED, BulkStatus.RUNNING),
        task_id__in=[str(t) for t in failed_tasks[:1000]],
    )
    ids = set(dead.values_list("pk", flat=True)) | set(by_task.values_list("pk", flat=True))
    return BulkJob.objects.filter(pk__in=ids).update(
        status=BulkStatus.FAILED, error="stopped", finished_at=now
    )
