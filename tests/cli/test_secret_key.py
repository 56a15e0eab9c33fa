"""`cordee` run by hand, with no SECRET_KEY: a key generated once, kept owner-only under the var
directory, the same for every later process — and the commands work."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

CORDEE = [sys.executable, "-m", "cordee"]


def _env(var_dir: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "SECRET_KEY_FILE", "DEBUG", "CORDEE_TESTING", "DATABASE_URL"}
        and k != "DJANGO_SETTINGS_MODULE"
    }
    env.update({"CORDEE_VAR_DIR": str(var_dir), **extra})
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, env=env, capture_output=True, text=True, check=False, timeout=120)


def _key_seen(var_dir: Path) -> str:
    code = "from django.conf import settings; import django; django.setup(); print(settings.SECRET_KEY)"
    env = _env(var_dir, DJANGO_SETTINGS_MODULE="cordee.config.settings")
    result = _run([sys.executable, "-c", code], env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_key_is_made_once_owner_only_and_reused(tmp_path):
    var_dir = tmp_path / "var"  # does not exist yet
    first = _key_seen(var_dir)
    path = var_dir / "secret_key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text().strip() == first
    assert len(first) >= 60  # token_urlsafe(50): 50 random bytes, ~67 characters
    assert _key_seen(var_dir) == first  # the second process reads it, does not make another
    assert sorted(p.name for p in var_dir.iterdir() if "secret" in p.name) == ["secret_key"]
    assert _key_seen(tmp_path / "elsewhere") != first  # another var directory, another key


def test_processes_starting_together_agree_on_one_key(tmp_path):
    var_dir = tmp_path / "var"
    code = (
        "from pathlib import Path; import sys;"
        "from cordee.config.secret_key import stored_secret_key;"
        "print(stored_secret_key(Path(sys.argv[1])))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(var_dir)],
            env=_env(var_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    keys = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert len(keys) == 1 and "" not in keys
    assert keys == {(var_dir / "secret_key").read_text().strip()}
    assert [p.name for p in var_dir.iterdir()] == ["secret_key"]  # no candidate left behind


def test_an_explicit_key_wins_and_no_file_is_written(tmp_path):
    var_dir = tmp_path / "var"
    env = _env(var_dir, SECRET_KEY="given-by-the-operator")
    env["DJANGO_SETTINGS_MODULE"] = "cordee.config.settings"
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    result = _run([sys.executable, "-c", code], env)
    assert result.stdout.strip() == "given-by-the-operator", result.stderr
    assert not (var_dir / "secret_key").exists()


@pytest.mark.django_db
def test_commands_run_by_hand_work_and_sign_with_the_kept_key(tmp_path, migrated_database):
    var_dir = tmp_path / "var"
    name = "cordee_secret_key_cli"
    env = _env(var_dir, DATABASE_URL=migrated_database.copy(name, tmp_path))
    try:
        check = _run([*CORDEE, "check"], env)
        assert check.returncode == 0, check.stderr
        assert "Set SECRET_KEY" not in check.stderr
        plan = _run([*CORDEE, "migrate", "--check"], env)  # a command reading the database
        assert plan.returncode == 0, plan.stdout + plan.stderr
        # what one process signs (a password-reset link, a session…) another one accepts
        sign = "from django.core import signing; print(signing.dumps('hello'))"
        signed = _run([*CORDEE, "shell", "--no-imports", "-c", sign], env)
        assert signed.returncode == 0, signed.stderr
        unsign = f"from django.core import signing; print(signing.loads({signed.stdout.strip()!r}))"
        read = _run([*CORDEE, "shell", "--no-imports", "-c", unsign], env)
        assert read.stdout.strip() == "hello", read.stderr
        assert stat.S_IMODE((var_dir / "secret_key").stat().st_mode) == 0o600
    finally:
        migrated_database.drop(name)
