"""The import benchmark runs, untimed and tiny, so that it cannot rot (it needs PostgreSQL)."""

from __future__ import annotations

import uuid

import pytest


# in make test's PostgreSQL pass, on a copy of the suite's migrated test database (migrating a
# new database from nothing took ~20 s of the ~29 s this test took in the SQLite pass)
@pytest.mark.postgres
def test_the_import_benchmark_runs_and_writes_its_table(tmp_path, migrated_database):
    if migrated_database.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass of make test")
    from bench import imports

    out = tmp_path / "imports.md"
    table = imports.run(
        300,
        60,
        out,
        database=f"cordee_bench_{uuid.uuid4().hex[:8]}",
        template=migrated_database.template,
    )
    assert "| per-row `save()`, autocommit (naive script) | 60 |" in table
    assert "into `crm_contact` (its indexes; the database's floor for these rows) | 300 |" in table
    assert "| the same, with the rows' search documents" in table
    assert out.read_text().startswith("# Contact import on PostgreSQL")
