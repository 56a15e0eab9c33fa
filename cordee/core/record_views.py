"""The generic pages of a kind of record: list (htmx search, filters, sort, pagination, export),
detail, create and edit, from its ``RecordPage``."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import get_template, render_to_string
from django.urls import URLPattern, path, reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import DomainError, ValidationFailed
from cordee.core.export_views import export_links, record_export_view
from cordee.core.list_extensions import (
    PAGE_SIZES,
    LeadingCell,
    ListState,
    column_joins,
    kept_params,
    list_fragments,
    list_state,
)
from cordee.core.records import record_delete, record_delete_effects, record_get, record_list
from cordee.core.templatetags.cordee import format_money
from cordee.core.web import (
    Column,
    RecordPage,
    add_field_errors,
    htmx_render,
    is_partial_request,
    save_record,
    workspace_view,
)


def record_urls(page: RecordPage, prefix: str) -> list[URLPattern]:
    """The pages of a kind: list, its export (CSV/XLSX), create, detail, edit, delete (named
    ``<key>_<action>``)."""
    kw = {"page": page}
    return [
        path(f"{prefix}/", record_list_view, kw, name=page.url_name("list")),
        path(f"{prefix}/export/", record_export_view, kw, name=page.url_name("export")),
        path(f"{prefix}/new/", record_create_view, kw, name=page.url_name("create")),
        path(f"{prefix}/<int:pk>/", record_detail_view, kw, name=page.url_name("detail")),
        path(f"{prefix}/<int:pk>/edit/", record_edit_view, kw, name=page.url_name("edit")),
        path(f"{prefix}/<int:pk>/delete/", record_delete_view, kw, name=page.url_name("delete")),
    ]


def _resolve(obj: Any, path_: str) -> tuple[Any, Any]:
    """(parent, value) at the end of a dotted attribute path; ``None`` past a missing link."""
    parent, value = None, obj
    for part in path_.split("."):
        if value is None:
            return parent, None
        parent, value = value, getattr(value, part, None)
    return parent, value


_PK_MARK = 987654321  # a placeholder pk: a detail URL is reversed once per column, not per cell


def _link_prefixes(actor: Actor, page: RecordPage, columns: tuple[Column, ...]) -> dict[str, str]:
    """Each linked column's detail URL with ``{pk}`` for the row's id: ``reverse`` once per
    column (it costs as much as the rest of the cell)."""
    out: dict[str, str] = {}
    for column in columns:
        if not column.link:
            continue
        name = page.url_name("detail") if column.link == "self" else f"{column.link}_detail"
        url = reverse(name, args=[actor.workspace.slug, _PK_MARK])
        out[column.key] = url.replace(str(_PK_MARK), "{pk}")
    return out


@functools.cache
def _choice_labels(model: type[models.Model], name: str, language: str | None) -> dict[Any, str]:
    """A field's choices as {value: label} in one language (``get_FOO_display`` hashes every
    lazy label of the field at each call: a hundred calls a page)."""
    field: Any = model._meta.get_field(name)
    return {value: str(label) for value, label in field.flatchoices}


def _choice_label(parent: Any, name: str, value: Any, display: Any) -> str:
    try:
        labels = _choice_labels(type(parent), name, get_language())  # type: ignore[arg-type]
    except FieldDoesNotExist:  # a get_x_display of a property, not of a field
        return str(display())
    return labels.get(value, str(value))


def _cell(
    actor: Actor,
    page: RecordPage,
    obj: Any,
    column: Column,
    links: dict[str, str] | None = None,
) -> dict[str, Any]:
    parent, value = _resolve(obj, column.path)
    last = column.path.rsplit(".", 1)[-1]
    display = getattr(parent, f"get_{last}_display", None)
    if column.kind == "money":
        currency = getattr(parent, "currency", "") or actor.workspace.currency
        text = format_money(value, currency)
    elif display is not None and value not in (None, ""):
        text = _choice_label(parent, last, value, display)
    elif isinstance(value, dt.datetime):
        text = formats.date_format(timezone.localtime(value), "SHORT_DATE_FORMAT")
    elif isinstance(value, dt.date):
        text = formats.date_format(value, "SHORT_DATE_FORMAT")
    elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        text = formats.number_format(value, use_l10n=True, force_grouping=True)
    elif isinstance(value, bool):
        text = str(_("Yes") if value else _("No"))
    elif isinstance(value, list):
        text = ", ".join(str(v) for v in value)
    else:
        text = "" if value is None else str(value)
    url = ""
    if column.link and (column.link == "self" or value is not None):
        if links is None:
            links = _link_prefixes(actor, page, (column,))
        url = links[column.key].format(pk=obj.pk if column.link == "self" else value.pk)
    return {"text": text, "url": url, "kind": column.kind, "value": value, "column": column}


def _cell_html(cell: dict[str, Any], first: bool) -> str:
    """One ``<td>``, as the list's template wrote it (rows are written here: a template loop over
    25–100 rows × their columns was half of the page's time)."""
    column: Column = cell["column"]
    classes = []
    if column.secondary:
        classes.append("secondary")
    if column.tertiary:
        classes.append("tertiary")
    if cell["kind"] in ("money", "number"):
        classes.append("num")
    if first:
        classes.append("primary")
    text = cell["text"]
    if cell["kind"] == "badge" and text:
        inner = format_html('<span class="badge badge--{}">{}</span>', cell["value"], text)
    elif cell["url"]:
        inner = format_html('<a href="{}">{}</a>', cell["url"], text or "—")
    else:
        inner = conditional_escape(text or "—")
    return format_html('<td class="{}">{}</td>', " ".join(classes), inner)


