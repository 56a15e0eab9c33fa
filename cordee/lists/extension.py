"""Saved views and the column chooser on the record lists, through ``core.list_extensions``.

``prepare`` opens a view: the one the URL names (``?view=<id>``; ``?view=all`` for every row),
or — when the URL asks for nothing in particular — the person's default view of the list. The
view's filters, columns and page size fill what the URL does not say (a value in the URL, even
empty, wins: that is how a person changes a view before saving it). Without a view, the person's
own columns and page size for the list apply. ``fragment`` draws the bar above the filters: the
views as tabs, the actions on the open view, the column chooser.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.list_extensions import (
    PAGE_SIZES,
    ListExtension,
    ListFragment,
    ListState,
    columns_from_keys,
    list_extension_register,
    page_size_from,
)
from cordee.core.web import RecordPage
from cordee.lists import rules
from cordee.lists.models import ListPreference, SavedView, Visibility
from cordee.lists.pages import LIST_PAGES
from cordee.lists.selectors import list_preference, view_params, visible_views
from cordee.people.models import Pod

VIEW_PARAM = "view"
ALL = "all"
KEY = "lists"


@dataclass
class Opened:
    """What ``prepare`` found, for the bar."""

    views: list[SavedView]
    view: SavedView | None
    preference: ListPreference | None
    modified: bool = False


def _asks_for_something(request: HttpRequest, page: RecordPage) -> bool:
    names = {"q", "sort", "columns", "per_page", *(f.name for f in page.spec.filters)}
    return any(name in request.GET for name in names)


def _open_view(request: HttpRequest, page: RecordPage, state: ListState, view: SavedView) -> bool:
    """Fill ``state`` from ``view`` where the URL is silent; True when the URL changed it."""
    saved, notices = view_params(page, view)
    state.notices.extend(notices)
    params = {**saved, **state.params}
    state.params = params
    view_columns = columns_from_keys(page, view.columns or ())
    if view.columns and len(view_columns) < len(view.columns):
        state.notices.append(
            _("Some columns of the view “%(view)s” no longer exist; they are left out.")
            % {"view": view.name}
        )
    if not state.chosen and view_columns:  # columns in the URL win
        state.columns, state.chosen = view_columns, True
    if page_size_from(request.GET.get("per_page")) is None and view.page_size in PAGE_SIZES:
        state.page_size = view.page_size
    shown = {k: v for k, v in params.items() if v}
    default_keys = [c.key for c in (view_columns or page.columns)]
    return (
        shown != {k: v for k, v in saved.items() if v}
        or state.column_keys != default_keys
        or state.page_size != view.page_size
    )


def prepare(request: HttpRequest, actor: Actor, page: RecordPage, state: ListState) -> ListState:
    views = list(visible_views(actor=actor, kind=page.key))
    preference = list_preference(actor=actor, kind=page.key)
    by_id = {v.pk: v for v in views}
    wanted = request.GET.get(VIEW_PARAM, "")
    view: SavedView | None = None
    if wanted and wanted != ALL:
        view = by_id.get(int(wanted)) if wanted.isdigit() else None
        if view is None:
            state.notices.append(
                _("This saved view no longer exists or is not shared with you: here is every row.")
            )
    elif (
        not wanted
        and preference is not None
        and preference.default_view_id
        and not _asks_for_something(request, page)
    ):
        view = by_id.get(preference.default_view_id)
    opened = Opened(views=views, view=view, preference=preference)
    if view is not None:
        opened.modified = _open_view(request, page, state, view)
        state.clear_params = {VIEW_PARAM: ALL}
    elif preference is not None:
        if not state.chosen and preference.columns:
            columns = columns_from_keys(page, preference.columns)
            if columns:
                state.columns, state.chosen = columns, True
        if page_size_from(request.GET.get("per_page")) is None and preference.page_size:
            state.page_size = preference.page_size
    state.extra[KEY] = opened
    return state


def _share_pods(actor: Actor) -> list[Pod]:
    pods = Pod.objects.filter(workspace=actor.workspace).only("id", "name").order_by("name")
    if not actor.can("saved_view.moderate"):
        pods = pods.filter(pod_members__user=actor.user)
    return list(pods)


def _query(params: dict[str, str]) -> str:
    query = QueryDict(mutable=True)
    for name, value in params.items():
        if value:
            query[name] = value
    return query.urlencode()


def fragment(
    request: HttpRequest, actor: Actor, page: RecordPage, state: ListState
) -> ListFragment:
    opened: Opened = state.extra[KEY]
    view = opened.view
    chosen = state.column_keys
    others = [c for c in page.available_columns if c.key not in chosen]
    default_id = opened.preference.default_view_id if opened.preference else None
    return ListFragment(
        template="lists/_bar.html",
        slot="head",
        context={
            "kind": page.key,
            "list_url": request.path,
            "views": opened.views,
            "view": view,
            "modified": opened.modified,
            "can_edit": view is not None and rules.may_edit(actor, view),
            "default_id": default_id,
            "is_default": view is not None and view.pk == default_id,
            "state_params": _query(state.params),
            "state_columns": ",".join(chosen) if state.chosen else "",
            "state_page_size": state.page_size,
            "query": request.GET.urlencode(),
            "visibilities": Visibility.choices,
            "pods": _share_pods(actor),
            "chooser": [(c, True) for c in state.columns] + [(c, False) for c in others],
        },
    )


def register() -> None:
    list_extension_register(
        ListExtension(
            key=KEY,
            prepare=prepare,
            fragment=fragment,
            applies=lambda page: LIST_PAGES.get(page.key) is page,
            kept_params=(VIEW_PARAM,),
        )
    )
