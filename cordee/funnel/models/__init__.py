"""The funnel's tables: leads and their history, touches, opportunities, decisions, the SLA
contract and its breaches, scoring and routing rules."""

from cordee.funnel.models.decisions import (
    SALES_BREACHES,
    BreachKind,
    DecisionKind,
    FitAttribute,
    LeadDecision,
    RejectionOutcome,
    RejectionReason,
    RoutingRule,
    ScoringRule,
    SlaBreach,
    SlaContract,
)
from cordee.funnel.models.leads import (
    Lead,
    LeadAssignment,
    LeadStageChange,
    Stage,
)
from cordee.funnel.models.opportunities import (
    Opportunity,
    OpportunitySource,
    OpportunityStage,
)
from cordee.funnel.models.touchpoints import (
    SALES_ACTIVITY_KINDS,
    TouchKind,
    Touchpoint,
)

__all__ = [
    "SALES_ACTIVITY_KINDS",
    "SALES_BREACHES",
    "BreachKind",
    "DecisionKind",
    "FitAttribute",
    "Lead",
    "LeadAssignment",
    "LeadDecision",
    "LeadStageChange",
    "Opportunity",
    "OpportunitySource",
    "OpportunityStage",
    "RejectionOutcome",
    "RejectionReason",
    "RoutingRule",
    "ScoringRule",
    "SlaBreach",
    "SlaContract",
    "Stage",
    "TouchKind",
    "Touchpoint",
]
