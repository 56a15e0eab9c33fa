"""Background tasks of the funnel: thin, they load by id and call a service.

SLA checks run on the ``default`` queue; whole-workspace rescoring and report snapshots, which
take minutes on a large workspace, run on the ``imports`` queue's own worker, so that they never
delay an SLA check.
"""

from __future__ import annotations

from django_tasks import task

from cordee.funnel.activities import task_reminders_send
from cordee.funnel.notify import breaches_notify
from cordee.funnel.reports import refresh_snapshots as refresh
from cordee.funnel.scoring import leads_rescore
from cordee.funnel.sla import sla_check
from cordee.tenancy.models import Workspace

LONG = "imports"


@task()
def rescore(workspace_id: int, lead_ids: list[int]) -> int:
    """Rescore leads after new touchpoints; returns how many were promoted to MQL."""
    workspace = Workspace.objects.get(pk=workspace_id)
    return leads_rescore(workspace=workspace, lead_ids=lead_ids)


@task()
def check_slas(workspace_id: int) -> int:
    """Detect the breaches of both sides as of now and announce the new ones."""

    sla_check(workspace=Workspace.objects.get(pk=workspace_id))
    return breaches_notify(workspace_id=workspace_id)


@task()
def send_task_reminders(workspace_id: int) -> int:
    """Tell the owners of open tasks whose reminder fell due (each once)."""
    return task_reminders_send(workspace=Workspace.objects.get(pk=workspace_id))


@task(queue_name=LONG)
def rescore_workspace(workspace_id: int) -> int:
    """Rescore every open lead (engagement decays), promoting those crossing the threshold."""
    return leads_rescore(workspace=Workspace.objects.get(pk=workspace_id))


@task(queue_name=LONG)
def refresh_snapshots(workspace_id: int) -> None:
    refresh(Workspace.objects.get(pk=workspace_id))
