"""What an operator watches: liveness (/healthz), readiness (/readyz: the database and the
workers' heartbeat), Prometheus metrics behind a token (/metrics), a clean 503 while the
database cannot be reached, request ids in responses and logs, JSON logs."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cordee.core import health
from cordee.core.api import TokenAuth
from cordee.core.models import WorkerHeartbeat
from cordee.dataio.models import ImportJob
from tests import factories as f

TOKEN = "s3cret-metrics-token"


def _beat(queue: str, seconds_ago: float) -> None:
    seen = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.update_or_create(
        host="web-1",
        queue=queue,
        defaults={"pid": 42, "supervisor_pid": 41, "started_at": seen, "seen_at": seen},
    )


# -- readiness -------------------------------------------------------------------------------------


def test_readiness_fails_while_no_worker_heartbeat_was_ever_written(client, db):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "unavailable",
        "checks": {"database": "ok", "worker:default": "missing", "worker:imports": "missing"},
    }


def test_readiness_is_ok_with_recent_heartbeats_and_fails_naming_the_stale_queue(
    client, db, settings
):
    settings.WORKER_HEARTBEAT_STALE_SECONDS = 60
    _beat("default", 5)
    _beat("imports", 5)
    response = client.get("/readyz")
    assert (response.status_code, response.json()["status"]) == (200, "ok")

    _beat("imports", 61)  # its worker died and its supervisor with it: the heartbeat is gone
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "worker:default": "ok",
        "worker:imports": "stale",
    }


class _Unreachable:
    def cursor(self):
        raise OperationalError('FATAL: password authentication failed for user "k8s-admin"')


def test_health_and_readiness_hide_the_database_error_from_callers_and_log_it(
    client, db, monkeypatch, caplog
):
    monkeypatch.setattr(health, "connection", _Unreachable())
    live = client.get("/healthz")
    ready = client.get("/readyz")
    assert (live.status_code, ready.status_code) == (503, 503)
    assert live.json() == {"status": "error", "database": "unavailable"}
    assert ready.json() == {"status": "unavailable", "checks": {"database": "unavailable"}}
    assert "k8s-admin" not in live.content.decode() + ready.content.decode()
    assert "k8s-admin" in caplog.text  # the operator finds it in the log


# -- the database gone in the middle of a request ---------------------------------------------------


@pytest.fixture
def database_gone(monkeypatch):
    """The first query of a request fails as when PostgreSQL restarts (session and token
    look-ups are the first queries of a page and of an API call)."""

    def fail(*args, **kwargs):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr("django.contrib.sessions.backends.db.SessionStore.load", fail)
    monkeypatch.setattr(TokenAuth, "authenticate", fail)


def test_a_page_answers_a_clean_503_page_while_the_database_is_gone(db, database_gone):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["sessionid"] = "a-session-of-before-the-restart"
    response = client.get("/w/acme/leads/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "<h1>Cordée is unavailable for a moment</h1>" in page
    assert "Traceback" not in page and "administrator command" not in page


def test_the_api_answers_its_error_shape_with_503_while_the_database_is_gone(db, database_gone):
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer cdt_anything")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {
        "error": {
            "code": "unavailable",
            "message": "Cordée is unavailable for a moment. Please try again shortly.",
            "fields": {},
        }
    }


def test_another_crash_of_the_api_is_a_500_in_the_error_shape(db, monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(TokenAuth, "authenticate", crash)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer cdt_anything")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"


# -- metrics ---------------------------------------------------------------------------------------


def test_metrics_are_not_served_without_a_configured_token(client, db, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_metrics_need_the_token(client, db, settings):
    settings.METRICS_TOKEN = TOKEN
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-it").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def _sample(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        metric, _, value = line.rpartition(" ")
        if metric == (f"{name}{{{wanted}}}" if labels else name):
            return float(value)
    raise AssertionError(f"{name} {labels} not in the metrics")


def _scrape(client) -> str:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200
    return response.content.decode()


def test_metrics_count_requests_by_view_and_status_and_time_them(client, db, settings):
    settings.METRICS_TOKEN = TOKEN
    before = _scrape(client)

    def count(text, view, status):
        try:
            return _sample(
                text, "cordee_http_requests_total", method="GET", status=status, view=view
            )
        except AssertionError:
            return 0.0

    client.get("/healthz")
    client.get("/healthz")
    client.get("/no-such-page/")
    after = _scrape(client)
    assert count(after, "healthz", "200") - count(before, "healthz", "200") == 2
    assert count(after, "unresolved", "404") - count(before, "unresolved", "404") == 1
    timed = _sample(after, "cordee_http_request_duration_seconds_count", view="healthz")
    assert timed >= 2


def test_metrics_give_each_queue_its_depth_and_oldest_wait_and_the_import_rate(
    client, db, settings
):
    settings.METRICS_TOKEN = TOKEN
    now = timezone.now()
    for minutes in (2, 1):
        task = DBTaskResult.objects.create(
            status="READY",
            task_path="cordee.dataio.tasks.run_import",
            args_kwargs={"args": [1], "kwargs": {}},
            queue_name="imports",
            backend_name="default",
            run_after=now - dt.timedelta(minutes=minutes),
        )
        DBTaskResult.objects.filter(pk=task.pk).update(
            enqueued_at=now - dt.timedelta(minutes=minutes)
        )
    DBTaskResult.objects.create(  # running: not waiting
        status="RUNNING",
        task_path="x.y",
        args_kwargs={"args": [], "kwargs": {}},
        queue_name="default",
        backend_name="default",
        run_after=now,
        started_at=now - dt.timedelta(hours=1),
    )
    workspace = f.WorkspaceFactory()
    for rows, seconds in ((3_000, 10), (1_000, 30)):  # 4,000 rows in 40 s: 100 rows/s
        ImportJob.objects.create(
            workspace=workspace,
            kind="contacts",
            original_name="c.csv",
            status="succeeded",
            rows_done=rows,
            started_at=now - dt.timedelta(seconds=seconds + 60),
            finished_at=now - dt.timedelta(seconds=60),
        )

    text = _scrape(client)
    assert _sample(text, "cordee_task_queue_depth", queue="imports") == 2
    assert _sample(text, "cordee_task_queue_depth", queue="default") == 0
    assert 120 <= _sample(text, "cordee_task_queue_oldest_age_seconds", queue="imports") < 180
    assert _sample(text, "cordee_task_queue_oldest_age_seconds", queue="default") == 0
    assert _sample(text, "cordee_import_rows_per_second", kind="contacts") == 100.0


# -- request ids and logs --------------------------------------------------------------------------


def test_a_request_id_given_by_the_proxy_is_kept_and_a_bad_one_replaced(client, db):
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.1_z")["X-Request-ID"] == "lb-7f3a.1_z"
    made = client.get("/healthz", HTTP_X_REQUEST_ID="no spaces\nor newlines")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    assert client.get("/healthz")["X-Request-ID"] != made  # one per request


def test_json_logs_carry_the_request_id(tmp_path):
    """A real process (LOG_FORMAT is read at start-up): ~3 s for Django to start."""
    script = (
        "from django.test import Client\n"
        "Client().get('/no-such-page/', HTTP_HOST='localhost', HTTP_X_REQUEST_ID='req-42')\n"
        "import logging; logging.getLogger('cordee.test').warning('outside a request')\n"
    )
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CORDEE_TEST_DB_NAME"}},
        "LOG_FORMAT": "json",
        "CORDEE_TESTING": "1",
        "CORDEE_VAR_DIR": str(tmp_path),
    }
    cordee = str(Path(sys.executable).with_name("cordee"))
    result = subprocess.run(
        [cordee, "shell", "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert [(e["logger"], e["level"], e["message"], e["request_id"]) for e in lines] == [
        ("django.request", "WARNING", "Not Found: /no-such-page/", "req-42"),
        ("cordee.test", "WARNING", "outside a request", "-"),
    ], result.stderr
    assert all("time" in entry for entry in lines)
