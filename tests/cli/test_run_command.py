"""`cordee run` (what `make run` calls): migrate, load the demo once, serve, stop cleanly."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CORDEE = str(Path(sys.executable).with_name("cordee"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start(var_dir: Path, port: int, *extra: str) -> subprocess.Popen[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CORDEE_TESTING"}
    }
    env.update({"CORDEE_VAR_DIR": str(var_dir), "SECRET_KEY": "test-run", "SECURE_COOKIES": "0"})
    return subprocess.Popen(
        [CORDEE, "run", "--bind", f"127.0.0.1:{port}", "--web-workers", "1", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def _wait_healthy(port: int, proc: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(
                f"cordee run exited early: {proc.stdout.read() if proc.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("cordee run did not become healthy")


def _stop(proc: subprocess.Popen[str]) -> str:
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    return out


def test_run_serves_prints_logins_and_stops_cleanly_twice(tmp_path):
    port = _free_port()
    first = _start(tmp_path, port)
    try:
        _wait_healthy(port, first)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as response:
            assert response.status == 200
    finally:
        out = _stop(first)
    assert first.returncode == 0, out
    # one language for the whole run: the instance's (French) by default, the demo's progress
    # lines included
    assert "Chargement de l’espace de démonstration" in out
    assert "Responsable commercial" in out, out  # the role labels too
    for english in ("Loading", "Adding", "Announcing", "Computing", "Demo logins", "stopped"):
        assert english not in out, out
    assert "@demo.cordee.fr" in out
    assert (tmp_path / "cordee.sqlite3").exists()

    second = _start(tmp_path, port, "--language", "en")
    started = time.monotonic()
    try:
        _wait_healthy(port, second)
        warm = time.monotonic() - started
    finally:
        out = _stop(second)
    assert second.returncode == 0, out
    assert "Loading the demo workspace" not in out
    assert "already loaded" in out
    assert warm < 60
