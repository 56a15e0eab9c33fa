"""Shared by the import tests: run a sample through the real services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import override

from cordee.dataio.imports.runner import import_job_run
from cordee.dataio.imports.services import import_job_create
from cordee.dataio.imports.tasks import detect_import
from cordee.dataio.imports.words import report_words
from cordee.dataio.models import ImportJob

SAMPLES = Path(__file__).parent / "samples"


def import_file(
    personas: Any, path: Path, kind: str, who: str = "rita", **options: Any
) -> ImportJob:
    """Upload ``path`` as ``who`` and run the import now; returns the finished job."""
    with path.open("rb") as handle:
        job = import_job_create(
            actor=personas.actor(who), kind=kind, filename=path.name, content=handle, **options
        )
    return import_job_run(job_id=job.pk)


def report_of(job: ImportJob, language: str | None = None) -> dict[str, Any]:
    """The job's report as a reader sees it: its words written in ``language`` (by default the
    workspace's, the language the import ran in)."""
    with override(language or job.workspace.default_language):
        return report_words(job.report)


def detect_uploads() -> list[ImportJob]:
    """Run, as the worker would, the detection the wizard's uploads queued (the test's
    transaction never commits, so the queued tasks never run by themselves)."""
    jobs = list(ImportJob.objects.filter(status="detecting").order_by("pk"))
    for job in jobs:
        detect_import.call(job.pk)
        job.refresh_from_db()
    return jobs
