"""Periodic work of the sales review: the worker's scheduler enqueues it."""

from __future__ import annotations

import datetime as dt

from cordee.codesign import tasks
from cordee.core.scheduler import periodic
from cordee.tenancy.models import Workspace


@periodic(every=dt.timedelta(minutes=15))
def send_review_reminders() -> None:
    for workspace_id in Workspace.objects.values_list("id", flat=True):
        tasks.send_review_reminders.enqueue(workspace_id)
