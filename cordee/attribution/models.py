"""Attribution snapshots (computed in the background) and the numbers of record both sides sign."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import WorkspaceScoped


class Dimension(models.TextChoices):
    CHANNEL = "channel", _("Channel")
    CAMPAIGN = "campaign", _("Campaign")


class AttributionModel(models.TextChoices):
    """The models offered in the app, in the order of the page's table."""

    FIRST = "first", _("First touch")
    LAST = "last", _("Last touch")
    LINEAR = "linear", _("Linear")
    POSITION = "position", _("Position (U)")
    W_SHAPED = "w_shaped", _("W-shaped")
    TIME_DECAY = "time_decay", _("Time decay")
    MARKOV = "markov", _("Markov")
    SHAPLEY = "shapley", _("Shapley")


MODELS: tuple[str, ...] = tuple(AttributionModel.values)


class AttributionSnapshot(WorkspaceScoped):
    """Every model's credits for one period and dimension, as computed at ``computed_at``.
    Pages read snapshots; they never scan touchpoints."""

    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    dimension = models.CharField(_("by"), max_length=10, choices=Dimension.choices)
    half_life_days = models.DecimalField(
        _("half-life (days)"), max_digits=6, decimal_places=2, default=7
    )
    journeys = models.PositiveIntegerField(_("journeys"), default=0)
    # the period's won deals and won revenue (workspace currency), as funnel.won defines them
    conversions = models.PositiveIntegerField(_("won deals"), default=0)
    value = models.DecimalField(_("won revenue"), max_digits=16, decimal_places=2, default=0)
    credits = models.JSONField(_("credits"), default=dict)  # {model: {name: "conversions"}}
    value_credits = models.JSONField(_("credits in value"), default=dict)  # {model: {name: "€"}}
    # won deals whose journey has no marketing touch: their own line, outside the credits
    no_touch_conversions = models.PositiveIntegerField(_("won without marketing touch"), default=0)
    no_touch_value = models.DecimalField(
        _("won revenue without marketing touch"), max_digits=16, decimal_places=2, default=0
    )
    other_currencies = models.JSONField(
        _("won in other currencies"), default=dict
    )  # {code: {"count": n, "amount": "…"}}
    unnamed_touches = models.PositiveIntegerField(_("touches without channel"), default=0)
    # the period's SQLs (opportunities created from a lead, created on in the period, as
    # funnel.won defines them) and their pipeline (workspace currency), credited by every model
    pipeline_opportunities = models.PositiveIntegerField(_("SQLs"), default=0)
    pipeline_value = models.DecimalField(
        _("pipeline created"), max_digits=16, decimal_places=2, default=0
    )
    # {model: {name: "€"}}; {} in a snapshot computed before pipeline credits were kept
    pipeline_credits = models.JSONField(_("credits in pipeline"), default=dict)
    pipeline_no_touch_opportunities = models.PositiveIntegerField(
        _("SQLs without marketing touch"), default=0
    )
    pipeline_no_touch_value = models.DecimalField(
        _("pipeline without marketing touch"), max_digits=16, decimal_places=2, default=0
    )
    pipeline_other_currencies = models.JSONField(
        _("pipeline in other currencies"), default=dict
    )  # {code: {"count": n, "amount": "…"}}
    # Shapley only: {name: {low, high, low_value, high_value, coalition, support}}
    intervals = models.JSONField(_("intervals"), default=dict)
    bootstrap_seed = models.PositiveIntegerField(_("bootstrap seed"), null=True, blank=True)
    bootstrap_resamples = models.PositiveIntegerField(_("bootstrap resamples"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("attribution snapshot")
        verbose_name_plural = _("attribution snapshots")
        ordering = ["-computed_at"]
        indexes = [
            models.Index(
                fields=["workspace", "period_start", "period_end", "dimension", "-computed_at"]
            )
        ]

    def __str__(self) -> str:
        return f"{self.period_start} – {self.period_end} · {self.get_dimension_display()}"


class AttributionLock(WorkspaceScoped):
    """The model and parameters both sides agreed on for a fiscal period, with the credits at
    signing kept as the numbers of record. Later data never changes them silently."""

    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    dimension = models.CharField(_("by"), max_length=10, choices=Dimension.choices)
    model = models.CharField(_("model"), max_length=12, choices=AttributionModel.choices)
    half_life_days = models.DecimalField(
        _("half-life (days)"), max_digits=6, decimal_places=2, default=7
    )
    credits = models.JSONField(_("credits of record"), default=dict)  # {name: "conversions"}
    value_credits = models.JSONField(_("credits of record in value"), default=dict)  # {name: "€"}
    # {name: "€"} in pipeline created; None: signed before Cordée kept pipeline credits
    pipeline_credits = models.JSONField(
        _("credits of record in pipeline"), null=True, blank=True, default=None
    )
    snapshot = models.ForeignKey(
        AttributionSnapshot, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marketing_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marketing_signed_at = models.DateTimeField(null=True, blank=True)
    sales_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sales_signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("attribution lock")
        verbose_name_plural = _("attribution locks")
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "period_start", "dimension"],
                name="attributionlock_one_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_model_display()} · {self.period_start} – {self.period_end}"

    @property
    def is_signed(self) -> bool:
        return self.marketing_signed_at is not None and self.sales_signed_at is not None
