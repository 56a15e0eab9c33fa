"""Periodic work of the funnel: the worker's scheduler enqueues it, the task workers run it."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic
from cordee.funnel import tasks
from cordee.tenancy.models import Workspace


def _each_workspace(task: object) -> None:
    for workspace_id in Workspace.objects.values_list("id", flat=True):
        task.enqueue(workspace_id)  # type: ignore[attr-defined]


@periodic(every=dt.timedelta(minutes=5))
def check_slas() -> None:
    _each_workspace(tasks.check_slas)


@periodic(every=dt.timedelta(hours=6))
def rescore_leads() -> None:
    _each_workspace(tasks.rescore_workspace)


@periodic(every=dt.timedelta(minutes=10))
def refresh_report_snapshots() -> None:
    _each_workspace(tasks.refresh_snapshots)


@periodic(every=dt.timedelta(minutes=1))
def send_task_reminders() -> None:
    _each_workspace(tasks.send_task_reminders)
