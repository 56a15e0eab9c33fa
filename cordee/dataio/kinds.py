"""What importing each kind of record means: its keys, how a row finds its existing record, and
the bulk statements that write it.

Every handler works in two steps: ``prepare`` (reads only, outside the transaction: match each
record of the file to an existing one by ``(source_system, external_id)`` or its natural key —
the normalised e-mail for contacts and leads, the name for accounts and campaigns — and resolve
companies, owners and campaigns) and ``write`` (inside the transaction: bulk INSERTs for new
records, bulk ``INSERT … ON CONFLICT (id) DO UPDATE`` for existing ones, in batches).
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from functools import partial
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import connections, models, router, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core.codes import currency_code
from cordee.crm import models as crm
from cordee.crm.records import campaign_dates_error, campaign_defaults
from cordee.dataio.layouts import CHANNELS
from cordee.dataio.rows import Group, RowError
from cordee.dataio.values import CellError, fold
from cordee.funnel import models as funnel
from cordee.funnel.records import opportunity_defaults
from cordee.funnel.stages import ImportedStep, imported_lead_state, lead_history_import_many
from cordee.funnel.tasks import rescore
from cordee.funnel.version import funnel_changed
from cordee.tenancy.models import Membership

if TYPE_CHECKING:
    from cordee.dataio.models import ImportJob

BATCH = 2000
QUERY_CHUNK = 900  # keeps IN (…) lists under SQLite's parameter limit
T = TypeVar("T")
Tick = Callable[[int], None]


def chunks(items: Iterable[T], size: int = QUERY_CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _fold_name(value: str | None) -> str | None:
    return value.strip().casefold() if value else None


def _check_currency(values: dict[str, Any]) -> list[tuple[str, str]]:
    """The currency as every writer stores it (``core.codes``), or why the row is refused."""
    if values.get("currency") is None:
        return []
    try:
        values["currency"] = currency_code(values["currency"])
    except ValueError as exc:
        return [("currency", str(exc))]
    return []


def _no_campaign(name: str) -> str:
    """Why a row naming an unknown campaign is rejected (leads and touchpoints alike)."""
    return _("No campaign is called %(name)s in this workspace: import the campaigns first.") % {
        "name": name
    }


class Handler(ABC):
    """Shared machinery; one subclass per kind."""

    model: type[models.Model]
    natural_label = ""
    needs_ids = False  # new rows' ids are needed afterwards: the ORM's bulk_create returns them
    # existing rows are updated column by column from what the file sets, without loading them
    fast_updates = False
    # value key -> model attribute written from it (foreign keys are resolved separately)
    columns: dict[str, str] = {}

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.workspace = job.workspace
        self.source = job.source_system
        self.warnings: list[RowError] = []
        self._owners: dict[str, int] | None = None
        self._accounts: dict[str, int] = {}
        self._new_accounts: dict[str, str] = {}  # folded name -> name as first written
        self._defaults: dict[str, Any] | None = None

    # -- per row -------------------------------------------------------------------------
    def check(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        return []

    def keys(self, values: dict[str, Any]) -> tuple[Any, Any]:
        return values.get("external_id"), self.natural(values)

    def natural(self, values: dict[str, Any]) -> Any:
        return None

    def describe_key(self, which: str, key: Any) -> str:
        if which == "ext":
            return _("external id %(id)s") % {"id": key}
        return _("%(what)s %(value)s") % {"what": self.natural_label, "value": self._key_text(key)}

    def _key_text(self, key: Any) -> str:
        return str(key)

    # -- matching (reads only) -----------------------------------------------------------
    @abstractmethod
    def prepare(self, groups: list[Group]) -> list[tuple[Group, str]]:
        """Match the groups to existing rows; return the rejected ones with their reasons."""

    def _by_external_id(self, groups: list[Group], *fields: str) -> dict[str, dict[str, Any]]:
        ids = {g.values["external_id"] for g in groups if g.values.get("external_id")}
        found: dict[str, dict[str, Any]] = {}
        for batch in chunks(ids):
            for row in self.model._default_manager.filter(
                workspace=self.workspace, source_system=self.source, external_id__in=batch
            ).values("id", "external_id", *fields):
                found[row["external_id"]] = row
        return found

    def _by_name(self, names: Iterable[str], *fields: str) -> dict[str, dict[str, Any]]:
        """Existing rows by case-insensitive name (the oldest when several share one)."""
        found: dict[str, dict[str, Any]] = {}
        for batch in chunks({n for n in names if n}):
            rows = (
                self.model._default_manager.filter(workspace=self.workspace)
                .annotate(folded=Lower("name"))
                .filter(folded__in=batch)
                .order_by("id")
                .values("id", "folded", "external_id", "source_system", *fields)
            )
            for row in rows:
                found.setdefault(row["folded"], row)
        return found

    def _conflict(
        self, what: str, ext: str, first: dict[str, Any], nat: str, second: dict[str, Any]
    ) -> str:
        return _(
            "Its external id %(ext)s matches %(what)s #%(a)s (%(a_label)s) but its %(nat_label)s "
            "%(nat)s matches %(what)s #%(b)s (%(b_label)s): which one is it? Fix the file or "
            "one of the two records."
        ) % {
            "ext": ext,
            "what": what,
            "a": first["id"],
            "a_label": self._label(first),
            "nat_label": self.natural_label,
            "nat": nat,
            "b": second["id"],
            "b_label": self._label(second),
        }

    def _label(self, row: dict[str, Any]) -> str:
        return str(row.get("name") or row.get("email") or "")

    def _identity(self, group: Group, existing: dict[str, Any] | None) -> str | None:
        """The reason to reject when the natural key found a record carrying another external
        id of the same system; else None. Sets whether the record adopts the file's id."""
        ext = group.values.get("external_id")
        if existing is None or not ext:
            return None
        if existing.get("external_id") and existing.get("source_system") == self.source:
            if existing["external_id"] != ext:
                return _(
                    "Its %(nat_label)s matches #%(id)s, which has the external id %(other)s in "
                    "%(source)s, not %(ext)s."
                ) % {
                    "nat_label": self.natural_label,
                    "id": existing["id"],
                    "other": existing["external_id"],
                    "source": self.source,
                    "ext": ext,
                }
        elif not existing.get("external_id"):
            group.extra["adopt_id"] = True
        return None

    def _match(
        self, groups: list[Group], what: str, fields: tuple[str, ...]
    ) -> list[tuple[Group, str]]:
        """Match on external id, then on the natural key (a name: ``self._natural_rows``)."""
        if not self.model._default_manager.filter(workspace=self.workspace).exists():
            return []  # a first import: nothing to look up, batch after batch
        by_ext = self._by_external_id(groups, *fields)
        by_nat = self._natural_rows(groups, fields)
        rejected: list[tuple[Group, str]] = []
        for group in groups:
            ext = group.values.get("external_id")
            nat = self.natural(group.values)
            first = by_ext.get(ext) if ext else None
            second = by_nat.get(nat) if nat is not None else None
            if first and second and first["id"] != second["id"]:
                rejected.append(
                    (group, self._conflict(what, str(ext), first, self._key_text(nat), second))
                )
                continue
            if first is None and second is not None:
                reason = self._identity(group, second)
                if reason:
                    rejected.append((group, reason))
                    continue
            found = first or second
            if found:
                group.pk = found["id"]
                group.extra["existing"] = found
        return rejected

    def _natural_rows(
        self, groups: list[Group], fields: tuple[str, ...]
    ) -> dict[Any, dict[str, Any]]:
        return self._by_name((self.natural(g.values) for g in groups), *fields)

    # -- owners and accounts -------------------------------------------------------------
    def owner_id(self, group: Group) -> int | None:
        name = group.values.get("owner")
        if not name:
            return None
        if self._owners is None:
            self._owners = {}
            for m in Membership.objects.filter(workspace=self.workspace).select_related("user"):
                self._owners[fold(m.user.email)] = m.user_id
                self._owners.setdefault(fold(m.user.get_full_name()), m.user_id)
        found = self._owners.get(fold(name))
        if found is None:
            self.warnings.append(
                RowError(
                    group.lines[0],
                    "owner",
                    _("No member of the workspace is called %(name)s: imported without owner.")
                    % {"name": name},
                )
            )
        return found

    def resolve_accounts(self, names: Iterable[str | None]) -> None:
        wanted = {fold_: name for name in names if name and (fold_ := name.strip().casefold())}
        for batch in chunks(wanted):
            for row in (
                crm.Account.objects.filter(workspace=self.workspace)
                .annotate(folded=Lower("name"))
                .filter(folded__in=batch)
                .order_by("id")
                .values("id", "folded")
            ):
                self._accounts.setdefault(row["folded"], row["id"])
        self._new_accounts = {k: v for k, v in wanted.items() if k not in self._accounts}

    def accounts_to_create(self) -> int:
        return len(self._new_accounts)

    def create_accounts(self) -> int:
        if not self._new_accounts:
            return 0
        accounts = [
            crm.Account(workspace=self.workspace, name=name[:200], source_system=self.source)
            for name in self._new_accounts.values()
        ]
        crm.Account.objects.bulk_create(accounts, batch_size=BATCH)
        for account in accounts:
            self._accounts[account.name.strip().casefold()] = account.pk
        return len(accounts)

    def account_id(self, name: str | None) -> int | None:
        return self._accounts.get(name.strip().casefold()) if name else None

    # -- writing -------------------------------------------------------------------------
    @abstractmethod
    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        """Write the matched groups in bulk; return the counts (created, updated…)."""

    def blank(self, **attrs: Any) -> Any:
        """A new row to fill: a plain namespace for the fast insert (creating a model instance
        costs more than inserting it), a model instance when its id is needed afterwards."""
        if self.needs_ids:
            return self.model(workspace_id=self.workspace.pk, **attrs)
        if self._defaults is None:
            self._defaults = FastInsert(self.model).defaults()
        return SimpleNamespace(
            **{**self._defaults, "workspace_id": self.workspace.pk, **attrs}, pk=None
        )

    def _apply(self, obj: Any, group: Group, source: dict[str, str] | None = None) -> None:
        for key, attr in (source or self.columns).items():
            if key in group.values:
                setattr(obj, attr, group.values[key])
        if group.extra.get("adopt_id") or obj.pk is None:
            obj.source_system = self.source
            obj.external_id = group.values.get("external_id") or obj.external_id

    def _save(
        self,
        model: type[models.Model],
        new: list[Any],
        changed: list[Any],
        update_fields: list[str],
        tick: Tick,
        done: int = 0,
    ) -> int:
        """Bulk INSERT the new rows, bulk upsert the changed ones on their primary key."""
        inserter = FastInsert(model)
        for batch in chunks(new, BATCH):
            if self.needs_ids:
                model._default_manager.bulk_create(batch)
            else:
                inserter.insert(batch)
            done += len(batch)
            tick(done)
        fields = [*update_fields, "source_system", "external_id", "updated_at"]
        by_columns: dict[tuple[str, ...], list[Any]] = {}
        for row in changed:
            if isinstance(row, Changed):
                by_columns.setdefault(tuple(sorted(set(vars(row)) - {"pk"})), []).append(row)
        for batch in chunks((r for r in changed if not isinstance(r, Changed)), BATCH):
            model._default_manager.bulk_create(
                batch, update_conflicts=True, unique_fields=["id"], update_fields=fields
            )
            done += len(batch)
            tick(done)
        for columns, rows in by_columns.items():
            for batch in chunks(rows, BATCH):
                inserter.update(batch, list(columns))
                done += len(batch)
                tick(done)
        return done

    def _existing(self, model: type[models.Model], groups: list[Group]) -> Any:
        """pk → the row to change: a ``Changed`` (fast updates) or the loaded instance."""
        if self.fast_updates:
            return _ChangedRows()
        return self._load(model, [g.pk for g in groups if g.pk])

    def _load(self, model: type[models.Model], pks: list[int]) -> dict[int, Any]:
        loaded: dict[int, Any] = {}
        for batch in chunks(pks):
            loaded.update(model._default_manager.in_bulk(batch))
        return loaded


