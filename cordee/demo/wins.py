"""The demo's wins wall: a threshold of 10 000 € and the posts of the history's won deals and
milestones, each dated when it happened. The scan runs as the periodic job would have over the
last ``REPLAYED_DAYS`` days, once a day (``posts_scan``): the older history is posted at the first
run without telling anyone (as on a real wall switched on late); the last days' wins notify the
people they credit on the day."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cordee.demo.writers import explicit_timestamps
from cordee.tenancy.models import Workspace
from cordee.wins.models import WallSettings, WinPost
from cordee.wins.posts import posts_scan

THRESHOLD = Decimal("10000")
REPLAYED_DAYS = 7


def add_wins(workspace: Workspace, *, now: dt.datetime) -> int:
    """Set the wall's threshold and post the history's wins; returns the posts written."""
    WallSettings.objects.update_or_create(workspace=workspace, defaults={"threshold": THRESHOLD})
    written = 0
    with explicit_timestamps((WinPost,)):  # posts and notifications dated by the replayed runs
        for back in range(REPLAYED_DAYS, -1, -1):
            written += len(posts_scan(workspace, now=now - dt.timedelta(days=back)))
    return written
