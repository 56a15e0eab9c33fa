"""Reads of the wins' posts part (every member of the workspace reads them)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.wins.models import WallSettings, WinPost


def post_get(*, actor: Actor, pk: int) -> WinPost:
    """One post of the actor's workspace, withdrawn or not (another workspace's: 404)."""
    post = (
        WinPost.objects.filter(workspace=actor.workspace, pk=pk).select_related("workspace").first()
    )
    if post is None:
        raise NotFound(_("No such win in this workspace."))
    return post


def wall_settings_get(*, actor: Actor) -> WallSettings:
    """The workspace's wall settings (unsaved defaults when never set)."""
    row = WallSettings.objects.filter(workspace=actor.workspace).first()
    return row or WallSettings(workspace=actor.workspace)
