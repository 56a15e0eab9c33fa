"""Funnel configuration as records (see ``core.records``): contracts, rules, reasons."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.core.records import Filter, RecordSpec
from cordee.funnel import models as m

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
