"""A populated database of each release migrates forward with every row kept.

``tests/fixtures/upgrade/cordee-<version>.sqlite3.xz`` is built by ``scripts/build-upgrade-fixture``
(a small demo at that release's schema) beside its manifest (applied migrations, every table's
row count). The test migrates a copy with this code, in a `cordee migrate` subprocess as an
operator would, and compares every table's row count with the manifest's.
"""

from __future__ import annotations

import json
import lzma
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from cordee.administration.backup import (
    applied_migrations,
    known_migrations,
    sqlite_open,
    table_checksums,
)

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "upgrade"
# tables a migration run adds rows to: its own record, the content types and permissions of new
# models (Django's post_migrate)
GROWING = {"django_migrations", "django_content_type", "auth_permission"}


def _fixtures() -> list[Path]:
    return sorted(FIXTURES.glob("cordee-*.sqlite3.xz"))


def test_there_is_a_fixture_of_the_current_release():
    assert _fixtures(), "run scripts/build-upgrade-fixture"


# ~3 s: one `cordee migrate` subprocess (Django's start-up and the migration plan), as an
# operator upgrades; the database is the fixture's, not the suite's
@pytest.mark.parametrize("fixture", _fixtures(), ids=lambda p: p.name.split(".sqlite3")[0])
def test_a_release_database_migrates_forward_with_every_row_kept(fixture, tmp_path):
    manifest = json.loads(
        fixture.with_name(fixture.name.replace(".sqlite3.xz", ".json")).read_text()
    )
    known = known_migrations()
    unknown = [m for m in manifest["migrations"] if tuple(m) not in known]
    assert not unknown, f"the fixture's schema is newer than the code: {unknown[:3]}"
    database = tmp_path / "cordee.sqlite3"
    database.write_bytes(lzma.decompress(fixture.read_bytes()))
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CORDEE_TEST_DB_NAME", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(CORDEE_VAR_DIR=str(tmp_path / "var"), DATABASE_URL=f"sqlite:///{database}")
    done = subprocess.run(
        [sys.executable, "-m", "cordee", "migrate", "--no-input", "-v0"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr

    with closing(sqlite_open(database)) as db:
        cursor = db.cursor()
        after = table_checksums(cursor, "sqlite")
        applied = {tuple(m) for m in applied_migrations(cursor)}
    assert applied >= known, "migrate did not reach the current heads"
    lost = {
        table: (kept["rows"], after.get(table, {}).get("rows"))
        for table, kept in manifest["tables"].items()
        if not (
            table in after
            and (
                after[table]["rows"] >= kept["rows"]
                if table in GROWING
                else after[table]["rows"] == kept["rows"]
            )
        )
    }
    assert not lost, f"rows lost or added by the migrations (before, after): {lost}"
    # the fixture holds rows of the kinds that matter (not an empty schema)
    assert manifest["tables"]["crm_lead"]["rows"] > 50
    assert manifest["tables"]["crm_touchpoint"]["rows"] > 500
