"""Contacts written the set-based way on PostgreSQL: the checked file (``columnar.Columns``) is
``COPY``'d into a temporary table, matched to the existing contacts by two joins, and written by
one ``INSERT … SELECT`` and one ``UPDATE … FROM`` — no row goes through Python on the way.

The same rules as ``Contacts`` (``kinds.contacts`` and ``kinds.base``), for a file in which every
external id and every e-mail is given once (no two rows to merge: the engine sends other files
the row path): a record is found by its external id in the job's source system, else by its
e-mail; both finding two different contacts, or the e-mail finding a contact that carries
another id of the same system, rejects the row with the row path's words; two rows finding the
same contact reject the later one; a contact found by its e-mail without an external id adopts
the file's. An empty cell keeps the stored value; the companies are found by name (case
ignored) or created; the owners by e-mail or name.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection
from django.utils import timezone

from cordee.crm import models as crm
from cordee.dataio.imports.columnar import Columns
from cordee.dataio.imports.kinds.base import Handler
from cordee.dataio.imports.kinds.bulk import FastInsert
from cordee.dataio.imports.kinds.contacts import CONTACT_COLUMNS
from cordee.dataio.imports.rows import Group, RowError
from cordee.dataio.imports.words import Text
from cordee.dataio.imports.words import later as _

STAGE, MATCHED, ACCOUNTS, OWNERS = (
    "dataio_stage",
    "dataio_matched",
    "dataio_accounts",
    "dataio_owners",
)
FIELDS = ("external_id", *CONTACT_COLUMNS, "account", "owner")


def applies(kind: str, columns: Columns) -> bool:
    """Contacts on PostgreSQL whose file names each external id and each e-mail once."""
    if kind != "contacts" or connection.vendor != "postgresql":
        return False
    for name in ("external_id", "email"):
        if name in columns.values.column_names:
            column = columns.values.column(name)
            given = len(column) - column.null_count
            if pc.count_distinct(column).as_py() != given:
                return False
    return True


def _copy(cursor: Any, table: str, data: pa.Table) -> None:
    """``COPY`` an Arrow table in (nulls as NULL, texts quoted, so ``""`` stays a text)."""
    buffer = io.BytesIO()
    pacsv.write_csv(data, buffer, pacsv.WriteOptions(include_header=False))
    columns = ", ".join(data.column_names)
    with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
        view = buffer.getbuffer()
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start : start + (1 << 20)])


class StagedContacts:
    def __init__(self, handler: Handler, columns: Columns) -> None:
        self.handler = handler
        self.columns = columns
        self.workspace_id = handler.workspace.pk
        self.source = handler.source
        self.created = self.updated = 0

    # -- staging and matching (no write to the tenant's tables) -------------------------------
    def stage(self) -> None:
        values = self.columns.values
        data = {"line": self.columns.lines}
        for name in FIELDS:
            if name in values.column_names:
                data[name] = values.column(name)
        with connection.cursor() as cursor:
            self.close(cursor)
            columns = ", ".join(f"{name} text" for name in FIELDS)
            cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} (line integer PRIMARY KEY, {columns})")
            _copy(cursor, STAGE, pa.table(data))
            cursor.execute(f"ANALYZE {STAGE}")

    def close(self, cursor: Any = None) -> None:
        if cursor is None:
            with connection.cursor() as cursor:
                self.close(cursor)
            return
        for table in (STAGE, MATCHED, ACCOUNTS, OWNERS):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")

    def prepare(self) -> list[tuple[int, Text]]:
        """Match every staged record; the rejected ones (line, reason), removed from the stage."""
        table = crm.Contact._meta.db_table
        existing = crm.Contact.objects.filter(workspace_id=self.workspace_id).exists()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""CREATE TEMPORARY TABLE {MATCHED} AS
                SELECT s.line, s.external_id AS ext, s.email, e.id AS by_ext, n.id AS by_nat,
                       n.external_id AS nat_ext, n.source_system AS nat_source, false AS adopt
                FROM {STAGE} s
                LEFT JOIN {table} e ON e.workspace_id = %s AND e.source_system = %s
                     AND e.external_id = s.external_id
                LEFT JOIN {table} n ON n.workspace_id = %s AND n.email = s.email
                WHERE (e.id IS NOT NULL OR n.id IS NOT NULL) AND %s""",
                [self.workspace_id, self.source, self.workspace_id, existing],
            )
            rejected = self._conflicts(cursor)
            self._remove(cursor, [line for line, _reason in rejected])
            cursor.execute(
                f"""SELECT line, pk, first FROM (
                    SELECT line, COALESCE(by_ext, by_nat) AS pk,
                           min(line) OVER (PARTITION BY COALESCE(by_ext, by_nat)) AS first
                    FROM {MATCHED}) t WHERE line <> first ORDER BY line"""
            )
            twice = [
                (
                    line,
                    _("Lines %(a)s and %(b)s both match the existing record #%(id)s.")
                    % {"a": first, "b": line, "id": pk},
                )
                for line, pk, first in cursor.fetchall()
            ]
            self._remove(cursor, [line for line, _reason in twice])
            cursor.execute(
                f"""UPDATE {MATCHED} SET adopt = true
                WHERE by_ext IS NULL AND ext IS NOT NULL AND COALESCE(nat_ext, '') = ''"""
            )
            cursor.execute(f"ANALYZE {MATCHED}")
            cursor.execute(
                f"SELECT (SELECT count(*) FROM {STAGE}), (SELECT count(*) FROM {MATCHED})"
            )
            staged, matched = cursor.fetchone()
        self.created, self.updated = staged - matched, matched
        self._accounts_and_owners()
        return [*rejected, *twice]

    def created_lines(self, limit: int) -> list[int]:
        """The first ``limit`` lines that make new contacts (after ``prepare``), in file order."""
        if not self.created:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT line FROM {STAGE} s
                WHERE NOT EXISTS (SELECT 1 FROM {MATCHED} m WHERE m.line = s.line)
                ORDER BY line LIMIT %s""",
                [limit],
            )
            return [line for (line,) in cursor.fetchall()]

    def _conflicts(self, cursor: Any) -> list[tuple[int, Text]]:
        """The row path's two refusals (``Handler._match``): the id and the e-mail find two
        contacts; the e-mail finds one that has another id of the same system."""
        cursor.execute(
            f"""SELECT line, ext, email, by_ext, by_nat, nat_ext, nat_source FROM {MATCHED}
            WHERE (by_ext IS NOT NULL AND by_nat IS NOT NULL AND by_ext <> by_nat)
               OR (by_ext IS NULL AND ext IS NOT NULL AND COALESCE(nat_ext, '') <> ''
                   AND nat_source = %s AND nat_ext <> ext)
            ORDER BY line""",
            [self.source],
        )
        found = cursor.fetchall()
        if not found:
            return []
        ids = {pk for row in found for pk in row[3:5] if pk}
        rows: dict[int, dict[str, Any]] = {
            row["id"]: dict(row)
            for row in crm.Contact.objects.filter(pk__in=ids).values(
                "id", "first_name", "last_name", "email", "external_id", "source_system"
            )
        }
        handler = self.handler
        rejected: list[tuple[int, Text]] = []
        for line, ext, email, by_ext, by_nat, _nat_ext, _nat_source in found:
            if by_ext is not None:
                reason: Text | None = handler._conflict(
                    _("contact"), str(ext), rows[by_ext], handler._key_text(email), rows[by_nat]
                )
            else:
                reason = handler._identity(Group([line], {"external_id": ext}), rows[by_nat])
            if reason:
                rejected.append((line, reason))
        return rejected

    def _remove(self, cursor: Any, lines: list[int]) -> None:
        if lines:
            for table in (STAGE, MATCHED):
                cursor.execute(f"DELETE FROM {table} WHERE line = ANY(%s)", [lines])

    def _accounts_and_owners(self) -> None:
        """The companies named (found, or to create when writing) and the owners, with a warning
        on each row naming nobody of the workspace (as ``Handler.owner_id``)."""
        values, handler = self.columns.values, self.handler
        self.account_names: list[str] = []
        if "account" in values.column_names:
            named = values.column("account").drop_null()
            self.account_names = pc.unique(named).to_pylist()
            # as the row path's names in file order: a company is created in the order of its
            # first row, under the spelling of its last one
            by_last = pc.unique(named[::-1]).to_pylist()[::-1]
            handler.resolve_accounts([*self.account_names, *by_last])
        else:
            handler.resolve_accounts([])
        self.owners: dict[str, int] = {}
        if "owner" not in values.column_names:
            return
        column = values.column("owner")
        unknown: set[str] = set()
        for name in pc.unique(column.drop_null()).to_pylist():
            found = handler.owner_named(name)
            if found is None:
                unknown.add(name)
            else:
                self.owners[name] = found
        if unknown:
            where = pc.is_in(column, pa.array(sorted(unknown), pa.string()))
            names = column.filter(where).to_pylist()
            for line, name in zip(self.columns.lines.filter(where).to_pylist(), names, strict=True):
                handler.warnings.append(
                    RowError(
                        line,
                        "owner",
                        _("No member of the workspace is called %(name)s: imported without owner.")
                        % {"name": name},
                    )
                )

    # -- writing (inside the engine's transaction) --------------------------------------------
    def write(self, tick: Callable[[int], None]) -> dict[str, int]:
        handler = self.handler
        accounts_created = handler.create_accounts()
        model = crm.Contact
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        now = timezone.now()
        stamp = connection.ops.adapt_datetimefield_value(now)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {ACCOUNTS} (name text, id bigint)")
            cursor.execute(f"CREATE TEMPORARY TABLE {OWNERS} (name text, id bigint)")
            names = self.account_names
            _copy(
                cursor,
                ACCOUNTS,
                pa.table(
                    {
                        "name": pa.array(names, pa.string()),
                        "id": pa.array([handler.account_id(n) for n in names], pa.int64()),
                    }
                ),
            )
            _copy(
                cursor,
                OWNERS,
                pa.table(
                    {
                        "name": pa.array(list(self.owners), pa.string()),
                        "id": pa.array(list(self.owners.values()), pa.int64()),
                    }
                ),
            )
            joins = (
                f"LEFT JOIN {ACCOUNTS} a ON a.name = s.account "
                f"LEFT JOIN {OWNERS} o ON o.name = s.owner"
            )
            # new contacts: every column, the file's value or the field's default
            inserter = FastInsert(model)
            attributes = {attr: key for key, attr in CONTACT_COLUMNS.items()}
            columns: list[str] = []
            selects: list[str] = []
            params: list[Any] = []
            for f, stamped in zip(inserter.fields, inserter.stamped, strict=True):
                columns.append(quote(f.column))
                default = f.get_db_prep_save(f.get_default(), connection)
                if stamped:
                    selects.append("%s")
                    params.append(stamp)
                elif f.attname == "workspace_id":
                    selects.append("%s")
                    params.append(self.workspace_id)
                elif f.attname == "source_system":
                    selects.append("%s")
                    params.append(self.source)
                elif f.attname == "external_id":
                    selects.append("COALESCE(s.external_id, %s)")
                    params.append(default)
                elif f.attname in attributes:
                    selects.append(f"COALESCE(s.{attributes[f.attname]}, %s)")
                    params.append(default)
                elif f.attname == "account_id":
                    selects.append("a.id")
                elif f.attname == "owner_id":
                    selects.append("o.id")
                else:
                    selects.append("%s")
                    params.append(default)
            if self.created:  # a file of known contacts only: nothing to look for
                cursor.execute(
                    f"""INSERT INTO {table} ({", ".join(columns)})
                    SELECT {", ".join(selects)} FROM {STAGE} s {joins}
                    WHERE NOT EXISTS (SELECT 1 FROM {MATCHED} m WHERE m.line = s.line)
                    ORDER BY s.line""",
                    params,
                )
            tick(self.created)
            # existing contacts: what the file sets; an empty cell keeps the stored value
            sets = [
                f"{quote(attr)} = COALESCE(s.{key}, c.{quote(attr)})"
                for key, attr in CONTACT_COLUMNS.items()
            ]
            sets += [
                "account_id = COALESCE(a.id, c.account_id)",
                "owner_id = COALESCE(o.id, c.owner_id)",
                "source_system = CASE WHEN m.adopt THEN %s ELSE c.source_system END",
                "external_id = CASE WHEN m.adopt THEN s.external_id ELSE c.external_id END",
                "updated_at = %s",
            ]
            # a contact the file leaves as it is is not rewritten (nor its ``updated_at``, nor
            # its search document): a re-import of an unchanged file writes nothing
            targets = [s.split(" = ", 1) for s in sets[:-1]]
            before = ", ".join(f"c.{column}" for column, _value in targets)
            after = ", ".join(value for _column, value in targets)
            if self.updated:
                cursor.execute(
                    f"""UPDATE {table} c SET {", ".join(sets)}
                    FROM {MATCHED} m JOIN {STAGE} s ON s.line = m.line {joins}
                    WHERE c.id = COALESCE(m.by_ext, m.by_nat)
                      AND ({before}) IS DISTINCT FROM ({after})""",
                    [self.source, stamp, self.source],
                )
            tick(self.created + self.updated)
            for name in (ACCOUNTS, OWNERS):
                cursor.execute(f"DROP TABLE {name}")
        return {"accounts_created": accounts_created}
