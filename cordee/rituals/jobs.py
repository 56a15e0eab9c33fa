"""Periodic work of the rituals: the worker's scheduler enqueues the action items' reminders,
one task per workspace (each workspace's business calendar says whose day it is)."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic
from cordee.rituals import tasks
from cordee.tenancy.models import Workspace


@periodic(every=dt.timedelta(hours=1))
def send_action_reminders() -> None:
    """Remind the owners of action items due on the next business day, or overdue."""
    for workspace_id in Workspace.objects.values_list("id", flat=True):
        tasks.send_action_reminders.enqueue(workspace_id)
