"""Every list's "Export CSV" / "Export XLSX": thin views that parse the request, read the rows
through the list's selectors (``core.exports``) and answer the file."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    QueryDict,
    StreamingHttpResponse,
)
from django.urls import reverse
from django.utils.translation import gettext as _

from cordee.core import exports
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.list_extensions import ListState, column_joins, kept_params, list_state
from cordee.core.records import RecordSpec
from cordee.core.web import Column, RecordPage, workspace_view

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# query parameters of a list page that are not filters
NOT_FILTERS = frozenset({"page", "file"})


def check_format(fmt: str) -> None:
    """Refuses a format other than CSV or XLSX, naming the field."""
    if fmt not in exports.FORMATS:
        raise ValidationFailed(
            _("Unknown export format."), field_errors={"format": [_("Choose csv or xlsx.")]}
        )


def rows_export_response(
    *,
    rows: Iterable[Any],
    columns: list[exports.ExportColumn],
    title: str,
    filename: str,
    fmt: str,
    tz: ZoneInfo,
    size: QuerySet[Any] | None = None,
) -> HttpResponseBase:
    """Rows as a file: CSV streamed as it is read, XLSX written to a temporary file. A queryset is
    read in chunks; ``size`` (by default ``rows`` when it is a queryset) bounds an XLSX's rows."""
    check_format(fmt)
    if isinstance(rows, QuerySet):
        size = rows if size is None else size
        rows = rows.iterator(chunk_size=exports.CHUNK)
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.csv_lines(rows, columns, dialect=exports.list_dialect(), tz=tz),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    if size is not None:
        exports.xlsx_check_size(size)
    out = tempfile.TemporaryFile()  # noqa: SIM115 -- closed (and deleted) by the response
    exports.xlsx_write(out, rows, columns, title=title, tz=tz)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def list_export_response(
    *,
    actor: Actor,
    spec: RecordSpec,
    params: dict[str, str],
    fmt: str,
    page: RecordPage | None = None,
    columns: tuple[Column, ...] | None = None,
) -> HttpResponseBase:
    """The list's rows as a file (see ``rows_export_response``). ``columns`` chosen by the person
    are exactly the file's columns (after the ID); without them, the page's columns come first,
    then every other field of the record."""
    check_format(fmt)
    rows = exports.list_rows(
        actor=actor,
        spec=spec,
        params=params,
        refine=page.list_queryset if page else None,
        joins=column_joins(spec.model, columns or ()),
    )
    if columns:
        file_columns = exports.list_columns(spec, columns, only=True)
    else:
        file_columns = exports.list_columns(spec, page.columns if page else ())
    return rows_export_response(
        rows=rows,
        columns=file_columns,
        title=str(spec.verbose_name_plural).capitalize(),
        filename=exports.export_filename(actor, spec, fmt),
        fmt=fmt,
        tz=actor.workspace.zone,
    )


def query_links(request: HttpRequest, url_name: str) -> dict[str, str]:
    """A page's two export links (``url_name``), carrying its current query (filters, sort)."""
    query = request.GET.copy()
    for name in NOT_FILTERS:
        query.pop(name, None)
    base = reverse(url_name, args=[request.actor.workspace.slug])  # type: ignore[attr-defined]
    links = {}
    for fmt in exports.FORMATS:
        query["file"] = fmt
        links[fmt] = f"{base}?{query.urlencode()}"
    return links


@workspace_view
def record_export_view(request: HttpRequest, actor: Actor, *, page: RecordPage) -> HttpResponse:
    """``<list>/export/?file=csv|xlsx&<the list's query>``: what the list shows, every page, in
    the columns it shows when the person chose them (``core.list_extensions.list_state``)."""
    state = list_state(request, actor, page)
    fmt = request.GET.get("file") or "csv"
    return list_export_response(  # type: ignore[return-value]
        actor=actor,
        spec=page.spec,
        params=state.params,
        fmt=fmt,
        page=page,
        columns=state.columns if state.chosen else None,
    )


def export_links(
    request: HttpRequest, page: RecordPage, state: ListState | None = None
) -> dict[str, str]:
    """The list's two export links, carrying its current filters, search, sort and columns (as
    ``state`` has them, when given: a saved view's filters are spelled out)."""
    if state is None:
        return query_links(request, page.url_name("export"))
    query = QueryDict(mutable=True)
    for name, value in state.params.items():
        query[name] = value
    for name, value in kept_params(request, page):
        query[name] = value
    if state.chosen:
        query["columns"] = ",".join(state.column_keys)
    base = reverse(page.url_name("export"), args=[request.actor.workspace.slug])  # type: ignore[attr-defined]
    links = {}
    for fmt in exports.FORMATS:
        query["file"] = fmt
        links[fmt] = f"{base}?{query.urlencode()}"
    return links
