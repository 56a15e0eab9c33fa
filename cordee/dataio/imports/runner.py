"""Running an import job here and now: what the ``run_import`` task and ``cordee import`` call."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, override

from cordee.core.errors import Conflict
from cordee.dataio.imports import engine
from cordee.dataio.imports.reading import ReadError
from cordee.dataio.imports.words import later, stored
from cordee.dataio.models import ImportJob, ImportPhase, ImportStatus

ProgressCallback = Callable[[ImportJob, str, int, int], None]


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
