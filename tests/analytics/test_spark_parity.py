"""The same Ibis expressions on PySpark (local mode) and on DuckDB: identical integer transition
and coalition counts, credits equal to 1e-9 relative.

Slow (a JVM starts once per session, ~5 s, then a few Spark jobs): marked ``slow``, run by the
SQLite pass of ``make test``. The counts are also checked against a plain-Python reference written
here (sort by (ts, input order), merge consecutive repeats, count), which imports nothing from
``cordee.analytics``.
"""

from __future__ import annotations

import itertools
import os
import random
from collections import Counter, defaultdict

import numpy as np
import pyarrow as pa
import pytest

pytestmark = [
    pytest.mark.slow,
    # PySpark's collect leaves its local result socket to the garbage collector
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
]

pyspark = pytest.importorskip("pyspark")

START, CONV, NULL = "(start)", "(conversion)", "(null)"


@pytest.fixture(scope="session")
def spark_con():
    """One local Spark session for the whole run, reached through Ibis."""
    import ibis
    from pyspark.sql import SparkSession

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cordee-parity")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    assert session.conf.get("spark.sql.ansi.enabled") == "true"  # Spark 4: x / 0 would raise
    try:
        yield ibis.pyspark.connect(session)
    finally:
        session.stop()


def _touches(seed: int, n_journeys: int, channels: str, conversion_rate: float) -> pa.Table:
    """Touches with timestamp ties (broken by ``seq``, the input order), consecutive repeats of a
    channel, journeys converted on one row only, and rows shuffled so that no engine can lean on
    the physical order."""
    rng = random.Random(seed)
    rows: list[tuple[str, int, int, str, bool]] = []
    seq = 0
    for j in range(n_journeys):
        converted = rng.random() < conversion_rate
        t = 1_700_000_000 + rng.randint(0, 10**6)
        length = 1 + int(rng.expovariate(1 / 3))
        channel = rng.choice(channels)
        for k in range(length):
            t += rng.choice([0, 0, 3600, 86400])  # ties on purpose
            if rng.random() < 0.6:  # else repeat the previous channel
                channel = rng.choice(channels)
            rows.append((f"j{j}", t, seq, channel, converted and k == length - 1))
            seq += 1
    rng.shuffle(rows)
    journey, ts, seqs, channel_col, conv = zip(*rows, strict=True)
    return pa.table(
        {
            "journey_id": list(journey),
            "ts": pa.array([t * 1_000_000 for t in ts], pa.timestamp("us", tz="UTC")),
            "seq": pa.array(seqs, pa.int64()),
            "channel": list(channel_col),
            "converted": list(conv),
        }
    )


def _reference(table: pa.Table) -> tuple[Counter, Counter, Counter, int]:
    """Plain Python: transitions (repeats merged), journeys and conversions per channel set, and
    how many consecutive repeats were merged."""
    journeys: dict[str, list] = defaultdict(list)
    for row in table.to_pylist():
        journeys[row["journey_id"]].append(
            (row["ts"], row["seq"], row["channel"], row["converted"])
        )
    transitions: Counter = Counter()
    per_set: Counter = Counter()
    conversions_per_set: Counter = Counter()
    repeats = 0
    for touches in journeys.values():
        touches.sort()  # by time, then input order
        path = [c for _t, _s, c, _v in touches]
        converted = any(v for *_rest, v in touches)
        merged = [c for i, c in enumerate(path) if i == 0 or path[i - 1] != c]
        states = [START, *merged, CONV if converted else NULL]
        transitions.update(itertools.pairwise(states))
        repeats += len(path) - len(merged)
        per_set[frozenset(path)] += 1
        conversions_per_set[frozenset(path)] += converted
    return transitions, per_set, conversions_per_set, repeats


def _assert_reference(matrix, journeys, conversions, channels, table) -> None:
    transitions, per_set, conversions_per_set, _repeats = _reference(table)
    n = len(channels)
    state = {START: 0, CONV: n + 1, NULL: n + 2, **{c: i + 1 for i, c in enumerate(channels)}}
    expected = np.zeros((n + 3, n + 3))
    for (src, dst), count in transitions.items():
        expected[state[src], state[dst]] = count
    assert np.array_equal(matrix, expected)
    expected_journeys, expected_conversions = np.zeros(1 << n), np.zeros(1 << n)
    for channel_set, count in per_set.items():
        mask = sum(1 << channels.index(c) for c in channel_set)
        expected_journeys[mask] = count
        expected_conversions[mask] = conversions_per_set[channel_set]
    assert np.array_equal(journeys, expected_journeys)
    assert np.array_equal(conversions, expected_conversions)


