"""Wins: the wall's settings (threshold) and a post's journey: REST endpoints under /api/v1/.

Every member reads; changing the threshold takes ``wall.configure`` (RevOps admins); another
workspace's post is a 404."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from cordee.core.api import current_actor
from cordee.core.schemas import PathId
from cordee.wins import posts, story
from cordee.wins.posts_schemas import WinJourneyOut, WinsSettingsIn, WinsSettingsOut
from cordee.wins.posts_selectors import post_get, wall_settings_get

router = Router(tags=["Wins"])


def _settings_out(actor: Any) -> dict[str, Any]:
    return {
        "threshold": wall_settings_get(actor=actor).threshold,
        "currency": actor.workspace.currency,
    }


@router.get("/wins/settings", response=WinsSettingsOut, operation_id="wins_settings")
def wins_settings(request: HttpRequest) -> Any:
    """The wall's threshold: won deals from this amount (workspace currency) are posted."""
    return _settings_out(current_actor(request))


@router.put("/wins/settings", response=WinsSettingsOut, operation_id="wins_settings_set")
def wins_settings_set(request: HttpRequest, payload: WinsSettingsIn) -> Any:
    """Set the threshold (RevOps admins: ``wall.configure``)."""
    actor = current_actor(request)
    posts.wall_settings_set(actor=actor, threshold=payload.threshold)
    return _settings_out(actor)


@router.get("/wins/posts/{int:pk}/journey", response=WinJourneyOut, operation_id="win_journey")
def win_journey(request: HttpRequest, pk: PathId) -> Any:
    """A post's journey told in the reader's language, with each campaign's share."""
    post = post_get(actor=current_actor(request), pk=pk)
    return {
        "id": post.pk,
        "kind": post.kind,
        "title": story.post_title(post),
        "model": story.model_text(post) if post.params.get("model") else "",
        "locked": bool((post.params.get("model") or {}).get("locked")),
        "withdrawn_at": post.withdrawn_at,
        "lines": story.journey_lines(post, slug=post.workspace.slug),
        "campaigns": story.campaign_shares(post),
    }
