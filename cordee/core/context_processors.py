from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The current actor (set by workspace views) for the layout: navigation, switcher."""
    actor = getattr(request, "actor", None)
    return {"actor": actor, "workspace": getattr(actor, "workspace", None)}