def _both_engines(spark_con, table: pa.Table):
    from cordee.analytics.ibis_engine import run_on, run_on_duckdb

    channels = sorted(set(table.column("channel").to_pylist()))
    spark = run_on(spark_con, table, channels, name="cordee_parity_touches")
    duck = run_on_duckdb(table, channels)
    return channels, spark, duck


def test_spark_and_duckdb_give_identical_counts_and_credits(spark_con):
    from cordee.analytics import attribution as a

    table = _touches(seed=11, n_journeys=3000, channels="ABCDEFGHIJ", conversion_rate=0.3)
    channels, (s_matrix, (s_journeys, s_conv)), (d_matrix, (d_journeys, d_conv)) = _both_engines(
        spark_con, table
    )
    assert len(channels) == 10
    # the data really has what the test is about: ties in time and consecutive repeats
    _transitions, _sets, _conv, repeats = _reference(table)
    assert repeats > 1000  # consecutive repeats to merge …
    keys = Counter(
        zip(table.column("journey_id").to_pylist(), table.column("ts").to_pylist(), strict=True)
    )
    assert sum(1 for k in keys.values() if k > 1) > 300  # … and hundreds of tied timestamps

    assert np.array_equal(s_matrix, d_matrix)
    assert np.array_equal(s_journeys, d_journeys)
    assert np.array_equal(s_conv, d_conv)
    _assert_reference(s_matrix, s_journeys, s_conv, channels, table)

    total = float(s_matrix[:, len(channels) + 1].sum())
    assert total == pytest.approx(sum(v for v in table.column("converted").to_pylist()))
    for spark_result, duck_result in (
        (
            a.markov_from_counts(s_matrix, channels, total),
            a.markov_from_counts(d_matrix, channels, total),
        ),
        (
            a.shapley_from_coalitions(s_journeys, s_conv, channels, total),
            a.shapley_from_coalitions(d_journeys, d_conv, channels, total),
        ),
    ):
        assert spark_result.credits.sum() == pytest.approx(total, rel=1e-9)
        assert spark_result.credits == pytest.approx(duck_result.credits, rel=1e-9, abs=1e-12)


def test_a_tie_is_broken_by_input_order_on_spark(spark_con):
    """Hand-worked: j1 has B (seq 0) and A (seq 1) at the same instant, rows given reversed.
    Paths: j1 = B > A → conversion, j2 = A > A > C → null (the repeat merged)."""
    t0, t1 = 1_700_000_000_000_000, 1_700_003_600_000_000
    table = pa.table(
        {
            "journey_id": ["j1", "j1", "j2", "j2", "j2"],
            "ts": pa.array([t0, t0, t0, t0, t1], pa.timestamp("us", tz="UTC")),
            "seq": pa.array([1, 0, 2, 3, 4], pa.int64()),
            "channel": ["A", "B", "A", "A", "C"],
            "converted": [True, True, False, False, False],
        }
    )
    channels, (matrix, (journeys, conversions)), _duck = _both_engines(spark_con, table)
    start, a_, b_, c_, conv, null = range(6)
    expected = np.zeros((6, 6))
    expected[start, b_] = expected[b_, a_] = expected[a_, conv] = 1  # j1
    expected[start, a_] = expected[a_, c_] = expected[c_, null] = 1  # j2
    assert channels == ["A", "B", "C"]
    assert np.array_equal(matrix, expected)
    # channel sets {A, B} = 0b011 (converted) and {A, C} = 0b101
    assert journeys.tolist() == [0, 0, 0, 1, 0, 1, 0, 0]
    assert conversions.tolist() == [0, 0, 0, 1, 0, 0, 0, 0]


def test_zero_conversions_on_spark(spark_con):
    from cordee.analytics import attribution as a

    table = _touches(seed=5, n_journeys=400, channels="ABCDE", conversion_rate=0.0)
    channels, (s_matrix, (s_journeys, s_conv)), (d_matrix, (d_journeys, d_conv)) = _both_engines(
        spark_con, table
    )
    assert np.array_equal(s_matrix, d_matrix)
    assert np.array_equal(s_journeys, d_journeys) and s_journeys.sum() == 400
    assert not s_conv.any() and not d_conv.any()
    assert not s_matrix[:, len(channels) + 1].any()
    _assert_reference(s_matrix, s_journeys, s_conv, channels, table)
    markov = a.markov_from_counts(s_matrix, channels, 0.0)
    shapley = a.shapley_from_coalitions(s_journeys, s_conv, channels, 0.0)
    assert markov.credits.tolist() == [0.0] * 5 and markov.removal_effects.tolist() == [0.0] * 5
    assert shapley.credits.tolist() == [0.0] * 5
