"""A post told in the reader's language: its title and its journey's lines, from the codes and
parameters stored on the post (``WinPost.params``). Every page, notification and chat message
showing a post reads it here.

(Interface written first; the posts' work fills it.)"""

from __future__ import annotations

from typing import Any

from cordee.wins.models import WinPost


def post_title(post: WinPost) -> str:
    """One line: what was won or reached, and by whom."""
    return str(post.params.get("title", post.get_kind_display()))


def journey_lines(post: WinPost) -> list[dict[str, Any]]:
    """The journey in order, each ``{"at": datetime | None, "text": str, "url": str}``."""
    return []
