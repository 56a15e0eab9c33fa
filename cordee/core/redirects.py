"""THE rule of where a form may send its user back to (``next``)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, fallback: str) -> str:
    """The ``next`` a form carries (POST, else the query string) when it stays on this site
    (same host, and HTTPS when the request came over HTTPS); ``fallback`` otherwise, so no
    form can send someone on to another site (an open redirect)."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
