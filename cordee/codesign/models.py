"""The campaign brief: a structured document on a campaign, every saved version kept.

A brief is its versions: version 1 is the first save, each later save adds the next number and
keeps the ones before, so any two can be compared (``diff.py``). The current brief is the
highest number.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import User, WorkspaceScoped


class BriefVersion(WorkspaceScoped):
    campaign = models.ForeignKey(
        "crm.Campaign",
        on_delete=models.CASCADE,
        related_name="brief_versions",
        verbose_name=_("campaign"),
    )
    number = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    objective = models.TextField(_("objective"), blank=True)
    segment = models.JSONField(_("target segment"), default=list, blank=True)  # industries
    pods = models.JSONField(_("target pods"), default=list, blank=True)  # pod ids
    persona = models.TextField(_("persona"), blank=True)
    message = models.TextField(_("message"), blank=True)
    offer = models.TextField(_("offer"), blank=True)
    call_to_action = models.CharField(_("call to action"), max_length=300, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)  # crm Channel values
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    expected_mqls = models.PositiveIntegerField(_("expected MQLs"), null=True, blank=True)
    expected_sqls = models.PositiveIntegerField(_("expected SQLs"), null=True, blank=True)
    expected_pipeline = models.DecimalField(
        _("expected pipeline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    success_criteria = models.TextField(_("success criteria"), blank=True)

    class Meta:
        verbose_name = _("brief version")
        verbose_name_plural = _("brief versions")
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="briefversion_number"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="briefversion_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} v{self.number}"
