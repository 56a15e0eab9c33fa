"""Periodic work of the funnel: the worker's scheduler enqueues it, the task workers run it."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic


def _each_workspace(task: object) -> None:
    from cordee.people.models import Workspace

    for workspace_id in Workspace.objects.values_list("id", flat=True):
        task.enqueue(workspace_id)  # type: ignore[attr-defined]


@periodic(every=dt.timedelta(minutes=5))
def check_slas() -> None:
    from cordee.funnel import tasks

    _each_workspace(tasks.check_slas)


@periodic(every=dt.timedelta(hours=6))
def rescore_leads() -> None:
    from cordee.funnel import tasks

    _each_workspace(tasks.rescore_workspace)


@periodic(every=dt.timedelta(minutes=10))
def refresh_report_snapshots() -> None:
    from cordee.funnel import tasks

    _each_workspace(tasks.refresh_snapshots)
