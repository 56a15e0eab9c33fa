from __future__ import annotations

from functools import cache
from typing import Any

from django.http import HttpRequest

from cordee.people.selectors import unread_notifications_shown


def notifications(request: HttpRequest) -> dict[str, Any]:
    """The layout's bell: how many notifications the current actor has not read — counted when
    a template reads it (the layout), once; a fragment (a search-as-you-type answer) never asks."""
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"unread_notifications": 0}

    @cache
    def count() -> int:  # templates call a callable variable
        return unread_notifications_shown(actor=actor)

    return {"unread_notifications": count}
