"""PostgreSQL going away under a running server (gunicorn, as ``cordee run`` serves): its
backends terminated, connections refused for a while, the cluster restarted. Requests during the
outage answer a clean 503 (HTML for pages, the API's error shape under /api/), and the same
server process answers again afterwards, without a restart. PostgreSQL runs only.

The real restart (``pg_ctlcluster … restart``) cuts every connection of the server, other test
processes' included: it runs only when ``CORDEE_PG_RESTART_TEST=1``, which ``make test-postgres``
sets for a separate, single-process run of this module after the suite."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [
    # kept in the PostgreSQL pass (tests/conftest.py); the server has a database of its own
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="PostgreSQL runs only",
    ),
]

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(port: int, path: str, **headers: str) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(NoRedirect)  # a redirect is an answer here


def api(port: int) -> tuple[int, str, dict[str, str]]:
    """A call whose token is looked up in the database: 401 when it answers."""
    return _get(port, "/api/v1/me", Authorization="Bearer cdt_unknown", **{"Accept-Language": "en"})


def page(port: int) -> tuple[int, str, dict[str, str]]:
    """A page whose session is looked up in the database: to the sign-in page when it answers."""
    return _get(
        port,
        "/w/acme/leads/",
        Cookie="sessionid=a0session0of0before0the0restart",
        **{"Accept-Language": "en"},
    )


@pytest.fixture
def server(migrated_database, tmp_path):
    """gunicorn on a fresh copy of the migrated database: (port, process, database name)."""
    name = f"test_cordee_outage_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CORDEE_TESTING": "1", "CORDEE_VAR_DIR": str(tmp_path)}
    env.pop("CORDEE_TEST_DB_NAME", None)
    env["DATABASE_URL"] = migrated_database.copy(name, tmp_path)
    port = _free_port()
    process = subprocess.Popen(
        [
            GUNICORN,
            "cordee.config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--threads",
            "2",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if api(port)[0] == 401:
                    break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
        yield port, process, name
    finally:
        process.terminate()
        process.wait(timeout=30)
        migrated_database.drop(name)


def _terminate(migrated_database, name: str) -> None:
    migrated_database.admin(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
    )


def _assert_clean_503(port: int) -> None:
    status, body, headers = api(port)
    assert status == 503, body
    assert headers["Retry-After"] == "5"
    assert json.loads(body) == {
        "error": {
            "code": "unavailable",
            "message": "Cordée is unavailable for a moment. Please try again shortly.",
            "fields": {},
        }
    }
    status, body, headers = page(port)
    assert status == 503, body
    assert headers["Content-Type"].startswith("text/html")
    assert "<h1>Cordée is unavailable for a moment</h1>" in body
    status, body, _ = _get(port, "/healthz")
    assert (status, json.loads(body)) == (503, {"status": "error", "database": "unavailable"})


def test_terminated_backends_are_replaced_without_a_single_error(migrated_database, server):
    port, process, name = server
    assert page(port)[0] == 302
    _terminate(migrated_database, name)
    # the persistent connection is dead: its health check notices and reconnects
    assert api(port)[0] == 401
    assert page(port)[0] == 302
    assert process.poll() is None


def test_while_the_database_refuses_connections_requests_get_a_clean_503(migrated_database, server):
    port, process, name = server
    migrated_database.admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
    _terminate(migrated_database, name)
    try:
        _assert_clean_503(port)
    finally:
        migrated_database.admin(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
    assert api(port)[0] == 401  # the same process answers again
    assert page(port)[0] == 302
    assert process.poll() is None


@pytest.mark.skipif(
    os.environ.get("CORDEE_PG_RESTART_TEST") != "1",
    reason="restarts the PostgreSQL cluster: make test-postgres runs it on its own",
)
def test_a_postgresql_restart_gives_503s_then_service_resumes_without_restarting(server):
    """Stops and starts the cluster (~5 s)."""
    port, process, _ = server
    cluster = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main"]
    subprocess.run([*cluster, "stop", "-m", "fast"], check=True, timeout=60)
    try:
        _assert_clean_503(port)
    finally:
        subprocess.run([*cluster, "start"], check=True, timeout=60)
        connection.close()  # this test's own connection died with the cluster
    deadline = time.monotonic() + 30
    while api(port)[0] != 401:
        assert time.monotonic() < deadline, "service did not resume"
        time.sleep(0.2)
    assert page(port)[0] == 302
    assert process.poll() is None  # the same server process


ENQUEUE = """
from cordee.funnel.tasks import rescore
from cordee.tenancy.models import Workspace
rescore.enqueue(Workspace.objects.create(name="Acme", slug="acme").pk, [])
"""


def test_workers_whose_backends_are_terminated_come_back_and_run_the_next_task(
    migrated_database, tmp_path
):
    """``cordee worker`` on PostgreSQL, every backend of its database terminated: the task
    workers reconnect or are started again, and a task enqueued afterwards runs (three Django
    start-ups: ~8 s on an idle machine, 22 s measured on a loaded one)."""
    import psycopg

    name = f"test_cordee_workers_{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "CORDEE_TESTING": "1", "CORDEE_VAR_DIR": str(tmp_path)}
    env.pop("CORDEE_TEST_DB_NAME", None)
    env["DATABASE_URL"] = migrated_database.copy(name, tmp_path)
    cordee = str(Path(sys.executable).with_name("cordee"))

    def query(sql: str) -> list[tuple]:
        with psycopg.connect(dbname=name, **migrated_database.server) as db:
            return db.execute(sql).fetchall()  # type: ignore[arg-type]

    worker = subprocess.Popen(
        [cordee, "worker", "--stop-timeout", "5"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(query("SELECT pid FROM core_workerheartbeat")) < 2:
            assert time.monotonic() < deadline, "the workers did not start"
            time.sleep(0.1)
        _terminate(migrated_database, name)
        subprocess.run([cordee, "shell", "-c", ENQUEUE], env=env, check=True, timeout=120)
        deadline = time.monotonic() + 60
        while query("SELECT status FROM django_tasks_database_dbtaskresult") != [("SUCCESSFUL",)]:
            assert time.monotonic() < deadline, query(
                "SELECT status, traceback FROM django_tasks_database_dbtaskresult"
            )
            time.sleep(0.2)
        assert worker.poll() is None
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        migrated_database.drop(name)
