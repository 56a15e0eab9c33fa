"""Background tasks of attribution: thin, they load by id and call a service."""

from __future__ import annotations

import datetime as dt

from django_tasks import task

from cordee.attribution.snapshots import snapshot_compute
from cordee.tenancy.models import Workspace


@task(queue_name="imports")
def compute_snapshot(workspace_id: int, start: str, end: str, dimension: str) -> int:
    snapshot = snapshot_compute(
        workspace=Workspace.objects.get(pk=workspace_id),
        start=dt.date.fromisoformat(start),
        end=dt.date.fromisoformat(end),
        dimension=dimension,
    )
    return snapshot.pk
