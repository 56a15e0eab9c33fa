"""What every benchmark does with its table: name the commit, print it, save it."""

from __future__ import annotations

import subprocess
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return found.stdout.strip() or "unknown"


def commit_and_state() -> str:
    """The commit, and whether the code measured differs from it (uncommitted ``cordee/``)."""
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "cordee"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return commit() + (" + uncommitted changes to cordee/" if dirty else "")


# the local PostgreSQL server the benchmarks create their scratch databases on
SERVER = {"host": "127.0.0.1", "port": 5432, "user": "cordee", "password": "cordee"}


def postgres_admin(sql: str) -> None:
    """One statement on the server's ``postgres`` database (CREATE / DROP DATABASE)."""
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **SERVER) as connection:
        connection.execute(sql)


def save(lines: list[str], out: Path | None) -> str:
    """Join the table's lines, write them to ``out`` (when given) and return the text."""
    table = "\n".join(lines)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(table, encoding="utf-8")
    return table
