"""List exports: any list of records as CSV or XLSX (the rows of its current filters, search
and sort), for people.

Lists are read through the same selectors as the pages (``record_list`` and the page's own
``list_queryset``), so an export holds exactly what the person may read, never more.

UTF-8 with a byte-order mark (Excel then reads accents right), dates in ISO 8601 (which Excel
reads as dates in every language), times in the workspace's time zone, and the separator and
decimal mark of the person's language — French gets ``;`` and ``1234,50`` (French Excel splits on
``;`` and reads a decimal comma), English gets ``,`` and ``1234.50``. Labels of choices are
translated. Every cell goes through ``core.spreadsheet`` (no spreadsheet runs a text as a formula;
XLSX cells are typed: dates are dates, money and counts are numbers). Secrets (signing keys, token
hashes) never leave.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.records import RecordSpec, record_list
from cordee.core.spreadsheet import csv_writer, xlsx_cell

FORMATS = ("csv", "xlsx")
XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row
CHUNK = 2000
# Never exported, whoever asks: keys that sign or authenticate (by name: ``secret``,
# ``previous_secret``, ``password``, ``key_hash``…), and pure internals.
SECRET_FIELDS = frozenset({"secret", "key_hash", "password", "token"})
_SECRET_ENDINGS = ("_secret", "_password", "_token", "_key_hash")


def is_secret(name: str) -> bool:
    """A field whose value signs or authenticates: never exported."""
    return name in SECRET_FIELDS or name.endswith(_SECRET_ENDINGS)


def _hidden(name: str) -> bool:
    return is_secret(name) or name == "workspace"


_MONEY_NAMES = frozenset({"amount", "budget", "value"})


# -- the dialect of a person's spreadsheet --------------------------------------------------------


@dataclass(frozen=True)
class Dialect:
    separator: str
    decimal: str

    @classmethod
    def for_language(cls, language: str | None) -> Dialect:
        """French (and every language writing ``1 234,50``) gets ``;`` and a decimal comma."""
        if (language or "").split("-")[0] in {"fr", "de", "es", "it", "nl", "pt"}:
            return cls(";", ",")
        return cls(",", ".")


DATA_DIALECT = Dialect(",", ".")


# -- the columns of a list ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportColumn:
    header: str  # already translated: the export is written after the request's language is gone
    value: Callable[[Any], Any]  # row -> a Python value (str, int, Decimal, date, datetime, bool)
    money: bool = False


def _resolve(obj: Any, path: str) -> tuple[Any, Any]:
    parent, value = None, obj
    for part in path.split("."):
        if value is None:
            return parent, None
        parent, value = value, getattr(value, part, None)
    return parent, value


Getter = Callable[[Any], Any]


def _attribute(name: str) -> Getter:
    return lambda row: getattr(row, name)


def _related_name(name: str) -> Getter:
    return lambda row: _str_or_none(getattr(row, name))


def _label(name: str, labels: dict[Any, str]) -> Getter:
    return lambda row: labels.get(getattr(row, name), getattr(row, name))


def _page_getter(model: type[models.Model], path: str) -> Getter:
    """A getter for a column of the page. A choice field's labels are read once here (Django's
    ``get_<field>_display`` rebuilds its dictionary on every call: most of an export's time)."""
    fld: Any = None
    current: Any = model
    for part in path.split("."):
        try:
            fld = current._meta.get_field(part)
        except Exception:  # a property (full_name, is_signed) or an annotation
            return lambda row: _page_value(row, path)
        current = getattr(fld, "related_model", None)
    if fld is not None and getattr(fld, "choices", None) and current is None:
        labels = {value: str(label) for value, label in fld.flatchoices}
        return lambda row: (lambda v: labels.get(v, v))(_resolve(row, path)[1])
    return lambda row: _page_value(row, path)


def _field_column(model: type[models.Model], fld: Any, related: set[str]) -> ExportColumn:
    header = str(fld.verbose_name).capitalize()
    if isinstance(fld, models.ForeignKey):
        if fld.name in related:
            return ExportColumn(header, _related_name(fld.name))
        return ExportColumn(_("%(field)s (ID)") % {"field": header}, _attribute(fld.attname))
    if fld.choices:
        labels = {value: str(label) for value, label in fld.flatchoices}
        return ExportColumn(header, _label(fld.attname, labels))
    money = isinstance(fld, models.DecimalField) and fld.name in _MONEY_NAMES
    return ExportColumn(header, _attribute(fld.attname), money=money)


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def _page_value(obj: Any, path: str) -> Any:
    parent, value = _resolve(obj, path)
    last = path.rsplit(".", 1)[-1]
    display = getattr(parent, f"get_{last}_display", None)
    if display is not None and value not in (None, ""):
        return str(display())
    if isinstance(value, models.Model):
        return str(value)
    return value


