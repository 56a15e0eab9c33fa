"""Periodic work of the agenda: the scheduler runs ``agenda_prepare_due`` (registered when the
app is ready, ``apps.py``): every planned meeting starting within ``PREPARE_BUSINESS_DAYS``
business days has its agenda written (again: new objects are appended) and its members are
told once that the pre-read is ready."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone

from cordee.core.scheduler import periodic
from cordee.rituals.agenda import agenda_prepare, prepare_horizon
from cordee.rituals.models import Meeting, MeetingState
from cordee.tenancy.models import Workspace

log = logging.getLogger(__name__)


@periodic(every=dt.timedelta(hours=1))
def agenda_prepare_due(now: dt.datetime | None = None) -> int:
    """Write the agenda of each planned meeting starting within the next business days and tell
    its members the pre-read is ready (once per meeting); returns how many were written."""
    now = now or timezone.now()
    written = 0
    for workspace in Workspace.objects.all():
        horizon = prepare_horizon(workspace, now)
        meetings = Meeting.objects.filter(
            workspace=workspace,
            state=MeetingState.PLANNED,
            starts_at__gt=now,
            starts_at__lte=horizon,
            committee__archived_at__isnull=True,
        ).select_related("committee", "workspace")
        for meeting in meetings:
            try:
                agenda_prepare(meeting)
            except Exception:  # one meeting's failure must not keep the others' pre-reads
                log.exception("the agenda of meeting %s could not be prepared", meeting.pk)
                continue
            written += 1
    return written
