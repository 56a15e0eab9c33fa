"""The real ``cordee worker`` and its ``db_worker`` processes, against a fresh database of the
suite's kind (a copy of the migrated template, tests/conftest.py): a worker SIGKILLed is started
again, and one SIGKILLed in the middle of an import leaves no row of it, its task failed with
the reason and its job failed."""

from __future__ import annotations

import csv
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow  # real processes: Django starts three times (~3 s each)

CORDEE = str(Path(sys.executable).with_name("cordee"))
ROWS = 60_000  # record by record, seconds of writing: time for the kill to land in it
SEED = """
from cordee.crm.models import Account, Contact
from cordee.tenancy.models import Workspace
acme = Workspace.objects.create(name="Acme", slug="acme")
account = Account.objects.create(workspace=acme, name="Déjà là")
Contact.objects.create(workspace=acme, email="deja@example.fr", account=account)
"""
ENQUEUE = """
import os
from cordee.dataio.imports.services import import_job_create
from cordee.dataio.models import ImportJob
from cordee.dataio.tasks import run_import
from cordee.tenancy.models import Workspace
path = os.environ["IMPORT_FILE"]
job = import_job_create(actor=None, workspace=Workspace.objects.get(slug="acme"),
                        kind="contacts", filename=path, path=path)
ImportJob.objects.filter(pk=job.pk).update(status="queued")
result = run_import.enqueue(job.pk)
ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
"""


@pytest.fixture
def database(migrated_database, tmp_path):
    """(environment, query) for a fresh database holding SEED."""
    name = f"test_cordee_worker_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CORDEE_TESTING": "1", "CORDEE_VAR_DIR": str(tmp_path)}
    env.pop("CORDEE_TEST_DB_NAME", None)
    env["DATABASE_URL"] = migrated_database.copy(name, tmp_path)
    if migrated_database.vendor == "sqlite":

        def query(sql: str) -> list[tuple[Any, ...]]:
            with sqlite3.connect(tmp_path / f"{name}.sqlite3", timeout=30) as connection:
                return connection.execute(sql).fetchall()

    else:
        import psycopg

        def query(sql: str) -> list[tuple[Any, ...]]:
            with psycopg.connect(dbname=name, **migrated_database.server) as connection:
                return connection.execute(sql).fetchall()  # type: ignore[arg-type]

    subprocess.run(
        [CORDEE, "shell", "-c", SEED], env=env, check=True, timeout=120, capture_output=True
    )
    try:
        yield env, query
    finally:
        migrated_database.drop(name)


def _wait(condition: Callable[[], Any], what: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _worker_pid(query, queue: str) -> int | None:
    rows = query(f"SELECT pid FROM core_workerheartbeat WHERE queue = '{queue}'")
    return rows[0][0] if rows else None


@pytest.fixture
def supervisor(database):
    env, _query = database
    process = subprocess.Popen(
        [CORDEE, "worker", "--stop-timeout", "5"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_a_killed_worker_is_started_again(database, supervisor):
    _env, query = database
    first = _wait(lambda: _worker_pid(query, "default"), "the default worker's heartbeat")
    os.kill(first, signal.SIGKILL)
    second = _wait(
        lambda: (pid := _worker_pid(query, "default")) != first and pid, "a new default worker"
    )
    assert query("SELECT restarts FROM core_workerheartbeat WHERE queue = 'default'") == [(1,)]
    os.kill(second, 0)  # alive
    assert supervisor.poll() is None

    supervisor.send_signal(signal.SIGTERM)  # forwarded: both workers stop, then the supervisor
    assert supervisor.wait(timeout=20) == 0
    for pid in (second, _worker_pid(query, "imports") or second):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_worker_killed_during_an_import_leaves_nothing_of_it(database, supervisor, tmp_path):
    env, query = database
    big = tmp_path / "big.csv"
    with big.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["Email", "First Name", "Last Name", "Company Name"])
        for i in range(ROWS):
            writer.writerow([f"p{i}@example.fr", "Jeanne", f"Nom {i}", f"Société {i % 300}"])
            if i == ROWS // 2:
                # a blank line: the file is read record by record, whose writing takes seconds
                # (the columnar reader would write it all before the kill could land)
                handle.write("\r\n")
    subprocess.run(
        [CORDEE, "shell", "-c", ENQUEUE],
        env={**env, "IMPORT_FILE": str(big)},
        check=True,
        timeout=120,
        capture_output=True,
    )

    def writing() -> int | None:
        rows = query("SELECT pid FROM dataio_importjob WHERE phase = 'writing' AND rows_done > 0")
        return rows[0][0] if rows else None

    pid = _wait(writing, "the import to write its rows", timeout=120)
    os.kill(pid, signal.SIGKILL)  # at once: inside its write transaction
    assert pid == _worker_pid(query, "imports")
    # killed before its commit: the job is still as the process left it
    assert query("SELECT status FROM dataio_importjob") == [("running",)]

    # the scheduler enqueues its periodic tasks in the same table: look at the import's only
    import_task = "FROM django_tasks_database_dbtaskresult WHERE task_path LIKE '%run_import'"
    failed = _wait(
        lambda: (
            query(f"SELECT status {import_task}") == [("FAILED",)]
            and query(f"SELECT traceback {import_task}")
        ),
        "the killed import's task to be failed",
    )
    assert "stopped before it finished (exit status -9)" in failed[0][0]
    assert query("SELECT count(*) FROM crm_contact") == [(1,)]  # the seed's one, none of the file
    assert query("SELECT count(*) FROM crm_account") == [(1,)]
    _wait(lambda: _worker_pid(query, "imports") not in (None, pid), "a new imports worker")
    listed = subprocess.run(  # reading the list marks the job of a dead task failed
        [CORDEE, "import", "--list", "--workspace", "acme"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert "\tfailed\tcontacts\t" in listed
    assert query("SELECT count(*) FROM crm_contact") == [(1,)]
