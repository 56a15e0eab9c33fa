"""The shared data both teams work on: accounts, contacts, campaigns, touchpoints, leads,
opportunities, and every lead's stage history.

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

from cordee.core.models import Synced
from cordee.people.models import normalize_email


def _synced_unique(name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["workspace", "source_system", "external_id"], name=f"{name}_unique_external_id"
    )


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
        constraints = [_synced_unique("account")]
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
            _synced_unique("contact"),
            models.UniqueConstraint(fields=["workspace", "email"], name="contact_unique_email"),
        ]
        indexes = [
            models.Index(fields=["workspace", "last_name"]),
            models.Index(fields=["account"]),
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
            _synced_unique("campaign"),
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

    class Meta:
        verbose_name = _("touchpoint")
        verbose_name_plural = _("touchpoints")
        ordering = ["-occurred_at", "-id"]
        constraints = [_synced_unique("touchpoint")]
        indexes = [
            models.Index(fields=["workspace", "-occurred_at"]),
            models.Index(fields=["lead", "occurred_at"]),
            models.Index(fields=["contact", "occurred_at"]),
            models.Index(fields=["campaign", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.occurred_at:%Y-%m-%d}"

    def clean(self) -> None:
        if self.campaign_id and not self.channel and self.campaign:
            self.channel = self.campaign.channel

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.is_sales_activity = self.kind in SALES_ACTIVITY_KINDS
        super().save(*args, **kwargs)


class Stage(models.TextChoices):
    """The demand waterfall (PRODUCT.md), main path then the side exits."""

    INQUIRY = "inquiry", _("Inquiry")
    MQL = "mql", _("MQL")
    SAL = "sal", _("SAL")
    SQL = "sql", _("SQL")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    RECYCLED = "recycled", _("Recycled")
    DISQUALIFIED = "disqualified", _("Disqualified")


class Lead(Synced):
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="leads", verbose_name=_("contact")
    )
    source_campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        verbose_name=_("source campaign"),
    )
    source_channel = models.CharField(
        _("source channel"), max_length=20, choices=Channel.choices, blank=True
    )
    stage = models.CharField(
        _("stage"), max_length=14, choices=Stage.choices, default=Stage.INQUIRY
    )
    stage_entered_at = models.DateTimeField(_("in stage since"))
    mql_at = models.DateTimeField(_("became MQL"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    pod = models.ForeignKey(
        "people.Pod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        verbose_name=_("pod"),
    )
    score = models.IntegerField(_("score"), default=0)
    score_detail = models.JSONField(_("score explained"), default=list, blank=True)
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)
    recycle_on = models.DateField(_("re-evaluate on"), null=True, blank=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        constraints = [_synced_unique("lead")]
        indexes = [
            models.Index(fields=["workspace", "stage", "-stage_entered_at"]),
            models.Index(fields=["workspace", "-created_at"]),
            models.Index(fields=["workspace", "owner", "stage"]),
            models.Index(fields=["workspace", "pod", "stage"]),
            models.Index(fields=["source_campaign"]),
        ]

    def __str__(self) -> str:
        return str(self.contact)


class LeadStageChange(models.Model):
    """One step of a lead through the waterfall: appended, never edited."""

    workspace = models.ForeignKey("people.Workspace", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="history")
    from_stage = models.CharField(_("from"), max_length=14, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=14, choices=Stage.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    rule = models.CharField(_("rule"), max_length=80, blank=True)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    imported = models.BooleanField(_("imported"), default=False)

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["lead", "at"]),
            models.Index(fields=["workspace", "to_stage", "at"]),
            models.Index(fields=["workspace", "from_stage", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.from_stage or '∅'} → {self.to_stage} @ {self.at:%Y-%m-%d %H:%M}"


class OpportunityStage(models.TextChoices):
    DISCOVERY = "discovery", _("Discovery")
    QUALIFICATION = "qualification", _("Qualification")
    PROPOSAL = "proposal", _("Proposal")
    NEGOTIATION = "negotiation", _("Negotiation")
    WON = "closed_won", _("Closed won")
    LOST = "closed_lost", _("Closed lost")


class OpportunitySource(models.TextChoices):
    MARKETING = "marketing", _("Marketing")
    SALES = "sales", _("Sales")
    PARTNER = "partner", _("Partner")


class Opportunity(Synced):
    name = models.CharField(_("name"), max_length=200)
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="opportunities", verbose_name=_("account")
    )
    lead = models.ForeignKey(
        Lead,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        verbose_name=_("lead"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    # blank: the workspace currency is filled in by the record services
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    stage = models.CharField(
        _("stage"),
        max_length=16,
        choices=OpportunityStage.choices,
        default=OpportunityStage.DISCOVERY,
    )
    created_on = models.DateField(_("created on"))
    close_date = models.DateField(_("close date"), null=True, blank=True)
    loss_reason = models.CharField(_("loss reason"), max_length=200, blank=True)
    source = models.CharField(
        _("source"),
        max_length=12,
        choices=OpportunitySource.choices,
        default=OpportunitySource.MARKETING,
    )
    primary_campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        verbose_name=_("primary campaign"),
    )
    pod = models.ForeignKey(
        "people.Pod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opportunities",
        verbose_name=_("pod"),
    )

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_on", "-id"]
        constraints = [
            _synced_unique("opportunity"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="opportunity_amount_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "stage", "close_date"]),
            models.Index(fields=["workspace", "-created_on"]),
            models.Index(fields=["workspace", "owner"]),
            models.Index(fields=["account"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.stage in (OpportunityStage.WON, OpportunityStage.LOST)

    @property
    def is_won(self) -> bool:
        return self.stage == OpportunityStage.WON


class LeadAssignment(models.Model):
    """Who owned a lead from when, and why (routing rule, SLA reassignment, a person)."""

    workspace = models.ForeignKey("people.Workspace", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="assignments")
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("from"),
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("to"),
    )
    pod = models.ForeignKey(
        "people.Pod", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    rule = models.CharField(_("rule"), max_length=80, blank=True)
    reason = models.CharField(_("why"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["lead", "at"]),
            models.Index(fields=["workspace", "to_owner", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.from_owner} → {self.to_owner}"
