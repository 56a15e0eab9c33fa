"""Bulk SQL for the import handlers: batches, and a multi-row INSERT/UPDATE that skips the
ORM's per-value compilation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from types import SimpleNamespace
from typing import Any, TypeVar

from django.db import connections, models, router
from django.utils import timezone

BATCH = 2000
QUERY_CHUNK = 900  # keeps IN (…) lists under SQLite's parameter limit
T = TypeVar("T")


def chunks(items: Iterable[T], size: int = QUERY_CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


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


class ChangedRows(dict[int, Changed]):
    def __missing__(self, pk: int) -> Changed:
        return Changed(pk=pk)
