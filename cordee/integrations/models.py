"""Outgoing webhooks: per-workspace subscriptions to events, and a log of every delivery."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import WorkspaceScoped


class WebhookFormat(models.TextChoices):
    JSON = "json", _("JSON (signed)")
    SLACK = "slack", _("Slack incoming webhook")
    TEAMS = "teams", _("Microsoft Teams incoming webhook")


class WebhookEvent(models.TextChoices):
    LEAD_MQL = "lead.mql", _("A lead became MQL")
    SLA_BREACH = "sla.breach", _("SLA breach")
    FEEDBACK_ANSWERED = "feedback.answered", _("Feedback answered")
    FEEDBACK_DIGEST = "feedback.digest", _("Weekly field-feedback digest")
    FEEDBACK_SLA_BREACH = "feedback.sla_breach", _("Field feedback not acknowledged in time")
    DEAL_WON = "deal.won", _("Deal won")


def _new_secret() -> str:
    return secrets.token_hex(24)


class WebhookSubscription(WorkspaceScoped):
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500)
    format = models.CharField(
        _("format"), max_length=8, choices=WebhookFormat.choices, default=WebhookFormat.JSON
    )
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=64, default=_new_secret)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(_("event"), max_length=40)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last HTTP status"), null=True, blank=True
    )
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription} ({self.status})"


# -- incoming webhooks ----------------------------------------------------------------------------


def _new_key() -> str:
    return secrets.token_urlsafe(18)


class IncomingEndpoint(WorkspaceScoped):
    """A URL a form tool or marketing automation posts new leads and touchpoints to. ``key`` names
    it in the URL (not secret); ``secret`` signs the requests (HMAC-SHA256) or, when
    ``accept_bearer`` is on, is sent as a bearer token."""

    name = models.CharField(_("name"), max_length=120)
    key = models.CharField(_("key"), max_length=40, unique=True, default=_new_key, editable=False)
    secret = models.CharField(_("secret"), max_length=64, default=_new_secret, editable=False)
    accept_bearer = models.BooleanField(
        _("accept the secret as a bearer token"),
        default=False,
        help_text=_("For tools that cannot sign requests. Signed requests are always accepted."),
    )
    source_system = models.CharField(
        _("source system"),
        max_length=40,
        blank=True,
        help_text=_("Recorded on the contacts it creates, e.g. typeform or hubspot."),
    )
    default_campaign = models.ForeignKey(
        "crm.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default campaign"),
        help_text=_("Used when a request names no campaign (by code or UTM)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    secret_rotated_at = models.DateTimeField(_("secret changed"), null=True, blank=True)
    # after a rotation with a grace period, the old secret is still accepted until then
    previous_secret = models.CharField(max_length=64, blank=True, editable=False)
    previous_secret_until = models.DateTimeField(
        _("old secret accepted until"), null=True, blank=True, editable=False
    )
    last_request_at = models.DateTimeField(_("last request"), null=True, blank=True)

    class Meta:
        verbose_name = _("incoming endpoint")
        verbose_name_plural = _("incoming endpoints")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class IncomingRequest(models.Model):
    """One request received by an endpoint: the log admins read, and the idempotency record (a
    repeated ``Idempotency-Key`` gets the stored answer; the unique constraint settles a race)."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(
        IncomingEndpoint, on_delete=models.CASCADE, related_name="requests"
    )
    kind = models.CharField(_("kind"), max_length=12)  # lead | touchpoint
    idempotency_key = models.CharField(_("idempotency key"), max_length=200, null=True, blank=True)
    body_sha256 = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"))
    response = models.JSONField(_("answer"), default=dict)
    error = models.CharField(_("error"), max_length=500, blank=True)
    # The one reference that points up a layer (integrations sits below funnel): the request log
    # links the lead it made. A string reference, not an import; dataio, which writes it, is above.
    lead = models.ForeignKey(
        "funnel.Lead", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("incoming request")
        verbose_name_plural = _("incoming requests")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["endpoint", "idempotency_key"], name="incoming_request_idempotency_key"
            )
        ]
        indexes = [models.Index(fields=["endpoint", "-received_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.status_code} @ {self.received_at:%Y-%m-%d %H:%M}"
