"""Large bulk jobs in the background, on the ``imports`` queue (long work, whose own worker never
delays an SLA check): thin, they load the job by id and run it."""

from __future__ import annotations

from django_tasks import task

from cordee.bulk.runner import bulk_job_run, bulk_job_undo_run

LONG = "imports"


@task(queue_name=LONG)
def run_bulk_job(job_id: int) -> str:
    return bulk_job_run(job_id=job_id).status


@task(queue_name=LONG)
def undo_bulk_job(job_id: int) -> str:
    return bulk_job_undo_run(job_id=job_id).status
