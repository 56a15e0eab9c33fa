"""Two engines, one answer: the NumPy engine and the Ibis expressions on DuckDB give identical
integer transition and coalition counts, and credits equal to 1e-9 relative."""

from __future__ import annotations

import random

import numpy as np
import pyarrow as pa
import pytest

from cordee.analytics import attribution as a
from cordee.analytics.ibis_engine import run_on_duckdb
from cordee.analytics.journeys_io import read_touchpoints


def _touches(seed: int, n_journeys: int, channels: str) -> pa.Table:
    """Touches with deliberate timestamp ties (broken by row order) and repeated channels."""
    rng = random.Random(seed)
    rows: dict[str, list] = {"journey_id": [], "ts": [], "seq": [], "channel": [], "converted": []}
    seq = 0
    for j in range(n_journeys):
        converted = rng.random() < 0.35
        t = 1_700_000_000 + rng.randint(0, 10**6)
        for _ in range(1 + int(rng.expovariate(1 / 3))):
            t += rng.choice([0, 0, 3600, 86400])  # ties on purpose
            rows["journey_id"].append(f"j{j}")
            rows["ts"].append(t)
            rows["seq"].append(seq)
            rows["channel"].append(rng.choice(channels))
            rows["converted"].append(converted)
            seq += 1
    return pa.table(rows)


@pytest.mark.parametrize("seed", [1, 2])
def test_numpy_and_duckdb_agree(seed, tmp_path):
    table = _touches(seed, 2000, "ABCDEFG")
    # the NumPy engine reads the same rows from a file (ISO timestamps, file order for ties)
    path = tmp_path / "touches.csv"
    import datetime as dt

    lines = ["journey_id,ts,channel,converted"]
    data = table.to_pydict()
    for j, t, c, conv in zip(
        data["journey_id"], data["ts"], data["channel"], data["converted"], strict=True
    ):
        lines.append(f"{j},{dt.datetime.fromtimestamp(t, tz=dt.UTC).isoformat()},{c},{int(conv)}")
    path.write_text("\n".join(lines) + "\n")
    journeys = read_touchpoints(path)

    matrix, (coalition_journeys, coalition_conversions) = run_on_duckdb(table, journeys.channels)
    local_matrix, _n = a.markov_counts(journeys)
    local_journeys, local_conversions = a.coalition_counts(journeys)
    assert np.array_equal(matrix, local_matrix)
    assert np.array_equal(coalition_journeys, local_journeys)
    assert np.array_equal(coalition_conversions, local_conversions)

    total = float(journeys.converted.sum())
    for engine, local in (
        (a.markov_from_counts(matrix, journeys.channels, total), a.markov(journeys)),
        (
            a.shapley_from_coalitions(
                coalition_journeys, coalition_conversions, journeys.channels, total
            ),
            a.shapley(journeys),
        ),
    ):
        assert engine.credits == pytest.approx(local.credits, rel=1e-9, abs=1e-12)


@pytest.mark.postgres
def test_the_same_expressions_on_postgresql_agree(db):
    from django.db import connection

    from cordee.analytics.ibis_engine import run_on

    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of make test")
    import ibis

    settings = connection.settings_dict
    con = ibis.postgres.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=int(settings["PORT"] or 5432),
        user=settings["USER"],
        password=settings["PASSWORD"],
        database=settings["NAME"],
    )
    table = _touches(3, 1500, "ABCDEF")
    channels = sorted(set(table.column("channel").to_pylist()))
    remote_matrix, (remote_journeys, remote_conversions) = run_on(
        con, table, channels, name="parity_touches"
    )
    local_matrix, (local_journeys, local_conversions) = run_on_duckdb(table, channels)
    assert np.array_equal(remote_matrix, local_matrix)
    assert np.array_equal(remote_journeys, local_journeys)
    assert np.array_equal(remote_conversions, local_conversions)
