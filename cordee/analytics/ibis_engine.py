"""The attribution aggregations written once as Ibis expressions — no Django.

The same expressions run on DuckDB in-process (default), and unchanged on the engines Ibis
supports when the data outgrows one machine — tested on PostgreSQL and PySpark 4 local mode
(``tests/analytics/test_engine_parity.py``, ``test_spark_parity.py``).
They produce the two aggregates the models need; the small dense maths then runs in NumPy
(``cordee.analytics.attribution``):

- **Markov transition counts**: per (from, to) state pair over start, channels, conversion,
  null, with consecutive repeats of a channel merged — window functions over each journey in
  (ts, seq) order, ``seq`` being the input row order that breaks ties.
- **Coalition counts**: journeys and conversions per set of distinct channels, the set as a
  bitmask (the sum of the distinct bits ``2^channel index`` — equal to their bitwise or).

Input table columns: ``journey_id``, ``ts``, ``seq`` (int), ``channel`` (str), ``converted``
(bool). No division happens inside the expressions (Spark's ANSI mode raises on x/0).
"""

from __future__ import annotations

from typing import Any

import ibis
import numpy as np
import numpy.typing as npt

START, CONV, NULL = "(start)", "(conversion)", "(null)"


def transition_counts_expr(t: Any) -> Any:
    """(src, dst, n) over merged paths."""
    journey = ibis.window(group_by=t.journey_id, order_by=[t.ts, t.seq])
    with_prev = t.mutate(
        prev=t.channel.lag().over(journey),
        # an ifelse, not a cast: PostgreSQL casts booleans to int4 only
        converted_journey=ibis.ifelse(t.converted, 1, 0).max().over(group_by=t.journey_id),
    )
    merged = with_prev.filter(with_prev.prev.isnull() | (with_prev.prev != with_prev.channel))
    again = ibis.window(group_by=merged.journey_id, order_by=[merged.ts, merged.seq])
    steps = merged.mutate(
        nxt=merged.channel.lead().over(again),
        rank=ibis.row_number().over(again),
    )
    starts = steps.filter(steps.rank == 0).select(src=ibis.literal(START), dst=steps.channel)
    inner = steps.filter(steps.nxt.notnull()).select(src=steps.channel, dst=steps.nxt)
    ends = steps.filter(steps.nxt.isnull()).select(
        src=steps.channel,
        dst=ibis.ifelse(steps.converted_journey == 1, ibis.literal(CONV), ibis.literal(NULL)),
    )
    edges = starts.union(inner, distinct=False).union(ends, distinct=False)
    return edges.group_by(["src", "dst"]).aggregate(n=edges.count())


def coalition_counts_expr(t: Any, channels: list[str]) -> Any:
    """(mask, journeys, conversions) per set of distinct channels.

    The mask is the sum of the *distinct* bits ``2^index`` of a journey's channels, which equals
    their bitwise or. Ibis 12 cannot compile ``bit_or`` for PySpark; a sum of distinct bits taken
    from a literal table (no shift either) runs the same on DuckDB, PostgreSQL and Spark."""
    index = ibis.memtable(
        {"channel": channels, "bit": [1 << i for i in range(len(channels))]},
        schema={"channel": "string", "bit": "int64"},
    )
    joined = t.join(index, t.channel == index.channel)
    flagged = joined.select(
        joined.journey_id,
        joined.bit,
        # an ifelse, not a cast: PostgreSQL casts booleans to int4 only
        converted=ibis.ifelse(joined.converted, 1, 0).max().over(group_by=joined.journey_id),
    )
    distinct = flagged.distinct()
    per_journey = distinct.group_by(distinct.journey_id).aggregate(
        mask=distinct.bit.sum(), converted=distinct.converted.max()
    )
    return per_journey.group_by(per_journey.mask).aggregate(
        journeys=per_journey.count(), conversions=per_journey.converted.sum()
    )


def transition_matrix(rows: Any, channels: list[str]) -> npt.NDArray[np.float64]:
    """The count matrix [start, channels…, conversion, null] from the expression's result."""
    n = len(channels)
    state = {START: 0, CONV: n + 1, NULL: n + 2, **{c: i + 1 for i, c in enumerate(channels)}}
    counts = np.zeros((n + 3, n + 3))
    data = rows.to_pydict()
    for src, dst, count in zip(data["src"], data["dst"], data["n"], strict=True):
        counts[state[src], state[dst]] += count
    return counts


def coalition_arrays(rows: Any, n: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    journeys = np.zeros(1 << n)
    conversions = np.zeros(1 << n)
    data = rows.to_pydict()
    for mask, count, conv in zip(data["mask"], data["journeys"], data["conversions"], strict=True):
        journeys[int(mask)] += count
        conversions[int(mask)] += conv
    return journeys, conversions


def run_on_duckdb(
    table: Any, channels: list[str]
) -> tuple[npt.NDArray[np.float64], tuple[Any, Any]]:
    """Both aggregates on an in-process DuckDB from an Arrow table (no extension download)."""
    con = ibis.duckdb.connect()
    t = con.create_table("touches", table, overwrite=True)
    matrix = transition_matrix(con.to_pyarrow(transition_counts_expr(t)), channels)
    coalitions = coalition_arrays(con.to_pyarrow(coalition_counts_expr(t, channels)), len(channels))
    return matrix, coalitions


def run_on(
    con: Any, table: Any, channels: list[str], name: str = "cordee_touches"
) -> tuple[Any, Any]:
    """Both aggregates on any Ibis backend connection (PostgreSQL, Spark…): the Arrow table is
    loaded as ``name`` (replaced), the same expressions run there, and the table is dropped."""
    t = con.create_table(name, table, overwrite=True)
    try:
        matrix = transition_matrix(con.to_pyarrow(transition_counts_expr(t)), channels)
        coalitions = coalition_arrays(
            con.to_pyarrow(coalition_counts_expr(t, channels)), len(channels)
        )
    finally:
        con.drop_table(name, force=True)
    return matrix, coalitions
