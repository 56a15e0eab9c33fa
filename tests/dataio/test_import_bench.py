"""The import benchmark runs, untimed and tiny, so that it cannot rot (it needs PostgreSQL)."""

from __future__ import annotations

import uuid

import pytest

pytestmark = pytest.mark.slow


def test_the_import_benchmark_runs_and_writes_its_table(tmp_path):
    psycopg = pytest.importorskip("psycopg")
    try:
        psycopg.connect(
            "postgresql://cordee:cordee@127.0.0.1:5432/postgres", connect_timeout=3
        ).close()
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL server for the benchmark")
    from bench import imports

    out = tmp_path / "imports.md"
    table = imports.run(300, 60, out, database=f"cordee_bench_{uuid.uuid4().hex[:8]}")
    assert "| per-row `save()`, autocommit (naive script) | 60 |" in table
    assert out.read_text().startswith("# Contact import on PostgreSQL")
