"""Reading the wins wall (permission-scoped: every member of the workspace reads it).

``wall_feed`` is what every page showing wins reads (the wall, the home page, a pod's page,
the executive report): the posts not withdrawn, newest first, with their credits."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from cordee.core.actor import Actor
from cordee.wins.models import WinPost


def wall_posts(
    actor: Actor,
    *,
    pod_id: int | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> QuerySet[WinPost]:
    """The workspace's posts not withdrawn, newest first; a pod's (posted for the pod, or
    crediting one of its members); between ``start`` (included) and ``end`` (excluded)."""
    rows = WinPost.objects.filter(workspace=actor.workspace, withdrawn_at__isnull=True)
    if pod_id is not None:
        rows = rows.filter(pod_id=pod_id)
    if start is not None:
        rows = rows.filter(at__gte=start)
    if end is not None:
        rows = rows.filter(at__lt=end)
    return rows.order_by("-at", "-id")


def wall_feed(actor: Actor, *, pod_id: int | None = None, limit: int = 20) -> list[WinPost]:
    """The latest ``limit`` posts with their credits and people."""
    return list(
        wall_posts(actor, pod_id=pod_id)
        .select_related("opportunity", "campaign", "pod", "goal")
        .prefetch_related("credits__user")[:limit]
    )
