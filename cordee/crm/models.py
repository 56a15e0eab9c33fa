"""The reference data both teams work on: accounts, contacts and campaigns.

Leads, their touches, stage history and opportunities are the funnel's (``cordee.funnel``).

Indexes follow the queries that run on millions of rows: lists filtered by workspace and
ordered by recency, a lead's touches and history in time order, the funnel by stage and date.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.core.models import Synced, synced_unique
from cordee.tenancy.models import normalize_email


class SizeBand(models.TextChoices):
    MICRO = "1-9", _("1–9 employees")
    SMALL = "10-49", _("10–49 employees")
    MEDIUM = "50-249", _("50–249 employees")
    LARGE = "250-999", _("250–999 employees")
    ENTERPRISE = "1000-4999", _("1,000–4,999 employees")
    MAJOR = "5000+", _("5,000+ employees")


class Account(Synced):
    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(_("website domain"), max_length=200, blank=True)
    industry = models.CharField(_("industry"), max_length=80, blank=True)
    size_band = models.CharField(_("size"), max_length=12, choices=SizeBand.choices, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True, default="FR")
    region = models.CharField(_("region"), max_length=80, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["name", "id"]
        constraints = [synced_unique("account")]
        indexes = [
            models.Index(fields=["workspace", "name"]),
            models.Index(fields=["workspace", "industry"]),
        ]

    def __str__(self) -> str:
        return self.name


class Contact(Synced):
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
        verbose_name=_("account"),
    )
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    # NULL when absent, so the plain unique constraint below allows many contacts without e-mail.
    email = models.EmailField(_("e-mail"), max_length=254, null=True, blank=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["last_name", "first_name", "id"]
        constraints = [
            synced_unique("contact"),
            models.UniqueConstraint(fields=["workspace", "email"], name="contact_unique_email"),
        ]
        indexes = [
            models.Index(fields=["workspace", "last_name"]),
            # no Index(fields=["account"]): the foreign key's own index is that one (it was
            # there twice, written twice by every import)
        ]

    def __str__(self) -> str:
        return self.full_name or (self.email or "")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def clean(self) -> None:
        self.email = normalize_email(self.email)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalize_email(self.email)
        super().save(*args, **kwargs)


class Channel(models.TextChoices):
    WEBINAR = "webinar", _("Webinar")
    EVENT = "event", _("Trade show / event")
    SEO = "seo", _("SEO")
    SEA = "sea", _("Paid search (SEA)")
    LINKEDIN = "linkedin", _("LinkedIn")
    EMAILING = "emailing", _("E-mailing")
    PARTNER = "partner", _("Partners")
    OUTBOUND = "outbound", _("Outbound")
    CONTENT = "content", _("Content")
    REFERRAL = "referral", _("Referral")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(Synced):
    name = models.CharField(_("name"), max_length=200)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    type = models.CharField(_("type"), max_length=80, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    # blank: the workspace currency is filled in by the record services
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED
    )

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-start_date", "name", "id"]
        constraints = [
            synced_unique("campaign"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="campaign_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "channel"]),
            models.Index(fields=["workspace", "-start_date"]),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignMember(models.Model):
    """A contact invited to or targeted by a campaign (a list, not a touch: being a member says
    nothing about who engaged, so attribution never reads it)."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="members", verbose_name=_("campaign")
    )
    contact = models.ForeignKey(
        Contact,
        on_delete=models.CASCADE,
        related_name="campaign_memberships",
        verbose_name=_("contact"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"))

    class Meta:
        verbose_name = _("campaign member")
        verbose_name_plural = _("campaign members")
        ordering = ["-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "contact"], name="campaign_member_once")
        ]
        indexes = [models.Index(fields=["workspace", "contact"])]

    def __str__(self) -> str:
        return f"{self.contact} ∈ {self.campaign}"
