"""Imports: create a job from a file, look at it (detection and preview), map its columns, run it.

The flow of the wizard and of ``cordee import`` is the same:
``import_job_create`` (stores the file, detects its format, source system and a mapping) →
``import_job_preview`` / ``import_job_configure`` (optional) → ``import_job_start`` (enqueues the
``run_import`` task on the ``imports`` queue) or ``import_job_run`` (runs it here, for the CLI).
Reading and validation happen outside any transaction; the rows, the imported stage history and
the job's final status are written in one short transaction of bulk statements (see
``cordee.dataio.imports.engine``).
"""

from __future__ import annotations

import copy
import math
import os
import shutil
import socket
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.core.supervisor import process_alive
from cordee.dataio.imports import engine, validation
from cordee.dataio.imports.layouts import FIELDS, field_specs
from cordee.dataio.imports.reading import ReadError
from cordee.dataio.imports.rows import Preview
from cordee.dataio.imports.runner import detect_into
from cordee.dataio.imports.tasks import detect_import, run_import
from cordee.dataio.imports.words import later, stored
from cordee.dataio.models import ImportJob, ImportKind, ImportPhase, ImportStatus

CAPABILITY = "data.import"


def import_upload_check(*, size: int) -> None:
    """Refuse an upload larger than ``IMPORT_MAX_UPLOAD_MB`` (the wizard checks the request's
    length with this before reading its body; ``import_job_create`` checks the file itself)."""
    limit = settings.IMPORT_MAX_UPLOAD_MB
    if size > limit * 1024 * 1024:
        message = _(
            "The file is %(size)s MB; an upload holds at most %(max)s MB (the "
            "CORDEE_IMPORT_MAX_UPLOAD_MB setting). A larger file can be imported on the server with "
            "“cordee import”."
        ) % {"size": number_format(math.ceil(size * 10 / 1024 / 1024) / 10, 1), "max": limit}
        raise ValidationFailed(message, field_errors={"file": [message]})


def _size(content: IO[bytes]) -> int:
    size = getattr(content, "size", None)
    if isinstance(size, int):
        return size
    position = content.seek(0, os.SEEK_END)
    content.seek(0)
    return position


def _new_job(
    *,
    actor: Actor | None,
    kind: str,
    filename: str,
    content: IO[bytes] | None,
    path: str | None,
    workspace: Any,
    dry_run: bool,
    keep_good_rows: bool,
) -> ImportJob:
    """A job for ``content`` (stored under ``VAR_DIR/imports``, at most the upload limit) or
    ``path`` (read in place), not saved and not detected yet."""
    if actor is not None:
        actor.require(CAPABILITY)
        workspace = actor.workspace
    if workspace is None:
        raise ValidationFailed(_("Choose a workspace."))
    if kind not in ImportKind.values:
        raise ValidationFailed(
            _("Unknown kind of import '%(kind)s'.") % {"kind": kind},
            field_errors={
                "kind": [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(ImportKind.values)}]
            },
        )
    if (content is None) == (path is None):
        raise ValidationFailed(
            _("Give a file."), field_errors={"file": [_("This field is required.")]}
        )
    job = ImportJob(
        workspace=workspace,
        kind=kind,
        original_name=os.path.basename(filename)[:255],
        dry_run=dry_run,
        keep_good_rows=keep_good_rows,
        created_by=actor.user if actor else None,
    )
    if path is not None:
        if not os.path.isfile(path):
            raise ValidationFailed(
                _("No file at %(path)s.") % {"path": path}, field_errors={"file": [_("Not found.")]}
            )
        job.source_path = os.path.abspath(path)
    else:
        assert content is not None
        import_upload_check(size=_size(content))
        job.file.save(job.original_name or "upload.csv", File(content), save=False)
    return job


def import_job_create(
    *,
    actor: Actor | None,
    kind: str,
    filename: str,
    content: IO[bytes] | None = None,
    path: str | None = None,
    workspace: Any = None,
    mapping: dict[str, str] | None = None,
    dry_run: bool = False,
    keep_good_rows: bool = False,
) -> ImportJob:
    """Store the uploaded ``content`` (or read ``path`` in place: the CLI on the server), detect
    its encoding, separator, header, source system, date and number formats here and now, and
    propose a mapping (``mapping`` overrides it column by column). ``actor`` None is the server
    operator (CLI) acting in ``workspace``. The wizard uses ``import_job_upload`` instead, which
    leaves the detection to the worker; both detect with ``runner.detect_into``."""
    job = _new_job(
        actor=actor,
        kind=kind,
        filename=filename,
        content=content,
        path=path,
        workspace=workspace,
        dry_run=dry_run,
        keep_good_rows=keep_good_rows,
    )
    try:
        detect_into(job)
    except ReadError as exc:
        _discard_upload(job)
        raise ValidationFailed(str(exc), field_errors={"file": [str(exc)]}) from exc
    if mapping:
        job.mapping = _checked_mapping(
            kind, job.detected["format"]["header"], {**job.mapping, **mapping}
        )
    job.save()
    return job


