"""Counting kudos (the alignment index's cross-side part reads it here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q

from cordee.people.models import PodMember
from cordee.tenancy.models import Workspace
from cordee.wins.models import Kudos


@dataclass(frozen=True)
class KudosCounts:
    total: int
    cross_side: int


def kudos_counts(
    workspace: Workspace, start: dt.date, end: dt.date, *, pod_id: int | None = None
) -> KudosCounts:
    """Kudos sent from ``start`` to ``end`` (local dates, both included); for a pod, those sent
    to the pod or to one of its members, or by one of its members."""
    zone = workspace.zone
    since = dt.datetime.combine(start, dt.time(0), tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
    rows = Kudos.objects.filter(workspace=workspace, created_at__gte=since, created_at__lt=until)
    if pod_id is not None:
        members = PodMember.objects.filter(pod_id=pod_id).values("user_id")
        rows = rows.filter(
            Q(pod_id=pod_id) | Q(recipient_id__in=members) | Q(sender_id__in=members)
        )
    counts = rows.aggregate(total=Count("id"), cross=Count("id", filter=Q(cross_side=True)))
    return KudosCounts(total=counts["total"], cross_side=counts["cross"])
