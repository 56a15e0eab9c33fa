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


def save(lines: list[str], out: Path | None) -> str:
    """Join the table's lines, write them to ``out`` (when given) and return the text."""
    table = "\n".join(lines)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(table, encoding="utf-8")
    return table
