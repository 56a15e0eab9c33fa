from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The current actor (set by workspace views) for the layout: navigation, switcher."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"actor": None, "workspace": None}
    return {"actor": actor, "workspace": actor.workspace}
