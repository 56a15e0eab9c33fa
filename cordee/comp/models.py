"""Variable pay: plans kept as versioned documents (``cordee.analytics.comp`` evaluates them),
who may read everyone's pay (comp admins, granted by RevOps), statements frozen on approval with
the plan version and the input values they used, disputes and the adjustments that settle them
in a later period. Compensation is private: ``comp.selectors`` applies who reads what."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import WorkspaceScoped


class CompAdmin(WorkspaceScoped):
    """A member who reads and approves everyone's variable pay and edits the plans: RevOps
    grants it (an executive reads pay only with it)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("comp admin")
        verbose_name_plural = _("comp admins")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="compadmin_one_per_member")
        ]

    def __str__(self) -> str:
        return str(self.user)


class Plan(WorkspaceScoped):
    """A variable pay plan: its document is its latest version's."""

    name = models.CharField(_("name"), max_length=120)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pay plan")
        verbose_name_plural = _("pay plans")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="compplan_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PlanVersion(WorkspaceScoped):
    """One version of a plan's document, never edited: a change is a new version (who, when,
    why). A statement keeps the version it was computed with."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    document = models.JSONField(_("document"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pay plan version")
        verbose_name_plural = _("pay plan versions")
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="compplanversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.number}"


class StatementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")


class Statement(WorkspaceScoped):
    """A person's pay for one period under one plan. Approved, it is frozen: its lines, total,
    plan version and the input values it used (deals, KPI values) never change; a correction
    is a later adjustment."""

    # a plan or version is not deleted while statements use it, but all go with the workspace
    plan = models.ForeignKey(Plan, on_delete=models.RESTRICT, related_name="statements")
    version = models.ForeignKey(PlanVersion, on_delete=models.RESTRICT, related_name="+")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    period = models.CharField(_("period"), max_length=10)  # 2026-05, 2026-Q2, 2026
    status = models.CharField(
        _("status"), max_length=10, choices=StatementStatus.choices, default=StatementStatus.DRAFT
    )
    lines = models.JSONField(_("lines"), default=list)
    inputs = models.JSONField(_("inputs"), default=dict)
    total = models.DecimalField(_("total"), max_digits=14, decimal_places=2, default=0)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pay statement")
        verbose_name_plural = _("pay statements")
        ordering = ["-period", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "person", "period"], name="compstatement_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.period}"


class DisputeStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Dispute(WorkspaceScoped):
    """A person questions one line of their statement; a comp admin resolves it, with an
    adjustment in a later period when they agree."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="disputes")
    component = models.CharField(_("line"), max_length=60)
    text = models.TextField(_("why"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("pay dispute")
        verbose_name_plural = _("pay disputes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.statement} · {self.component}"


class Adjustment(WorkspaceScoped):
    """An amount added to (or taken from) a person's pay in a later period: a dispute's
    settlement or a correction. Its statement shows it as a line of its own."""

    plan = models.ForeignKey(Plan, on_delete=models.RESTRICT, related_name="adjustments")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("person"),
    )
    period = models.CharField(_("paid in"), max_length=10)
    component = models.CharField(_("line"), max_length=60)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=300)
    dispute = models.ForeignKey(
        Dispute, null=True, blank=True, on_delete=models.SET_NULL, related_name="adjustments"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("pay adjustment")
        verbose_name_plural = _("pay adjustments")
        ordering = ["period", "id"]

    def __str__(self) -> str:
        return f"{self.person} · {self.period}: {self.amount}"
