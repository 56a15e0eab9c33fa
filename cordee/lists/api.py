"""REST endpoints of saved views: list, create, read, change, delete; a person's default view of
a list; the rows a view shows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from cordee.core.actor import Actor
from cordee.core.api import current_actor
from cordee.core.schemas import PathId, document_refused_nulls
from cordee.lists import rules, schemas, selectors, services
from cordee.lists.models import SavedView

router = Router(tags=["Saved views"])


def _default_id(actor: Actor, kind: str) -> int | None:
    preference = selectors.list_preference(actor=actor, kind=kind)
    return preference.default_view_id if preference else None


def _out(actor: Actor, view: SavedView, default_id: int | None) -> dict[str, Any]:
    return {
        "id": view.pk,
        "kind": view.kind,
        "name": view.name,
        "owner_id": view.owner_id,
        "owner_name": str(view.owner),
        "visibility": view.visibility,
        "pod_id": view.pod_id,
        "params": view.params,
        "columns": view.columns,
        "page_size": view.page_size,
        "is_default": view.pk == default_id,
        "can_edit": rules.may_edit(actor, view),
        "created_at": view.created_at,
        "updated_at": view.updated_at,
    }


def _one(actor: Actor, pk: int) -> dict[str, Any]:
    view = selectors.saved_view_get(actor=actor, pk=pk)
    return _out(actor, view, _default_id(actor, view.kind))


@router.get("/views", response=list[schemas.SavedViewOut], operation_id="saved_view_list")
def saved_view_list(request: HttpRequest, kind: schemas.Kind) -> Any:  # type: ignore[valid-type]
    """The views of a list you see: yours, your pods', the workspace's."""
    actor = current_actor(request)
    default_id = _default_id(actor, kind)
    return [_out(actor, v, default_id) for v in selectors.visible_views(actor=actor, kind=kind)]


@router.post("/views", response={201: schemas.SavedViewOut}, operation_id="saved_view_create")
def saved_view_create(request: HttpRequest, payload: schemas.SavedViewIn) -> Any:
    """Save a list's query, columns and page size under a name; private, or shared with one of
    your pods (a manager: any pod) or the whole workspace."""
    actor = current_actor(request)
    view = services.saved_view_create(
        actor=actor,
        kind=payload.kind,
        name=payload.name,
        params=payload.params,
        columns=payload.columns,
        page_size=payload.page_size,
        visibility=payload.visibility,
        pod_id=payload.pod,
    )
    return 201, _one(actor, view.pk)


@router.put("/views/default", response=schemas.ListDefaultOut, operation_id="saved_view_default")
def saved_view_default(request: HttpRequest, payload: schemas.ListDefaultIn) -> Any:
    """The view your list opens on (null: every row)."""
    preference = services.list_default_set(
        actor=current_actor(request), kind=payload.kind, view_id=payload.view
    )
    return {"kind": payload.kind, "view": preference.default_view_id}


@router.get("/views/{int:pk}", response=schemas.SavedViewOut, operation_id="saved_view_get")
def saved_view_get(request: HttpRequest, pk: PathId) -> Any:
    return _one(current_actor(request), pk)


# ``saved_view_update`` refuses null for these (a view always has a name, a page size and a
# sharing); null params or columns mean none
document_refused_nulls(schemas.SavedViewPatch, ("name", "page_size", "visibility"))


@router.patch("/views/{int:pk}", response=schemas.SavedViewOut, operation_id="saved_view_update")
def saved_view_update(request: HttpRequest, pk: PathId, payload: schemas.SavedViewPatch) -> Any:
    """Change a view: its owner, or a manager or RevOps for a view shared with a pod or the
    workspace. Only its owner makes it private again."""
    actor = current_actor(request)
    services.saved_view_update(
        actor=actor, view_id=pk, changes=payload.model_dump(exclude_unset=True)
    )
    return _one(actor, pk)


@router.delete("/views/{int:pk}", response={204: None}, operation_id="saved_view_delete")
def saved_view_delete(request: HttpRequest, pk: PathId) -> Any:
    """Delete a view (whoever may change it)."""
    services.saved_view_delete(actor=current_actor(request), view_id=pk)
    return 204, None


def _json(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


@router.get(
    "/views/{int:pk}/records", response=schemas.ViewRecordsOut, operation_id="saved_view_records"
)
def saved_view_records(
    request: HttpRequest,
    pk: PathId,
    limit: Annotated[int, Field(ge=1, le=500)] = 50,
    offset: Annotated[int, Field(ge=0, le=2**62)] = 0,
) -> Any:
    """The rows the view shows, in its order, with its columns (`limit` ≤ 500, `offset`)."""
    actor = current_actor(request)
    rows = selectors.view_records(actor=actor, pk=pk)
    page = list(rows.queryset[offset : offset + limit])
    return {
        "view": pk,
        "columns": [{"key": c.key, "label": str(c.label)} for c in rows.columns],
        "items": [
            {"id": obj.pk, **{key: _json(get(obj)) for key, get in rows.getters}} for obj in page
        ],
        "count": rows.queryset.count(),
    }
