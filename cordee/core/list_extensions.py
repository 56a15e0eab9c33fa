"""What a record list shows (its *state*: filters, columns, page size) and the hooks through which
an upper app adds to the generic list page without ``core`` importing it.

**The state** of a list is read from its URL: ``q``, ``sort`` and the spec's filters (what
``record_list`` reads), ``columns`` (column keys, comma-separated, in order) and ``per_page``
(25, 50 or 100). ``list_state`` reads it, then lets each registered extension change it — the
saved views of ``cordee.lists`` fill in a view's filters and columns there. The list page and
its CSV/XLSX export both call ``list_state``, so an export holds what the list shows.

**Adding to the list page** (``cordee.lists`` does this for its saved views; a bulk-selection
bar can do the same): in the upper app's ``apps.py`` ``ready()``, call
``list_extension_register(ListExtension(key=…, …))`` with any of:

- ``prepare(request, actor, page, state) -> ListState``: change the state before the query
  (default filters, columns, page size; ``state.notices`` for a message above the table;
  ``state.extra[key]`` for what the extension's fragment needs later);
- ``fragment(request, actor, page, state) -> ListFragment | None``: a template and its context
  (plus the request's: ``workspace``, ``actor``, ``csrf_token``), rendered in the ``head`` slot (above the filters; refreshed out of band on htmx swaps) or the
  ``table`` slot (inside the swapped list, just above the table);
- ``leading_cell(request, actor, page, state) -> LeadingCell | None``: a first column (a
  header template, and a cell template rendered with ``obj`` for each row) — a selection
  checkbox, say;
- ``applies(page) -> bool``: which lists it extends (every list by default);
- ``kept_params``: its own query parameters (``view``), which are not filters and which the
  filter form, sorting and paging carry along.

``fragment`` and ``leading_cell`` are asked once the rows are read: ``state.total`` (the rows
matching, every page) and ``state.page_ids`` (the ids shown) are set — what a bulk-selection bar
needs for "select all N matching". Extensions run and render in the order they were registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.db import models
from django.http import HttpRequest

from cordee.core.actor import Actor
from cordee.core.web import PAGE_SIZE, Column, RecordPage

PAGE_SIZES = (25, 50, 100)
# query parameters of a list that say how it is shown, not which rows it holds
NOT_FILTERS = frozenset({"page", "file", "columns", "per_page"})


@dataclass
class ListState:
    """What a list shows: the rows' parameters, the columns in order, the page size."""

    params: dict[str, str]
    columns: tuple[Column, ...]
    page_size: int = PAGE_SIZE
    chosen: bool = False  # columns chosen by the person (URL, saved view, preference)
    notices: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    # the query parameters of "Clear the filters": none (the plain list) unless an extension
    # needs one to show every row (a person's default saved view would reopen otherwise)
    clear_params: dict[str, str] = field(default_factory=dict)
    # set by the list page once its rows are read, before the fragments are asked for
    total: int | None = None  # the rows matching, every page
    page_ids: list[Any] = field(default_factory=list)  # the ids of the rows shown

    @property
    def column_keys(self) -> list[str]:
        return [c.key for c in self.columns]


@dataclass(frozen=True)
class ListFragment:
    template: str
    context: Mapping[str, Any]
    slot: str = "table"  # "head" | "table"


@dataclass(frozen=True)
class LeadingCell:
    header_template: str
    cell_template: str  # rendered with ``obj`` (the row) and ``ext`` (the context below)
    context: Mapping[str, Any] = field(default_factory=dict)
    css_class: str = ""  # added to the header and each row's cell


Hook = Callable[[HttpRequest, Actor, RecordPage, ListState], Any]


def _every_page(page: RecordPage) -> bool:
    return True


@dataclass(frozen=True)
class ListExtension:
    key: str
    prepare: Hook | None = None
    fragment: Hook | None = None
    leading_cell: Hook | None = None
    applies: Callable[[RecordPage], bool] = _every_page
    kept_params: tuple[str, ...] = ()


