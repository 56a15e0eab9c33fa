"""Reading kudos: the lists of the kudos page and the API, and their counts (the alignment
index's cross-side part reads ``kudos_counts`` here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from cordee.core.actor import Actor
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


BOXES = ("received", "sent", "all")


def kudos_list(actor: Actor, *, box: str = "all", pod_id: int | None = None) -> QuerySet[Kudos]:
    """The workspace's kudos, newest first, with their people, pod and post: ``received`` (by
    the actor, or by one of the actor's pods), ``sent`` (by the actor), ``all`` (everyone's:
    kudos are public in the workspace); of one pod (sent to it or to one of its members)."""
    rows = Kudos.objects.filter(workspace=actor.workspace)
    if box == "received":
        mine = PodMember.objects.filter(user=actor.user).values("pod_id")
        rows = rows.filter(Q(recipient=actor.user) | Q(pod_id__in=mine))
    elif box == "sent":
        rows = rows.filter(sender=actor.user)
    if pod_id is not None:
        members = PodMember.objects.filter(pod_id=pod_id).values("user_id")
        rows = rows.filter(Q(pod_id=pod_id) | Q(recipient_id__in=members))
    return rows.select_related("sender", "recipient", "pod", "post").order_by("-created_at", "-id")


def month_of(workspace: Workspace, day: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """The calendar month of ``day`` (default: the workspace's today): its first and last days."""
    day = day or workspace.today()
    first = day.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def kudos_started(workspace: Workspace, end: dt.date) -> bool:
    """Whether anyone in the workspace had sent kudos by the end of ``end`` (a local date): until
    then, the practice has not started and the index leaves its part out."""
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(0), tzinfo=workspace.zone)
    return Kudos.objects.filter(workspace=workspace, created_at__lt=until).exists()
