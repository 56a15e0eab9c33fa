"""Periodic work of imports: mark failed the imports whose process or worker was killed."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic


@periodic(every=dt.timedelta(minutes=1))
def reap_dead_imports() -> None:
    from cordee.dataio.services import import_jobs_reap

    import_jobs_reap()
