"""``cordee worker``: the background workers (one per queue, so long imports never delay SLA
checks) and the scheduler that enqueues periodic work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand

from cordee.core import scheduler


class Command(BaseCommand):
    help = "Run the task workers (default and imports queues) and the periodic scheduler."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--once",
            action="store_true",
            help="Run due periodic jobs once, process the queues, exit.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        bin_dir = os.path.dirname(sys.executable)
        cordee = os.path.join(bin_dir, "cordee")
        if opts["once"]:
            scheduler.tick()
            subprocess.run(
                [cordee, "db_worker", "--queue-name", "*", "--batch", "--no-reload"], check=True
            )
            return
        workers = [
            subprocess.Popen(
                [cordee, "db_worker", "--queue-name", queue, "--no-reload", "--interval", "1"],
                start_new_session=True,  # stopped by this process with SIGTERM, not by Ctrl-C
            )
            for queue in ("default", "imports")
        ]
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping:
            scheduler.tick()
            for _ in range(30):
                if stopping:
                    break
                time.sleep(1)
        for worker in workers:
            worker.terminate()
        for worker in workers:
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
