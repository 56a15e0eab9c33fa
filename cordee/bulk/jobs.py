"""Periodic work of bulk actions: purge undo data once its window has closed; mark failed the jobs
whose worker died."""

from __future__ import annotations

import datetime as dt

from cordee.bulk.services import bulk_jobs_reap, bulk_undo_data_purge
from cordee.core.scheduler import periodic


@periodic(every=dt.timedelta(minutes=5))
def purge_bulk_undo_data() -> None:
    bulk_undo_data_purge()


@periodic(every=dt.timedelta(minutes=5))
def reap_dead_bulk_jobs() -> None:
    bulk_jobs_reap()
