"""Rows read for the analytics that go through hundreds of thousands of them (the SLA clocks,
the funnel's cycles, the KPIs), with each instant as **epoch seconds**: a float, the same double
as ``datetime.timestamp()`` (both rounded once from whole microseconds; a NULL instant is None).

PostgreSQL computes them (``EXTRACT(EPOCH FROM …)``) rather than Python making a timezone-aware
datetime of each row only to turn it into a number again: that costs about a second per million
instants. SQLite stores instants as text and has no exact equivalent (``julianday`` loses the
microseconds), so there they are converted here, row by row: the embedded database holds small
workspaces."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import F, FloatField, Func, QuerySet


class EpochSeconds(Func):
    """An instant column as epoch seconds (``float8``), on PostgreSQL."""

    output_field = FloatField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM %(expressions)s)::float8",
            **extra_context,
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        raise NotImplementedError("EpochSeconds is computed by PostgreSQL only.")


def columns_with_epochs(
    queryset: QuerySet[Any], fields: Sequence[str], instants: Sequence[str] = ()
) -> list[tuple[Any, ...]]:
    """``queryset.values_list(*fields)`` as columns (one tuple per field, aligned, in the
    queryset's order), each field named in ``instants`` as epoch seconds (float, None for NULL).

    On PostgreSQL the rows come straight from the cursor: the fields read here (ids, codes,
    instants as numbers) need none of the ORM's per-value converters, which cost more than the
    fetch itself over millions of values."""
    wanted = set(instants)
    if connection.vendor == "postgresql":
        # every column an annotation, in order: the SELECT lists them as given
        annotations = {
            f"c{i}": EpochSeconds(f) if f in wanted else F(f) for i, f in enumerate(fields)
        }
        query = queryset.annotate(**annotations).values_list(*annotations).query
        try:
            sql, params = query.get_compiler(using=queryset.db).as_sql()
        except EmptyResultSet:  # a filter that matches nothing (``pk__in=[]``, ``none()``)
            return [() for _f in fields]
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return list(zip(*rows, strict=True)) if rows else [() for _f in fields]
    rows = list(queryset.values_list(*fields))
    if not rows:
        return [() for _f in fields]
    columns = list(zip(*rows, strict=True))
    for i, name in enumerate(fields):
        if name in wanted:
            columns[i] = tuple(None if v is None else v.timestamp() for v in columns[i])
    return columns


def mapped(values: np.ndarray, mapping: Mapping[int, int | None], default: int) -> np.ndarray:
    """``mapping[v]`` for each integer of ``values`` at once (``default`` where ``v`` is not a
    key or maps to None)."""
    pairs = sorted((k, v) for k, v in mapping.items() if v is not None)
    values = np.asarray(values, dtype=np.int64)
    if not pairs:
        return np.full(len(values), default, dtype=np.int64)
    keys = np.array([k for k, _v in pairs], dtype=np.int64)
    targets = np.array([v for _k, v in pairs], dtype=np.int64)
    pos = np.clip(np.searchsorted(keys, values), 0, len(keys) - 1)
    return np.where(keys[pos] == values, targets[pos], default)


def latest_at_or_before(
    key_group: np.ndarray, key_at: np.ndarray, group: np.ndarray, at: np.ndarray
) -> np.ndarray:
    """For each query (``group[i]``, ``at[i]``), the index of the latest key row of the same
    group (``key_group``, e.g. a lead) whose instant (``key_at``) is at or before ``at[i]``,
    ties going to the key row listed last; -1 when there is none. One sort of keys and queries
    together — no loop over the rows."""
    n = len(key_group)
    out = np.full(len(group), -1, dtype=np.int64)
    if not n or not len(group):
        return out
    groups = np.concatenate([np.asarray(key_group, np.int64), np.asarray(group, np.int64)])
    instants = np.concatenate([np.asarray(key_at, np.float64), np.asarray(at, np.float64)])
    is_query = np.concatenate([np.zeros(n, np.int8), np.ones(len(group), np.int8)])
    # by group, then instant, a key row before a query at the same instant, then as listed
    order = np.lexsort((np.arange(len(groups)), is_query, instants, groups))
    key_row = order < n
    last = np.maximum.accumulate(np.where(key_row, order, -1))
    queries = np.flatnonzero(~key_row)
    found = last[queries]
    asked = order[queries] - n
    same = found >= 0
    same[same] = groups[found[same]] == groups[order[queries][same]]
    out[asked[same]] = found[same]
    return out
