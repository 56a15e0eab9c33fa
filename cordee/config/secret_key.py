"""The secret key a command uses when the environment gives none: generated once, kept at
``<VAR_DIR>/secret_key`` (owner-only), read by every later process.

Two processes starting together on a fresh var directory must end up with the same key: each
writes its candidate to a private temporary file and *links* it to the final name — a link is
atomic and fails when the name exists, so exactly one candidate wins and nobody ever reads a
half-written file. Everyone then reads the winner."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

FILE_NAME = "secret_key"


def _read(path: Path) -> str:
    key = path.read_text(encoding="utf-8").strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it or set SECRET_KEY.")
    return key


def stored_secret_key(var_dir: Path) -> str:
    """The key kept in ``var_dir`` (created, mode 0600, on first use)."""
    path = var_dir / FILE_NAME
    if path.exists():
        return _read(path)
    var_dir.mkdir(parents=True, exist_ok=True)
    candidate = var_dir / f".{FILE_NAME}.{os.getpid()}.{secrets.token_hex(8)}"
    fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(secrets.token_urlsafe(50) + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(candidate, 0o600)  # whatever the umask
        with contextlib.suppress(FileExistsError):  # another process won: its key is the key
            os.link(candidate, path)
    finally:
        candidate.unlink(missing_ok=True)
    return _read(path)
