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
from cordee.funnel.models.goals import Goal, GoalChange, GoalField, GoalThresholds, Rollup
from cordee.funnel.models.leads import (
    CLOSED_STAGES,
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
from cordee.funnel.models.tasks import Task
from cordee.funnel.models.touchpoints import (
    ACTIVITY_KINDS,
    SALES_ACTIVITY_KINDS,
    CallOutcome,
    TouchKind,
    Touchpoint,
)

__all__ = [
    "ACTIVITY_KINDS",
    "CLOSED_STAGES",
    "SALES_ACTIVITY_KINDS",
    "SALES_BREACHES",
    "STAGE_FORECAST",
    "STAGE_PROBABILITY",
    "STAGE_REASONS",
    "BreachKind",
    "CallOutcome",
    "DecisionKind",
    "FitAttribute",
    "ForecastCategory",
    "Goal",
    "GoalChange",
    "GoalField",
    "GoalThresholds",
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
    "Rollup",
    "RoutingFallback",
    "RoutingRule",
    "ScoringRule",
    "SlaBreach",
    "SlaContract",
    "Stage",
    "Task",
    "TouchKind",
    "Touchpoint",
]
