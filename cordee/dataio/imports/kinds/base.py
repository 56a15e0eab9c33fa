"""The shared machinery of every import kind: ``Handler`` (keys, matching a record of the file
to an existing row, resolving owners and companies, saving in batches) and the checks several
kinds share."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models.functions import Lower

from cordee.core.codes import currency_code
from cordee.crm import models as crm
from cordee.dataio.imports.kinds.bulk import BATCH, Changed, ChangedRows, FastInsert, chunks
from cordee.dataio.imports.rows import Group, RowError
from cordee.dataio.imports.values import fold
from cordee.dataio.imports.words import Text
from cordee.dataio.imports.words import later as _
from cordee.tenancy.models import Membership

if TYPE_CHECKING:
    from cordee.dataio.models import ImportJob

Tick = Callable[[int], None]


def fold_name(value: str | None) -> str | None:
    return value.strip().casefold() if value else None


def check_currency(values: dict[str, Any]) -> list[tuple[str, Text]]:
    """The currency as every writer stores it (``core.codes``), or why the row is refused."""
    if values.get("currency") is None:
        return []
    try:
        values["currency"] = currency_code(values["currency"])
    except ValueError as exc:
        return [("currency", str(exc))]
    return []


def no_campaign(name: str) -> Text:
    """Why a row naming an unknown campaign is rejected (leads and touchpoints alike)."""
    return _("No campaign is called %(name)s in this workspace: import the campaigns first.") % {
        "name": name
    }


MAX_AMOUNT = Decimal("1e12")


class Handler(ABC):
    """Shared machinery; one subclass per kind."""

    model: type[models.Model]
    natural_label: Text = ""
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
    def check(self, values: dict[str, Any]) -> list[tuple[str, Text]]:
        return []

    def keys(self, values: dict[str, Any]) -> tuple[Any, Any]:
        return values.get("external_id"), self.natural(values)

    def natural(self, values: dict[str, Any]) -> Any:
        return None

    def describe_key(self, which: str, key: Any) -> Text:
        if which == "ext":
            return _("external id %(id)s") % {"id": key}
        return _("%(what)s %(value)s") % {"what": self.natural_label, "value": self._key_text(key)}

    def _key_text(self, key: Any) -> str:
        return str(key)

    # -- matching (reads only) -----------------------------------------------------------
    @abstractmethod
    def prepare(self, groups: list[Group]) -> list[tuple[Group, Text]]:
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
        self, what: Text, ext: str, first: dict[str, Any], nat: str, second: dict[str, Any]
    ) -> Text:
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

    def _identity(self, group: Group, existing: dict[str, Any] | None) -> Text | None:
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
        self, groups: list[Group], what: Text, fields: tuple[str, ...]
    ) -> list[tuple[Group, Text]]:
        """Match on external id, then on the natural key (a name: ``self._natural_rows``)."""
        if not self.model._default_manager.filter(workspace=self.workspace).exists():
            return []  # a first import: nothing to look up, batch after batch
        by_ext = self._by_external_id(groups, *fields)
        by_nat = self._natural_rows(groups, fields)
        rejected: list[tuple[Group, Text]] = []
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
    def campaigns_named(self, groups: list[Group], column: str) -> dict[str, tuple[int, str]]:
        """(id, channel) of each campaign the file names in ``column``, by its folded name
        (the first created wins when two campaigns share a name)."""
        names = {n.strip().casefold() for g in groups if (n := g.values.get(column))}
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

    def owner_id(self, group: Group) -> int | None:
        name = group.values.get("owner")
        if not name:
            return None
        found = self.owner_named(name)
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

    def owner_named(self, name: str) -> int | None:
        """The member of the workspace called ``name`` (an e-mail or a full name), or None."""
        if self._owners is None:
            self._owners = {}
            for m in Membership.objects.filter(workspace=self.workspace).select_related("user"):
                self._owners[fold(m.user.email)] = m.user_id
                self._owners.setdefault(fold(m.user.get_full_name()), m.user_id)
        return self._owners.get(fold(name))

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

    def history_to_write(self, groups: list[Group]) -> int:
        """How many stage-history rows writing ``groups`` adds (only leads have history)."""
        return 0

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
            return ChangedRows()
        return self._load(model, [g.pk for g in groups if g.pk])

    def _load(self, model: type[models.Model], pks: list[int]) -> dict[int, Any]:
        loaded: dict[int, Any] = {}
        for batch in chunks(pks):
            loaded.update(model._default_manager.in_bulk(batch))
        return loaded
