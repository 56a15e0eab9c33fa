"""Funnel configuration as records (see ``core.records``): contracts, rules, reasons."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from cordee.core.actor import Actor
from cordee.core.codes import currency_code
from cordee.core.models import SYNCED_FIELDS
from cordee.core.records import Filter, RecordSpec
from cordee.crm.models import Channel
from cordee.crm.records import set_code
from cordee.funnel import models as m
from cordee.funnel.stages import lead_defaults
from cordee.tenancy.models import Workspace

SLA_TERMS = (
    "name",
    "pod",
    "industries",
    "period_start",
    "period_end",
    "mql_volume",
    "acceptance_floor",
    "first_touch_hours",
    "attempts_required",
    "attempts_within_days",
    "decision_hours",
    "reassign_on_breach",
)

SLA_CONTRACTS = RecordSpec(
    key="sla-contracts",
    model=m.SlaContract,
    capability="sla.write",
    fields=SLA_TERMS,
    search=("name",),
    filters=(
        Filter("pod", "pod_id", kind="int", label=_("Pod")),
        Filter("active_on", "period_start__lte", kind="date", label=_("Starts on or before")),
    ),
    select_related=("pod", "marketing_signed_by", "sales_signed_by"),
    orderings={"-start": ("-period_start", "-id")},
)

SCORING_RULES = RecordSpec(
    key="scoring-rules",
    model=m.ScoringRule,
    capability="funnel.configure",
    fields=(
        "name",
        "kind",
        "attribute",
        "values",
        "touch_kind",
        "points",
        "half_life_days",
        "is_active",
    ),
    search=("name",),
    filters=(
        Filter("kind", "kind", kind="choice", label=_("Kind"), choices=m.ScoringRule.Kind.choices),
    ),
    orderings={"name": ("name", "id")},
)

REJECTION_REASONS = RecordSpec(
    key="rejection-reasons",
    model=m.RejectionReason,
    capability="funnel.configure",
    fields=("code", "label", "default_outcome", "recycle_after_days", "is_active"),
    search=("label", "code"),
    orderings={"label": ("label", "id")},
)

ROUTING_RULES = RecordSpec(
    key="routing-rules",
    model=m.RoutingRule,
    capability="funnel.configure",
    fields=("name", "order", "pod", "industries", "regions", "countries", "capacity", "is_active"),
    search=("name",),
    select_related=("pod",),
    orderings={"order": ("order", "id")},
)


def opportunity_defaults(workspace: Workspace, opportunity: Any) -> None:
    if opportunity.created_on is None:
        opportunity.created_on = workspace.today()
    if not opportunity.currency:
        opportunity.currency = workspace.currency
    opportunity_forecast_follow(opportunity)


def opportunity_forecast_follow(opportunity: Any) -> None:
    """The forecast category follows the stage (``STAGE_FORECAST``) until a person chooses one;
    a won or lost deal is always ``closed``."""
    proposed = m.STAGE_FORECAST[opportunity.stage]
    # a plain namespace from the import as well as a model instance
    if proposed == m.ForecastCategory.CLOSED or not opportunity.forecast_chosen:
        opportunity.forecast_category = proposed


def _opportunity_defaults(actor: Actor, opportunity: Any) -> None:
    set_code(opportunity, "currency", currency_code)
    opportunity_defaults(actor.workspace, opportunity)


TOUCHPOINTS = RecordSpec(
    key="touchpoints",
    model=m.Touchpoint,
    capability="touchpoint.write",
    fields=(
        "contact",
        "lead",
        "campaign",
        "channel",
        "kind",
        "occurred_at",
        "actor",
        "note",
        *SYNCED_FIELDS,
    ),
    search=("contact__last_name", "contact__email", "campaign__name", "note"),
    filters=(
        Filter("kind", "kind", kind="choice", label=_("Kind"), choices=m.TouchKind.choices),
        Filter("channel", "channel", kind="choice", label=_("Channel"), choices=Channel.choices),
        Filter("campaign", "campaign_id", kind="int", label=_("Campaign")),
        Filter("lead", "lead_id", kind="int", label=_("Lead")),
        Filter("contact", "contact_id", kind="int", label=_("Contact")),
        Filter("sales_activity", "is_sales_activity", kind="bool", label=_("Sales activity")),
    ),
    select_related=("contact", "campaign", "actor"),
    orderings={"-when": ("-occurred_at", "-id"), "when": ("occurred_at", "id")},
)


LEADS = RecordSpec(
    key="leads",
    model=m.Lead,
    capability="lead.write",
    fields=("contact", "source_campaign", "source_channel", "owner", "pod", *SYNCED_FIELDS),
    search=(
        "contact__first_name",
        "contact__last_name",
        "contact__email",
        "contact__account__name",
    ),
    filters=(
        Filter("stage", "stage", kind="choice", label=_("Stage"), choices=m.Stage.choices),
        Filter(
            "source_channel",
            "source_channel",
            kind="choice",
            label=_("Source channel"),
            choices=Channel.choices,
        ),
        Filter("campaign", "source_campaign_id", kind="int", label=_("Campaign")),
        Filter("owner", "owner_id", kind="int", label=_("Owner")),
        Filter("pod", "pod_id", kind="int", label=_("Pod")),
        Filter("min_score", "score__gte", kind="int", label=_("Minimum score")),
        Filter("created_after", "created_at__date__gte", kind="date", label=_("Created after")),
    ),
    select_related=("contact", "contact__account", "source_campaign", "owner", "pod"),
    orderings={
        "-created": ("-created_at", "-id"),
        "-score": ("-score", "-id"),
        "stage": ("stage", "-id"),
    },
    history_elsewhere=("owner", "pod"),  # its assignments tell them
    before_save=lead_defaults,
)


OPPORTUNITIES = RecordSpec(
    key="opportunities",
    model=m.Opportunity,
    capability="opportunity.write",
    fields=(
        "name",
        "account",
        "lead",
        "owner",
        "amount",
        "currency",
        "stage",
        "forecast_category",
        "forecast_chosen",
        "created_on",
        "close_date",
        "loss_reason",
        "source",
        "primary_campaign",
        "pod",
        *SYNCED_FIELDS,
    ),
    search=("name", "account__name"),
    filters=(
        Filter(
            "stage", "stage", kind="choice", label=_("Stage"), choices=m.OpportunityStage.choices
        ),
        Filter(
            "source",
            "source",
            kind="choice",
            label=_("Source"),
            choices=m.OpportunitySource.choices,
        ),
        Filter("owner", "owner_id", kind="int", label=_("Owner")),
        Filter("account", "account_id", kind="int", label=_("Account")),
        Filter("pod", "pod_id", kind="int", label=_("Pod")),
        Filter("campaign", "primary_campaign_id", kind="int", label=_("Campaign")),
        Filter(
            "forecast_category",
            "forecast_category",
            kind="choice",
            label=_("Forecast category"),
            choices=m.ForecastCategory.choices,
        ),
        Filter("closes_after", "close_date__gte", kind="date", label=_("Closes after")),
        Filter("closes_before", "close_date__lte", kind="date", label=_("Closes before")),
    ),
    select_related=("account", "owner", "primary_campaign", "pod"),
    orderings={
        "-created": ("-created_on", "-id"),
        "-amount": ("-amount", "-id"),
        "close": ("close_date", "id"),
    },
    before_save=_opportunity_defaults,
    null_fills=("currency", "created_on", "forecast_category"),
    history_elsewhere=("stage", "forecast_chosen"),  # its stage history tells the stage
)

SPECS = {spec.key: spec for spec in (TOUCHPOINTS, LEADS, OPPORTUNITIES)}
