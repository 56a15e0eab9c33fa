"""``cordee run``: migrate, load the demo workspace once, then serve and work until Ctrl-C."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from cordee.core.commands import add_language_argument, speaking
from cordee.demo import DEMO_PASSWORD, DEMO_SLUG, demo_exists, demo_logins
from cordee.people.outbox import outbox_dir

GRACEFUL_SECONDS = 30


class Command(BaseCommand):
    help = "Migrate, load the demo workspace if absent, start the web server and the worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("CORDEE_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--no-demo", action="store_true", help="Do not load the demo workspace."
        )
        parser.add_argument("--web-workers", type=int, default=2)
        add_language_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        with speaking(opts["language"]) as language:
            self._serve(opts, language)

    def _serve(self, opts: dict[str, Any], language: str) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        if not opts["no_demo"]:
            if not demo_exists():
                self.stdout.write(_("Loading the demo workspace (first run only)…"))
                call_command("demo", size="small", seed=1, language=language)
            else:
                self.stdout.write(
                    _("Demo workspace '%(slug)s' already loaded.") % {"slug": DEMO_SLUG}
                )
        bind = opts["bind"]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cordee.config.settings"}
        if "PROMETHEUS_MULTIPROC_DIR" not in env:
            # the web processes' request counters, summed by /metrics (emptied at each start)
            metrics_dir = Path(settings.VAR_DIR) / "metrics"
            shutil.rmtree(metrics_dir, ignore_errors=True)
            metrics_dir.mkdir(parents=True)
            env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
        bin_dir = os.path.dirname(sys.executable)
        children = [
            # children get their own session: Ctrl-C reaches only this process, which then
            # stops them in order (SIGTERM) instead of interrupting them mid-task
            subprocess.Popen(
                [os.path.join(bin_dir, "cordee"), "worker"], env=env, start_new_session=True
            ),
            subprocess.Popen(
                [
                    os.path.join(bin_dir, "gunicorn"),
                    "cordee.config.wsgi:application",
                    "--bind",
                    bind,
                    "--workers",
                    str(opts["web_workers"]),
                    "--threads",
                    "4",
                    "--access-logfile",
                    "-" if settings.DEBUG else "/dev/null",
                    "--log-level",
                    "warning",
                    # SIGTERM: requests in flight get this long to finish
                    "--graceful-timeout",
                    str(GRACEFUL_SECONDS),
                ],
                env=env,
                start_new_session=True,
            ),
        ]
        self._print_welcome(bind, opts["no_demo"])
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.3)
        for child in children:
            if child.poll() is None:
                child.terminate()
        # SIGTERM drains: the web server finishes the requests in flight, the worker its tasks
        # (CORDEE_WORKER_STOP_TIMEOUT, 60 s by default), before anything is killed
        for child in children:
            try:
                child.wait(timeout=GRACEFUL_SECONDS + 60)
            except subprocess.TimeoutExpired:
                child.kill()
        self.stdout.write(_("Cordée stopped."))

    def _print_welcome(self, bind: str, no_demo: bool) -> None:
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                _("Cordée is running on %(url)s  (Ctrl-C stops it)") % {"url": f"http://{bind}/"}
            )
        )
        if not no_demo:
            self.stdout.write(
                _("Demo logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD}
            )
            for role, email in demo_logins():
                self.stdout.write(f"  {role:<20} {email}")
        folder = outbox_dir()
        if folder is not None:
            self.stdout.write(
                _(
                    "E-mails are not sent: they are written into %(folder)s (RevOps: the Outbox page)."
                )
                % {"folder": folder}
            )
        self.stdout.write("")
