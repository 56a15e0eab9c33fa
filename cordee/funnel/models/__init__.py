"""The funnel's tables: leads and their history, touches, opportunities, decisions, the SLA
contract and its breaches, scoring and routing rules."""

from cordee.funnel.models.decisions import (
    SALES_BREACHES,
    BreachKind,
    DecisionKind,
    FitAttribute,
    LeadDecision,
    MqlThresholdChange,
    RejectionOutcome,
    RejectionReason,
    RoutingFallback,
    RoutingRule,
    ScoringRule,
    SlaBreach,
    SlaContract,
)
from cordee.funnel.models.leads import (
    STAGE_REASONS,
    Lead,
    LeadAssignment,
    LeadStageChange,
    Stage,
)
from cordee.funnel.models.opportunities import (
    STAGE_FORECAST,
    STAGE_PROBABILITY,
    ForecastCategory,
    Opportunity,
    OpportunitySource,
    OpportunityStage,
    OpportunityStageChange,
)
from cordee.funnel.models.touchpoints import (
    SALES_ACTIVITY_KINDS,
    TouchKind,
    Touchpoint,
)

__all__ = [
    "SALES_ACTIVITY_KINDS",
    "SALES_BREACHES",
    "STAGE_FORECAST",
    "STAGE_PROBABILITY",
    "STAGE_REASONS",
    "BreachKind",
    "DecisionKind",
    "FitAttribute",
    "ForecastCategory",
    "Lead",
    "LeadAssignment",
    "LeadDecision",
    "LeadStageChange",
    "MqlThresholdChange",
    "Opportunity",
    "OpportunitySource",
    "OpportunityStage",
    "OpportunityStageChange",
    "RejectionOutcome",
    "RejectionReason",
    "RoutingFallback",
    "RoutingRule",
    "ScoringRule",
    "SlaBreach",
    "SlaContract",
    "Stage",
    "TouchKind",
    "Touchpoint",
]
