"""Periodic work of co-design: the worker's scheduler runs it (quick work, no task)."""

from __future__ import annotations

import datetime as dt

from cordee.codesign.debrief import debriefs_open_due
from cordee.core.scheduler import periodic
from cordee.tenancy.models import Workspace


@periodic(every=dt.timedelta(hours=1))
def open_due_debriefs() -> None:
    """Open the debrief of each campaign that ended (once per campaign) and tell both sides."""
    for workspace in Workspace.objects.all():
        debriefs_open_due(workspace)
