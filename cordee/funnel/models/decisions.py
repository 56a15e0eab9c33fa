"""Funnel configuration and decisions: rejection reasons and sales' accept/reject decisions."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.funnel.models.touchpoints import TouchKind
from cordee.tenancy.models import WorkspaceScoped


class RejectionOutcome(models.TextChoices):
    RECYCLED = "recycled", _("Recycle (back to nurture)")
    DISQUALIFIED = "disqualified", _("Disqualify")


class RejectionReason(WorkspaceScoped):
    """A per-workspace catalogue entry; its outcome is the default the rejecting rep may change."""

    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=120)
    default_outcome = models.CharField(
        _("default outcome"),
        max_length=14,
        choices=RejectionOutcome.choices,
        default=RejectionOutcome.RECYCLED,
    )
    recycle_after_days = models.PositiveSmallIntegerField(_("re-evaluate after (days)"), default=90)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "code"], name="rejectionreason_unique_code"
            )
        ]

    def __str__(self) -> str:
        return self.label


class DecisionKind(models.TextChoices):
    ACCEPT = "accept", _("Accepted")
    REJECT = "reject", _("Rejected")


class LeadDecision(models.Model):
    """Sales' decision on one MQL cycle of a lead. The unique constraint on (lead, mql_at) makes
    "exactly one decision wins" a database fact on SQLite and PostgreSQL alike."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey("funnel.Lead", on_delete=models.CASCADE, related_name="decisions")
    mql_at = models.DateTimeField(_("MQL since"))
    kind = models.CharField(_("decision"), max_length=8, choices=DecisionKind.choices)
    reason = models.ForeignKey(
        RejectionReason,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("reason"),
    )
    outcome = models.CharField(_("outcome"), max_length=14, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"))

    class Meta:
        verbose_name = _("lead decision")
        verbose_name_plural = _("lead decisions")
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "mql_at"], name="leaddecision_one_per_mql")
        ]
        indexes = [models.Index(fields=["workspace", "kind", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.decided_at:%Y-%m-%d}"


class SlaContract(WorkspaceScoped):
    """The two-sided service-level agreement for one period and one scope, signed by a marketing
    and a sales manager. Scope precedence: pod › segment (account industries) › workspace default.
    Durations are in *business* time on the workspace calendar."""

    name = models.CharField(_("name"), max_length=120)
    pod = models.ForeignKey(
        "people.Pod",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sla_contracts",
        verbose_name=_("pod"),
    )
    industries = models.JSONField(_("segment (industries)"), default=list, blank=True)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    # marketing's commitments
    mql_volume = models.PositiveIntegerField(_("MQLs per period"), default=0)
    acceptance_floor = models.DecimalField(
        _("minimum acceptance rate (%)"), max_digits=5, decimal_places=2, default=0
    )
    # sales' commitments
    first_touch_hours = models.DecimalField(
        _("first touch within (business hours)"), max_digits=6, decimal_places=2, default=4
    )
    attempts_required = models.PositiveSmallIntegerField(_("attempts required"), default=3)
    attempts_within_days = models.PositiveSmallIntegerField(
        _("attempts within (business days)"), default=5
    )
    decision_hours = models.DecimalField(
        _("decision within (business hours)"), max_digits=6, decimal_places=2, default=16
    )
    reassign_on_breach = models.BooleanField(
        _("reassign the lead on a first-touch breach"), default=False
    )
    marketing_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("signed for marketing by"),
    )
    marketing_signed_at = models.DateTimeField(_("signed for marketing at"), null=True, blank=True)
    sales_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("signed for sales by"),
    )
    sales_signed_at = models.DateTimeField(_("signed for sales at"), null=True, blank=True)

    class Meta:
        verbose_name = _("SLA contract")
        verbose_name_plural = _("SLA contracts")
        ordering = ["-period_start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="sla_period_in_order",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "period_start", "period_end"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_signed(self) -> bool:
        return self.marketing_signed_at is not None and self.sales_signed_at is not None

    @property
    def scope_rank(self) -> int:
        """0 for a pod contract, 1 for a segment contract, 2 for the workspace default."""
        if self.pod_id:
            return 0
        if self.industries:
            return 1
        return 2


class BreachKind(models.TextChoices):
    FIRST_TOUCH = "first_touch", _("First touch late")
    ATTEMPTS = "attempts", _("Too few attempts")
    DECISION = "decision", _("Decision late")
    MQL_VOLUME = "mql_volume", _("MQL volume below commitment")
    ACCEPTANCE = "acceptance", _("Acceptance rate below floor")


SALES_BREACHES = frozenset({BreachKind.FIRST_TOUCH, BreachKind.ATTEMPTS, BreachKind.DECISION})


class SlaBreach(models.Model):
    """One broken commitment, recorded once. Lead breaches are keyed by (lead, kind, MQL cycle);
    marketing breaches by (contract, kind). ``silent`` breaches (revealed by imported, past
    history) are reported but never notified."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    contract = models.ForeignKey(
        SlaContract, null=True, on_delete=models.SET_NULL, related_name="breaches"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=BreachKind.choices)
    side = models.CharField(_("side"), max_length=10)
    lead = models.ForeignKey(
        "funnel.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="breaches"
    )
    mql_at = models.DateTimeField(_("MQL since"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    pod = models.ForeignKey(
        "people.Pod", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    period = models.CharField(
        _("period"), max_length=24, null=True, blank=True
    )  # marketing breaches only
    due_at = models.DateTimeField(_("due"))
    detected_at = models.DateTimeField(_("detected"))
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    silent = models.BooleanField(_("not notified (past history)"), default=False)
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)
    committee_pending = models.BooleanField(_("for the next committee"), default=True)

    class Meta:
        verbose_name = _("SLA breach")
        verbose_name_plural = _("SLA breaches")
        ordering = ["-due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["lead", "kind", "mql_at"], name="slabreach_once_per_lead_cycle"
            ),
            # marketing's breaches only: two leads' clocks may fall due at the same instant
            # under one contract (every MQL of a weekend starts on Monday morning)
            models.UniqueConstraint(
                fields=["contract", "kind", "due_at"],
                condition=models.Q(lead__isnull=True),
                name="slabreach_once_per_contract_period",
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "kind", "due_at"]),
            models.Index(fields=["workspace", "-due_at", "-id"]),
            models.Index(fields=["workspace", "committee_pending"]),
            models.Index(fields=["notified_at", "silent"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.due_at:%Y-%m-%d}"


class FitAttribute(models.TextChoices):
    INDUSTRY = "industry", _("Industry")
    SIZE_BAND = "size_band", _("Company size")
    COUNTRY = "country", _("Country")
    REGION = "region", _("Region")
    JOB_TITLE = "job_title", _("Job title contains")


class ScoringRule(WorkspaceScoped):
    """A fit rule (attribute matches one of the values) or an engagement rule (points per touch
    of a kind, decaying with a half-life)."""

    class Kind(models.TextChoices):
        FIT = "fit", _("Fit")
        ENGAGEMENT = "engagement", _("Engagement")

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    attribute = models.CharField(
        _("attribute"), max_length=12, choices=FitAttribute.choices, blank=True
    )
    values = models.JSONField(_("values"), default=list, blank=True)
    touch_kind = models.CharField(_("touch kind"), max_length=20, blank=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    half_life_days = models.DecimalField(
        _("half-life (days)"), max_digits=6, decimal_places=2, default=30
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("scoring rule")
        verbose_name_plural = _("scoring rules")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.FIT:
            if not self.attribute:
                raise ValidationError({"attribute": _("A fit rule needs an attribute.")})
            if not self.values or not all(isinstance(v, str) and v.strip() for v in self.values):
                raise ValidationError({"values": _("Give at least one value.")})
        else:
            if self.touch_kind not in TouchKind.values:
                raise ValidationError({"touch_kind": _("Choose a kind of touch.")})
            if self.half_life_days < 0:
                raise ValidationError({"half_life_days": _("A half-life cannot be negative.")})


class RoutingRule(WorkspaceScoped):
    """Send matching new MQLs to a pod; inside it, round-robin among available sales members
    under their capacity. Rules are tried in order; the first match wins."""

    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    pod = models.ForeignKey(
        "people.Pod", on_delete=models.CASCADE, related_name="routing_rules", verbose_name=_("pod")
    )
    industries = models.JSONField(_("industries"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    countries = models.JSONField(_("countries"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(_("open MQLs per rep at most"), default=25)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class MqlThresholdChange(models.Model):
    """The workspace's MQL threshold changed from ``old`` to ``new``, by whom and when: the
    history of a lead promoted before tells which threshold was in force then."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    old = models.PositiveSmallIntegerField(_("from"))
    new = models.PositiveSmallIntegerField(_("to"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    changed_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("MQL threshold change")
        verbose_name_plural = _("MQL threshold changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["workspace", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.old} → {self.new} @ {self.changed_at:%Y-%m-%d %H:%M}"


class RoutingFallback(models.Model):
    """Who takes an MQL no routing rule could place: a pod (its usual round-robin among
    available reps under capacity) or one person. Set by RevOps; one per workspace."""

    workspace = models.OneToOneField(
        "tenancy.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    pod = models.ForeignKey(
        "people.Pod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("fallback pod"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("fallback person"),
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    changed_at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("routing fallback")
        verbose_name_plural = _("routing fallbacks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pod__isnull=True) | models.Q(user__isnull=True),
                name="routingfallback_pod_or_person",
            )
        ]

    def __str__(self) -> str:
        return str(self.pod or self.user or "—")
