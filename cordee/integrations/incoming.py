"""Incoming webhooks: a form tool or a marketing-automation system posts new leads and touchpoints.

Services of the incoming endpoints: authenticate a request (HMAC-SHA256 signature over the
timestamp and the raw body, within a replay window; or the secret as a bearer token when the
endpoint allows it), answer a repeated ``Idempotency-Key`` with the stored answer, and write
contact + lead + touchpoint through the shared services (so scoring, routing and the funnel
run as for any other lead). Every request is logged for the admins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import DomainError, NotFound
from cordee.integrations.models import IncomingEndpoint, IncomingRequest, _new_secret

REPLAY_WINDOW = dt.timedelta(minutes=5)
SIGNATURE_HEADER = "X-Cordee-Signature"
TIMESTAMP_HEADER = "X-Cordee-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def incoming_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256 of ``<timestamp>.<raw body>`` with the endpoint's secret."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _refuse(endpoint: IncomingEndpoint | None, body: bytes, message: str) -> Unauthorized:
    if endpoint is not None:  # the admins see why their tool is refused
        request_log(endpoint, "", body, 401, error=message)
    return Unauthorized(message)


def previous_secret_until(endpoint: IncomingEndpoint, now: dt.datetime) -> dt.datetime | None:
    """Until when the secret replaced by a planned rotation is still accepted (None: it is not)."""
    until = endpoint.previous_secret_until
    return until if endpoint.previous_secret and until is not None and now < until else None


def _valid_secrets(endpoint: IncomingEndpoint, now: dt.datetime) -> list[str]:
    """The secret, and the one it replaced while its grace period lasts."""
    if previous_secret_until(endpoint, now) is None:
        return [endpoint.secret]
    return [endpoint.secret, endpoint.previous_secret]


def incoming_authenticate(
    *, key: str, headers: Any, body: bytes, now: dt.datetime | None = None
) -> IncomingEndpoint:
    """The active endpoint ``key`` when the request proves it knows the secret; ``Unauthorized``
    otherwise (an unknown key answers like a bad signature: its existence is not confirmed)."""
    now = now or timezone.now()
    endpoint = (
        IncomingEndpoint.objects.select_related("workspace", "created_by", "default_campaign")
        .filter(key=key, is_active=True)
        .first()
    )
    bad = _("The signature or token does not match this endpoint's secret.")
    if endpoint is None:
        raise Unauthorized(bad)
    secrets_ = _valid_secrets(endpoint, now)
    authorization = headers.get("Authorization") or ""
    if authorization.startswith("Bearer ") and endpoint.accept_bearer:
        token = authorization[7:].strip().encode()
        if any(hmac.compare_digest(token, secret.encode()) for secret in secrets_):
            return endpoint
        raise _refuse(endpoint, body, bad)
    timestamp = headers.get(TIMESTAMP_HEADER) or ""
    signature = headers.get(SIGNATURE_HEADER) or ""
    if not timestamp or not signature:
        raise _refuse(
            endpoint,
            body,
            _("Sign the request: %(signature)s and %(timestamp)s headers are required.")
            % {"signature": SIGNATURE_HEADER, "timestamp": TIMESTAMP_HEADER},
        )
    given = signature.strip().encode()
    if not any(
        hmac.compare_digest(given, incoming_signature(secret, timestamp, body).encode())
        for secret in secrets_
    ):
        raise _refuse(endpoint, body, bad)
    try:
        sent = dt.datetime.fromtimestamp(int(timestamp), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise _refuse(endpoint, body, _("The timestamp must be a Unix time in seconds.")) from None
    if abs(now - sent) > REPLAY_WINDOW:
        raise _refuse(
            endpoint,
            body,
            _("The timestamp is more than %(minutes)s minutes away from our clock: resend it.")
            % {"minutes": int(REPLAY_WINDOW.total_seconds() // 60)},
        )
    return endpoint


# -- the log and idempotency ---------------------------------------------------------------------


def request_digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def request_log(
    endpoint: IncomingEndpoint, kind: str, body: bytes, status: int, *, error: str = ""
) -> IncomingRequest:
    return IncomingRequest.objects.create(
        workspace_id=endpoint.workspace_id,
        endpoint=endpoint,
        kind=kind,
        body_sha256=request_digest(body),
        status_code=status,
        error=error[:500],
    )


# -- writing contact, lead and touchpoint through the shared services ------------------------------


# -- managing endpoints (admins) ------------------------------------------------------------------


SECRET_GRACE_HOURS = 24
SECRET_GRACE = dt.timedelta(hours=SECRET_GRACE_HOURS)


def incoming_secret_rotate(
    *, actor: Actor, endpoint_id: int, grace: bool = True, now: dt.datetime | None = None
) -> IncomingEndpoint:
    """A new secret, valid at once. With ``grace`` (a planned change) the old one is still
    accepted for ``SECRET_GRACE``, time to update the sending tool; without (a leaked secret) it
    stops working at once, and so does any older one still in its grace period."""

    actor.require("workspace.write")
    now = now or timezone.now()
    with transaction.atomic():
        endpoint = (
            IncomingEndpoint.objects.select_for_update()
            .filter(workspace=actor.workspace, pk=endpoint_id)
            .first()
        )
        if endpoint is None:
            raise NotFound(_("Endpoint not found."))
        before = audit.snapshot(endpoint, ("secret_rotated_at", "previous_secret_until"))
        endpoint.previous_secret = endpoint.secret if grace else ""
        endpoint.previous_secret_until = now + SECRET_GRACE if grace else None
        endpoint.secret = _new_secret()
        endpoint.secret_rotated_at = now
        endpoint.save(
            update_fields=[
                "secret",
                "secret_rotated_at",
                "previous_secret",
                "previous_secret_until",
                "updated_at",
            ]
        )
        # the secrets themselves never enter the log: when it changed, and the old one's grace
        audit.audit_write(
            actor=actor,
            action="rotate",
            target="incoming",
            target_id=endpoint.pk,
            target_label=endpoint.name,
            before=before,
            after=audit.snapshot(endpoint, ("secret_rotated_at", "previous_secret_until")),
        )
    return endpoint


def incoming_endpoint_defaults(actor: Actor, endpoint: Any) -> None:
    """``before_save`` of the record spec: the creator is who requests act for."""
    if endpoint.created_by_id is None:
        endpoint.created_by = actor.user