def import_job_upload(
    *,
    actor: Actor,
    kind: str,
    filename: str,
    content: IO[bytes],
    dry_run: bool = False,
    keep_good_rows: bool = False,
    mapping: dict[str, str] | None = None,
) -> ImportJob:
    """Store an uploaded file (refused past ``IMPORT_MAX_UPLOAD_MB``) and queue its detection:
    the job is saved as "detecting" and the ``detect_import`` task, once the transaction
    commits, reads the file and leaves the job a draft ready for its mapping, or failed with
    the reason (``runner.import_job_detect``). Nothing of the file is read here. ``mapping``
    (column → field) is kept over the proposal for the columns the file turns out to have."""
    job = _new_job(
        actor=actor,
        kind=kind,
        filename=filename,
        content=content,
        path=None,
        workspace=None,
        dry_run=dry_run,
        keep_good_rows=keep_good_rows,
    )
    job.status = ImportStatus.DETECTING
    job.mapping = dict(mapping or {})
    job.save()

    def enqueue() -> None:
        result = detect_import.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


def _discard_upload(job: ImportJob) -> None:
    if job.file:
        job.file.delete(save=False)


def _checked_mapping(
    kind: str, header: list[str], mapping: dict[str, str | None]
) -> dict[str, str]:
    specs = field_specs(kind)
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    used: dict[str, str] = {}
    for column, target in mapping.items():
        if not target:
            continue
        if column not in header:
            errors.setdefault(column, []).append(
                _("The file has no column '%(column)s'.") % {"column": column}
            )
        elif target not in specs:
            errors.setdefault(column, []).append(
                _("Unknown field '%(field)s' for %(kind)s.") % {"field": target, "kind": kind}
            )
        elif target in used:
            errors.setdefault(column, []).append(
                _("The field '%(field)s' is already filled from the column '%(other)s'.")
                % {"field": target, "other": used[target]}
            )
        else:
            clean[column] = target
            used[target] = column
    for spec in FIELDS[kind]:
        if spec.required and spec.name not in used:
            errors.setdefault(spec.name, []).append(
                _("Map a column to the required field '%(field)s'.") % {"field": spec.label}
            )
    if errors:
        raise ValidationFailed(_("The column mapping is not complete."), field_errors=errors)
    return clean


def _job(actor: Actor, job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(workspace=actor.workspace, pk=job_id).first()
    if job is None:
        raise NotFound(_("Import not found."))
    return job


def _require_detected(job: ImportJob) -> None:
    """Refuse to look into a job whose file the worker has not read (or could not read)."""
    if job.status == ImportStatus.DETECTING:
        raise Conflict(_("The file is still being read: its columns are shown in a moment."))
    if job.detection_failed or not job.detected.get("format"):
        raise Conflict(_("This file could not be read: upload it again."))


def import_job_configure(
    *,
    actor: Actor,
    job_id: int,
    mapping: dict[str, str | None] | None = None,
    date_orders: dict[str, str] | None = None,
    dry_run: bool | None = None,
    keep_good_rows: bool | None = None,
) -> ImportJob:
    """Change a job that has not started: its column mapping (column → field, empty: ignored),
    a date column's order ("dmy"/"mdy", overriding the detected one), dry run, keep good rows."""
    actor.require(CAPABILITY)
    job = _job(actor, job_id)
    _require_detected(job)
    if job.status != ImportStatus.DRAFT:
        raise Conflict(_("This import has already started; upload the file again to change it."))
    header = job.detected["format"]["header"]
    if mapping is not None:
        job.mapping = _checked_mapping(job.kind, header, mapping)
    else:
        job.mapping = _checked_mapping(job.kind, header, job.mapping)
    if date_orders:
        for column, order in date_orders.items():
            if column not in header or order not in ("dmy", "mdy"):
                raise ValidationFailed(
                    _("Choose day/month/year or month/day/year for a date column."),
                    field_errors={column: [_("Unknown column or order.")]},
                )
            job.detected.setdefault("dates", {}).setdefault(column, {})
            job.detected["dates"][column].update(order=order, ambiguous=False, chosen=True)
    if dry_run is not None:
        job.dry_run = dry_run
    if keep_good_rows is not None:
        job.keep_good_rows = keep_good_rows
    job.save()
    return job


def import_job_preview(*, actor: Actor, job_id: int, rows: int = 10) -> Preview:
    """The detected format and the first ``rows`` rows as they will be stored, with the reason
    for each value that cannot be."""
    actor.require(CAPABILITY)
    job = _job(actor, job_id)
    _require_detected(job)
    # read in the reader's language (a stored run report keeps the workspace's)
    return validation.preview(job, rows=rows)


def import_job_start(*, actor: Actor, job_id: int) -> ImportJob:
    """Queue the import on the ``imports`` queue (its own worker: SLA checks keep running)."""

    actor.require(CAPABILITY)
    job = _job(actor, job_id)
    _require_detected(job)
    if job.status != ImportStatus.DRAFT:
        raise Conflict(_("This import has already started."))
    job.mapping = _checked_mapping(job.kind, job.detected["format"]["header"], job.mapping)
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.DRAFT).update(
        status=ImportStatus.QUEUED, mapping=job.mapping, updated_at=timezone.now()
    )
    if not updated:
        raise Conflict(_("This import has already started."))
    job.status = ImportStatus.QUEUED

    def enqueue() -> None:
        result = run_import.enqueue(job.pk)
        ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


