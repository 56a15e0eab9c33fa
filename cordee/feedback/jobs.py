"""Periodic work of field feedback: the worker's scheduler enqueues it, the task workers run it."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic
from cordee.feedback import tasks
from cordee.tenancy.models import Workspace


def _each_workspace(task: object) -> None:
    for workspace_id in Workspace.objects.values_list("id", flat=True):
        task.enqueue(workspace_id)  # type: ignore[attr-defined]


@periodic(every=dt.timedelta(hours=1))
def recompute_feedback_themes() -> None:
    """Catch-up of embeddings a lost task missed, and the themes regrouped."""

    _each_workspace(tasks.recompute_themes)


@periodic(every=dt.timedelta(minutes=15))
def check_feedback_sla() -> None:
    _each_workspace(tasks.check_feedback_sla)


@periodic(every=dt.timedelta(hours=6))
def send_feedback_digests() -> None:
    """Sends last week's digest once (idempotent), whenever the job first runs in a week."""

    _each_workspace(tasks.send_digest)
