"""Reads of attribution: the latest snapshot of a period, its lock, and what changed since."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cordee.attribution.models import AttributionLock, AttributionSnapshot
from cordee.core.actor import Actor
from cordee.core.errors import NotFound


def snapshot_list(
    *, actor: Actor, start: dt.date | None = None, dimension: str | None = None
) -> QuerySet[AttributionSnapshot]:
    """The workspace's snapshots, newest first; of one period start and dimension if asked."""
    qs = AttributionSnapshot.objects.filter(workspace=actor.workspace)
    if start is not None:
        qs = qs.filter(period_start=start)
    if dimension is not None:
        qs = qs.filter(dimension=dimension)
    return qs.order_by("-computed_at", "-id")


def snapshot_get(*, actor: Actor, pk: int) -> AttributionSnapshot:
    snapshot = AttributionSnapshot.objects.filter(workspace=actor.workspace, pk=pk).first()
    if snapshot is None:
        raise NotFound(_("No such attribution snapshot."))
    return snapshot


def lock_list(*, actor: Actor) -> QuerySet[AttributionLock]:
    return AttributionLock.objects.filter(workspace=actor.workspace).order_by(
        "-period_start", "dimension"
    )


def lock_get(*, actor: Actor, pk: int) -> AttributionLock:
    lock = AttributionLock.objects.filter(workspace=actor.workspace, pk=pk).first()
    if lock is None:
        raise NotFound(_("No such attribution lock."))
    return lock


def latest_snapshot(
    *, actor: Actor, start: dt.date, end: dt.date, dimension: str
) -> AttributionSnapshot | None:
    return (
        AttributionSnapshot.objects.filter(
            workspace=actor.workspace, period_start=start, period_end=end, dimension=dimension
        )
        .order_by("-computed_at")
        .first()
    )


def period_lock(*, actor: Actor, start: dt.date, dimension: str) -> AttributionLock | None:
    return AttributionLock.objects.filter(
        workspace=actor.workspace, period_start=start, dimension=dimension
    ).first()


def differences(
    lock: AttributionLock, snapshot: AttributionSnapshot | None
) -> dict[str, tuple[Decimal, Decimal]]:
    """Channels whose credit in the latest snapshot differs from the numbers of record (a
    backdated import, late data): shown, never applied silently."""
    if snapshot is None:
        return {}
    now = snapshot.credits.get(lock.model, {})
    names = set(now) | set(lock.credits)
    diff = {}
    for name in sorted(names):
        before, after = Decimal(lock.credits.get(name, "0")), Decimal(now.get(name, "0"))
        if before != after:
            diff[name] = (before, after)
    return diff