def import_job_rerun(*, actor: Actor, job_id: int, keep_good_rows: bool | None = None) -> ImportJob:
    """Run a finished import's file again for real, with the same mapping and date choices
    (after a dry run, or keeping the good rows after a refused file); ``keep_good_rows`` None
    keeps the finished job's choice. Returns the new job: queued when the file is the stored
    copy of an upload (it cannot have changed: its detection is the finished job's); when it was
    read in place on the server (``cordee import``) it may have changed since, so the copy is
    detected again by the worker ("detecting", then the mapping step, the finished job's mapping
    kept for the columns the file still has)."""
    actor.require(CAPABILITY)
    source = _job(actor, job_id)
    if not source.is_finished:
        raise Conflict(_("This import has not finished yet."))
    if source.detection_failed:
        raise Conflict(_("This file could not be read: upload it again."))
    if keep_good_rows is None:
        keep_good_rows = source.keep_good_rows
    try:
        handle = open(source.source_file_path(), "rb")  # noqa: SIM115 -- closed below
    except (OSError, ValueError):
        raise NotFound(_("The file of this import is no longer kept: upload it again.")) from None
    with handle, transaction.atomic():
        if source.source_path:
            return import_job_upload(
                actor=actor,
                kind=source.kind,
                filename=source.original_name,
                content=handle,
                keep_good_rows=keep_good_rows,
                mapping={c: f for c, f in source.mapping.items() if f},
            )
        job = _new_job(
            actor=actor,
            kind=source.kind,
            filename=source.original_name,
            content=handle,
            path=None,
            workspace=None,
            dry_run=False,
            keep_good_rows=keep_good_rows,
        )
        job.detected = copy.deepcopy(source.detected)  # the same bytes: the same detection
        job.source_system = source.source_system
        job.rows_total = job.detected.get("rows", 0)
        header: list[str] = job.detected["format"]["header"]
        job.mapping = _checked_mapping(
            job.kind, header, {column: source.mapping.get(column) for column in header}
        )
        job.save()
        return import_job_start(actor=actor, job_id=job.pk)


LIVE = (ImportStatus.DETECTING, ImportStatus.QUEUED, ImportStatus.RUNNING)


def import_jobs_reap(*, job_ids: list[int] | None = None) -> int:
    """Mark failed the jobs whose runner is gone: a process of this host that no longer exists,
    a task the worker (or the scheduler's reaper) marked failed, or no heartbeat for a long
    time. Nothing of theirs was written: rows and "succeeded" commit together. A file whose
    detection died with its worker fails as unread (upload it again)."""
    from django_tasks_db.models import DBTaskResult

    jobs = ImportJob.objects.filter(status__in=LIVE)
    if job_ids is not None:
        jobs = jobs.filter(pk__in=job_ids)
    host, now = socket.gethostname(), timezone.now()
    dead: dict[str, list[int]] = {}
    for job in jobs.only("id", "status", "phase", "host", "pid", "heartbeat_at", "task_id"):
        gone = False
        working = job.status == ImportStatus.RUNNING or (
            job.status == ImportStatus.DETECTING and job.phase == ImportPhase.READING
        )
        if working and job.host == host and job.pid:
            gone = not process_alive(job.pid)
        if job.heartbeat_at and now - job.heartbeat_at > engine.STALE_AFTER:
            gone = True
        if not gone and job.task_id:
            gone = DBTaskResult.objects.filter(pk=job.task_id, status="FAILED").exists()
        if gone:
            dead.setdefault(job.status, []).append(job.pk)
    reaped = 0
    detecting = dead.pop(ImportStatus.DETECTING, [])
    if detecting:
        message = stored(
            later(
                gettext_noop(
                    "Reading the file stopped before it finished (its process ended): upload "
                    "it again."
                )
            )
        )
        reaped += ImportJob.objects.filter(pk__in=detecting, status=ImportStatus.DETECTING).update(
            status=ImportStatus.FAILED,
            phase=ImportPhase.DONE,
            finished_at=now,
            report={"message": message, "stopped": True, "detection": True},
        )
    running = [pk for pks in dead.values() for pk in pks]
    if not running:
        return reaped
    message = stored(
        later(
            gettext_noop(
                "The import stopped before it finished (its process ended); nothing was written."
            )
        )
    )
    return reaped + ImportJob.objects.filter(
        Q(pk__in=running), Q(status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING))
    ).update(
        status=ImportStatus.FAILED,
        phase=ImportPhase.DONE,
        finished_at=now,
        report={"message": message, "stopped": True},
    )


def import_job_copy_rejected(*, job: ImportJob, destination: str) -> None:
    """Copy the rejected-rows CSV of ``job`` to ``destination`` (the CLI's --rejected-out)."""
    if job.rejected_file:
        with job.rejected_file.open("rb") as source, open(destination, "wb") as target:
            shutil.copyfileobj(source, target)
