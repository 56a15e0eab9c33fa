"""Input and output schemas of the funnel API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias

from ninja import Schema
from pydantic import Field, WithJsonSchema

from cordee.core.schemas import (
    Currency,
    InSchema,
    MoneyOut,
    choice_field,
)
from cordee.funnel.models import (
    BreachKind,
    ForecastCategory,
    OpportunitySource,
    OpportunityStage,
    TouchKind,
)


class TransitionIn(InSchema):
    to_stage: str = Field(
        ..., description="inquiry, mql, sal, sql, won, lost, recycled, disqualified"
    )
    reason: str = ""


class AcceptIn(InSchema):
    comment: str = ""


class RejectIn(InSchema):
    reason: str = Field(..., description="Code of a rejection reason of the workspace catalogue")
    comment: str = ""
    outcome: str | None = Field(None, description="recycled or disqualified; default: the reason's")
    recycle_on: dt.date | None = None


class LeadStageOut(Schema):
    id: int
    stage: str
    stage_entered_at: dt.datetime
    mql_at: dt.datetime | None
    owner_id: int | None
    recycle_on: dt.date | None


class ClockOut(Schema):
    name: str
    due_at: dt.datetime
    met: bool
    breached: bool


class SlaBreachOut(Schema):
    id: int
    kind: str
    side: str
    lead_id: int | None
    contract_id: int | None
    owner_id: int | None
    pod_id: int | None
    period: str | None
    due_at: dt.datetime
    detected_at: dt.datetime
    detail: dict[str, object]
    silent: bool
    notified_at: dt.datetime | None
    committee_pending: bool


class LeadSlaOut(Schema):
    contract_id: int
    contract: str
    mql_at: dt.datetime
    business_hours_used: float
    attempts_made: int
    attempts_required: int
    clocks: list[ClockOut]
    breaches: list[SlaBreachOut]


def sla_payload(status: Any) -> dict[str, Any]:
    """A ``LeadSla`` as the API shows it."""
    return {
        "contract_id": status.contract.pk,
        "contract": status.contract.name,
        "mql_at": status.mql_at,
        "business_hours_used": round(status.business_seconds_used / 3600, 2),
        "attempts_made": status.attempts_made,
        "attempts_required": status.attempts_required,
        "clocks": [c.__dict__ for c in status.clocks],
        "breaches": list(status.breaches),
    }


class ConvertIn(InSchema):
    name: str | None = Field(None, max_length=200, description="Default: account — contact")
    amount: Decimal = Field(..., ge=0)
    close_date: dt.date | None = None
    currency: Currency | None = None


class ConvertedOut(Schema):
    opportunity_id: int
    lead_id: int
    stage: str


class ContractOut(Schema):
    id: int
    name: str
    pod_id: int | None
    industries: list[str]
    period_start: dt.date
    period_end: dt.date
    mql_volume: int
    acceptance_floor: Decimal
    first_touch_hours: Decimal
    attempts_required: int
    attempts_within_days: int
    decision_hours: Decimal
    reassign_on_breach: bool
    marketing_signed_by_id: int | None
    marketing_signed_at: dt.datetime | None
    sales_signed_by_id: int | None
    sales_signed_at: dt.datetime | None
    is_signed: bool


class ContractIn(InSchema):
    name: str = Field(..., min_length=1, max_length=120)
    pod: int | None = None
    industries: list[str] = []
    period_start: dt.date
    period_end: dt.date
    mql_volume: int = Field(0, ge=0)
    acceptance_floor: Decimal = Field(Decimal(0), ge=0, le=100)
    first_touch_hours: Decimal = Field(Decimal(4), gt=0)
    attempts_required: int = Field(3, ge=0)
    attempts_within_days: int = Field(5, ge=1)
    decision_hours: Decimal = Field(Decimal(16), gt=0)
    reassign_on_breach: bool = False


class ContractPatch(InSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    pod: int | None = None
    industries: list[str] | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    mql_volume: int | None = Field(None, ge=0)
    acceptance_floor: Decimal | None = Field(None, ge=0, le=100)
    first_touch_hours: Decimal | None = Field(None, gt=0)
    attempts_required: int | None = Field(None, ge=0)
    attempts_within_days: int | None = Field(None, ge=1)
    decision_hours: Decimal | None = Field(None, gt=0)
    reassign_on_breach: bool | None = None


class MarketingStatusOut(Schema):
    contract_id: int
    mqls: int
    projected_mqls: int
    mql_volume: int
    volume_state: str = Field(
        ..., description="none (no MQL volume committed), on_track or behind (the projection)"
    )
    decided: int
    accepted: int
    acceptance_rate: Decimal | None
    acceptance_floor: Decimal


class ScoringRuleOut(Schema):
    id: int
    name: str
    kind: str
    attribute: str
    values: list[str]
    touch_kind: str
    points: Decimal
    half_life_days: Decimal
    is_active: bool


class ScoringRuleIn(InSchema):
    name: str = Field(..., min_length=1, max_length=120)
    kind: str = Field(..., description="fit or engagement")
    attribute: str = ""
    values: list[str] = []
    touch_kind: str = ""
    points: Decimal
    half_life_days: Decimal = Decimal(30)
    is_active: bool = True


class ScoringRulePatch(InSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    kind: str | None = None
    attribute: str | None = None
    values: list[str] | None = None
    touch_kind: str | None = None
    points: Decimal | None = None
    half_life_days: Decimal | None = None
    is_active: bool | None = None


class ReasonOut(Schema):
    id: int
    code: str
    label: str
    default_outcome: str
    recycle_after_days: int
    is_active: bool


class ReasonIn(InSchema):
    code: str = Field(..., min_length=1, max_length=40, pattern=r"^[-a-z0-9_]+$")
    label: str = Field(..., min_length=1, max_length=120)
    default_outcome: str = "recycled"
    recycle_after_days: int = Field(90, ge=0, le=3650)
    is_active: bool = True


class ReasonPatch(InSchema):
    label: str | None = Field(None, min_length=1, max_length=120)
    default_outcome: str | None = None
    recycle_after_days: int | None = Field(None, ge=0, le=3650)
    is_active: bool | None = None


class RoutingRuleOut(Schema):
    id: int
    name: str
    order: int
    pod_id: int
    industries: list[str]
    regions: list[str]
    countries: list[str]
    capacity: int
    is_active: bool


class RoutingRuleIn(InSchema):
    name: str = Field(..., min_length=1, max_length=120)
    order: int = 100
    pod: int
    industries: list[str] = []
    regions: list[str] = []
    countries: list[str] = []
    capacity: int = Field(25, ge=1)
    is_active: bool = True


class RoutingRulePatch(InSchema):
    name: str | None = Field(None, min_length=1, max_length=120)
    order: int | None = None
    pod: int | None = None
    industries: list[str] | None = None
    regions: list[str] | None = None
    countries: list[str] | None = None
    capacity: int | None = Field(None, ge=1)
    is_active: bool | None = None


# -- funnel metrics -----------------------------------------------------------------------------


class MetricsRowOut(Schema):
    key: str = Field(..., description="Month (YYYY-MM), channel code, campaign id or pod id")
    label: str
    mqls: int
    sal: int
    sql: int
    won: int
    mql_to_sal: float | None
    sal_to_sql: float | None
    sql_to_won: float | None
    mql_to_won: float | None
    median_days_mql_to_sal: float | None
    median_days_sal_to_sql: float | None
    median_days_sql_to_won: float | None
    too_recent: list[str] = Field(
        ...,
        description="Stages (sal, sql, won) the cohort is too young to have reached: its middle "
        "MQL is younger than the median time from MQL to the stage. Their rates are not final.",
    )


class PipelineOut(Schema):
    source: str = Field(..., description="marketing, sales or partner")
    label: str
    created: MoneyOut
    won: MoneyOut
    opportunities: int
    won_opportunities: int


class VelocityOut(Schema):
    month: str
    mqls: int
    previous_mqls: int
    lvr: float | None


class FunnelMetricsOut(Schema):
    by: str
    start: dt.date
    end: dt.date
    currency: str
    rows: list[MetricsRowOut]
    total: MetricsRowOut
    pipeline: list[PipelineOut]
    other_currencies: list[str]
    other_currency_count: int
    velocity: list[VelocityOut] = Field(..., description="Complete months only")
    computed_at: dt.datetime
    median_days_to: dict[str, float | None] = Field(
        ...,
        description="Median days from MQL to sal, sql and won, over the MQL cycles from "
        "history_start to the period's end that reached the stage",
    )
    history_start: dt.date


def _metrics_row(row: Any) -> dict[str, Any]:
    return {
        **row.__dict__,
        "mql_to_sal": row.mql_to_sal,
        "sal_to_sql": row.sal_to_sql,
        "sql_to_won": row.sql_to_won,
        "mql_to_won": row.mql_to_won,
    }


def funnel_metrics_payload(metrics: Any) -> dict[str, Any]:
    """A ``FunnelMetrics`` as the API shows it."""
    return {
        "by": metrics.by,
        "start": metrics.period.start,
        "end": metrics.period.end,
        "currency": metrics.currency,
        "rows": [_metrics_row(r) for r in metrics.rows],
        "total": _metrics_row(metrics.total),
        "pipeline": [p.__dict__ for p in metrics.pipeline],
        "other_currencies": list(metrics.other_currencies),
        "other_currency_count": metrics.other_currency_count,
        "velocity": [v.__dict__ for v in metrics.velocity],
        "computed_at": metrics.computed_at,
        "median_days_to": metrics.median_days_to,
        "history_start": metrics.history_start,
    }


if TYPE_CHECKING:  # the choices are checked at run time; to the type checker they are text
    TouchKindChoice: TypeAlias = str
    OpportunityStageChoice: TypeAlias = str
    OpportunitySourceChoice: TypeAlias = str
    ForecastCategoryChoice: TypeAlias = str
    BreachKindChoice: TypeAlias = str
else:
    TouchKindChoice = choice_field(TouchKind)
    OpportunityStageChoice = choice_field(OpportunityStage)
    OpportunitySourceChoice = choice_field(OpportunitySource)
    ForecastCategoryChoice = choice_field(ForecastCategory)
    BreachKindChoice = choice_field(BreachKind)


class OpportunityMoveIn(InSchema):
    """A card of the opportunity board: dropped on another stage, or its category chosen."""

    stage: OpportunityStageChoice | None = None
    forecast_category: ForecastCategoryChoice | None = None


# -- the MQL threshold and the routing fallback (RevOps settings) -------------------------------


class MqlThresholdIn(InSchema):
    threshold: int = Field(..., ge=1, le=1000, description="Score from which a lead becomes MQL")


class MqlThresholdChangeOut(Schema):
    old: int
    new: int
    changed_by_id: int | None
    changed_by_name: str | None
    changed_at: dt.datetime

    @staticmethod
    def resolve_changed_by_name(obj: Any) -> str | None:
        return str(obj.changed_by) if obj.changed_by_id else None


class MqlThresholdOut(Schema):
    threshold: int
    changes: list[MqlThresholdChangeOut] = Field(description="Latest first")


class RoutingFallbackIn(InSchema):
    pod: int | None = Field(None, description="A pod: round-robin among its available reps")
    user: int | None = Field(None, description="Or one person of the sales team")


class RoutingFallbackOut(Schema):
    pod: int | None
    pod_name: str | None
    user: int | None
    user_name: str | None
    changed_by_id: int | None
    changed_at: dt.datetime | None
    unowned_mqls: int = Field(description="MQLs waiting with no owner now")


# -- the planning calculator (funnel/planning.py) ----------------------------------------------

# a decimal given as a string ("0.25") or a JSON number (read exactly, never through a float)
PlanNumber = Annotated[
    Decimal,
    Field(max_digits=21, decimal_places=6, allow_inf_nan=False),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "format": "decimal"}, {"type": "number"}],
            "examples": ["0.25"],
        }
    ),
]


class PlanIn(InSchema):
    revenue: PlanNumber = Field(..., description="The revenue goal, in the workspace currency")
    period: str | None = Field(
        None,
        max_length=10,
        description="2027 (fiscal year, named after the year it starts in), 2027-Q1 (fiscal "
        "quarter) or 2027-03 (calendar month)",
    )
    pod: Annotated[str, Field(max_length=120)] | Annotated[int, Field(ge=1)] | None = Field(
        None, description="A pod's id or name: the rates of what was routed to it"
    )
    segment: list[Annotated[str, Field(max_length=80)]] | None = Field(
        None,
        max_length=200,
        description="Account industries, as stored (case aside): the rates of the leads whose "
        "account has one, the deal size of their accounts' deals. Not with a pod",
    )
    deal_size: PlanNumber | None = Field(None, description="Default: from the history")
    mql_to_sal: PlanNumber | None = Field(None, description="A fraction in (0, 1]")
    sal_to_sql: PlanNumber | None = Field(None, description="A fraction in (0, 1]")
    sql_to_won: PlanNumber | None = Field(None, description="A fraction in (0, 1]")
    marketing_share: PlanNumber | None = Field(None, description="A fraction in [0, 1]")
    window_months: int | None = Field(
        None, ge=1, le=120, description="Complete months of MQL cohorts read (default 12)"
    )


class PlanGoalsIn(PlanIn):
    marketing_owner: int | None = Field(
        None, ge=1, description="A marketing member's user id (default: the marketing manager)"
    )
    sales_owner: int | None = Field(
        None, ge=1, description="A sales member's user id (default: the sales manager)"
    )


class PlanContractOut(Schema):
    id: int
    name: str
    mql_volume: int
    acceptance_floor: str = Field(..., description="In %, 2 places")
    proposed: bool = Field(..., description="Created or changed by this call (signatures to give)")


class PlanGoalsOut(Schema):
    period: str
    scope: str = Field(..., description="The goals' scope (workspace, pod:ID), or segment")
    segment: list[str] = Field(
        ..., description="A segment plan's industries: no goal written, the contract proposed"
    )
    goals_written: bool = Field(..., description="False for a segment plan: goals have no segment")
    created: int
    changed: int
    unchanged: int
    goals: list[int] = Field(..., description="The ids of the plan's goals")
    contract: PlanContractOut | None


class PlanSourceOut(Schema):
    origin: str = Field(..., description="history or given")
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    cohorts: int | None = Field(None, description="Months of the window with at least one MQL")
    leads: int | None = Field(None, description="The MQL cycles (or won deals) behind the value")
    numerator: int | str | None = None
    denominator: int | str | None = None
    detail: dict[str, Any] = Field(default_factory=dict)
    pod: str | None = Field(None, description="The history's pod, by name")
    segment: list[str] = Field(
        default_factory=list, description="The history's segment (account industries)"
    )


class PlanInputOut(Schema):
    value: str = Field(..., description="A decimal string (money to the cent, rates to 4 places)")
    exact: str | None = Field(None, description="A rate as the exact fraction computed with")
    source: PlanSourceOut


class PlanSensitivityOut(Schema):
    rate: str
    change: str
    value: str | None = Field(..., description="The moved rate; null when it would be ≤ 0")
    mqls: int | None
    marketing_mqls: int | None


class PlanPeriodOut(Schema):
    key: str
    start: dt.date
    end: dt.date


class PlanPodOut(Schema):
    id: int
    name: str


class PlanWindowOut(Schema):
    start: dt.date
    end: dt.date


class PlanOut(Schema):
    workspace: str
    currency: str
    revenue: str
    period: PlanPeriodOut | None
    pod: PlanPodOut | None
    segment: list[str] = Field(..., description="The plan's segment (account industries); []: none")
    window: PlanWindowOut
    customers: int
    sqls: int
    sals: int
    mqls: int
    marketing_mqls: int
    lead_value: str | None
    inputs: dict[str, PlanInputOut]
    sensitivity: list[PlanSensitivityOut]


# -- the KPI catalogue (funnel/kpis.py) ------------------------------------------------------------


class KpiDefinitionOut(Schema):
    key: str
    label: str = Field(..., description="In the reader's language")
    definition: str = Field(..., description="In the reader's language")
    unit: str = Field(..., description="count, rate, money (workspace currency) or duration (days)")
    side: str = Field(..., description="marketing, sales or shared")
    numerator: str | None = Field(None, description="A rate's numerator: a KPI's key")
    denominator: str | None = Field(None, description="A rate's denominator: a KPI's key")
    lower_is_better: bool = Field(
        False, description="A goal of this KPI is met by staying under its target"
    )


class KpiCatalogueOut(Schema):
    items: list[KpiDefinitionOut]


class KpiValueOut(Schema):
    key: str
    value: str | None = Field(
        ...,
        description="A decimal string: a count, money to the cent (workspace currency), a rate "
        "to 4 places, a duration in days; null for a rate with nothing to divide by",
    )
    exact: str | None = Field(None, description="A rate as an exact fraction")
    numerator: int | None = None
    denominator: int | None = None
    state: str = Field(
        "",
        description="Why there is no value: not_locked (the period's attribution is not "
        "signed by both sides), not_recorded (its lock was signed before Cordée kept pipeline "
        "credits), workspace_only (not kept per side, pod or person), not_per_person, "
        "unavailable; empty otherwise",
    )
    other_currencies: dict[str, str] = Field(
        default_factory=dict, description="Money in other currencies, per code, never converted"
    )


class KpiPeriodOut(Schema):
    key: str
    start: dt.date
    end: dt.date


class KpiValuesOut(Schema):
    scope: str
    scope_label: str
    period: KpiPeriodOut
    currency: str
    values: list[KpiValueOut]
