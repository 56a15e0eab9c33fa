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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, DomainError, ValidationFailed
from cordee.core.records import record_create, record_update
from cordee.core.roles import Role
from cordee.crm.models import Account, Campaign, Contact, Lead, Touchpoint
from cordee.crm.records import ACCOUNTS, CONTACTS
from cordee.crm.services import lead_create, touchpoint_create
from cordee.integrations.models import IncomingEndpoint, IncomingRequest, _new_secret
from cordee.people.models import normalize_email

REPLAY_WINDOW = dt.timedelta(minutes=5)
SIGNATURE_HEADER = "X-Cordee-Signature"
TIMESTAMP_HEADER = "X-Cordee-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
CLOSED_STAGES = ("won", "lost", "disqualified")
# utm_medium values seen in the wild → Cordée's channels
UTM_MEDIUM_CHANNEL = {
    "cpc": "sea",
    "ppc": "sea",
    "paid_search": "sea",
    "email": "emailing",
    "e-mail": "emailing",
    "newsletter": "emailing",
    "organic": "seo",
    "social": "linkedin",
    "paid_social": "linkedin",
    "linkedin": "linkedin",
    "referral": "referral",
    "partner": "partner",
    "webinar": "webinar",
    "event": "event",
}


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


def incoming_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` + hex HMAC-SHA256 of ``<timestamp>.<raw body>`` with the endpoint's secret."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _refuse(endpoint: IncomingEndpoint | None, body: bytes, message: str) -> Unauthorized:
    if endpoint is not None:  # the admins see why their tool is refused
        _log(endpoint, "", body, 401, error=message)
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


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _log(
    endpoint: IncomingEndpoint, kind: str, body: bytes, status: int, *, error: str = ""
) -> IncomingRequest:
    return IncomingRequest.objects.create(
        workspace_id=endpoint.workspace_id,
        endpoint=endpoint,
        kind=kind,
        body_sha256=_digest(body),
        status_code=status,
        error=error[:500],
    )


@dataclass
class IncomingResult:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def _replay(prior: IncomingRequest, body: bytes) -> IncomingResult:
    if prior.body_sha256 != _digest(body):
        raise Conflict(
            _("This Idempotency-Key was already used for a different request."),
            field_errors={IDEMPOTENCY_HEADER: [_("Use a new key for a new request.")]},
        )
    return IncomingResult(prior.status_code, prior.response, replayed=True)


def _failure_text(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if isinstance(errors, list):  # a schema validation error: name the fields
        parts = []
        for err in errors:
            loc = [str(p) for p in err.get("loc", ()) if p != "body"]
            parts.append(f"{'.'.join(loc) or 'body'}: {err.get('msg', '')}")
        return "; ".join(parts)
    if isinstance(exc, DomainError):
        fields = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items())
        return f"{exc.message} {fields}".strip()
    return str(exc)


def incoming_receive(
    *,
    endpoint: IncomingEndpoint,
    kind: str,
    body: bytes,
    idempotency_key: str | None,
    parse: Callable[[bytes], dict[str, Any]],
) -> IncomingResult:
    """Handle one authenticated request: replay a known ``Idempotency-Key``; otherwise parse the
    body (``parse`` raises the 4xx naming the field), then write everything in one transaction
    together with the key, so that of two concurrent requests with the same key exactly one
    writes and the other answers as the first did. Failed requests are logged without their key
    (they wrote nothing, so the client may retry with the same key)."""
    key = (idempotency_key or "").strip() or None
    if key is not None and len(key) > 200:
        raise ValidationFailed(
            _("The Idempotency-Key header is too long."),
            field_errors={IDEMPOTENCY_HEADER: [_("Enter at most %(n)s characters.") % {"n": 200}]},
        )
    if key is not None:
        prior = IncomingRequest.objects.filter(endpoint=endpoint, idempotency_key=key).first()
        if prior is not None:
            return _replay(prior, body)
    try:
        data = parse(body)
        with transaction.atomic():
            log = IncomingRequest.objects.create(
                workspace_id=endpoint.workspace_id,
                endpoint=endpoint,
                kind=kind,
                idempotency_key=key,
                body_sha256=_digest(body),
                status_code=201,
            )
            answer = _apply(endpoint, kind, data)
            log.response = {"request_id": log.pk, **answer}
            log.lead_id = answer["lead_id"]
            log.save(update_fields=["response", "lead"])
            IncomingEndpoint.objects.filter(pk=endpoint.pk).update(last_request_at=timezone.now())
    except IntegrityError:
        prior = (
            IncomingRequest.objects.filter(endpoint=endpoint, idempotency_key=key).first()
            if key
            else None
        )
        if prior is None:
            raise
        return _replay(prior, body)  # a concurrent request with the same key wrote first
    except Exception as exc:
        status = exc.status if isinstance(exc, DomainError) else 422
        if getattr(exc, "errors", None) is not None or isinstance(exc, DomainError):
            _log(endpoint, kind, body, status, error=_failure_text(exc))
        raise
    return IncomingResult(201, log.response)


# -- writing contact, lead and touchpoint through the shared services ------------------------------


def _actor(endpoint: IncomingEndpoint) -> Actor:
    """Requests act in the endpoint's workspace with a marketer's rights (contacts, leads,
    touchpoints, accounts), in the name of the admin who created the endpoint."""
    return Actor(user=endpoint.created_by, workspace=endpoint.workspace, role=Role.MARKETER)


@dataclass
class _Context:
    endpoint: IncomingEndpoint
    actor: Actor
    warnings: list[str] = field(default_factory=list)


def _campaign(ctx: _Context, data: dict[str, Any]) -> Campaign | None:
    utm = data.get("utm") or {}
    code = data.get("campaign_code") or utm.get("campaign")
    if code:
        campaigns = Campaign.objects.filter(workspace=ctx.endpoint.workspace)
        found = (
            campaigns.filter(external_id=code).order_by("id").first()
            or campaigns.filter(name__iexact=code).order_by("id").first()
        )
        if found is not None:
            return found
        ctx.warnings.append(
            _("No campaign has the code or name “%(code)s”; the default was used.") % {"code": code}
        )
    return ctx.endpoint.default_campaign


def _channel(campaign: Campaign | None, data: dict[str, Any]) -> str:
    if campaign is not None:
        return campaign.channel
    if data.get("channel"):
        return str(data["channel"])
    medium = str((data.get("utm") or {}).get("medium") or "").strip().lower()
    return UTM_MEDIUM_CHANNEL.get(medium, "")


def _account(ctx: _Context, company: dict[str, Any] | None) -> Account | None:
    if not company:
        return None
    accounts = Account.objects.filter(workspace=ctx.endpoint.workspace)
    domain = (company.get("domain") or "").strip().lower()
    found = accounts.filter(domain__iexact=domain).first() if domain else None
    found = found or accounts.filter(name__iexact=company["name"].strip()).first()
    if found is not None:
        return found
    values = {k: v for k, v in company.items() if v not in (None, "")}
    values["source_system"] = ctx.endpoint.source_system
    return record_create(actor=ctx.actor, spec=ACCOUNTS, data=values)  # type: ignore[no-any-return]


_PERSON = ("first_name", "last_name", "job_title", "phone", "country")


def _contact(ctx: _Context, data: dict[str, Any], account: Account | None) -> Contact:
    email = normalize_email(data["email"])
    values: dict[str, Any] = {k: data[k] for k in _PERSON if data.get(k)}
    contact = Contact.objects.filter(workspace=ctx.endpoint.workspace, email=email).first()
    if contact is None:
        values.update(email=email, source_system=ctx.endpoint.source_system)
        if account is not None:
            values["account"] = account.pk
        return record_create(actor=ctx.actor, spec=CONTACTS, data=values)  # type: ignore[no-any-return]
    if account is not None and contact.account_id is None:
        values["account"] = account.pk
    if values:
        contact = record_update(actor=ctx.actor, spec=CONTACTS, instance=contact, data=values)
    return contact


def _open_lead(contact: Contact) -> Lead | None:
    return (
        Lead.objects.filter(contact=contact)
        .exclude(stage__in=CLOSED_STAGES)
        .order_by("-created_at", "-id")
        .first()
    )


def _touchpoint(
    ctx: _Context,
    data: dict[str, Any],
    contact: Contact,
    lead: Lead | None,
    campaign: Campaign | None,
    channel: str,
) -> Touchpoint:
    external_id = data.get("external_id") or None
    source = ctx.endpoint.source_system
    if external_id:
        known = Touchpoint.objects.filter(
            workspace=ctx.endpoint.workspace, source_system=source, external_id=external_id
        ).first()
        if known is not None:  # the same submission sent twice without an idempotency key
            ctx.warnings.append(_("This submission was already received; nothing was added."))
            return known
    return touchpoint_create(
        actor=ctx.actor,
        data={
            "contact": contact.pk,
            "lead": lead.pk if lead else None,
            "campaign": campaign.pk if campaign else None,
            "channel": channel,
            "kind": data.get("kind") or "form_submit",
            "occurred_at": data.get("occurred_at") or timezone.now(),
            "note": data.get("note") or "",
            "source_system": source,
            "external_id": external_id,
        },
    )


def _apply(endpoint: IncomingEndpoint, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    ctx = _Context(endpoint=endpoint, actor=_actor(endpoint))
    campaign = _campaign(ctx, data)
    channel = _channel(campaign, data)
    contact = _contact(ctx, data, _account(ctx, data.get("company")))
    lead = _open_lead(contact)
    created = False
    if kind == "lead" and lead is None:
        lead = lead_create(
            actor=ctx.actor,
            data={
                "contact": contact.pk,
                "source_campaign": campaign.pk if campaign else None,
                "source_channel": channel,
                "source_system": endpoint.source_system,
            },
        )
        created = True
    touchpoint = _touchpoint(ctx, data, contact, lead, campaign, channel)
    return {
        "contact_id": contact.pk,
        "lead_id": lead.pk if lead else None,
        "lead_created": created,
        "touchpoint_id": touchpoint.pk,
        "campaign_id": campaign.pk if campaign else None,
        "warnings": ctx.warnings,
    }


# -- managing endpoints (admins) ------------------------------------------------------------------


SECRET_GRACE_HOURS = 24
SECRET_GRACE = dt.timedelta(hours=SECRET_GRACE_HOURS)


def incoming_secret_rotate(
    *, actor: Actor, endpoint_id: int, grace: bool = True, now: dt.datetime | None = None
) -> IncomingEndpoint:
    """A new secret, valid at once. With ``grace`` (a planned change) the old one is still
    accepted for ``SECRET_GRACE``, time to update the sending tool; without (a leaked secret) it
    stops working at once, and so does any older one still in its grace period."""
    from cordee.core.errors import NotFound

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
    return endpoint


def incoming_endpoint_defaults(actor: Actor, endpoint: Any) -> None:
    """``before_save`` of the record spec: the creator is who requests act for."""
    if endpoint.created_by_id is None:
        endpoint.created_by = actor.user
