"""The worker supervisor (``cordee worker``), driven in-process with a fake clock: a dead worker is
started again with back-off, the task it left RUNNING is failed with the reason, a database
outage costs one round and nothing else, SIGTERM is forwarded. The same with the real
``cordee worker`` and ``db_worker`` processes: tests/core/test_worker_processes.py."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cordee.core import scheduler, supervisor
from cordee.core.models import WorkerHeartbeat

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
POLITE = [
    sys.executable,
    "-c",
    "import signal, sys, time\n"
    "signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))\n"
    "time.sleep(60)",
]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Connections:
    """Stands for django.db.connections: closing them would end the test's transaction."""

    def __init__(self) -> None:
        self.closed = 0

    def close_all(self) -> None:
        self.closed += 1


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(supervisor.time, "monotonic", fake)
    monkeypatch.setattr(supervisor, "close_old_connections", lambda: None)
    monkeypatch.setattr(supervisor, "connections", Connections())
    monkeypatch.setattr(scheduler, "tick", lambda: [])  # the jobs are not under test here
    return fake


@pytest.fixture
def started(clock):
    supervisors: list[supervisor.Supervisor] = []

    def start(command=SLEEPER, queues=("default",)):
        sup = supervisor.Supervisor(command=lambda q, wid: command, queues=queues, stop_timeout=5)
        supervisors.append(sup)
        sup.watch()
        return sup

    yield start
    for sup in supervisors:
        for slot in sup.slots:
            if slot.process is not None and slot.process.poll() is None:
                slot.process.kill()
                slot.process.wait()


def _running_task(worker_id: str, queue: str = "default") -> DBTaskResult:
    return DBTaskResult.objects.create(
        status="RUNNING",
        task_path="cordee.dataio.tasks.run_import",
        args_kwargs={"args": [1], "kwargs": {}},
        started_at=timezone.now(),
        queue_name=queue,
        backend_name="default",
        run_after=timezone.now(),
        worker_ids=["an-earlier-worker", worker_id],
    )


def _kill(sup: supervisor.Supervisor) -> int:
    process = sup.slots[0].process
    assert process is not None
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return process.pid


def test_a_killed_worker_is_restarted_with_back_off_and_its_task_failed_with_a_reason(
    db, clock, started
):
    sup = started()
    first = sup.slots[0].process.pid
    assert WorkerHeartbeat.objects.get(queue="default").pid == first
    task = _running_task(sup.slots[0].worker_id)
    other = _running_task("a-worker-of-another-host")

    _kill(sup)
    sup.watch()  # seen dead: its task failed at once, the restart waits 1 s
    assert sup.slots[0].process is None
    task.refresh_from_db()
    assert task.status == "FAILED"
    assert task.exception_class_path == "cordee.core.supervisor.WorkerStopped"
    assert "stopped before it finished (exit status -9)" in task.traceback
    assert task.finished_at is not None
    other.refresh_from_db()
    assert other.status == "RUNNING"  # not this supervisor's

    clock.now += 1.01
    sup.watch()
    second = sup.slots[0].process.pid
    assert second != first
    beat = WorkerHeartbeat.objects.get(queue="default")
    assert (beat.pid, beat.restarts) == (second, 1)

    _kill(sup)  # dies again at once: the next restart waits 2 s
    sup.watch()
    clock.now += 1.5
    sup.watch()
    assert sup.slots[0].process is None
    clock.now += 0.6
    sup.watch()
    assert sup.slots[0].process is not None
    assert WorkerHeartbeat.objects.get(queue="default").restarts == 2


def test_a_worker_that_ran_a_while_restarts_after_one_second_again(db, clock, started):
    sup = started()
    _kill(sup)
    sup.watch()
    clock.now += 1.01
    sup.watch()
    _kill(sup)
    sup.watch()
    assert sup.slots[0].restart_at == clock.now + 2  # died young: back-off doubled
    clock.now += 2.01
    sup.watch()
    clock.now += supervisor.STABLE_AFTER
    _kill(sup)
    sup.watch()
    assert sup.slots[0].restart_at == clock.now + 1  # ran a minute: back to 1 s


def test_the_scheduler_tick_and_heartbeat_survive_a_database_outage(
    db, clock, started, monkeypatch, caplog
):
    sup = started()
    calls: list[int] = []

    def down() -> list[str]:
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(scheduler, "tick", down)
    sup._next_tick = 0.0
    clock.now += supervisor.HEARTBEAT_EVERY
    sup.watch()  # the round fails: logged, not raised
    assert calls == [1]
    assert "the database is unavailable" in caplog.text
    assert supervisor.connections.closed == 1  # the stale connection is not reused
    assert sup.slots[0].process.poll() is None  # the workers are still watched

    monkeypatch.setattr(scheduler, "tick", lambda: calls.append(2) or [])
    sup._next_tick = 0.0
    before = WorkerHeartbeat.objects.get(queue="default").seen_at
    clock.now += supervisor.HEARTBEAT_EVERY
    sup.watch()  # the next round works again
    assert calls == [1, 2]
    assert WorkerHeartbeat.objects.get(queue="default").seen_at > before


def test_sigterm_is_forwarded_and_the_heartbeat_removed(db, clock, started):
    sup = started(command=POLITE, queues=("default", "imports"))
    processes = [slot.process for slot in sup.slots]
    assert WorkerHeartbeat.objects.count() == 2
    sup.stop()
    sup.shutdown()
    # SIGTERM, not a kill: handled (0), or received before the handler was installed
    assert {p.returncode for p in processes} <= {0, -signal.SIGTERM}
    assert WorkerHeartbeat.objects.count() == 0


def test_a_new_supervisor_fails_the_tasks_of_a_dead_one_of_this_host(db):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead_pid = int(dead.stdout)
    orphan = _running_task(supervisor.worker_id(dead_pid, "imports", 3), queue="imports")
    alive = _running_task(supervisor.worker_id(os.getppid(), "default", 1))
    assert supervisor.tasks_of_dead_supervisors_fail() == 1
    orphan.refresh_from_db()
    alive.refresh_from_db()
    assert (orphan.status, alive.status) == ("FAILED", "RUNNING")
    assert "its supervisor ended" in orphan.traceback


def test_the_periodic_reaper_fails_a_task_running_for_hours_with_a_reason(db):
    """A worker of another host that vanished: no supervisor of this host knows its tasks."""
    old = _running_task("cordee:another-host:77:imports:1", queue="imports")
    DBTaskResult.objects.filter(pk=old.pk).update(started_at=timezone.now() - dt.timedelta(hours=3))
    assert scheduler.reap_stale_tasks() == 1
    old.refresh_from_db()
    assert old.status == "FAILED"
    assert old.traceback == "Still running after 2:00:00: its worker is presumed dead."
