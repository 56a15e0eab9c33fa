"""The import task's old path: tasks queued before the move name this path
(``cordee.dataio.tasks.run_import``); the task itself is ``cordee.dataio.imports.tasks``."""

from __future__ import annotations

from cordee.dataio.imports.tasks import run_import

__all__ = ["run_import"]
