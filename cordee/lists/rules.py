"""Who may do what with a saved view: the one place these rules are written."""

from __future__ import annotations

from cordee.core.actor import Actor
from cordee.lists.models import SavedView, Visibility


def may_edit(actor: Actor, view: SavedView) -> bool:
    """Its owner changes (updates, renames, shares, deletes) a view; a manager or RevOps
    (``saved_view.moderate``) also one shared with a pod or the workspace."""
    if view.owner_id == actor.user.pk:
        return True
    return view.visibility != Visibility.PRIVATE and actor.can("saved_view.moderate")


def may_share_with_pod(actor: Actor, pod_id: int, member_pod_ids: set[int]) -> bool:
    """A member shares a view with their own pods; a manager or RevOps with any pod."""
    return pod_id in member_pod_ids or actor.can("saved_view.moderate")
