"""Pods as living units and their value log: REST endpoints under /api/v1/.

- ``GET /pods/{pk}/overview``: the numbers of the pod's page (members by side, the sides
  missing, its leads by stage, the KPI catalogue's values of the month and the quarter, goals,
  wins, feedback, campaigns, committees, the alignment index, the latest value log entries);
- ``GET /pods/{pk}/value-log`` (``kind`` filter), ``POST /pods/{pk}/value-log``;
- ``PATCH /value-log/{pk}``, ``DELETE /value-log/{pk}``.

Every member reads; the pod's members and ``value_log.write.any`` holders write; another
workspace's pod or entry is a 404.

No ``from __future__ import annotations`` here: django-ninja reads the annotations of a
paginated endpoint through the decorator, where strings cannot be resolved."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate

from cordee.alignment import value_log
from cordee.alignment.models import ValueEntry
from cordee.alignment.pods import PodOverview, pod_overview
from cordee.alignment.pods_schemas import (
    PodPageOut,
    PodValueIn,
    PodValueOut,
    PodValuePatch,
    PodValueQuery,
)
from cordee.core.api import Pagination, current_actor
from cordee.core.errors import ValidationFailed
from cordee.core.schemas import PathId
from cordee.funnel import kpis

NOT_NULL = ("kind", "title", "body", "link")  # a PATCH may leave them out, never null them

router = Router(tags=["Pods as living units and their value log"])


def value_out(entry: ValueEntry) -> dict[str, Any]:
    author = entry.author
    return {
        "id": entry.pk,
        **value_log.entry_values(entry),
        "author": {"id": author.pk, "name": author.get_full_name() or author.email}
        if author is not None
        else None,
        "created_at": entry.created_at,
        "updated_at": entry.updated_at,
    }


def overview_out(o: PodOverview) -> dict[str, Any]:
    return {
        "id": o.pod.pk,
        "name": o.pod.name,
        "members": [
            {
                "id": m["user"].pk,
                "name": m["user"].get_full_name() or m["user"].email,
                "role": str(m["role"]),
                "side": side,
                "is_lead": m["is_lead"],
            }
            for side, people in o.sides.items()
            for m in people
        ],
        "missing_sides": o.missing_sides,
        "stages": [{"stage": s["stage"], "count": s["count"]} for s in o.stages],
        "periods": [
            {
                "period": p.key,
                "kpis": [
                    {
                        "key": c.key,
                        "value": kpis.value_text(c.unit, c.value),
                        "numerator": c.numerator,
                        "denominator": c.denominator,
                        "state": c.state,
                    }
                    for c in p.cells
                ],
            }
            for p in o.periods
        ],
        "goals": [
            {
                "id": g["id"],
                "kpi": g["kpi_key"],
                "period": g["period"],
                "target": str(g["goal"].target),
                "actual": g["actual_value"],
                "status": g["status"],
            }
            for g in o.goals
        ],
        "wins": [
            {"id": w["post"].pk, "kind": w["post"].kind, "title": w["title"], "at": w["at"]}
            for w in o.wins
        ],
        "feedback_open": o.feedback_open,
        "feedback": [
            {"id": i.pk, "title": i.title, "status": i.status, "submitted_at": i.submitted_at}
            for i in o.feedback
        ],
        "campaigns": [
            {"id": c.id, "name": c.name, "status": c.status, "start": c.start, "end": c.end}
            for c in o.campaigns
        ],
        "committees": [
            {
                "id": r.committee.pk,
                "name": r.committee.name,
                "next_meeting": r.next_meeting.starts_at if r.next_meeting else None,
            }
            for r in o.committees
        ],
        "index": {"month": o.index.month, "score": o.index.score, "url": o.index_url},
        "value_log_count": o.value_log_count,
        "value_log": [value_out(e) for e in o.value_log],
    }


@router.get("/pods/{pk}/overview", response=PodPageOut, operation_id="pod_overview")
def pod_overview_read(request: HttpRequest, pk: PathId) -> Any:
    """The pod's page in numbers: the KPIs are the catalogue's (``GET /api/v1/kpis/values``
    with ``scope=pod:{pk}``) for the current fiscal month and quarter."""
    actor = current_actor(request)
    return overview_out(pod_overview(actor, value_log.pod_get(actor=actor, pk=pk)))


@router.get("/pods/{pk}/value-log", response=list[PodValueOut], operation_id="pod_value_list")
@paginate(Pagination)
def pod_value_list(request: HttpRequest, pk: PathId, filters: Query[PodValueQuery]) -> Any:
    """The pod's value log, newest first (``kind``: shipped, changed or learned)."""
    actor = current_actor(request)
    pod = value_log.pod_get(actor=actor, pk=pk)
    return [value_out(e) for e in value_log.value_entries(actor=actor, pod=pod, kind=filters.kind)]


@router.post("/pods/{pk}/value-log", response={201: PodValueOut}, operation_id="pod_value_create")
def pod_value_create(request: HttpRequest, pk: PathId, payload: PodValueIn) -> Any:
    """Write in the pod's log (its members, managers and RevOps), by the caller."""
    actor = current_actor(request)
    pod = value_log.pod_get(actor=actor, pk=pk)
    entry = value_log.value_entry_add(actor=actor, pod=pod, **payload.model_dump())
    return 201, value_out(entry)


@router.patch("/value-log/{pk}", response=PodValueOut, operation_id="pod_value_update")
def pod_value_update(request: HttpRequest, pk: PathId, payload: PodValuePatch) -> Any:
    """Change an entry of a pod's log (the pod's members, managers and RevOps)."""
    actor = current_actor(request)
    entry = value_log.value_entry_get(actor=actor, pk=pk)
    data = payload.model_dump(exclude_unset=True)
    refused = {name: [_("This field cannot be null.")] for name in NOT_NULL if name in data}
    refused = {name: msgs for name, msgs in refused.items() if data[name] is None}
    if refused:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=refused)
    entry = value_log.value_entry_update(actor=actor, entry=entry, **data)
    return value_out(entry)


@router.delete("/value-log/{pk}", response={204: None}, operation_id="pod_value_delete")
def pod_value_delete(request: HttpRequest, pk: PathId) -> Any:
    """Remove an entry of a pod's log (the pod's members, managers and RevOps)."""
    actor = current_actor(request)
    value_log.value_entry_delete(actor=actor, entry=value_log.value_entry_get(actor=actor, pk=pk))
    return 204, None
