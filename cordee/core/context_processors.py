from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def workspace(request: HttpRequest) -> dict[str, Any]:
    """The current actor (set by workspace views) for the layout: navigation, switcher."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"actor": None, "workspace": None, "unread_notifications": 0}
    from cordee.people.selectors import unread_notifications

    return {
        "actor": actor,
        "workspace": actor.workspace,
        "unread_notifications": unread_notifications(actor=actor),
    }