class Changed(SimpleNamespace):
    """An existing row to update: only the attributes the file sets (an empty cell keeps the
    stored value), so nothing needs loading first."""


class FastInsert:
    """Multi-row INSERT of model instances without the ORM's per-value SQL compilation (which
    costs ~10× the database's own work): ``executemany`` of one prepared statement, or ``COPY``
    on PostgreSQL. Only for rows whose new ids nobody needs afterwards."""

    _RAW = (
        models.CharField,
        models.TextField,
        models.BooleanField,
        models.IntegerField,
        models.ForeignKey,
    )

    def __init__(self, model: type[models.Model]) -> None:
        self.model = model
        self.connection = connections[router.db_for_write(model)]
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.raw = [
            isinstance(f, self._RAW) and not isinstance(f, models.JSONField) for f in self.fields
        ]
        self.stamped = [
            isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add)
            for f in self.fields
        ]

    def defaults(self) -> dict[str, Any]:
        return {f.attname: f.get_default() for f in self.fields}

    def _values(self, objs: list[Any]) -> Iterator[list[Any]]:
        connection = self.connection
        now = timezone.now()
        stamp = connection.ops.adapt_datetimefield_value(now)  # the same for every row
        # per column: 0 raw value, 1 the batch's timestamp, 2 the field prepares the value
        how = [
            1 if st else (0 if raw else 2) for raw, st in zip(self.raw, self.stamped, strict=True)
        ]
        columns = [(f.attname, f, h) for f, h in zip(self.fields, how, strict=True)]
        for obj in objs:
            row = []
            for attname, field, kind in columns:
                if kind == 0:
                    row.append(getattr(obj, attname))
                elif kind == 1:
                    setattr(obj, attname, now)
                    row.append(stamp)
                else:
                    row.append(field.get_db_prep_save(getattr(obj, attname), connection))
            yield row

    def insert(self, objs: list[Any]) -> None:
        quote = self.connection.ops.quote_name
        table = quote(self.model._meta.db_table)
        columns = ", ".join(quote(f.column) for f in self.fields)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self._values(objs):
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.fields))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(self._values(objs))
                )

    def update(self, rows: list[Any], attnames: list[str]) -> None:
        """UPDATE … SET the given columns (and ``updated_at``) WHERE id = …: ``executemany`` on
        SQLite; on PostgreSQL ``COPY`` into a temporary table and one ``UPDATE … FROM``."""
        connection, quote = self.connection, self.connection.ops.quote_name
        opts = self.model._meta
        by_attname = {f.attname: f for f in self.fields}
        fields = [by_attname[a] for a in attnames if a != "updated_at"]
        fields.append(by_attname["updated_at"])
        now = timezone.now()
        raw = [isinstance(f, self._RAW) and not isinstance(f, models.JSONField) for f in fields]
        values = [
            [
                *(
                    (v if r else f.get_db_prep_save(v, connection))
                    for f, r, v in zip(
                        fields,
                        raw,
                        [getattr(row, f.attname) for f in fields[:-1]] + [now],
                        strict=True,
                    )
                ),
                row.pk,
            ]
            for row in rows
        ]
        table = quote(opts.db_table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                columns = ", ".join(f"{quote(f.column)} {f.db_type(connection)}" for f in fields)
                cursor.execute(f"CREATE TEMPORARY TABLE dataio_changed ({columns}, id bigint)")
                names = ", ".join(quote(f.column) for f in fields)
                with cursor.cursor.copy(f"COPY dataio_changed ({names}, id) FROM STDIN") as copy:
                    for row in values:
                        copy.write_row(row)
                sets = ", ".join(f"{quote(f.column)} = c.{quote(f.column)}" for f in fields)
                cursor.execute(
                    f"UPDATE {table} SET {sets} FROM dataio_changed c WHERE {table}.id = c.id"
                )
                cursor.execute("DROP TABLE dataio_changed")
            else:
                sets = ", ".join(f"{quote(f.column)} = %s" for f in fields)
                cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", values)


class _ChangedRows(dict[int, Changed]):
    def __missing__(self, pk: int) -> Changed:
        return Changed(pk=pk)


# -- contacts ------------------------------------------------------------------------------

_CONTACT_COLUMNS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "job_title": "job_title",
    "phone": "phone",
    "country": "country",
}


