"""Periodic work of imports: mark failed the imports whose process or worker was killed."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic
from cordee.dataio.imports.services import import_jobs_reap


@periodic(every=dt.timedelta(minutes=1))
def reap_dead_imports() -> None:
    import_jobs_reap()
