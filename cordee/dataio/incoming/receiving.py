"""Incoming webhooks, the receiving side: a signed request becomes a contact, a lead or a
touchpoint through the shared services, exactly once per ``Idempotency-Key``.

Endpoints, their secrets and the request log are ``cordee.integrations.incoming``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, DomainError, ValidationFailed
from cordee.core.records import record_create, record_update
from cordee.crm.models import Account, Campaign, Contact
from cordee.crm.records import ACCOUNTS, CONTACTS
from cordee.funnel.models import CLOSED_STAGES, Lead, Touchpoint
from cordee.funnel.services import lead_create, touchpoint_create
from cordee.integrations.incoming import IDEMPOTENCY_HEADER, request_digest, request_log
from cordee.integrations.models import IncomingEndpoint, IncomingRequest
from cordee.tenancy.models import normalize_email
from cordee.tenancy.roles import Role

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


@dataclass
class IncomingResult:
    status: int
    body: dict[str, Any]
    replayed: bool = False


def _replay(prior: IncomingRequest, body: bytes) -> IncomingResult:
    if prior.body_sha256 != request_digest(body):
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
                body_sha256=request_digest(body),
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
            request_log(endpoint, kind, body, status, error=_failure_text(exc))
        raise
    return IncomingResult(201, log.response)


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
    """What a request writes; the audit log names the endpoint as who wrote it (not its
    creator, in whose name it acts)."""
    with audit.acting_rule(endpoint.name):
        return _apply_request(endpoint, kind, data)


def _apply_request(endpoint: IncomingEndpoint, kind: str, data: dict[str, Any]) -> dict[str, Any]:
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
