"""Which browser sessions a person has: recorded when they sign in, forgotten when they sign
out, and touched by ``SessionSeenMiddleware`` at most once a minute (so the profile can say
"last seen" and deactivation can end every one of them)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

from cordee.people.access import SESSION_TOUCH_SECONDS, session_forget, session_record

_SEEN_KEY = "_cordee_seen"


def _client(request: HttpRequest) -> tuple[str | None, str]:
    return request.META.get("REMOTE_ADDR"), request.META.get("HTTP_USER_AGENT", "")


def _record(request: HttpRequest, user: Any) -> None:
    session = request.session
    if session.session_key is None:
        session.save()
    ip, agent = _client(request)
    session_record(user=user, session_key=session.session_key or "", ip=ip, user_agent=agent)
    session[_SEEN_KEY] = int(time.time())


@receiver(user_logged_in, dispatch_uid="cordee.people.session_recorded")
def _signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        _record(request, user)


@receiver(user_logged_out, dispatch_uid="cordee.people.session_forgotten")
def _signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        session_forget(session_key=key)


class SessionSeenMiddleware:
    """Refresh the signed-in session's "last seen" (and IP, device) once a minute at most: the
    time of the last refresh is kept in the session itself, so most requests cost no query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            seen = request.session.get(_SEEN_KEY, 0)
            if time.time() - seen >= SESSION_TOUCH_SECONDS:
                _record(request, user)
        return self.get_response(request)
