"""Background tasks of the funnel: thin, they load by id and call a service."""

from __future__ import annotations

from django_tasks import task

from cordee.funnel.scoring import leads_rescore
from cordee.people.models import Workspace


@task()
def rescore(workspace_id: int, lead_ids: list[int]) -> int:
    """Rescore leads after new touchpoints; returns how many were promoted to MQL."""
    workspace = Workspace.objects.get(pk=workspace_id)
    return leads_rescore(workspace=workspace, lead_ids=lead_ids)
