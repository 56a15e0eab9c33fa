"""Permission-scoped reads of saved views and list preferences."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.core.exports import list_columns, list_rows
from cordee.core.list_extensions import column_joins, columns_from_keys
from cordee.core.web import Column, RecordPage
from cordee.lists.models import ListPreference, SavedView, Visibility
from cordee.lists.pages import list_page_of, offered
from cordee.people.models import PodMember


def my_pod_ids(actor: Actor) -> QuerySet[PodMember, Any]:
    """The ids of the actor's pods in the workspace (a subquery)."""
    return PodMember.objects.filter(user=actor.user, pod__workspace=actor.workspace).values(
        "pod_id"
    )


def visible_views(*, actor: Actor, kind: str | None = None) -> QuerySet[SavedView]:
    """The views the actor sees: their own, their pods', the workspace's (of one list)."""
    qs = SavedView.objects.filter(workspace=actor.workspace).filter(
        Q(owner=actor.user)
        | Q(visibility=Visibility.WORKSPACE)
        | Q(visibility=Visibility.POD, pod__in=my_pod_ids(actor))
    )
    if kind is not None:
        qs = qs.filter(kind=kind)
    return qs.select_related("owner", "pod").order_by("name", "id")


def saved_view_get(*, actor: Actor, pk: int) -> SavedView:
    """A view the actor sees, or 404 (another workspace's, or someone else's private one)."""
    view = visible_views(actor=actor).filter(pk=pk).first()
    if view is None:
        raise NotFound(_("Saved view not found."))
    return view


def list_preference(*, actor: Actor, kind: str) -> ListPreference | None:
    return ListPreference.objects.filter(
        workspace=actor.workspace, user=actor.user, kind=kind
    ).first()


def view_params(page: RecordPage, view: SavedView) -> tuple[dict[str, str], list[str]]:
    """(the view's filters the list still reads, a message naming each one it cannot)."""
    filters = {f.name: f for f in page.spec.filters}
    params: dict[str, str] = {}
    notices: list[str] = []
    for name, value in (view.params or {}).items():
        flt = filters.get(name)
        if flt is None and name not in ("q", "sort"):
            notices.append(
                _("The filter “%(name)s” of the view “%(view)s” no longer exists; it is ignored.")
                % {"name": name, "view": view.name}
            )
            continue
        values = offered(flt) if flt is not None else None
        if flt is not None and values is not None and str(value) not in values:
            notices.append(
                _(
                    "The filter “%(name)s” of the view “%(view)s” has a value this list no "
                    "longer offers (“%(value)s”); it is ignored."
                )
                % {"name": flt.label, "view": view.name, "value": value}
            )
            continue
        params[name] = str(value)
    return params, notices


@dataclass(frozen=True)
class ViewRows:
    queryset: QuerySet[Any]
    columns: tuple[Column, ...]
    getters: list[tuple[str, Callable[[Any], Any]]]  # (column key, row -> value)


def view_records(*, actor: Actor, pk: int) -> ViewRows:
    """The rows a view shows (every page, in its order) and how to read each of its columns:
    one query for the rows whatever the columns. A filter the list no longer reads is left out;
    a value it cannot parse is a ``ValidationFailed`` naming the filter."""
    view = saved_view_get(actor=actor, pk=pk)
    page = list_page_of(view.kind)
    params, _notices = view_params(page, view)
    columns = columns_from_keys(page, view.columns or ()) or page.columns
    rows = list_rows(
        actor=actor,
        spec=page.spec,
        params=params,
        refine=page.list_queryset,
        joins=column_joins(page.spec.model, columns),
    )
    values = list_columns(page.spec, columns, only=True)[1:]  # after the ID
    return ViewRows(rows, columns, [(c.key, v.value) for c, v in zip(columns, values, strict=True)])
