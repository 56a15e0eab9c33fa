"""Columns read for the analytics that go through millions of rows (the SLA clocks, the
funnel's cycles, the KPIs): NumPy arrays of doubles, each instant as **epoch seconds** — the same
double as ``datetime.timestamp()`` (both rounded once from whole microseconds).

PostgreSQL computes the instants (``EXTRACT(EPOCH FROM …)``) and sends the rows as a binary
``COPY`` that NumPy reads as it is, rather than Python making a timezone-aware datetime, then a
tuple, of each row only to turn them into numbers again. SQLite stores instants as text and has
no exact equivalent (``julianday`` loses the microseconds), so there the same values are
converted here, row by row: the embedded database holds small workspaces.

"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import Case, FloatField, Func, QuerySet, Value, When
from django.db.models.functions import Cast, Coalesce


def _epoch_seconds(name: str) -> Func:
    """An instant column as epoch seconds, computed by PostgreSQL (the only engine this is
    built for: ``float_columns`` converts SQLite's instants in Python)."""
    return Func(name, template="EXTRACT(EPOCH FROM %(expressions)s)", output_field=FloatField())


_COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"


def float_columns(
    queryset: QuerySet[Any],
    fields: Sequence[str],
    instants: Sequence[str] = (),
    codes: Mapping[str, Sequence[str]] | None = None,
) -> list[np.ndarray]:
    """``queryset.values_list(*fields)`` as one float64 array per field, aligned, in the
    queryset's order: a number as is (ids are exact up to 2^53), an instant (``instants``) as
    epoch seconds, a text field of ``codes`` as its position in the given values (1 for the
    first; 0 for any other value); NULL is NaN (0 for a coded field).

    On PostgreSQL the rows travel as one binary ``COPY`` of fixed-width doubles, read by NumPy
    without a Python object per value: over millions of rows that is several times faster than
    fetching tuples and turning them into columns."""
    coded = dict(codes or {})
    if connection.vendor != "postgresql":
        return _python_columns(queryset, fields, set(instants), coded)
    nan = Value(float("nan"), output_field=FloatField())
    annotations: dict[str, Any] = {}
    for i, name in enumerate(fields):
        if name in coded:
            whens = [When(**{name: v}, then=Value(float(n))) for n, v in enumerate(coded[name], 1)]
            annotations[f"c{i}"] = Case(*whens, default=Value(0.0), output_field=FloatField())
        elif name in instants:
            annotations[f"c{i}"] = Coalesce(_epoch_seconds(name), nan)
        else:
            annotations[f"c{i}"] = Coalesce(Cast(name, FloatField()), nan)
    # every cell a float8 whatever the literals' types (COPY binds parameters client-side)
    annotations = {k: Cast(v, FloatField()) for k, v in annotations.items()}
    query = queryset.annotate(**annotations).values_list(*annotations).query
    try:
        sql, params = query.get_compiler(using=queryset.db).as_sql()
    except EmptyResultSet:  # a filter that matches nothing (``pk__in=[]``, ``none()``)
        return [np.zeros(0) for _f in fields]
    data = bytearray()
    statement = f"COPY ({sql}) TO STDOUT (FORMAT binary)"
    with connections[queryset.db].cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        for block in copy:
            data += block
    # header: signature, flags, extension length (then the extension); trailer: -1 (int16)
    assert data[: len(_COPY_SIGNATURE)] == _COPY_SIGNATURE, "not a binary COPY"
    start = 19 + int.from_bytes(data[15:19], "big")
    width = len(fields)
    row = np.dtype([("n", ">i2"), ("cells", [("size", ">i4"), ("value", ">f8")], (width,))])
    rows = np.frombuffer(memoryview(data)[start : len(data) - 2], dtype=row)
    assert (rows["n"] == width).all() and (rows["cells"]["size"] == 8).all()
    values = rows["cells"]["value"].astype(np.float64)
    return [values[:, i].copy() for i in range(width)]


def _python_columns(
    queryset: QuerySet[Any], fields: Sequence[str], instants: set[str], coded: dict[str, Any]
) -> list[np.ndarray]:
    """``float_columns`` on SQLite: the same values, converted here."""
    rows = list(queryset.values_list(*fields))
    out = []
    for i, name in enumerate(fields):
        column = [r[i] for r in rows]
        if name in coded:
            position = {v: float(n) for n, v in enumerate(coded[name], 1)}
            out.append(np.array([position.get(v, 0.0) for v in column], dtype=np.float64))
        elif name in instants:
            out.append(np.array([np.nan if v is None else v.timestamp() for v in column]))
        else:
            out.append(np.array([np.nan if v is None else float(v) for v in column]))
    return [np.asarray(c, dtype=np.float64) for c in out]


def ints(column: np.ndarray, null: int = 0) -> np.ndarray:
    """A ``float_columns`` column of ids or counts as int64, NULL (NaN) as ``null``."""
    return np.where(np.isnan(column), null, column).astype(np.int64)


def seconds(column: np.ndarray) -> np.ndarray:
    """Epoch seconds (``float_columns``) as whole seconds, int64, rounded down."""
    return np.floor(column).astype(np.int64)


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
