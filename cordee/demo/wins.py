"""The demo's wins wall: a threshold of 10 000 € and the posts of the year's won deals and
milestones, each dated when it happened (``posts_scan`` over the history: posts older than a
couple of days are written without telling anyone, as on a real wall switched on late)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cordee.demo.writers import explicit_timestamps
from cordee.tenancy.models import Workspace
from cordee.wins.models import WallSettings, WinPost
from cordee.wins.posts import posts_scan

THRESHOLD = Decimal("10000")


def add_wins(workspace: Workspace, *, now: dt.datetime) -> int:
    """Set the wall's threshold and post the history's wins; returns the posts written."""
    WallSettings.objects.update_or_create(workspace=workspace, defaults={"threshold": THRESHOLD})
    with explicit_timestamps((WinPost,)):  # the notifications of the last days' posts: at ``now``
        return len(posts_scan(workspace, now=now))
