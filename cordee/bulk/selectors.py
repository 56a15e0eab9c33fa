"""Permission-scoped reads of bulk jobs: a job is seen by the person who ran it and by managers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cordee.bulk.kinds import ID_BATCH, kind_spec
from cordee.bulk.models import BulkJob
from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.core.records import record_list, record_queryset


def bulk_jobs(*, actor: Actor) -> QuerySet[BulkJob]:
    qs = BulkJob.objects.filter(workspace=actor.workspace)
    if not actor.can("record.reassign.any"):
        qs = qs.filter(actor=actor.user)
    return qs


def bulk_job_get(*, actor: Actor, pk: int) -> BulkJob:
    """One job the actor may see, or 404 (another workspace's, or someone else's for a rep)."""
    job = bulk_jobs(actor=actor).filter(pk=pk).select_related("actor").first()
    if job is None:
        raise NotFound(_("Bulk action not found."))
    return job


def bulk_selection_count(
    *, actor: Actor, kind: str, ids: Iterable[Any] | None, params: Mapping[str, str]
) -> int:
    """How many rows a bulk action would take before it starts (a delete's confirmation names
    it): the given ids found in the workspace, or every row matching the list's filters."""
    spec = kind_spec(kind)
    if ids is None:
        return record_list(actor=actor, spec=spec, params=dict(params)).order_by().count()
    wanted = sorted({int(i) for i in ids if str(i).isdigit()})
    base = record_queryset(actor=actor, spec=spec).order_by()
    return sum(
        base.filter(pk__in=wanted[k : k + ID_BATCH]).count()
        for k in range(0, len(wanted), ID_BATCH)
    )
