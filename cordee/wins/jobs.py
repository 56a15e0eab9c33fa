"""Periodic work of the wins wall: every few minutes, post the deals won and the milestones
reached since the last scan in every workspace, and withdraw the posts of deals no longer won
(``posts.posts_scan``: bounded batches, idempotent, so the run after a restart does no harm).
The scheduler discovers this module by its name (``jobs``)."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic
from cordee.tenancy.models import Workspace
from cordee.wins.posts import posts_scan

EVERY = dt.timedelta(minutes=5)


@periodic(every=EVERY)
def scan_wins() -> None:
    """Post each workspace's new wins."""
    for workspace in Workspace.objects.order_by("pk"):
        posts_scan(workspace)
