"""Opportunities: a lead converted into a deal with an amount and a close date (SQL → won/lost).

The table keeps the name it had in the ``crm`` app, where the model was first released."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.core.models import Synced, synced_unique
from cordee.crm.models import Account, Campaign, Channel
from cordee.funnel.models.leads import Lead
from cordee.tenancy.models import WorkspaceScoped


class OpportunityStage(models.TextChoices):
    DISCOVERY = "discovery", _("Discovery")
    QUALIFICATION = "qualification", _("Qualification")
    PROPOSAL = "proposal", _("Proposal")
    NEGOTIATION = "negotiation", _("Negotiation")
    WON = "closed_won", _("Closed won")
    LOST = "closed_lost", _("Closed lost")


class ForecastCategory(models.TextChoices):
    """Where a rep forecasts a deal: the stage proposes it, the rep may choose another while the
    deal is open; a closed deal (won or lost) is always ``closed``."""

    PIPELINE = "pipeline", _("Pipeline")
    BEST_CASE = "best_case", _("Best case")
    COMMIT = "commit", _("Commit")
    CLOSED = "closed", _("Closed")


# The chance of winning a deal at each stage, in percent: a column's weighted amount is
# Σ amount × probability ÷ 100 (docs/opportunities.md).
STAGE_PROBABILITY: dict[str, int] = {
    "discovery": 10,
    "qualification": 25,
    "proposal": 50,
    "negotiation": 75,
    "closed_won": 100,
    "closed_lost": 0,
}

# The forecast category a stage proposes, until the rep chooses one.
STAGE_FORECAST: dict[str, str] = {
    "discovery": ForecastCategory.PIPELINE,
    "qualification": ForecastCategory.PIPELINE,
    "proposal": ForecastCategory.BEST_CASE,
    "negotiation": ForecastCategory.COMMIT,
    "closed_won": ForecastCategory.CLOSED,
    "closed_lost": ForecastCategory.CLOSED,
}


class OpportunitySource(models.TextChoices):
    MARKETING = "marketing", _("Marketing")
    SALES = "sales", _("Sales")
    PARTNER = "partner", _("Partner")


def source_of_lead(channel: str, from_campaign: bool) -> str:
    """Who brought an opportunity made from a lead, by the lead's source: a partner's lead is
    the partner's; outbound prospecting and referrals are sales'; any other channel, or a
    campaign, is marketing's; a lead with neither, sales'."""
    if channel == Channel.PARTNER:
        return OpportunitySource.PARTNER
    if channel in (Channel.OUTBOUND, Channel.REFERRAL):
        return OpportunitySource.SALES
    if channel or from_campaign:
        return OpportunitySource.MARKETING
    return OpportunitySource.SALES


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
    forecast_category = models.CharField(
        _("forecast category"),
        max_length=10,
        choices=ForecastCategory.choices,
        default=ForecastCategory.PIPELINE,
    )
    # True once a person chose the category: a later stage move keeps it (until the deal closes)
    forecast_chosen = models.BooleanField(_("forecast category chosen by hand"), default=False)
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
        db_table = "crm_opportunity"  # first released in the crm app
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_on", "-id"]
        constraints = [
            synced_unique("opportunity"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="opportunity_amount_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "stage", "close_date"]),
            models.Index(fields=["workspace", "-created_on"]),
            models.Index(fields=["workspace", "owner"]),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.stage in (OpportunityStage.WON, OpportunityStage.LOST)

    @property
    def is_won(self) -> bool:
        return self.stage == OpportunityStage.WON

    @property
    def probability(self) -> int:
        return STAGE_PROBABILITY[self.stage]

    @property
    def weighted_amount(self) -> Decimal:
        """amount × the stage's probability ÷ 100, as the pipeline board sums it."""
        return (self.amount * self.probability / 100).quantize(Decimal("0.01"))


class OpportunityStageChange(models.Model):
    """One move of an opportunity between stages (the form, the board and the API write it
    through ``funnel.services.opportunity_save``): appended, never edited."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_history"
    )
    from_stage = models.CharField(
        _("from"), max_length=16, choices=OpportunityStage.choices, blank=True
    )
    to_stage = models.CharField(_("to"), max_length=16, choices=OpportunityStage.choices)
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
        verbose_name = _("opportunity stage change")
        verbose_name_plural = _("opportunity stage changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["opportunity", "at"])]

    def __str__(self) -> str:
        return f"{self.from_stage or '∅'} → {self.to_stage} @ {self.at:%Y-%m-%d %H:%M}"


class OpportunityCredit(WorkspaceScoped):
    """One person's share of the credit for a deal (split credit): the rows of an opportunity
    sum to exactly 1 (``funnel.credits.opportunity_credits_set`` checks it and replaces them
    together). An opportunity without rows credits its owner with the whole (share 1)."""

    opportunity = models.ForeignKey(
        Opportunity,
        on_delete=models.CASCADE,
        related_name="credits",
        verbose_name=_("opportunity"),
        db_index=False,  # the unique (opportunity, person) index serves it
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,  # a credited person's row is a pay record: never cascaded away
        related_name="+",
        verbose_name=_("person"),
    )
    share = models.DecimalField(_("share"), max_digits=5, decimal_places=4)

    class Meta:
        verbose_name = _("credit split")
        verbose_name_plural = _("credit splits")
        ordering = ["opportunity", "-share", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "person"], name="opportunity_credit_unique_person"
            ),
            models.CheckConstraint(
                condition=models.Q(share__gt=0, share__lte=1),
                name="opportunity_credit_share_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.share}"
