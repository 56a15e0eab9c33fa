"""Sign-in throttling: the glue between django-axes and Cordée.

django-axes counts failed password sign-ins per (e-mail address, IP address) and, at
``AXES_FAILURE_LIMIT``, locks that pair out (for ``AXES_COOLOFF_TIME``, or until unlocked).
Here: how an attempt names its address (lower-cased, so that ``Bob@`` and ``bob@`` count as
one) and its client (behind ``CORDEE_PROXY_COUNT`` proxies), the backend that refuses a
locked-out pair, and the two things the members page needs: who is locked out, and unlocking
(``people.access.member_signin_unlock`` writes the audit entry)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def attempt_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The address an attempt is counted under: the form's, trimmed and lower-cased."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return str(value or "").strip().lower()


def client_ip(request: HttpRequest) -> str:
    """The client's address: the connection's, or — behind ``CORDEE_PROXY_COUNT`` trusted
    proxies — the X-Forwarded-For entry that many places from the right (the ones before it
    are the client's to write, so never trusted)."""
    proxies = int(getattr(settings, "CORDEE_PROXY_COUNT", 0) or 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return str(request.META.get("REMOTE_ADDR", ""))


class ThrottleBackend(AxesStandaloneBackend):
    """django-axes' check, only for sign-ins made by a request (the sign-in page, SSO):
    ``authenticate()`` called by code without one (a command, a test's ``client.login``) is
    no attempt over the network and is left to the next backend."""

    def authenticate(  # type: ignore[override]
        self, request: HttpRequest | None, *args: Any, **kwargs: Any
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)  # type: ignore[no-any-return]


def _live_attempts() -> Any:
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT)
    cool_off = getattr(settings, "AXES_COOLOFF_TIME", None)
    if cool_off:
        attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
    return attempts


def locked_out(addresses: Iterable[str]) -> set[str]:
    """Which of these e-mail addresses are locked out now (from any IP address)."""
    wanted = {a.strip().lower() for a in addresses if a}
    if not wanted:
        return set()
    return set(_live_attempts().filter(username__in=wanted).values_list("username", flat=True))


def unlock(address: str) -> int:
    """Forget the failed attempts of ``address`` (every IP address): it may sign in again.
    Returns how many lock-out records were removed."""
    return int(reset(username=address.strip().lower()))


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """The page a locked-out sign-in gets (429), in the visitor's language."""
    cool_off = getattr(settings, "AXES_COOLOFF_TIME", None)
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "minutes": math.ceil(cool_off.total_seconds() / 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
