"""Outgoing mail configured by one URL (``EMAIL_URL``), read into Django's ``EMAIL_*`` settings.

| URL | what it does |
|---|---|
| ``smtp://user:pass@host:25`` | plain SMTP (port 25 by default) |
| ``smtp+tls://user:pass@host:587`` (or ``submission://``) | SMTP with STARTTLS (587 by default) |
| ``smtps://user:pass@host:465`` (or ``smtp+ssl://``) | SMTP over TLS from the start (465) |
| ``file:///var/lib/cordee/mail`` | one ``.eml`` file per message in that folder (the outbox) |
| ``console://`` | messages printed on standard output |
| ``locmem://`` (or ``memory://``) | kept in memory (``django.core.mail.outbox``), for tests |
| ``dummy://`` | thrown away |

The user name and password are URL-encoded (``%40`` for ``@``); ``?timeout=10`` sets the SMTP
time-out in seconds (30 by default). No Django import: settings.py reads it before Django is set up.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

OUTBOX_BACKEND = "cordee.people.outbox.OutboxBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# scheme → (backend, default port, STARTTLS, implicit TLS)
_SMTP = {
    "smtp": (25, False, False),
    "smtp+tls": (587, True, False),
    "submission": (587, True, False),
    "smtps": (465, False, True),
    "smtp+ssl": (465, False, True),
}
_OTHERS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def parse_email_url(url: str) -> dict[str, Any]:
    """The ``EMAIL_*`` settings that ``url`` describes; ``ValueError`` for an unknown scheme or
    an SMTP URL without a host."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme == "file":
        path = unquote(parts.path)
        if not path:
            raise ValueError("EMAIL_URL: a file:// URL needs a folder, as in file:///var/mail.")
        return {"EMAIL_BACKEND": OUTBOX_BACKEND, "EMAIL_FILE_PATH": path}
    if scheme in _OTHERS:
        return {"EMAIL_BACKEND": _OTHERS[scheme]}
    if scheme not in _SMTP:
        known = ", ".join(sorted([*_SMTP, *_OTHERS, "file"]))
        raise ValueError(f"EMAIL_URL: unknown scheme {scheme!r} (one of {known}).")
    if not parts.hostname:
        raise ValueError("EMAIL_URL: an SMTP URL needs a host, as in smtp+tls://host:587.")
    default_port, starttls, implicit_tls = _SMTP[scheme]
    query = parse_qs(parts.query)
    settings: dict[str, Any] = {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": parts.port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": starttls,
        "EMAIL_USE_SSL": implicit_tls,
    }
    # never wait forever for a server that does not answer (Django's default)
    settings["EMAIL_TIMEOUT"] = float(query["timeout"][0]) if "timeout" in query else 30.0
    return settings
