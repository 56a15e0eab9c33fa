"""The import tasks: thin, each loads the job by id and runs it here.

``run_import`` runs on the ``imports`` queue, whose own worker keeps long imports from delaying
SLA checks. ``detect_import`` (an uploaded file's format, source system and mapping proposal)
takes seconds at most (the upload limit and the XLSX bounds of ``reading`` bound it): it runs on
the default queue, so that an upload is not kept waiting behind another import's run."""

from __future__ import annotations

from django_tasks import task

from cordee.dataio.imports.runner import import_job_detect, import_job_run

IMPORTS = "imports"


@task(queue_name=IMPORTS)
def run_import(job_id: int) -> str:
    """Run the import; returns its final status ("succeeded" or "failed")."""
    return import_job_run(job_id=job_id).status


@task()
def detect_import(job_id: int) -> str:
    """Detect an uploaded file; returns the job's status ("draft" when it can be mapped,
    "failed" when the file cannot be read)."""
    return import_job_detect(job_id=job_id).status
