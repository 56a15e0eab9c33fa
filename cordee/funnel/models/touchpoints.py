"""Touches: what marketing did to a contact (campaign touches) and what sales did (activities).

The table keeps the name it had in the ``crm`` app, where the model was first released."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.core.models import Synced, synced_unique
from cordee.crm.models import Campaign, Channel, Contact


class TouchKind(models.TextChoices):
    # marketing touches
    EMAIL_OPEN = "email_open", _("E-mail opened")
    EMAIL_CLICK = "email_click", _("E-mail clicked")
    WEB_VISIT = "web_visit", _("Website visit")
    FORM_SUBMIT = "form_submit", _("Form submitted")
    CONTENT_DOWNLOAD = "content_download", _("Content downloaded")
    WEBINAR_ATTENDED = "webinar_attended", _("Webinar attended")
    EVENT_VISIT = "event_visit", _("Met at an event")
    AD_CLICK = "ad_click", _("Ad clicked")
    # sales activities
    CALL = "call", _("Call")
    SALES_EMAIL = "sales_email", _("Sales e-mail")
    MEETING = "meeting", _("Meeting")
    MESSAGE = "message", _("Message")
    # a note on the record: logged by a person, but not a touch of the contact
    NOTE = "note", _("Note")


class CallOutcome(models.TextChoices):
    REACHED = "reached", _("Reached")
    VOICEMAIL = "voicemail", _("Voicemail")
    NO_ANSWER = "no_answer", _("No answer")
    WRONG_NUMBER = "wrong_number", _("Wrong number")


# what a person logs by hand (the activity buttons and ``POST /activities``)
ACTIVITY_KINDS = (
    TouchKind.CALL,
    TouchKind.SALES_EMAIL,
    TouchKind.MEETING,
    TouchKind.MESSAGE,
    TouchKind.NOTE,
)


SALES_ACTIVITY_KINDS = frozenset(
    {TouchKind.CALL, TouchKind.SALES_EMAIL, TouchKind.MEETING, TouchKind.MESSAGE}
)


class Touchpoint(Synced):
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="touchpoints", verbose_name=_("contact")
    )
    lead = models.ForeignKey(
        "Lead",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="touchpoints",
        verbose_name=_("lead"),
    )
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="touchpoints",
        verbose_name=_("campaign"),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=TouchKind.choices)
    is_sales_activity = models.BooleanField(_("sales activity"), default=False, editable=False)
    occurred_at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=CallOutcome.choices, blank=True, default=""
    )
    opportunity = models.ForeignKey(
        "Opportunity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="touchpoints",
        verbose_name=_("opportunity"),
    )

    class Meta:
        db_table = "crm_touchpoint"  # first released in the crm app
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["-occurred_at", "-id"]
        constraints = [synced_unique("touchpoint")]
        indexes = [
            models.Index(fields=["workspace", "-occurred_at"]),
            models.Index(fields=["lead", "occurred_at"]),
            models.Index(fields=["contact", "occurred_at"]),
            models.Index(fields=["campaign", "occurred_at"]),
            models.Index(fields=["opportunity", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occurred_at:%Y-%m-%d}"

    def clean(self) -> None:
        if self.campaign_id and not self.channel and self.campaign:
            self.channel = self.campaign.channel

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.is_sales_activity = self.kind in SALES_ACTIVITY_KINDS
        super().save(*args, **kwargs)
