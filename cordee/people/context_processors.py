from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cordee.people.selectors import unread_notifications


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The layout's bell: how many notifications the current actor has not read."""
    actor = getattr(request, "actor", None)
    return {"unread_notifications": unread_notifications(actor=actor) if actor else 0}
