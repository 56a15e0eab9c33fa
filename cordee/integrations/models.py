"""Outgoing webhooks: per-workspace subscriptions to events, and a log of every delivery."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.integrations.destinations import url_destination_check
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
    COMMITTEE_SUMMARY = "committee.summary", _("Summary of a committee meeting")
    WIN_POSTED = "win.posted", _("A win posted on the wall")
    KUDOS_SENT = "kudos.sent", _("Kudos sent")
    REPORT_MONTHLY = "report.monthly", _("Monthly executive report")


def _new_secret() -> str:
    return secrets.token_hex(24)


class WebhookSubscription(WorkspaceScoped):
    name = models.CharField(_("name"), max_length=120)
    url = models.URLField(_("URL"), max_length=500, validators=[url_destination_check])
    format = models.CharField(
        _("format"), max_length=8, choices=WebhookFormat.choices, default=WebhookFormat.JSON
    )
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("signing secret"), max_length=64, default=_new_secret)
    is_active = models.BooleanField(_("active"), default=True)
    # the pods whose events it carries (wins, kudos, a pod's report); none: every pod's and the
    # workspace's
    pods = models.ManyToManyField(
        "people.Pod", blank=True, related_name="webhooks", verbose_name=_("pods")
    )
    # set on a row read for someone who may not read its URL (``selectors.webhooks_shown``)
    url_masked: bool = False

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.url_masked:  # its URL is "https://host/…": saving it would lose the real one
            raise ValueError("A webhook read with its URL masked cannot be saved.")
        super().save(*args, **kwargs)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class DeliveryError(models.TextChoices):
    """Why an attempt failed, kept as a code (shown in the reader's language), never as the
    words of whatever answered at a refused address."""

    REFUSED = "refused", _("Refused: an address of the server’s own network")
    UNRESOLVED = "unresolved", _("Unknown host name")
    TIMEOUT = "timeout", _("No answer in time")
    CONNECTION = "connection", _("Connection failed")
    TLS = "tls", _("Secure connection failed")
    REDIRECT = "redirect", _("Redirect not followed")
    HTTP = "http", _("Error answer")


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
    last_error_code = models.CharField(
        _("last error code"), max_length=12, blank=True, choices=DeliveryError.choices
    )
    last_error_params = models.JSONField(_("last error details"), default=dict, blank=True)
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

    @property
    def error_text(self) -> str:
        """The last failure as people read it, in the active language."""
        if self.last_error_code == DeliveryError.REFUSED:
            return _(
                "Refused: %(host)s is an address of the server’s own network (loopback, "
                "private, link-local or multicast); nothing was sent."
            ) % {"host": self.last_error_params.get("host", "")}
        if not self.last_error_code:
            return self.last_error
        label = str(DeliveryError(self.last_error_code).label)
        return f"{label} — {self.last_error}" if self.last_error else label


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
