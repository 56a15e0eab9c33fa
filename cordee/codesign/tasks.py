"""Background work of the sales review (the task workers run it)."""

from __future__ import annotations

from django_tasks import task

from cordee.codesign.review import review_reminders_send
from cordee.tenancy.models import Workspace


@task()
def send_review_reminders(workspace_id: int) -> int:
    """Remind the reviewers of the rounds past due (each once)."""
    return review_reminders_send(workspace=Workspace.objects.get(pk=workspace_id))
