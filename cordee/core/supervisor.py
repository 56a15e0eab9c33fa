"""The supervisor behind ``cordee worker``: one ``db_worker`` process per queue, restarted when it
dies, and the periodic scheduler.

A ``db_worker`` exits for good when its database connection drops (PostgreSQL restarted, its
backend terminated) or when it is killed; nobody else restarts it. Here each one is watched:

- a worker that exits is started again after a back-off (1 s, 2 s, 4 s… up to
  ``MAX_BACKOFF``; back to 1 s once a worker has run ``STABLE_AFTER`` without dying);
- the task it was running (claimed under its worker id, left RUNNING) is marked failed with the
  reason, so nothing stays "running" forever (the import's own job then shows failed: its rows
  and its success commit together, so a killed import wrote nothing);
- every ``HEARTBEAT_EVERY`` a row per queue (``core.WorkerHeartbeat``) says the worker is alive,
  which ``/readyz`` reads;
- the scheduler's tick, the heartbeat and the reaping survive a database outage: the error is
  logged, stale connections closed, and the next round tries again;
- SIGTERM (or Ctrl-C) is forwarded to the workers, which finish their current task; after
  ``stop_timeout`` seconds the ones still running are killed and their tasks failed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone

from cordee.core import scheduler
from cordee.core.models import WorkerHeartbeat

log = logging.getLogger(__name__)

QUEUES = ("default", "imports")
MAX_BACKOFF = 30.0
STABLE_AFTER = 60.0
HEARTBEAT_EVERY = 5.0
TICK_EVERY = 30.0
STOPPED_BY = "cordee.core.supervisor.WorkerStopped"


def _worker_id_prefix(host: str | None = None) -> str:
    return f"cordee:{(host or socket.gethostname())[:32]}:"


def worker_id(supervisor_pid: int, queue: str, generation: int) -> str:
    """Unique per started process (db_worker caps ids at 64 characters); the supervisor's pid in
    it lets a new supervisor on the same host recognise its dead predecessor's tasks."""
    return f"{_worker_id_prefix()}{supervisor_pid}:{queue}:{generation}"


def process_alive(pid: int) -> bool:
    """Whether process ``pid`` of this host still runs (a stopped import's, a dead supervisor's
    workers). A killed child its parent has not waited for yet is a zombie: gone."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def tasks_of_dead_workers_fail(worker_ids: list[str], reason: str) -> int:
    """Mark failed, with ``reason``, the tasks still RUNNING under one of these worker ids (the
    last worker to claim a task is the one running it); returns how many."""
    from django_tasks_db.models import DBTaskResult

    if not worker_ids:
        return 0
    now = timezone.now()
    failed = 0
    for result in DBTaskResult.objects.filter(status="RUNNING").only("id", "worker_ids"):
        if result.worker_ids and result.worker_ids[-1] in worker_ids:
            failed += DBTaskResult.objects.filter(pk=result.pk, status="RUNNING").update(
                status="FAILED",
                finished_at=now,
                exception_class_path=STOPPED_BY,
                traceback=reason,
            )
    if failed:
        log.warning("%d task(s) left running by a stopped worker marked failed", failed)
    return failed


def tasks_of_dead_supervisors_fail() -> int:
    """At start: tasks left RUNNING by the workers of an earlier ``cordee worker`` of this host
    that is no longer alive (killed with its children, or the machine restarted)."""
    from django_tasks_db.models import DBTaskResult

    prefix = _worker_id_prefix()
    dead: list[str] = []
    for result in DBTaskResult.objects.filter(status="RUNNING").only("id", "worker_ids"):
        last = result.worker_ids[-1] if result.worker_ids else ""
        if last.startswith(prefix):
            pid = last[len(prefix) :].split(":", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not process_alive(int(pid)):
                dead.append(last)
    return tasks_of_dead_workers_fail(
        dead, "The worker running this task stopped before it finished (its supervisor ended)."
    )


@dataclass
class Slot:
    """One queue's worker process and its restart state."""

    queue: str
    process: subprocess.Popen[bytes] | None = None
    worker_id: str = ""
    generation: int = 0
    started: float = 0.0
    started_at: dt.datetime | None = None
    restart_at: float = 0.0
    backoff: float = 1.0
    restarts: int = 0


