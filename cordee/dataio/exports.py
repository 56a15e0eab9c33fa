"""Exports: any list of records as CSV or XLSX (the rows of its current filters, search and sort),
and the whole workspace as a zip of one CSV or Parquet file per table.

Lists are read through the same selectors as the pages (``record_list`` and the page's own
``list_queryset``), so an export holds exactly what the person may read, never more.

**Spreadsheet dialect** (list exports, for people): UTF-8 with a byte-order mark (Excel then reads
accents right), dates in ISO 8601 (which Excel reads as dates in every language), times in the
workspace's time zone, and the separator and decimal mark of the person's language — French gets
``;`` and ``1234,50`` (French Excel splits on ``;`` and reads a decimal comma), English gets ``,``
and ``1234.50``. Labels of choices are translated. A text starting with ``=``, ``+``, ``-`` or
``@`` is prefixed with ``'`` so that no spreadsheet runs it as a formula. XLSX cells are typed:
dates are dates, money and counts are numbers.

**Data team dialect** (whole-workspace export, for programs): raw values (choice codes, foreign
keys as ``<name>_id``), ``,`` and ``.`` whatever the language, times in UTC (ISO 8601); or Parquet
with typed columns. Secrets (signing keys, token hashes) never leave.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_tasks import task

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.records import RecordSpec, record_list

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
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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


def list_columns(spec: RecordSpec, page_columns: Iterable[Any] = ()) -> list[ExportColumn]:
    """The row's id, the columns the list page shows (in its order, with its headers), then every
    other field of the record, readable ones by name, other links by id. Secrets are left out."""
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
) -> QuerySet[Any]:
    """Every row of the list as the page shows it (all pages): the same selector, the same
    filters, search and sort, and the page's own refinement (annotations, narrower scope)."""
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
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Echo:
    """A file that hands back what is written: ``csv.writer`` then yields one line at a time."""

    def write(self, value: str) -> str:
        return value


def csv_lines(
    rows: Iterable[Any], columns: list[ExportColumn], *, dialect: Dialect, tz: ZoneInfo
) -> Iterator[str]:
    """The file, line by line: a byte-order mark and the translated header first."""
    writer = csv.writer(_Echo(), delimiter=dialect.separator)  # type: ignore[arg-type]
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
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Export")
    bold = Font(bold=True)
    header = []
    for col in columns:
        cell = WriteOnlyCell(sheet, value=col.header)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    sheet.freeze_panes = "A2"
    count = 0
    for row in rows:
        cells = []
        for col in columns:
            value = _xlsx_value(col.value(row), tz)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            elif isinstance(value, dt.datetime):
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


@dataclass(frozen=True)
class ExportTable:
    """A table of the whole-workspace export. ``scope`` is the lookup from a row to its workspace;
    ``capability`` (when set) is needed to receive the table — private data such as compensation
    registers with its own, and the table is left out (and listed as such) for anyone else."""

    name: str
    model: str  # "app_label.ModelName", resolved when exporting
    scope: str = "workspace"
    capability: str | None = None
    exclude: tuple[str, ...] = ()
    label: Any = None  # shown on the page; the model's plural name by default


TABLES: dict[str, ExportTable] = {}


def register_table(table: ExportTable) -> None:
    """Add a table to the whole-workspace export (an app calls it from ``AppConfig.ready``)."""
    TABLES[table.name] = table