class Contacts(Handler):
    model = crm.Contact
    fast_updates = True
    columns = _CONTACT_COLUMNS

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.natural_label = _("e-mail")

    def check(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        if not values.get("email") and not values.get("external_id"):
            return [
                (
                    "email",
                    _(
                        "A contact needs an e-mail or an external id to be found again on re-import."
                    ),
                )
            ]
        return []

    def natural(self, values: dict[str, Any]) -> Any:
        return values.get("email")

    def _label(self, row: dict[str, Any]) -> str:
        name = f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()
        email = row.get("email") or ""
        return f"{name} <{email}>" if name and email else name or email

    def _natural_rows(
        self, groups: list[Group], fields: tuple[str, ...]
    ) -> dict[Any, dict[str, Any]]:
        found: dict[Any, dict[str, Any]] = {}
        emails = {g.values["email"] for g in groups if g.values.get("email")}
        extra = [f for f in fields if f not in ("id", "email", "external_id", "source_system")]
        for batch in chunks(emails):
            for row in crm.Contact.objects.filter(workspace=self.workspace, email__in=batch).values(
                "id", "email", "external_id", "source_system", *extra
            ):
                found[row["email"]] = row
        return found

    def prepare(self, groups: list[Group]) -> list[tuple[Group, str]]:
        rejected = self._match(groups, _("contact"), ("first_name", "last_name", "email"))
        self.resolve_accounts(g.values.get("account") for g in groups)
        for group in groups:
            group.extra["owner_id"] = self.owner_id(group)
        return rejected

    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        created = self.create_accounts()
        new, changed = self.build(groups)
        self._save(crm.Contact, new, changed, [*self.columns.values(), "account", "owner"], tick)
        return {"accounts_created": created}

    def build(self, groups: list[Group]) -> tuple[list[Any], list[Any]]:
        existing = self._existing(crm.Contact, groups)
        new: list[Any] = []
        changed: list[Any] = []
        for group in groups:
            if group.pk:
                contact = existing[group.pk]
                changed.append(contact)
            else:
                contact = self.blank()
                new.append(contact)
            self._apply(contact, group)
            if group.values.get("account"):
                contact.account_id = self.account_id(group.values["account"])
            if group.extra.get("owner_id"):
                contact.owner_id = group.extra["owner_id"]
            group.extra["contact"] = contact
        return new, changed


# -- leads ---------------------------------------------------------------------------------

_STEP_FIELDS = (
    ("inquiry_at", funnel.Stage.INQUIRY),
    ("mql_at", funnel.Stage.MQL),
    ("sal_at", funnel.Stage.SAL),
    ("sql_at", funnel.Stage.SQL),
    ("won_at", funnel.Stage.WON),
)


class Leads(Contacts):
    """A lead and its contact: HubSpot contacts exports and Salesforce lead reports. The
    lifecycle dates become backdated, imported stage history."""

    model = funnel.Lead  # type: ignore[assignment]
    needs_ids = True
    fast_updates = False

    def prepare(self, groups: list[Group]) -> list[tuple[Group, str]]:
        rejected: list[tuple[Group, str]] = []
        by_ext = self._by_external_id(
            groups, "contact_id", "contact__email", "stage", "stage_entered_at"
        )
        contacts = self._natural_rows(groups, ("first_name", "last_name"))
        latest = self._latest_leads({c["id"] for c in contacts.values()})
        campaigns = self._campaigns(groups)
        for group in groups:
            ext, email = group.values.get("external_id"), group.values.get("email")
            lead = by_ext.get(ext) if ext else None
            contact = contacts.get(email) if email else None
            if lead and contact and lead["contact_id"] != contact["id"]:
                rejected.append(
                    (
                        group,
                        _(
                            "Its external id %(ext)s matches lead #%(lead)s (contact %(lead_email)s) "
                            "but its e-mail %(email)s matches contact #%(contact)s (%(label)s): "
                            "which one is it? Fix the file or one of the two records."
                        )
                        % {
                            "ext": ext,
                            "lead": lead["id"],
                            "lead_email": lead["contact__email"] or "—",
                            "email": email,
                            "contact": contact["id"],
                            "label": self._label(contact),
                        },
                    )
                )
                continue
            if lead is None and contact is not None:
                lead = latest.get(contact["id"])
                if (
                    lead
                    and ext
                    and lead.get("external_id")
                    and lead.get("source_system") == self.source
                    and lead["external_id"] != ext
                ):
                    lead = None  # another lead of the same person in that system: a new one
                elif lead and ext and not lead.get("external_id"):
                    group.extra["adopt_id"] = True
            name = group.values.get("source_campaign")
            if name:
                campaign = campaigns.get(name.strip().casefold())
                if campaign is None:
                    rejected.append((group, _no_campaign(name)))
                    continue
                group.extra["campaign_id"] = campaign
            group.pk = lead["id"] if lead else None
            group.extra["lead"] = lead
            group.extra["contact_id"] = (
                lead["contact_id"] if lead else (contact["id"] if contact else None)
            )
            group.extra["owner_id"] = self.owner_id(group)
            try:
                group.extra["steps"] = self._steps(group, lead)
            except CellError as exc:
                rejected.append((group, str(exc)))
        self.resolve_accounts(g.values.get("account") for g in groups)
        self._drop_known_steps(groups)
        return rejected

    def _latest_leads(self, contact_ids: set[int]) -> dict[int, dict[str, Any]]:
        latest: dict[int, dict[str, Any]] = {}
        for batch in chunks(contact_ids):
            for row in (
                funnel.Lead.objects.filter(workspace=self.workspace, contact_id__in=batch)
                .order_by("contact_id", "-created_at", "-id")
                .values(
                    "id", "contact_id", "stage", "stage_entered_at", "external_id", "source_system"
                )
            ):
                latest.setdefault(row["contact_id"], dict(row))
        return latest

    def _campaigns(self, groups: list[Group]) -> dict[str, int]:
        names = {n.strip().casefold() for g in groups if (n := g.values.get("source_campaign"))}
        found: dict[str, int] = {}
        for batch in chunks(names):
            for row in (
                crm.Campaign.objects.filter(workspace=self.workspace)
                .annotate(folded=Lower("name"))
                .filter(folded__in=batch)
                .order_by("id")
                .values("id", "folded")
            ):
                found.setdefault(row["folded"], row["id"])
        return found

    def _steps(self, group: Group, lead: dict[str, Any] | None) -> list[tuple[str, dt.datetime]]:
        values = group.values
        dated: dict[str, dt.datetime] = {}
        first = [d for d in (values.get("created_at"), values.get("inquiry_at")) if d]
        if first:
            dated[funnel.Stage.INQUIRY] = min(first)
        for name, stage in _STEP_FIELDS[1:]:
            if values.get(name):
                dated[stage] = values[name]
        steps = sorted(dated.items(), key=lambda s: s[1])
        current = values.get("lead_status") or values.get("stage") or ""
        if current and current not in dated:
            latest = max([at for _s, at in steps], default=None)
            if lead is not None:
                if lead["stage"] == current:
                    current = ""
                latest = max(filter(None, [latest, lead["stage_entered_at"]]), default=None)
            if current:
                steps.append((current, latest or timezone.now()))
        if lead is None and not steps:
            steps.append((funnel.Stage.INQUIRY, timezone.now()))
        return steps

    def _drop_known_steps(self, groups: list[Group]) -> None:
        """Re-importing the same file adds no history twice."""
        matched = {g.pk: g for g in groups if g.pk}
        known: set[tuple[int, str, dt.datetime]] = set()
        for batch in chunks(matched):
            known.update(
                funnel.LeadStageChange.objects.filter(lead_id__in=batch).values_list(
                    "lead_id", "to_stage", "at"
                )
            )
        for pk, group in matched.items():
            group.extra["steps"] = [
                (s, at) for s, at in group.extra["steps"] if (pk, s, at) not in known
            ]

    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        created = self.create_accounts()
        contact_groups = []
        for group in groups:
            contact_values = {
                k: v for k, v in group.values.items() if k in _CONTACT_COLUMNS or k == "account"
            }
            contact_groups.append(_ContactRow(group, contact_values))
        contacts_new, contacts_changed = self._contacts(contact_groups)
        self._save(
            crm.Contact,
            contacts_new,
            contacts_changed,
            [*_CONTACT_COLUMNS.values(), "account"],
            lambda n: None,
        )
        existing = self._load(funnel.Lead, [g.pk for g in groups if g.pk])
        new: list[Any] = []
        changed: list[Any] = []
        histories: list[tuple[Any, list[ImportedStep]]] = []
        for group, row in zip(groups, contact_groups, strict=True):
            steps = [
                ImportedStep(stage, at, source=self.source) for stage, at in group.extra["steps"]
            ]
            if group.pk:
                lead = existing[group.pk]
                changed.append(lead)
            else:  # created in the state its imported history leaves it in
                stage, entered_at, mql_at = imported_lead_state(steps)
                lead = funnel.Lead(
                    workspace=self.workspace,
                    contact_id=row.contact.pk,
                    stage=stage,
                    stage_entered_at=entered_at,
                    mql_at=mql_at,
                )
                new.append(lead)
            self._apply(lead, group, {"source_channel": "source_channel"})
            if group.extra.get("campaign_id"):
                lead.source_campaign_id = group.extra["campaign_id"]
            if group.extra.get("owner_id"):
                lead.owner_id = group.extra["owner_id"]
            histories.append((lead, steps))
        self._save(funnel.Lead, new, changed, ["source_channel", "source_campaign", "owner"], tick)
        history = lead_history_import_many(workspace_id=self.workspace.pk, items=histories)
        transaction.on_commit(partial(funnel_changed, self.workspace.pk))
        return {"accounts_created": created, "history_rows": history}

    def _contacts(self, rows: list[_ContactRow]) -> tuple[list[Any], list[Any]]:
        existing = self._load(
            crm.Contact,
            [r.group.extra["contact_id"] for r in rows if r.group.extra.get("contact_id")],
        )
        new: list[Any] = []
        changed: list[Any] = []
        for row in rows:
            contact_id = row.group.extra.get("contact_id")
            if contact_id:
                contact = existing[contact_id]
                changed.append(contact)
            else:
                contact = crm.Contact(workspace=self.workspace, source_system=self.source)
                new.append(contact)
            for key, attr in _CONTACT_COLUMNS.items():
                if key in row.values:
                    setattr(contact, attr, row.values[key])
            if row.values.get("account"):
                contact.account_id = self.account_id(row.values["account"])
            row.contact = contact
        return new, changed


class _ContactRow:
    def __init__(self, group: Group, values: dict[str, Any]) -> None:
        self.group, self.values = group, values
        self.contact: Any = None


# -- accounts ------------------------------------------------------------------------------

_SIZE_BANDS = ((10, "1-9"), (50, "10-49"), (250, "50-249"), (1000, "250-999"), (5000, "1000-4999"))


def size_band(employees: int) -> str:
    for upper, band in _SIZE_BANDS:
        if employees < upper:
            return band
    return "5000+"


class Accounts(Handler):
    model = crm.Account
    fast_updates = True
    columns = {k: k for k in ("name", "domain", "industry", "country", "region", "city")}

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.natural_label = _("name")

    def check(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        if values.get("employees", 0) < 0:
            return [("employees", _("The number of employees cannot be negative."))]
        return []

    def natural(self, values: dict[str, Any]) -> Any:
        return _fold_name(values.get("name"))

    def prepare(self, groups: list[Group]) -> list[tuple[Group, str]]:
        rejected = self._match(groups, _("account"), ("name",))
        for group in groups:
            group.extra["owner_id"] = self.owner_id(group)
        return rejected

    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        existing = self._existing(crm.Account, groups)
        new: list[Any] = []
        changed: list[Any] = []
        for group in groups:
            account = existing[group.pk] if group.pk else self.blank()
            (changed if group.pk else new).append(account)
            self._apply(account, group)
            if "employees" in group.values:
                account.size_band = size_band(group.values["employees"])
            if group.extra.get("owner_id"):
                account.owner_id = group.extra["owner_id"]
        self._save(crm.Account, new, changed, [*self.columns.values(), "size_band", "owner"], tick)
        return {}


# -- opportunities -------------------------------------------------------------------------

_MAX_AMOUNT = Decimal("1e12")


class Opportunities(Handler):
    model = funnel.Opportunity
    fast_updates = True
    columns = {
        k: k
        for k in ("name", "amount", "currency", "stage", "created_on", "close_date", "loss_reason")
    }

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.natural_label = _("account and name")

    def check(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        amount = values.get("amount")
        if amount is not None:
            if amount < 0:
                problems.append(("amount", _("An amount cannot be negative.")))
            elif amount >= _MAX_AMOUNT:
                problems.append(("amount", _("This amount is too large.")))
            else:
                values["amount"] = amount.quantize(Decimal("0.01"))
        probability = values.get("probability")
        if probability is not None and not 0 <= probability <= 100:
            problems.append(("probability", _("A probability is between 0 and 100.")))
        return problems + _check_currency(values)

    def natural(self, values: dict[str, Any]) -> Any:
        if values.get("account") and values.get("name"):
            return (_fold_name(values["account"]), _fold_name(values["name"]))
        return None

    def _key_text(self, key: Any) -> str:
        return " / ".join(key) if isinstance(key, tuple) else str(key)

    def _natural_rows(
        self, groups: list[Group], fields: tuple[str, ...]
    ) -> dict[Any, dict[str, Any]]:
        by_id = {v: k for k, v in self._accounts.items()}
        found: dict[Any, dict[str, Any]] = {}
        for batch in chunks(by_id):
            for row in funnel.Opportunity.objects.filter(
                workspace=self.workspace, account_id__in=batch
            ).values("id", "name", "account_id", "external_id", "source_system"):
                key = (by_id[row["account_id"]], row["name"].strip().casefold())
                found.setdefault(key, dict(row))
        return found

    def prepare(self, groups: list[Group]) -> list[tuple[Group, str]]:
        self.resolve_accounts(g.values.get("account") for g in groups)
        rejected = self._match(groups, _("opportunity"), ("name",))
        for group in groups:
            group.extra["owner_id"] = self.owner_id(group)
        return rejected

    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        created = self.create_accounts()
        existing = self._existing(funnel.Opportunity, groups)
        new: list[Any] = []
        changed: list[Any] = []
        for group in groups:
            if group.pk:
                opportunity = existing[group.pk]
                changed.append(opportunity)
            else:
                opportunity = self.blank()
                new.append(opportunity)
            self._apply(opportunity, group)
            if not group.pk:
                opportunity_defaults(self.workspace, opportunity)
            opportunity.account_id = self.account_id(group.values["account"])
            if group.extra.get("owner_id"):
                opportunity.owner_id = group.extra["owner_id"]
        self._save(
            funnel.Opportunity, new, changed, [*self.columns.values(), "account", "owner"], tick
        )
        return {"accounts_created": created}


# -- campaigns -----------------------------------------------------------------------------


class Campaigns(Handler):
    model = crm.Campaign
    fast_updates = True
    columns = {
        k: k
        for k in (
            "name",
            "channel",
            "type",
            "status",
            "start_date",
            "end_date",
            "budget",
            "currency",
        )
    }

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.natural_label = _("name")

    def check(self, values: dict[str, Any]) -> list[tuple[str, str]]:
        problems = []
        if not values.get("channel"):
            derived = CHANNELS.values.get(fold(values.get("type") or ""))
            if derived:
                values["channel"] = derived
            else:
                problems.append(
                    (
                        "channel",
                        _(
                            "A campaign needs a channel (or a type that names one, such as Webinar)."
                        ),
                    )
                )
        error = campaign_dates_error(values.get("start_date"), values.get("end_date"))
        if error:
            problems.append(("end_date", error))
        budget = values.get("budget")
        if budget is not None:
            if budget < 0 or budget >= _MAX_AMOUNT:
                problems.append(("budget", _("A budget is a positive amount.")))
            else:
                values["budget"] = budget.quantize(Decimal("0.01"))
        return problems + _check_currency(values)

    def natural(self, values: dict[str, Any]) -> Any:
        return _fold_name(values.get("name"))

    def prepare(self, groups: list[Group]) -> list[tuple[Group, str]]:
        return self._match(groups, _("campaign"), ("name",))

    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        existing = self._existing(crm.Campaign, groups)
        new: list[Any] = []
        changed: list[Any] = []
        for group in groups:
            campaign = existing[group.pk] if group.pk else self.blank()
            (changed if group.pk else new).append(campaign)
            self._apply(campaign, group)
            if not group.pk:
                campaign_defaults(self.workspace, campaign)
        self._save(crm.Campaign, new, changed, list(self.columns.values()), tick)
        return {}


# -- touchpoints ---------------------------------------------------------------------------


class Touchpoints(Handler):
    model = funnel.Touchpoint
    columns = {k: k for k in ("kind", "occurred_at", "channel", "note")}

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.natural_label = _("contact, kind and time")

    def natural(self, values: dict[str, Any]) -> Any:
        if values.get("contact_email") and values.get("kind") and values.get("occurred_at"):
            return (values["contact_email"], values["kind"], values["occurred_at"])
        return None

    def _key_text(self, key: Any) -> str:
        if isinstance(key, tuple):
            return f"{key[0]} / {key[1]} / {key[2]:%Y-%m-%d %H:%M}"
        return str(key)

    def prepare(self, groups: list[Group]) -> list[tuple[Group, str]]:
        emails = {g.values["contact_email"] for g in groups}
        contacts: dict[str, int] = {}
        for batch in chunks(emails):
            for email, contact_id in crm.Contact.objects.filter(
                workspace=self.workspace, email__in=batch
            ).values_list("email", "id"):
                contacts[str(email)] = contact_id
        campaigns = self._campaign_map(groups)
        leads: dict[int, int] = {}
        for batch in chunks(set(contacts.values())):
            for contact_id, lead_id in (
                funnel.Lead.objects.filter(workspace=self.workspace, contact_id__in=batch)
                .order_by("contact_id", "-created_at", "-id")
                .values_list("contact_id", "id")
            ):
                leads.setdefault(contact_id, lead_id)
        rejected: list[tuple[Group, str]] = []
        keep: list[Group] = []
        for group in groups:
            email = group.values["contact_email"]
            if email not in contacts:
                rejected.append(
                    (
                        group,
                        _("No contact has the e-mail %(email)s: import the contacts first.")
                        % {"email": email},
                    )
                )
                continue
            group.extra["contact_id"] = contacts[email]
            group.extra["lead_id"] = leads.get(contacts[email])
            name = group.values.get("campaign")
            if name:
                campaign = campaigns.get(name.strip().casefold())
                if campaign is None:
                    rejected.append((group, _no_campaign(name)))
                    continue
                group.extra["campaign_id"], channel = campaign
                group.values.setdefault("channel", channel)
            keep.append(group)
        rejected.extend(self._match_touches(keep))
        return rejected

    def _campaign_map(self, groups: list[Group]) -> dict[str, tuple[int, str]]:
        names = {n.strip().casefold() for g in groups if (n := g.values.get("campaign"))}
        found: dict[str, tuple[int, str]] = {}
        for batch in chunks(names):
            for row in (
                crm.Campaign.objects.filter(workspace=self.workspace)
                .annotate(folded=Lower("name"))
                .filter(folded__in=batch)
                .order_by("id")
                .values("id", "folded", "channel")
            ):
                found.setdefault(row["folded"], (row["id"], row["channel"]))
        return found

    def _match_touches(self, groups: list[Group]) -> list[tuple[Group, str]]:
        by_ext = self._by_external_id(groups, "contact_id")
        natural: dict[tuple[int, str, dt.datetime], int] = {}
        for batch in chunks({g.extra["contact_id"] for g in groups}):
            for row in funnel.Touchpoint.objects.filter(
                workspace=self.workspace, contact_id__in=batch
            ).values_list("contact_id", "kind", "occurred_at", "id"):
                natural.setdefault(row[:3], row[3])
        rejected: list[tuple[Group, str]] = []
        for group in groups:
            ext = group.values.get("external_id")
            first = by_ext[ext]["id"] if ext and ext in by_ext else None
            second = natural.get(
                (group.extra["contact_id"], group.values["kind"], group.values["occurred_at"])
            )
            if first and second and first != second:
                rejected.append(
                    (
                        group,
                        _(
                            "Its external id %(ext)s matches touchpoint #%(a)s but the same contact, kind and time are touchpoint #%(b)s."
                        )
                        % {"ext": ext, "a": first, "b": second},
                    )
                )
                continue
            group.pk = first or second
        return rejected

    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        existing = self._load(funnel.Touchpoint, [g.pk for g in groups if g.pk])
        new: list[Any] = []
        changed: list[Any] = []
        for group in groups:
            touch = existing[group.pk] if group.pk else self.blank()
            (changed if group.pk else new).append(touch)
            self._apply(touch, group)
            touch.contact_id = group.extra["contact_id"]
            touch.lead_id = touch.lead_id or group.extra.get("lead_id")
            touch.campaign_id = group.extra.get("campaign_id") or touch.campaign_id
            touch.is_sales_activity = touch.kind in funnel.SALES_ACTIVITY_KINDS
        self._save(
            funnel.Touchpoint,
            new,
            changed,
            [*self.columns.values(), "contact", "lead", "campaign", "is_sales_activity"],
            tick,
        )
        lead_ids = sorted({g.extra["lead_id"] for g in groups if g.extra.get("lead_id")})
        for batch in chunks(lead_ids, 500):
            transaction.on_commit(partial(rescore.enqueue, self.workspace.pk, batch))
        return {}


HANDLERS: dict[str, type[Handler]] = {
    "contacts": Contacts,
    "leads": Leads,
    "accounts": Accounts,
    "opportunities": Opportunities,
    "campaigns": Campaigns,
    "touchpoints": Touchpoints,
}


def handler_for(job: ImportJob) -> Handler:
    return HANDLERS[job.kind](job)
