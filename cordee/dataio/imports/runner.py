"""Running an import job here and now: what the ``detect_import`` and ``run_import`` tasks and
``cordee import`` call.

Detection (``detect_into``) reads the file once to find its format, source system and a proposed
mapping; bounded by the upload limit and the XLSX bounds of ``reading``, it still takes seconds
on a large file, so the wizard runs it in the worker (``import_job_detect``) and ``cordee import``
here, through the same function."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from cordee.core.errors import Conflict
from cordee.dataio.imports import detection, engine
from cordee.dataio.imports.reading import ReadError
from cordee.dataio.imports.words import later, stored
from cordee.dataio.models import ImportJob, ImportPhase, ImportStatus

ProgressCallback = Callable[[ImportJob, str, int, int], None]


def detect_into(job: ImportJob) -> None:
    """Detect ``job``'s file and fill its ``detected``, ``source_system``, ``rows_total`` and
    ``mapping`` (the proposal; a mapping the job already holds overrides it for the columns the
    file has); saves nothing. Raises ``ReadError`` (its message a code and parameters) when the
    file cannot be read as a table."""
    workspace = job.workspace
    started = time.perf_counter()
    with override(workspace.default_language):
        detected, proposed, job.source_system = detection.detect(
            job.source_file_path(), kind=job.kind, language=workspace.default_language
        )
    detected["seconds"] = round(time.perf_counter() - started, 3)
    header = detected["format"]["header"]
    preset = {column: field for column, field in (job.mapping or {}).items() if column in header}
    job.detected = detected
    job.mapping = {**proposed, **preset}
    job.rows_total = detected.get("rows", 0)


def import_job_detect(*, job_id: int) -> ImportJob:
    """Detect an uploaded job's file (what the ``detect_import`` task calls). A readable file
    leaves the job a draft, ready for its mapping; one that is not fails the job, the reason
    kept as a code and parameters (``report["message"]``, ``report["detection"]``), and its
    upload is deleted. A job no longer waiting for detection is returned as it is."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status=ImportStatus.DETECTING, phase=ImportPhase.READY
    ).update(
        phase=ImportPhase.READING,
        host=socket.gethostname(),
        pid=os.getpid(),
        heartbeat_at=timezone.now(),
    )
    job = ImportJob.objects.select_related("workspace").get(pk=job_id)
    if not claimed:
        return job
    try:
        detect_into(job)
    except Exception as exc:
        if isinstance(exc, ReadError):
            message = stored(exc.message)
        else:
            message = stored(
                later(gettext_noop("The file could not be read: %(error)s")) % {"error": exc}
            )
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            phase=ImportPhase.DONE,
            finished_at=timezone.now(),
            report={"message": message, "detection": True},
            file="",
        )
        if job.file:
            job.file.delete(save=False)
        job.refresh_from_db()
        if not isinstance(exc, ReadError):
            raise
        return job
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.DETECTING).update(
        status=ImportStatus.DRAFT,
        phase=ImportPhase.READY,
        detected=job.detected,
        mapping=job.mapping,
        source_system=job.source_system,
        rows_total=job.rows_total,
        heartbeat_at=None,
        updated_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def import_job_run(*, job_id: int, progress: ProgressCallback | None = None) -> ImportJob:
    """Run a draft or queued job here and now (the task and the CLI call this). Returns the job,
    succeeded or failed; a file with rejected rows fails unless ``keep_good_rows``."""
    claimed = ImportJob.objects.filter(
        pk=job_id, status__in=(ImportStatus.DRAFT, ImportStatus.QUEUED)
    ).update(
        status=ImportStatus.RUNNING,
        phase=ImportPhase.READING,
        host=socket.gethostname(),
        pid=os.getpid(),
        started_at=timezone.now(),
        heartbeat_at=timezone.now(),
        rows_done=0,
        errors_count=0,
    )
    job = ImportJob.objects.select_related("workspace").get(pk=job_id)
    if not claimed:
        raise Conflict(_("This import has already run."))
    with override(job.workspace.default_language):
        try:
            engine.run(job, progress=progress)
        except Exception as exc:
            # a file the run cannot read (changed since, or past a limit) says why, stored
            # as code and parameters like every word of a report
            error = exc.message if isinstance(exc, ReadError) else exc
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.FAILED,
                phase=ImportPhase.DONE,
                finished_at=timezone.now(),
                report={
                    **job.report,
                    "message": stored(
                        later(gettext_noop("The import failed: %(error)s")) % {"error": error}
                    ),
                },
            )
            job.refresh_from_db()
            if not isinstance(exc, engine.ImportFailed | ReadError):
                raise
    job.refresh_from_db()
    return job