for _table in (
    ExportTable("accounts", "crm.Account"),
    ExportTable("contacts", "crm.Contact"),
    ExportTable("campaigns", "crm.Campaign"),
    ExportTable("touchpoints", "crm.Touchpoint"),
    ExportTable("leads", "crm.Lead"),
    ExportTable("lead_stage_changes", "crm.LeadStageChange"),
    ExportTable("lead_assignments", "crm.LeadAssignment"),
    ExportTable("opportunities", "crm.Opportunity"),
    ExportTable("lead_decisions", "funnel.LeadDecision"),
    ExportTable("rejection_reasons", "funnel.RejectionReason"),
    ExportTable("sla_contracts", "funnel.SlaContract"),
    ExportTable("sla_breaches", "funnel.SlaBreach"),
    ExportTable("scoring_rules", "funnel.ScoringRule"),
    ExportTable("routing_rules", "funnel.RoutingRule"),
    ExportTable("teams", "people.Team"),
    ExportTable("memberships", "people.Membership"),
    ExportTable(
        "users",
        "people.User",
        scope="memberships__workspace",
        exclude=("is_superuser", "is_staff", "last_login", "username"),
    ),
    ExportTable("pods", "people.Pod"),
    ExportTable(
        "pod_members", "people.PodMember", scope="pod__workspace", label=gettext_lazy("Pod members")
    ),
    ExportTable("attribution_snapshots", "attribution.AttributionSnapshot"),
    ExportTable("attribution_locks", "attribution.AttributionLock"),
    ExportTable("webhook_subscriptions", "integrations.WebhookSubscription"),
    ExportTable("webhook_deliveries", "integrations.WebhookDelivery"),
    ExportTable("incoming_endpoints", "integrations.IncomingEndpoint"),
    ExportTable("incoming_requests", "integrations.IncomingRequest"),
):
    register_table(_table)


def _model(table: ExportTable) -> type[models.Model] | None:
    from django.apps import apps

    try:
        return apps.get_model(table.model)
    except LookupError:
        return None  # an app that is not installed


def table_label(table: ExportTable) -> str:
    model = _model(table)
    if table.label is not None or model is None:
        return str(table.label or table.name)
    return str(model._meta.verbose_name_plural).capitalize()


def _data_fields(model: type[models.Model], table: ExportTable) -> list[Any]:
    return [
        f
        for f in model._meta.concrete_fields
        if not is_secret(f.name) and f.name not in table.exclude
    ]


def tables_for(actor: Actor | None) -> tuple[list[ExportTable], list[ExportTable]]:
    """(tables the actor receives, tables left out for lack of a capability). ``None`` is the
    instance operator (``cordee export``), who receives every table."""
    given: list[ExportTable] = []
    refused: list[ExportTable] = []
    for table in sorted(TABLES.values(), key=lambda t: t.name):
        if _model(table) is None:
            continue
        if table.capability and actor is not None and not actor.can(table.capability):
            refused.append(table)
        else:
            given.append(table)
    return given, refused


def table_rows(table: ExportTable, workspace_id: int) -> tuple[list[Any], QuerySet[Any]]:
    model = _model(table)
    assert model is not None
    fields = _data_fields(model, table)
    qs = model._default_manager.filter(**{f"{table.scope}_id": workspace_id}).order_by("pk")
    return fields, qs.values_list(*[f.attname for f in fields])


def workspace_row_count(workspace_id: int, actor: Actor | None = None) -> int:
    given, _refused = tables_for(actor)
    return sum(table_rows(t, workspace_id)[1].count() for t in given)


