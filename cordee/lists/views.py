"""The pages' side of saved views: the bar's forms (save, update, rename, delete, default,
columns). Each parses the form, calls one service and goes back to the list; a refusal comes
back as a message above the list."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.list_extensions import page_size_from
from cordee.core.web import workspace_view
from cordee.lists import services
from cordee.lists.extension import ALL, VIEW_PARAM
from cordee.lists.pages import list_page_of
from cordee.lists.selectors import saved_view_get


def _list_url(actor: Actor, kind: str, **query: str) -> str:
    url = reverse(list_page_of(kind).url_name("list"), args=[actor.workspace.slug])
    values = QueryDict(mutable=True)
    values.update(query)
    return f"{url}?{values.urlencode()}" if query else url


def _state(request: HttpRequest) -> dict[str, Any]:
    """The list's state as the bar's hidden fields carry it."""
    params = QueryDict(request.POST.get("params", ""))
    columns = [c for c in request.POST.get("columns", "").split(",") if c]
    return {
        "params": {k: params[k] for k in params},
        "columns": columns,
        "page_size": page_size_from(request.POST.get("page_size")) or 25,
    }


def _back(
    request: HttpRequest, actor: Actor, kind: str, act: Callable[[], Any], done: str, **query: Any
) -> HttpResponse:
    """Run ``act``; back to the list with ``done`` (or the refusal) as a message."""
    try:
        result = act()
    except ValidationFailed as exc:
        messages.error(request, exc.explained)
        back = request.POST.get("query", "")
        url = reverse(list_page_of(kind).url_name("list"), args=[actor.workspace.slug])
        return HttpResponseRedirect(f"{url}?{back}" if back else url)
    messages.success(request, done)
    query = {k: (v(result) if callable(v) else v) for k, v in query.items()}
    return HttpResponseRedirect(_list_url(actor, kind, **{k: str(v) for k, v in query.items()}))


@require_POST
@workspace_view
def saved_view_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    kind = request.POST.get("kind", "")
    list_page_of(kind)
    pod = request.POST.get("pod") or None
    return _back(
        request,
        actor,
        kind,
        lambda: services.saved_view_create(
            actor=actor,
            kind=kind,
            name=request.POST.get("name", ""),
            visibility=request.POST.get("visibility", "private"),
            pod_id=int(pod) if pod and pod.isdigit() else None,
            **_state(request),
        ),
        _("The view was saved."),
        view=lambda v: v.pk,
    )


@require_POST
@workspace_view
def saved_view_update(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Keep the list's current filters, columns and page size in the open view."""
    view = saved_view_get(actor=actor, pk=pk)
    return _back(
        request,
        actor,
        view.kind,
        lambda: services.saved_view_update(actor=actor, view_id=pk, changes=_state(request)),
        _("The view was updated."),
        view=pk,
    )


@require_POST
@workspace_view
def saved_view_rename(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    view = saved_view_get(actor=actor, pk=pk)
    changes: dict[str, Any] = {"name": request.POST.get("name", "")}
    if "visibility" in request.POST:
        changes["visibility"] = request.POST["visibility"]
        pod = request.POST.get("pod", "")
        changes["pod"] = int(pod) if pod.isdigit() else None
    return _back(
        request,
        actor,
        view.kind,
        lambda: services.saved_view_update(actor=actor, view_id=pk, changes=changes),
        _("The view was changed."),
        view=pk,
    )


@require_POST
@workspace_view
def saved_view_delete(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    view = saved_view_get(actor=actor, pk=pk)
    return _back(
        request,
        actor,
        view.kind,
        lambda: services.saved_view_delete(actor=actor, view_id=pk),
        _("The view “%(name)s” was deleted.") % {"name": view.name},
        view=ALL,
    )


@require_POST
@workspace_view
def list_default_set(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The open view (or "All") becomes the one the person's list opens on."""
    kind = request.POST.get("kind", "")
    list_page_of(kind)
    wanted = request.POST.get(VIEW_PARAM, "")
    view_id = int(wanted) if wanted.isdigit() else None
    return _back(
        request,
        actor,
        kind,
        lambda: services.list_default_set(actor=actor, kind=kind, view_id=view_id),
        _("This list now opens on this view.")
        if view_id
        else _("This list now opens on all rows."),
        view=view_id or ALL,
    )


@require_POST
@workspace_view
def list_columns_set(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The column chooser: the person's columns for the list, shown at once (and kept in the URL,
    so that the open view can be updated with them)."""
    kind = request.POST.get("kind", "")
    list_page_of(kind)
    columns = request.POST.getlist("columns")
    try:
        services.list_columns_set(actor=actor, kind=kind, columns=columns)
    except ValidationFailed as exc:
        messages.error(request, exc.explained)
        columns = []
    query = QueryDict(request.POST.get("query", ""), mutable=True)
    query.pop("page", None)
    query.pop("columns", None)
    if columns:
        query["columns"] = ",".join(columns)
    url = reverse(list_page_of(kind).url_name("list"), args=[actor.workspace.slug])
    return HttpResponseRedirect(f"{url}?{query.urlencode()}" if query else url)
