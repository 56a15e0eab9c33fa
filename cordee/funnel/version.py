"""The funnel's version in a workspace: pages and snapshots put it in their cache keys, so a
lead that moves or changes owner shows at once."""

from __future__ import annotations

from django.core.cache import cache


def funnel_version(workspace_id: int) -> int:
    """A number that changes whenever a lead moves or is reassigned in the workspace: pages put
    it in the keys of their cached fragments, so a change shows at once."""
    key = f"funnel-version:{workspace_id}"
    return int(cache.get_or_set(key, 1, None) or 1)


def funnel_changed(workspace_id: int) -> None:
    key = f"funnel-version:{workspace_id}"
    try:
        cache.incr(key)
    except ValueError:  # not set yet (or evicted): any new value differs from the cached keys'
        cache.set(key, 2, None)
