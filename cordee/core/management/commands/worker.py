"""``cordee worker``: the background workers (one per queue, so long imports never delay SLA
checks), supervised and restarted when they die, and the scheduler that enqueues periodic work
(cordee/core/supervisor.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand

from cordee.core import scheduler
from cordee.core.supervisor import Supervisor, db_worker_command


class Command(BaseCommand):
    help = "Run the task workers (default and imports queues) and the periodic scheduler."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run due periodic jobs once, process the queues, exit.",
        )
        parser.add_argument(
            "--stop-timeout",
            type=float,
            default=float(os.environ.get("CORDEE_WORKER_STOP_TIMEOUT", "60")),
            help="On SIGTERM, seconds the running tasks get to finish before they are killed.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["once"]:
            scheduler.tick()
            cordee = os.path.join(os.path.dirname(sys.executable), "cordee")
            subprocess.run(
                [cordee, "db_worker", "--queue-name", "*", "--batch", "--no-reload"], check=True
            )
            return
        Supervisor(command=db_worker_command, stop_timeout=opts["stop_timeout"]).run()
