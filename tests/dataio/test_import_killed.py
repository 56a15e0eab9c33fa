"""The killed import: ``cordee import`` is SIGKILLed while it writes; the tables are as they were
and the job is shown failed. Runs against a fresh database of the suite's kind (a SQLite file,
or a PostgreSQL database created and dropped here), in real subprocesses: a copy of the migrated
template (tests/conftest.py, MigratedDatabase) seeded once for the module."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import MigratedDatabase

pytestmark = pytest.mark.slow

ROWS = 60_000
CORDEE = str(Path(sys.executable).with_name("cordee"))
SEED = """
from cordee.crm.models import Account, Contact
from cordee.tenancy.models import Workspace
acme = Workspace.objects.create(name="Acme", slug="acme")
account = Account.objects.create(workspace=acme, name="Déjà là")
for i in range(3):
    Contact.objects.create(workspace=acme, email=f"deja{i}@example.fr", account=account)
"""


@pytest.fixture(scope="module")
def seeded_database(migrated_database, tmp_path_factory):
    """A copy of the migrated template with SEED in it, made once for the module."""
    directory = tmp_path_factory.mktemp("killed")
    name = f"test_cordee_seeded_{uuid.uuid4().hex[:8]}"
    env = _environment(directory)
    env["DATABASE_URL"] = migrated_database.copy(name, directory)
    try:
        subprocess.run(
            [CORDEE, "shell", "-c", SEED], env=env, check=True, timeout=120, capture_output=True
        )
        yield MigratedDatabase(
            migrated_database.vendor,
            str(directory / f"{name}.sqlite3") if migrated_database.vendor == "sqlite" else name,
            migrated_database.server,
        )
    finally:
        migrated_database.drop(name)


def _environment(var_dir):
    env = {**os.environ, "CORDEE_TESTING": "1", "CORDEE_VAR_DIR": str(var_dir)}
    env.pop("CORDEE_TEST_DB_NAME", None)
    return env


@pytest.fixture
def fresh_database(seeded_database, tmp_path):
    """Environment variables pointing ``cordee`` at a new, migrated database holding SEED."""
    env = _environment(tmp_path)
    name = f"test_cordee_killed_{uuid.uuid4().hex[:8]}"
    env["DATABASE_URL"] = seeded_database.copy(name, tmp_path)
    if seeded_database.vendor == "sqlite":
        path = tmp_path / f"{name}.sqlite3"

        def count(sql: str) -> object:
            with sqlite3.connect(path) as connection:
                return connection.execute(sql).fetchone()[0]

    else:
        import psycopg

        def count(sql: str) -> object:
            with psycopg.connect(dbname=name, **seeded_database.server) as connection:
                return connection.execute(sql).fetchone()[0]

    try:
        yield env, count
    finally:
        seeded_database.drop(name)


def test_a_killed_import_writes_nothing_and_its_job_shows_failed(fresh_database, tmp_path):
    env, count = fresh_database
    big = tmp_path / "big.csv"
    with big.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Email", "First Name", "Last Name", "Company Name", "Country"])
        for i in range(ROWS):
            writer.writerow([f"p{i}@example.fr", "Jeanne", f"Nom {i}", f"Société {i % 700}", "FR"])
    tables = ("crm_contact", "crm_account")
    before = {t: count(f"SELECT count(*) FROM {t}") for t in tables}
    assert before == {"crm_contact": 3, "crm_account": 1}

    process = subprocess.Popen(
        [
            CORDEE,
            "import",
            str(big),
            "--kind",
            "contacts",
            "--workspace",
            "acme",
            "--language",
            "en",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen: list[str] = []
    deadline = time.monotonic() + 300
    assert process.stdout is not None
    for line in process.stdout:
        seen.append(line)
        # rows are being written inside the import's transaction: kill it now
        if line.startswith("Writing: ") and not line.startswith("Writing: 0/"):
            os.kill(process.pid, signal.SIGKILL)
            break
        assert time.monotonic() < deadline, "".join(seen[-5:])
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, "".join(seen[-5:])
    # progress was printed (record by record every 5,000 rows, or column by column)
    assert any(
        line.startswith("Checking the rows: ") and not line.startswith("Checking the rows: 0/")
        for line in seen
    ), "".join(seen)

    assert {t: count(f"SELECT count(*) FROM {t}") for t in tables} == before
    assert count("SELECT status FROM dataio_importjob") == "running"  # as the process left it
    listed = subprocess.run(
        [CORDEE, "import", "--list", "--workspace", "acme"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert "\tfailed\tcontacts\t" in listed
    assert count("SELECT status FROM dataio_importjob") == "failed"
    assert {t: count(f"SELECT count(*) FROM {t}") for t in tables} == before


def test_other_users_can_write_while_an_import_writes(fresh_database, tmp_path):
    """On SQLite the import's write transaction holds the one write lock: another user's write
    waits for it (within the busy timeout) instead of failing; on PostgreSQL it does not wait."""
    env, count = fresh_database
    big = tmp_path / "big.csv"
    with big.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Email", "Last Name"])
        for i in range(ROWS):
            writer.writerow([f"q{i}@example.fr", f"Nom {i}"])
    process = subprocess.Popen(
        [
            CORDEE,
            "import",
            str(big),
            "--kind",
            "contacts",
            "--workspace",
            "acme",
            "--language",
            "en",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith("Writing: ") and not line.startswith("Writing: 0/"):
            break
    someone_else = "from cordee.tenancy.models import Workspace; Workspace.objects.filter(slug='acme').update(name='Acme SA')"
    started = time.monotonic()
    subprocess.run(
        [CORDEE, "shell", "-c", someone_else], env=env, check=True, timeout=120, capture_output=True
    )
    waited = time.monotonic() - started
    rest = process.communicate(timeout=300)[0]
    assert process.returncode == 0, rest
    assert count("SELECT name FROM people_workspace WHERE slug = 'acme'") == "Acme SA"
    assert count("SELECT count(*) FROM crm_contact") == 3 + ROWS
    assert waited < 30  # the busy timeout: nobody's write failed