def list_columns(
    spec: RecordSpec, page_columns: Iterable[Any] = (), *, only: bool = False
) -> list[ExportColumn]:
    """The row's id, the columns the list page shows (in its order, with its headers), then —
    unless ``only`` (the person chose the columns) — every other field of the record, readable
    ones by name, other links by id. Secrets are left out."""
    columns = [ExportColumn("ID", _attribute("pk"))]
    covered: set[str] = set()
    for col in page_columns:
        first = col.path.split(".")[0]
        if _hidden(first):
            continue
        covered.add(first)
        columns.append(
            ExportColumn(
                str(col.label), _page_getter(spec.model, col.path), money=col.kind == "money"
            )
        )
    if only:
        return columns
    related = {name.split("__")[0] for name in spec.select_related}
    order = {name: i for i, name in enumerate(spec.fields)}  # a person's fields first
    fields = sorted(spec.model._meta.concrete_fields, key=lambda f: order.get(f.name, len(order)))
    for fld in fields:
        if _hidden(fld.name) or fld.name in covered or fld.primary_key:
            continue
        if isinstance(fld, models.JSONField) and fld.name not in spec.fields:
            continue  # computed detail (e.g. a score's explanation): not a person's data
        columns.append(_field_column(spec.model, fld, related))
    return columns


def list_rows(
    *,
    actor: Actor,
    spec: RecordSpec,
    params: Mapping[str, str],
    refine: Callable[[Actor, QuerySet[Any]], QuerySet[Any]] | None = None,
    joins: Iterable[str] = (),
) -> QuerySet[Any]:
    """Every row of the list as the page shows it (all pages): the same selector, the same
    filters, search and sort, the page's own refinement (annotations, narrower scope), and the
    ``joins`` its chosen columns read."""
    qs = record_list(actor=actor, spec=spec, params=params)
    unused = [  # computed detail that no export column reads (see list_columns)
        f.name
        for f in spec.model._meta.concrete_fields
        if isinstance(f, models.JSONField) and f.name not in spec.fields
    ]
    if unused:
        qs = qs.defer(*unused)
    if refine is not None:
        qs = refine(actor, qs)
    joins = list(joins)
    if joins:
        qs = qs.select_related(*joins)
    if not qs.ordered:
        qs = qs.order_by(*(spec.model._meta.ordering or ()), "pk")
    return qs


# -- writing a list -------------------------------------------------------------------------------


def _local(value: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    return value.astimezone(tz) if timezone.is_aware(value) else value


def _csv_text(value: Any, dialect: Dialect, tz: ZoneInfo, yes_no: tuple[str, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no[0] if value else yes_no[1]
    if isinstance(value, dt.datetime):
        return _local(value, tz).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal | float):
        return format(value, "f").replace(".", dialect.decimal)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    elif isinstance(value, dict):
        value = json.dumps(value, ensure_ascii=False)
    return str(value)


class _Echo:
    """A file that hands back what is written: ``csv.writer`` then yields one line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    rows: Iterable[Any], columns: list[ExportColumn], *, dialect: Dialect, tz: ZoneInfo
) -> Iterator[str]:
    """The file, line by line: a byte-order mark and the translated header first."""
    writer = csv_writer(_Echo(), delimiter=dialect.separator)
    yes_no = (_("Yes"), _("No"))
    yield "\ufeff" + writer.writerow([c.header for c in columns])
    for row in rows:
        yield writer.writerow([_csv_text(c.value(row), dialect, tz, yes_no) for c in columns])


def _xlsx_value(value: Any, tz: ZoneInfo) -> Any:
    if isinstance(value, dt.datetime):
        return _local(value, tz).replace(tzinfo=None)  # Excel has no time zones
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return value


def xlsx_write(
    out: IO[bytes],
    rows: Iterable[Any],
    columns: list[ExportColumn],
    *,
    title: str,
    tz: ZoneInfo,
) -> int:
    """A typed XLSX sheet in openpyxl's write-only mode (rows streamed to disk, constant memory).
    Returns the number of rows written."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Export")
    bold = Font(bold=True)
    header = []
    for col in columns:
        cell = xlsx_cell(sheet, col.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    sheet.freeze_panes = "A2"
    count = 0
    for row in rows:
        cells = []
        for col in columns:
            value = _xlsx_value(col.value(row), tz)
            cell = xlsx_cell(sheet, value)
            if isinstance(value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            elif col.money and isinstance(value, Decimal | int | float):
                cell.number_format = "#,##0.00"
            cells.append(cell)
        sheet.append(cells)
        count += 1
    workbook.save(out)
    return count


def xlsx_check_size(qs: QuerySet[Any]) -> None:
    if qs.count() > XLSX_MAX_ROWS:
        raise ValidationFailed(
            _("This list has more rows than a spreadsheet can hold; export it as CSV instead."),
            field_errors={"format": [_("Choose CSV for more than a million rows.")]},
        )


def export_filename(actor: Actor, spec: RecordSpec, fmt: str) -> str:
    today = actor.workspace.today()
    return f"{actor.workspace.slug}-{spec.key}-{today:%Y-%m-%d}.{fmt}"


def list_dialect() -> Dialect:
    return Dialect.for_language(get_language())


# -- the whole workspace --------------------------------------------------------------------------
