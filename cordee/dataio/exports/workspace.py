"""The whole workspace as a zip of one CSV or Parquet file per table, for programs: raw values
(choice codes, foreign keys as ``<name>_id``), ``,`` and ``.`` whatever the language, times in
UTC (ISO 8601), texts spreadsheet-safe (``core.spreadsheet``: ``'`` before a would-be formula);
or Parquet with typed columns (raw values). Secrets (signing keys, token hashes) never leave.

Lists exported by people (CSV/XLSX of a page's rows) are ``cordee.core.exports``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import models
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from cordee.core.actor import Actor
from cordee.core.errors import NotFound, ValidationFailed
from cordee.core.exports import CHUNK, is_secret
from cordee.core.spreadsheet import csv_writer
from cordee.dataio.notices import EXPORT_READY
from cordee.people.services import notification_new, notification_send
from cordee.tenancy.models import Membership


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
    ExportTable("touchpoints", "funnel.Touchpoint"),
    ExportTable("leads", "funnel.Lead"),
    ExportTable("lead_stage_changes", "funnel.LeadStageChange"),
    ExportTable("lead_assignments", "funnel.LeadAssignment"),
    ExportTable("tasks", "funnel.Task"),
    ExportTable("opportunities", "funnel.Opportunity"),
    ExportTable("opportunity_credits", "funnel.OpportunityCredit"),  # split credit
    ExportTable("lead_decisions", "funnel.LeadDecision"),
    ExportTable("rejection_reasons", "funnel.RejectionReason"),
    ExportTable("sla_contracts", "funnel.SlaContract"),
    ExportTable("sla_breaches", "funnel.SlaBreach"),
    ExportTable("scoring_rules", "funnel.ScoringRule"),
    ExportTable("routing_rules", "funnel.RoutingRule"),
    ExportTable("teams", "tenancy.Team"),
    ExportTable("memberships", "tenancy.Membership"),
    ExportTable(
        "users",
        "tenancy.User",
        scope="memberships__workspace",
        exclude=("is_superuser", "is_staff", "last_login", "username"),
    ),
    ExportTable("pods", "people.Pod"),
    ExportTable(
        "pod_members", "people.PodMember", scope="pod__workspace", label=gettext_lazy("Pod members")
    ),
    ExportTable("competitors", "feedback.Competitor"),
    ExportTable("feedback_themes", "feedback.FeedbackTheme"),
    ExportTable("feedback_items", "feedback.FeedbackItem"),
    ExportTable("feedback_status_changes", "feedback.FeedbackStatusChange"),
    ExportTable("feedback_responses", "feedback.FeedbackResponse"),
    ExportTable("feedback_votes", "feedback.FeedbackVote"),
    ExportTable("feedback_sla_breaches", "feedback.FeedbackSlaBreach"),
    ExportTable("feedback_settings", "feedback.FeedbackSettings"),
    ExportTable(
        "feedback_digests",
        "feedback.FeedbackDigestRun",
        label=gettext_lazy("Feedback digests sent"),
    ),
    # (items' embeddings are left out: vectors the worker computes again from the text)
    ExportTable("attribution_snapshots", "attribution.AttributionSnapshot"),
    ExportTable("attribution_locks", "attribution.AttributionLock"),
    # a webhook's URL is a secret only those who manage webhooks read (integrations.selectors),
    # and its delivery log theirs too (the webhook's page shows it to them only)
    ExportTable(
        "webhook_subscriptions", "integrations.WebhookSubscription", capability="workspace.write"
    ),
    ExportTable("webhook_deliveries", "integrations.WebhookDelivery", capability="workspace.write"),
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
        writer = csv_writer(text)
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

    notification = notification_new(
        workspace=actor.workspace,
        user=actor.user,
        kind="export.ready",
        key=f"export:{name}",
        code=EXPORT_READY,
        params={"format": fmt.upper(), "days": KEEP_DAYS},
        url=reverse("workspace_export", args=[actor.workspace.slug]) + f"?download={name}",
    )
    notification_send(notification=notification)
    return name


@task(queue_name="imports")  # the long-work queue: an export never delays an SLA check
def workspace_export_task(workspace_id: int, user_id: int, fmt: str, name: str) -> str:
    return workspace_export_run(workspace_id=workspace_id, user_id=user_id, fmt=fmt, name=name)
