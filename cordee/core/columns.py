"""Rows read for the analytics that go through hundreds of thousands of them (the SLA clocks,
the funnel's cycles, the KPIs), with each instant as **epoch seconds**: a float, the same double
as ``datetime.timestamp()`` (both rounded once from whole microseconds; a NULL instant is None).

PostgreSQL computes them (``EXTRACT(EPOCH FROM …)``) rather than Python making a timezone-aware
datetime of each row only to turn it into a number again: that costs about a second per million
instants. SQLite stores instants as text and has no exact equivalent (``julianday`` loses the
microseconds), so there they are converted here, row by row: the embedded database holds small
workspaces."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import FloatField, Func, QuerySet


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


def rows_with_epochs(
    queryset: QuerySet[Any], fields: Sequence[str], instants: Sequence[str]
) -> list[tuple[Any, ...]]:
    """``queryset.values_list(*fields)`` with each field named in ``instants`` as epoch seconds
    (float, None for NULL), in the queryset's order."""
    wanted = set(instants)
    if connection.vendor == "postgresql":
        names = [f"epoch_{i}" if f in wanted else f for i, f in enumerate(fields)]
        annotations = {f"epoch_{i}": EpochSeconds(f) for i, f in enumerate(fields) if f in wanted}
        return list(queryset.annotate(**annotations).values_list(*names))
    at = [i for i, f in enumerate(fields) if f in wanted]
    rows = []
    for row in queryset.values_list(*fields):
        values = list(row)
        for i in at:
            if values[i] is not None:
                values[i] = values[i].timestamp()
        rows.append(tuple(values))
    return rows