EXTENSIONS: dict[str, ListExtension] = {}


def list_extension_register(extension: ListExtension) -> None:
    """Add (or replace, by key) an extension of the record lists (see the module's doc)."""
    EXTENSIONS[extension.key] = extension


def _extensions(page: RecordPage) -> list[ListExtension]:
    return [ext for ext in EXTENSIONS.values() if ext.applies(page)]


# -- the state --------------------------------------------------------------------------------


def columns_from_keys(page: RecordPage, keys: Iterable[str]) -> tuple[Column, ...]:
    """The page's columns named by ``keys``, in that order; unknown or repeated keys skipped."""
    available = {c.key: c for c in page.available_columns}
    chosen: dict[str, Column] = {}
    for key in keys:
        key = key.strip()
        if key in available and key not in chosen:
            chosen[key] = available[key]
    return tuple(chosen.values())


def page_size_from(value: Any) -> int | None:
    """25, 50 or 100 from a parameter; None for anything else."""
    try:
        size = int(str(value))
    except (TypeError, ValueError):
        return None
    return size if size in PAGE_SIZES else None


def not_filters(page: RecordPage) -> set[str]:
    """The list's query parameters that are not filters (paging, columns, extensions' own)."""
    names = set(NOT_FILTERS)
    for ext in _extensions(page):
        names.update(ext.kept_params)
    return names


def kept_params(request: HttpRequest, page: RecordPage) -> list[tuple[str, str]]:
    """The URL's display parameters a list's filter form carries in hidden inputs."""
    names = ["columns", *(n for ext in _extensions(page) for n in ext.kept_params)]
    return [(name, request.GET[name]) for name in names if request.GET.get(name)]


def request_state(request: HttpRequest, page: RecordPage) -> ListState:
    """The state the URL asks for, before any extension."""
    skipped = not_filters(page)
    params = {k: str(v) for k, v in request.GET.items() if k not in skipped}
    state = ListState(params=params, columns=page.columns)
    if request.GET.get("columns"):
        columns = columns_from_keys(page, request.GET["columns"].split(","))
        if columns:
            state = replace(state, columns=columns, chosen=True)
    size = page_size_from(request.GET.get("per_page"))
    if size:
        state.page_size = size
    return state


def list_state(request: HttpRequest, actor: Actor, page: RecordPage) -> ListState:
    """What the list shows: the URL's state, as each extension completes it."""
    state = request_state(request, page)
    for ext in _extensions(page):
        if ext.prepare is not None:
            state = ext.prepare(request, actor, page, state)
    return state


def list_fragments(
    request: HttpRequest, actor: Actor, page: RecordPage, state: ListState
) -> tuple[list[ListFragment], list[LeadingCell]]:
    """(the extensions' fragments, their leading cells), in registration order."""
    fragments: list[ListFragment] = []
    cells: list[LeadingCell] = []
    for ext in _extensions(page):
        if ext.fragment is not None and (fragment := ext.fragment(request, actor, page, state)):
            fragments.append(fragment)
        if ext.leading_cell is not None and (cell := ext.leading_cell(request, actor, page, state)):
            cells.append(cell)
    return fragments, cells


# -- the joins the columns need -----------------------------------------------------------------


def column_joins(model: type[models.Model], columns: Iterable[Column]) -> list[str]:
    """The ``select_related`` paths that the columns read (``contact.account`` → ``contact__
    account``): one query for the page whatever the columns chosen."""
    joins: set[str] = set()
    for column in columns:
        current: Any = model
        parts: list[str] = []
        for name in column.path.split("."):
            try:
                fld = current._meta.get_field(name)
            except Exception:  # a property (full_name, probability) ends the path
                break
            if not (fld.is_relation and (fld.many_to_one or fld.one_to_one) and fld.concrete):
                break
            parts.append(name)
            current = fld.related_model
        if parts:
            joins.add("__".join(parts))
    return sorted(joins)
