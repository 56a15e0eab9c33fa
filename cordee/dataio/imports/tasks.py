"""The import task: thin, it loads the job by id and runs it on the ``imports`` queue, whose own
worker keeps long imports from delaying SLA checks."""

from __future__ import annotations

from django_tasks import task

from cordee.dataio.imports.runner import import_job_run

IMPORTS = "imports"


@task(queue_name=IMPORTS)
def run_import(job_id: int) -> str:
    """Run the import; returns its final status ("succeeded" or "failed")."""
    return import_job_run(job_id=job_id).status
