"""Periodic work of people: the worker's scheduler enqueues it, the task workers run it."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic
from cordee.people import tasks
from cordee.people.models import Mail, Notification
from cordee.tenancy.models import Workspace


@periodic(every=dt.timedelta(minutes=15))
def send_waiting_notification_mails() -> None:
    """E-mails "at once" a lost task did not send (only workspaces that have some)."""
    waiting = (
        Notification.objects.filter(mail=Mail.AT_ONCE)
        .values_list("workspace_id", flat=True)
        .order_by()
        .distinct()
    )
    for workspace_id in sorted(set(waiting)):
        tasks.send_notification_mails.enqueue(workspace_id)


@periodic(every=dt.timedelta(minutes=15))
def send_daily_digests() -> None:
    """Each workspace's daily digests, sent once its working day has begun (once a day: the
    task is idempotent)."""
    waiting = (
        Notification.objects.filter(mail=Mail.DAILY)
        .values_list("workspace_id", flat=True)
        .order_by()
        .distinct()
    )
    for workspace_id in Workspace.objects.filter(pk__in=set(waiting)).values_list("id", flat=True):
        tasks.send_daily_digests.enqueue(workspace_id)
