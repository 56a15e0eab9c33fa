"""Goals: a KPI of the catalogue × a scope × a fiscal period × a target (``funnel.goals`` reads
their progress; ``funnel.services.goal_*`` write them), the history of their changes, and the
workspace's status thresholds."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Rollup(models.TextChoices):
    SUM = "sum", _("Children sum to the parent")
    INDEPENDENT = "independent", _("Independent")


class GoalField(models.TextChoices):
    """The fields whose changes the history keeps."""

    TARGET = "target", _("Target")
    STRETCH = "stretch_target", _("Stretch target")
    MARKETING_OWNER = "marketing_owner", _("Marketing owner")
    SALES_OWNER = "sales_owner", _("Sales owner")


class Goal(models.Model):
    """A target for one KPI of the catalogue (``analytics.kpis.CATALOGUE``), for a scope
    (``workspace``, ``side:marketing``, ``side:sales``, ``pod:<id>``, ``person:<user id>``: the
    KPIs' grammar) and a fiscal period (``2027``, ``2027-Q1``, ``2027-03``, kept with its first
    and last days). The target is in the KPI's unit: a count, a rate as a fraction, money in the
    workspace currency, a duration in days."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    kpi = models.CharField(_("KPI"), max_length=40)
    scope = models.CharField(_("scope"), max_length=40)
    period = models.CharField(_("period"), max_length=10)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4)
    stretch_target = models.DecimalField(
        _("stretch target"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    marketing_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("marketing owner"),
    )
    sales_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sales owner"),
    )
    parent = models.ForeignKey(  # a parent is not deleted before its children, but goes
        "self",  # with them when its workspace does
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="children",
        verbose_name=_("parent goal"),
    )
    rollup = models.CharField(
        _("roll-up rule"), max_length=12, choices=Rollup.choices, default=Rollup.INDEPENDENT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["period_start", "kpi", "scope", "id"]
        indexes = [models.Index(fields=["workspace", "period_start"])]

    def __str__(self) -> str:
        return f"{self.kpi} · {self.scope} · {self.period}: {self.target}"


class GoalChange(models.Model):
    """One change of a goal's target, stretch target or an owner: appended, never edited. The
    field is a code and the values plain (a decimal, a user id): words in the reader's
    language when read."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("field"), max_length=20, choices=GoalField.choices)
    before = models.CharField(_("before"), max_length=40, blank=True)
    after = models.CharField(_("after"), max_length=40, blank=True)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )

    class Meta:
        verbose_name = _("goal change")
        verbose_name_plural = _("goal changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["goal", "at"])]

    def __str__(self) -> str:
        return f"{self.field}: {self.before or '∅'} → {self.after or '∅'}"


DEFAULT_ON_TRACK = Decimal("1.00")
DEFAULT_AT_RISK = Decimal("0.85")


class GoalThresholds(models.Model):
    """The workspace's status thresholds (RevOps sets them): a goal is on track when its
    forecast reaches ``on_track`` × the target, at risk from ``at_risk`` × the target, off track
    below (inverted for a KPI where lower is better). No row: the defaults, 100 % and 85 %."""

    workspace = models.OneToOneField(
        "tenancy.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    on_track = models.DecimalField(
        _("on track from"), max_digits=5, decimal_places=4, default=DEFAULT_ON_TRACK
    )
    at_risk = models.DecimalField(
        _("at risk from"), max_digits=5, decimal_places=4, default=DEFAULT_AT_RISK
    )

    class Meta:
        verbose_name = _("goal thresholds")
        verbose_name_plural = _("goal thresholds")

    def __str__(self) -> str:
        return f"{self.on_track} / {self.at_risk}"
