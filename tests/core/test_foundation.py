"""Settings from the environment, the health probe, the scheduler and the calendar checks."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cordee.core import scheduler
from cordee.core.roles import role_can
from cordee.tenancy import calendar
from cordee.tenancy.models import Workspace
from cordee.tenancy.roles import Role


def _settings_value(env: dict[str, str], expr: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "CORDEE_TESTING", "DATABASE_URL"}
    }
    return subprocess.run(
        [sys.executable, "-c", f"from cordee.config import settings as s; print(repr(({expr})))"],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_without_a_secret_key_settings_use_the_one_kept_in_the_var_directory(tmp_path):
    # the whole story (file mode, races, commands) is in tests/cli/test_secret_key.py
    result = _settings_value({"CORDEE_VAR_DIR": str(tmp_path)}, "s.SECRET_KEY")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr((tmp_path / "secret_key").read_text().strip())


def test_secret_key_can_come_from_a_file(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    result = _settings_value(
        {"SECRET_KEY_FILE": str(secret), "CORDEE_VAR_DIR": str(tmp_path)}, "s.SECRET_KEY, s.DEBUG"
    )
    assert result.stdout.strip() == "('from-a-file', False)"


def test_database_url_selects_postgresql(tmp_path):
    result = _settings_value(
        {
            "SECRET_KEY": "x",
            "CORDEE_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://u:p@db.example:5433/cordee",
        },
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['PORT']",
    )
    assert result.stdout.strip() == "('django.db.backends.postgresql', 5433)"


def test_default_database_is_sqlite_in_wal_mode_under_var(tmp_path):
    result = _settings_value(
        {"SECRET_KEY": "x", "CORDEE_VAR_DIR": str(tmp_path)},
        "s.DATABASES['default']['NAME'], 'journal_mode=WAL' in s.DATABASES['default']['OPTIONS']['init_command']",
    )
    assert result.stdout.strip() == f"('{tmp_path / 'cordee.sqlite3'}', True)"


def test_healthz_reports_the_database(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_scheduler_runs_a_due_job_once_per_period():
    calls: list[int] = []

    @scheduler.periodic(every=dt.timedelta(minutes=5))
    def count() -> None:
        calls.append(1)

    try:
        now = timezone.now()
        scheduler.tick(now)
        scheduler.tick(now + dt.timedelta(minutes=1))
        scheduler.tick(now + dt.timedelta(minutes=6))
        assert len(calls) == 2
    finally:
        scheduler._JOBS.pop(f"{count.__module__}.{count.__qualname__}", None)


def test_reaper_fails_tasks_left_running_by_a_killed_worker(db):
    from django_tasks_db.models import DBTaskResult

    old = timezone.now() - dt.timedelta(hours=3)
    stale = DBTaskResult.objects.create(
        status="RUNNING",
        task_path="x.y",
        args_kwargs={"args": [], "kwargs": {}},
        started_at=old,
        queue_name="default",
        backend_name="default",
    )
    fresh = DBTaskResult.objects.create(
        status="RUNNING",
        task_path="x.y",
        args_kwargs={"args": [], "kwargs": {}},
        started_at=timezone.now(),
        queue_name="default",
        backend_name="default",
    )
    assert scheduler.reap_stale_tasks() == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == ("FAILED", "RUNNING")


@pytest.mark.parametrize(
    "hours",
    [
        {"mon": [["09:00", "12:00"], ["11:00", "18:00"]]},
        {"mon": [["18:00", "09:00"]]},
        {"mon": [["9h", "18h"]]},
        {"funday": [["09:00", "18:00"]]},
        [["09:00", "18:00"]],
    ],
)
def test_bad_business_hours_are_refused(hours):
    with pytest.raises(ValidationError):
        calendar.validate_business_hours(hours)


def test_lunch_break_windows_are_valid():
    calendar.validate_business_hours({"mon": [["09:00", "12:30"], ["14:00", "18:00"]], "sat": []})


def test_holiday_subdivisions_are_checked_against_the_pinned_package():
    calendar.validate_country("FR", "")
    with pytest.raises(ValidationError):
        calendar.validate_country("FR", "XX-NOT-A-SUBDIVISION")
    with pytest.raises(ValidationError):
        calendar.validate_country("ZZ")


def test_workspace_full_clean_names_the_bad_field(db):
    ws = Workspace(name="X", slug="x", time_zone="Europe/Nowhere", extra_holidays=["2026-13-01"])
    with pytest.raises(ValidationError) as err:
        ws.full_clean()
    assert {"time_zone", "extra_holidays"} <= set(err.value.message_dict)


def test_role_table():
    assert role_can(Role.MARKETER, "campaign.write")
    assert not role_can(Role.SALES_REP, "campaign.write")
    assert role_can(Role.SALES_REP, "opportunity.write")
    assert not role_can(Role.EXECUTIVE, "account.write")
    assert not role_can(Role.MARKETER, "no.such.capability")


def test_a_workspaces_today_is_its_own_whatever_zone_is_active():
    paris, montreal = Workspace(time_zone="Europe/Paris"), Workspace(time_zone="America/Montreal")
    late = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    with timezone.override("Pacific/Auckland"):  # another zone active (a page of another company)
        assert paris.today(late) == dt.date(2026, 4, 1)  # 01:30 in Paris (summer time)
        assert montreal.today(late) == dt.date(2026, 3, 31)  # 19:30 in Montréal
        assert paris.now_local(late).isoformat() == "2026-04-01T01:30:00+02:00"
