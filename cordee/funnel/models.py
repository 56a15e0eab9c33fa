"""Funnel configuration and decisions: rejection reasons and sales' accept/reject decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.core.models import WorkspaceScoped


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

    workspace = models.ForeignKey("people.Workspace", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey("crm.Lead", on_delete=models.CASCADE, related_name="decisions")
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