def _rows_html(
    request: HttpRequest,
    rows: list[tuple[Any, list[dict[str, Any]]]],
    leading_cells: list[LeadingCell],
) -> list[str]:
    """Each row's ``<tr>``: the extensions' leading cells, then the cells."""
    leading = [
        (lc, get_template(lc.cell_template), " " + lc.css_class if lc.css_class else "")
        for lc in leading_cells
    ]
    out: list[str] = []
    for obj, cells in rows:
        parts = ["<tr>"]
        for lc, template, css in leading:
            html = template.render({"obj": obj, "ext": lc.context}, request)
            parts.append(f'<td class="leading{escape(css)}">{html}</td>')
        parts.extend(_cell_html(cell, i == 0) for i, cell in enumerate(cells))
        parts.append("</tr>")
        out.append(mark_safe("".join(parts)))  # every part escaped above
    return out


def _filter_widgets(
    actor: Actor, page: RecordPage, params: Mapping[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(visible filter controls, hidden filters kept from links such as ``?account=12``)."""
    shown: list[dict[str, Any]] = []
    kept: list[dict[str, Any]] = []
    for flt in page.spec.filters:
        value = params.get(flt.name, "")
        widget: dict[str, Any] = {"name": flt.name, "label": flt.label, "value": value}
        if flt.kind == "choice":
            choices = flt.choices(actor) if callable(flt.choices) else flt.choices
            widget.update(type="select", choices=[(str(v), str(lbl)) for v, lbl in choices])
        elif flt.kind == "bool":
            widget.update(type="select", choices=[("true", _("Yes")), ("false", _("No"))])
        elif flt.kind == "date":
            widget.update(type="date")
        elif flt.kind == "int" and flt.name in page.filter_pickers:
            picker = page.filter_pickers[flt.name]
            widget.update(
                type="picker",
                url=reverse("search_pick", args=[actor.workspace.slug]),
                kind=picker.kind,
                chosen=picker.label(actor, int(value)) if value.isdigit() else "",
            )
        elif flt.kind == "int" and flt.name in page.filter_choices:
            choices = page.filter_choices[flt.name](actor)
            widget.update(type="select", choices=[(str(v), str(lbl)) for v, lbl in choices])
        elif flt.kind == "int":
            if value:
                kept.append(widget)
            continue
        else:
            widget.update(type="text")
        shown.append(widget)
    return shown, kept


def _listed(
    actor: Actor, page: RecordPage, params: dict[str, str], columns: tuple[Column, ...] = ()
) -> tuple[Any, str]:
    """(the list's queryset, stably ordered, joined to what its columns read; why its filters
    were refused, if they were)."""
    filter_error = ""
    try:
        qs = record_list(actor=actor, spec=page.spec, params=params)
    except ValidationFailed as exc:
        filter_error = exc.message
        qs = record_list(actor=actor, spec=page.spec, params={"q": params.get("q", ""), "sort": ""})
    if page.list_queryset is not None:
        qs = page.list_queryset(actor, qs)
    joins = column_joins(page.spec.model, columns)
    if joins:
        qs = qs.select_related(*joins)
    if not qs.ordered:  # aggregates drop Meta.ordering; pages must stay stable
        qs = qs.order_by(*(page.spec.model._meta.ordering or ()), "pk")
    return qs, filter_error


def list_page(request: HttpRequest, actor: Actor, page: RecordPage) -> dict[str, Any]:
    """What a list page prints: a page of rows with their cells, filters, sorting, exports, and
    what the registered list extensions add (``core.list_extensions``)."""
    state: ListState = list_state(request, actor, page)
    params = state.params
    qs, filter_error = _listed(actor, page, params, state.columns)
    page_obj = Paginator(qs, state.page_size).get_page(request.GET.get("page"))
    state.total, state.page_ids = page_obj.paginator.count, [obj.pk for obj in page_obj]
    shown, kept = _filter_widgets(actor, page, params)
    fragments, leading_cells = list_fragments(request, actor, page, state)
    links = _link_prefixes(actor, page, state.columns)
    rows = [(obj, [_cell(actor, page, obj, c, links) for c in state.columns]) for obj in page_obj]
    return {
        "page": page,
        "spec": page.spec,
        "nav": page.key,
        "rows": rows,
        "rows_html": _rows_html(request, rows, leading_cells),
        "page_obj": page_obj,
        "columns": state.columns,
        "sortable_columns": [c for c in page.available_columns if c.sort],
        "list_state": state,
        "page_sizes": PAGE_SIZES,
        "kept_params": kept_params(request, page),
        "head_fragments": [
            render_to_string(f.template, f.context, request) for f in fragments if f.slot == "head"
        ],
        "table_fragments": [
            render_to_string(f.template, f.context, request) for f in fragments if f.slot != "head"
        ],
        "leading_cells": leading_cells,
        "partial": is_partial_request(request),
        "filters": shown,
        "kept_filters": kept,
        "clear_url": request.path
        + (f"?{urlencode(state.clear_params)}" if state.clear_params else ""),
        "filtered": any(params.get(f.name) for f in page.spec.filters) or bool(params.get("q")),
        "filter_error": filter_error,
        "q": params.get("q", ""),
        "sort": params.get("sort", ""),
        "orderings": list(page.spec.orderings),
        "can_write": actor.can(page.spec.capability),
        "export_links": export_links(request, page, state),
        "can_export_workspace": actor.can("data.export"),
    }


@workspace_view
def record_list_view(request: HttpRequest, actor: Actor, *, page: RecordPage) -> HttpResponse:
    context = list_page(request, actor, page)
    return htmx_render(
        request, "records/list.html#records-table", context, page="records/list.html"
    )


@workspace_view
def record_detail_view(
    request: HttpRequest, actor: Actor, *, page: RecordPage, pk: int
) -> HttpResponse:
    obj = record_get(actor=actor, spec=page.spec, pk=pk)
    context: dict[str, Any] = {
        "page": page,
        "spec": page.spec,
        "nav": page.key,
        "object": obj,
        "can_write": actor.can(page.spec.capability),
        "can_delete": can_delete(actor, page),
        "can_audit": actor.can("audit.read"),  # a link to the record's entries in the log
    }
    if page.detail_context is not None:
        context.update(page.detail_context(actor, obj))
    return render(request, page.detail_template, context)


def _form_view(
    request: HttpRequest, actor: Actor, page: RecordPage, instance: Any = None
) -> HttpResponse:
    actor.require(page.spec.capability)
    status = 200
    if request.method == "POST":
        form = page.form(actor, data=request.POST, instance=instance)
        if form.is_valid():
            try:
                saver = page.save or save_record(page.spec)
                obj = saver(actor, form, instance)
            except ValidationFailed as exc:
                add_field_errors(form, exc)
            else:
                if instance is None:
                    messages.success(request, _("“%(name)s” was created.") % {"name": obj})
                else:
                    messages.success(request, _("Your changes were saved."))
                return HttpResponseRedirect(
                    reverse(page.url_name("detail"), args=[actor.workspace.slug, obj.pk])
                )
        status = 422
    else:
        form = page.form(actor, instance=instance)
    context = {
        "page": page,
        "spec": page.spec,
        "nav": page.key,
        "form": form,
        "object": instance,
    }
    return render(request, "records/form.html", context, status=status)


@workspace_view
def record_create_view(request: HttpRequest, actor: Actor, *, page: RecordPage) -> HttpResponse:
    return _form_view(request, actor, page)


@workspace_view
def record_edit_view(
    request: HttpRequest, actor: Actor, *, page: RecordPage, pk: int
) -> HttpResponse:
    actor.require(page.spec.capability)
    instance = record_get(actor=actor, spec=page.spec, pk=pk)
    return _form_view(request, actor, page, instance)


def can_delete(actor: Actor, page: RecordPage) -> bool:
    """The Delete action shows only to those who may (the service checks again)."""
    return actor.can(page.spec.capability) and actor.can("record.delete")


@workspace_view
def record_delete_view(
    request: HttpRequest, actor: Actor, *, page: RecordPage, pk: int
) -> HttpResponse:
    """GET: what goes with the record (rows deleted with it, rows unlinked, rows that block
    the deletion); POST: delete through ``record_delete`` and go back to the list."""
    obj = record_get(actor=actor, spec=page.spec, pk=pk)
    effects = record_delete_effects(actor=actor, spec=page.spec, instance=obj)
    status, error = 200, ""
    if request.method == "POST" and effects.allowed:
        name = str(obj)
        try:
            record_delete(actor=actor, spec=page.spec, instance=obj)
        except DomainError as exc:  # a row that protects it arrived since the page was shown
            status, error = exc.status, exc.message
            effects = record_delete_effects(actor=actor, spec=page.spec, instance=obj)
        else:
            messages.success(request, _("“%(name)s” was deleted.") % {"name": name})
            return HttpResponseRedirect(reverse(page.url_name("list"), args=[actor.workspace.slug]))
    elif request.method == "POST":
        status = 409
    context = {
        "page": page,
        "spec": page.spec,
        "nav": page.key,
        "object": obj,
        "effects": effects,
        "error": error,
    }
    return render(request, "records/delete.html", context, status=status)
