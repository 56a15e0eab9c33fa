"""Background tasks of people: e-mails of notifications (thin: they call ``people.mail``)."""

from __future__ import annotations

from django_tasks import task

from cordee.people.mail import daily_digests_send, notification_mails_send
from cordee.tenancy.models import Workspace


@task()
def send_notification_mails(workspace_id: int) -> int:
    """The workspace's notifications to e-mail at once (enqueued after the commit that wrote
    them; the sweep job catches what a lost task left)."""
    return notification_mails_send(workspace_id=workspace_id)


@task()
def send_daily_digests(workspace_id: int) -> int:
    """Today's digest e-mails of the workspace, once its working day has begun."""
    return daily_digests_send(workspace=Workspace.objects.get(pk=workspace_id))