def _data_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return (
            value.astimezone(dt.UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


def _write_csv_table(zf: zipfile.ZipFile, name: str, fields: list[Any], rows: QuerySet[Any]) -> int:
    count = 0
    with zf.open(f"{name}.csv", "w") as raw:
        import io

        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        writer = csv.writer(text)
        writer.writerow([f.attname for f in fields])
        for row in rows.iterator(chunk_size=CHUNK):
            writer.writerow([_data_text(v) for v in row])
            count += 1
        text.flush()
        text.detach()
    return count


def arrow_type(fld: Any) -> Any:
    """The Parquet column type of a Django field: integers, decimals at the field's precision,
    dates, UTC timestamps, booleans; text (JSON as text) otherwise."""
    import pyarrow as pa

    if isinstance(fld, models.ForeignKey):
        return pa.int64()
    if isinstance(fld, models.BooleanField):
        return pa.bool_()
    if isinstance(fld, models.AutoField | models.BigAutoField | models.IntegerField):
        return pa.int64()
    if isinstance(fld, models.DecimalField):
        return pa.decimal128(fld.max_digits, fld.decimal_places)
    if isinstance(fld, models.DateTimeField):
        return pa.timestamp("us", tz="UTC")
    if isinstance(fld, models.DateField):
        return pa.date32()
    if isinstance(fld, models.FloatField):
        return pa.float64()
    return pa.string()


def _arrow_value(value: Any, kind: Any) -> Any:
    import pyarrow as pa

    if value is None:
        return None
    if pa.types.is_string(kind) and not isinstance(value, str):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


def _write_parquet_table(
    zf: zipfile.ZipFile, name: str, fields: list[Any], rows: QuerySet[Any], workdir: Path
) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([pa.field(f.attname, arrow_type(f)) for f in fields])
    path = workdir / f"{name}.parquet"
    count = 0
    with pq.ParquetWriter(path, schema) as writer:
        batch: list[tuple[Any, ...]] = []

        def flush() -> None:
            columns = [
                pa.array([_arrow_value(r[i], t.type) for r in batch], type=t.type)
                for i, t in enumerate(schema)
            ]
            writer.write_table(pa.Table.from_arrays(columns, schema=schema))

        for row in rows.iterator(chunk_size=CHUNK):
            batch.append(row)
            if len(batch) >= 50_000:
                flush()
                count += len(batch)
                batch = []
        if batch or count == 0:
            flush()
            count += len(batch)
    zf.write(path, f"{name}.parquet")
    path.unlink()
    return count


def workspace_export_write(
    out: Path, *, workspace: Any, fmt: str, actor: Actor | None = None
) -> dict[str, Any]:
    """Write the workspace's tables into the zip ``out`` (atomically: a ``.part`` file renamed at
    the end) with a ``manifest.json`` of tables, columns and row counts. Returns the manifest."""
    if fmt not in ("csv", "parquet"):
        raise ValidationFailed(
            _("Unknown export format."), field_errors={"format": [_("Choose csv or parquet.")]}
        )
    given, refused = tables_for(actor)
    manifest: dict[str, Any] = {
        "workspace": workspace.slug,
        "format": fmt,
        "generated_at": timezone.now().astimezone(dt.UTC).isoformat(),
        "tables": {},
        "left_out": [t.name for t in refused],
    }
    part = out.with_name(out.name + ".part")
    out.parent.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory() as tmp,
        zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as zf,
    ):
        for table in given:
            fields, rows = table_rows(table, workspace.pk)
            if fmt == "csv":
                n = _write_csv_table(zf, table.name, fields, rows)
            else:
                n = _write_parquet_table(zf, table.name, fields, rows, Path(tmp))
            manifest["tables"][table.name] = {
                "rows": n,
                "columns": [f.attname for f in fields],
            }
        zf.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    part.replace(out)
    return manifest


# -- whole-workspace export files (var/exports/<workspace id>/) -----------------------------------

SYNC_ROWS = 50_000  # at most this many rows: written during the request; more: by the worker
KEEP_DAYS = 7
_FILE = re.compile(r"^(?P<id>[0-9a-f]{32})\.(?P<fmt>csv|parquet)\.zip$")


@dataclass(frozen=True)
class ExportFile:
    name: str
    fmt: str
    status: str  # ready | pending | failed
    created_at: dt.datetime
    size: int = 0
    error: str = ""


def export_dir(workspace_id: int) -> Path:
    from django.conf import settings

    base = getattr(settings, "CORDEE_EXPORT_DIR", None) or Path(settings.VAR_DIR) / "exports"
    return Path(base) / str(workspace_id)


def _purge_old(folder: Path) -> None:
    limit = timezone.now().timestamp() - KEEP_DAYS * 86400
    for path in folder.glob("*"):
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def workspace_exports(*, actor: Actor) -> list[ExportFile]:
    """The workspace's export files of the last days, newest first (for those who may export)."""
    actor.require("data.export")
    folder = export_dir(actor.workspace.pk)
    if not folder.is_dir():
        return []
    _purge_old(folder)
    files = []
    for path in folder.iterdir():
        name = path.name.removesuffix(".pending").removesuffix(".error")
        match = _FILE.match(name)
        if match is None:
            continue
        created = dt.datetime.fromtimestamp(path.stat().st_mtime, tz=dt.UTC)
        if path.name.endswith(".pending"):
            if (folder / name).exists():
                continue
            files.append(ExportFile(name, match["fmt"], "pending", created))
        elif path.name.endswith(".error"):
            files.append(
                ExportFile(name, match["fmt"], "failed", created, error=path.read_text()[:300])
            )
        else:
            files.append(ExportFile(name, match["fmt"], "ready", created, path.stat().st_size))
    return sorted(files, key=lambda f: f.created_at, reverse=True)


def workspace_export_path(*, actor: Actor, name: str) -> Path:
    """The ready file ``name`` of the actor's workspace; NotFound for anything else."""
    from cordee.core.errors import NotFound

    actor.require("data.export")
    path = export_dir(actor.workspace.pk) / name
    if not _FILE.match(name) or not path.is_file():
        raise NotFound(_("This export does not exist (any more)."))
    return path


def workspace_export_start(*, actor: Actor, fmt: str) -> ExportFile:
    """Export the whole workspace. A small workspace is written now; a large one by the worker,
    which notifies the person when the file is ready."""
    import uuid

    actor.require("data.export")
    if fmt not in ("csv", "parquet"):
        raise ValidationFailed(
            _("Unknown export format."), field_errors={"format": [_("Choose csv or parquet.")]}
        )
    folder = export_dir(actor.workspace.pk)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.{fmt}.zip"
    if workspace_row_count(actor.workspace.pk, actor) <= SYNC_ROWS:
        workspace_export_write(folder / name, workspace=actor.workspace, fmt=fmt, actor=actor)
        return ExportFile(name, fmt, "ready", timezone.now())
    (folder / f"{name}.pending").write_text("")
    from functools import partial

    from django.db import transaction

    transaction.on_commit(
        partial(workspace_export_task.enqueue, actor.workspace.pk, actor.user.pk, fmt, name)
    )
    return ExportFile(name, fmt, "pending", timezone.now())


def workspace_export_run(*, workspace_id: int, user_id: int, fmt: str, name: str) -> str:
    """The worker's half: write the file as its requester may see it, then notify them."""
    from cordee.people.models import Membership
    from cordee.people.services import notification_new, notification_send, speaking_to

    membership = Membership.objects.select_related("workspace", "user").get(
        workspace_id=workspace_id, user_id=user_id
    )
    actor = Actor.from_membership(membership)
    folder = export_dir(workspace_id)
    pending = folder / f"{name}.pending"
    try:
        workspace_export_write(folder / name, workspace=actor.workspace, fmt=fmt, actor=actor)
    except Exception as exc:  # the page shows the failure instead of an eternal "pending"
        (folder / f"{name}.error").write_text(str(exc)[:300])
        raise
    finally:
        pending.unlink(missing_ok=True)
    from django.urls import reverse

    with speaking_to(actor.workspace, actor.user):
        notification = notification_new(
            workspace=actor.workspace,
            user=actor.user,
            kind="export.ready",
            key=f"export:{name}",
            title=_("Your workspace export is ready"),
            body=_(
                "The %(format)s export of the whole workspace can be downloaded for %(days)s days."
            )
            % {"format": fmt.upper(), "days": KEEP_DAYS},
            url=reverse("workspace_export", args=[actor.workspace.slug]) + f"?download={name}",
        )
    notification_send(notification=notification)
    return name


@task(queue_name="imports")  # the long-work queue: an export never delays an SLA check
def workspace_export_task(workspace_id: int, user_id: int, fmt: str, name: str) -> str:
    return workspace_export_run(workspace_id=workspace_id, user_id=user_id, fmt=fmt, name=name)
