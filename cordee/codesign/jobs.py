"""Periodic work of co-design: the worker's scheduler runs it — the debriefs to open (quick
work, run in the tick) and the late reviews' reminders (enqueued, one task per workspace)."""

from __future__ import annotations

import datetime as dt

from cordee.codesign import tasks
from cordee.codesign.debrief import debriefs_open_due
from cordee.core.scheduler import periodic
from cordee.tenancy.models import Workspace


@periodic(every=dt.timedelta(hours=1))
def open_due_debriefs() -> None:
    """Open the debrief of each campaign that ended (once per campaign) and tell both sides."""
    for workspace in Workspace.objects.all():
        debriefs_open_due(workspace)


@periodic(every=dt.timedelta(minutes=15))
def send_review_reminders() -> None:
    """Remind the reviewers whose review is late (once per round), workspace by workspace."""
    for workspace_id in Workspace.objects.values_list("id", flat=True):
        tasks.send_review_reminders.enqueue(workspace_id)
