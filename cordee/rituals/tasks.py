"""Background work of the rituals (the task workers run it)."""

from __future__ import annotations

from django_tasks import task

from cordee.rituals.actions import action_reminders_send
from cordee.tenancy.models import Workspace


@task()
def send_action_reminders(workspace_id: int) -> int:
    """Remind the owners of action items due on the next business day or overdue (each once)."""
    return action_reminders_send(workspace=Workspace.objects.get(pk=workspace_id))