@dataclass
class Supervisor:
    command: Callable[[str, str], list[str]]  # (queue, worker id) → argv of a worker
    queues: tuple[str, ...] = QUEUES
    stop_timeout: float = 60.0
    slots: list[Slot] = field(default_factory=list)
    stopping: bool = False
    _pending_failures: dict[str, str] = field(default_factory=dict)  # worker id → reason
    _next_heartbeat: float = 0.0
    _next_tick: float = 0.0

    def __post_init__(self) -> None:
        self.slots = [Slot(queue) for queue in self.queues]

    def stop(self, signum: int = signal.SIGTERM, frame: Any = None) -> None:
        self.stopping = True

    def run(self) -> None:
        signal.signal(signal.SIGINT, self.stop)
        signal.signal(signal.SIGTERM, self.stop)
        self._database_round(startup=True)
        while not self.stopping:
            self.watch()
            time.sleep(0.2)
        self.shutdown()

    def watch(self) -> None:
        """One round: reap dead workers, start the due ones, then the database work if due."""
        now = time.monotonic()
        for slot in self.slots:
            if slot.process is not None and slot.process.poll() is not None:
                self._died(slot, now)
            if slot.process is None and now >= slot.restart_at and not self.stopping:
                self._start(slot, now)
        if now >= self._next_heartbeat:
            self._database_round()

    def _start(self, slot: Slot, now: float) -> None:
        slot.generation += 1
        slot.worker_id = worker_id(os.getpid(), slot.queue, slot.generation)
        slot.process = subprocess.Popen(
            self.command(slot.queue, slot.worker_id),
            start_new_session=True,  # stopped by this process with SIGTERM, not by Ctrl-C
        )
        slot.started, slot.started_at = now, timezone.now()
        if slot.generation > 1:
            slot.restarts += 1
            log.warning("worker of queue %s started again (pid %d)", slot.queue, slot.process.pid)
        self._next_heartbeat = 0.0  # say so at once

    def _died(self, slot: Slot, now: float) -> None:
        assert slot.process is not None
        code = slot.process.returncode
        self._pending_failures[slot.worker_id] = (
            f"The worker running this task stopped before it finished (exit status {code}); "
            "the task was not retried."
        )
        if now - slot.started >= STABLE_AFTER:
            slot.backoff = 1.0
        slot.restart_at = now + slot.backoff
        if not self.stopping:
            log.error(
                "worker of queue %s (pid %d) exited with status %s; restarting in %.0f s",
                slot.queue,
                slot.process.pid,
                code,
                slot.backoff,
            )
        slot.backoff = min(slot.backoff * 2, MAX_BACKOFF)
        slot.process = None
        self._next_heartbeat = 0.0  # its task is failed at once

    def _database_round(self, startup: bool = False) -> None:
        """Fail the dead workers' tasks, write the heartbeat, tick the scheduler when due. A
        database outage costs one round: logged, stale connections closed, tried again."""
        now = time.monotonic()
        self._next_heartbeat = now + HEARTBEAT_EVERY
        close_old_connections()
        try:
            if startup:
                tasks_of_dead_supervisors_fail()
            if self._pending_failures:
                for wid, reason in list(self._pending_failures.items()):
                    tasks_of_dead_workers_fail([wid], reason)
                    del self._pending_failures[wid]
            self._heartbeat()
            if now >= self._next_tick:
                self._next_tick = now + TICK_EVERY
                scheduler.tick()
        except DatabaseError:
            log.exception("worker supervisor: the database is unavailable; trying again")
            connections.close_all()

    def _heartbeat(self) -> None:
        host, seen = socket.gethostname(), timezone.now()
        for slot in self.slots:
            if slot.process is None or slot.process.poll() is not None:
                continue
            WorkerHeartbeat.objects.update_or_create(
                host=host,
                queue=slot.queue,
                defaults={
                    "pid": slot.process.pid,
                    "supervisor_pid": os.getpid(),
                    "started_at": slot.started_at or seen,
                    "restarts": slot.restarts,
                    "seen_at": seen,
                },
            )

    def shutdown(self) -> None:
        """Forward SIGTERM, let the current tasks finish, kill what outlives ``stop_timeout``."""
        running = [s for s in self.slots if s.process is not None and s.process.poll() is None]
        for slot in running:
            assert slot.process is not None
            slot.process.terminate()
        deadline = time.monotonic() + self.stop_timeout
        for slot in running:
            assert slot.process is not None
            try:
                slot.process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.error("worker of queue %s did not stop in time: killed", slot.queue)
                slot.process.kill()
                slot.process.wait()
        for slot in self.slots:
            if slot.process is not None:
                self._died(slot, time.monotonic())
        try:
            close_old_connections()
            for wid, reason in self._pending_failures.items():
                tasks_of_dead_workers_fail([wid], reason)
            WorkerHeartbeat.objects.filter(
                host=socket.gethostname(), supervisor_pid=os.getpid()
            ).delete()
        except DatabaseError:
            log.exception("worker supervisor: could not record its stop")


def db_worker_command(queue: str, wid: str) -> list[str]:
    cordee = os.path.join(os.path.dirname(sys.executable), "cordee")
    return [
        cordee,
        "db_worker",
        "--queue-name",
        queue,
        "--no-reload",
        "--interval",
        "1",
        "--worker-id",
        wid,
    ]
