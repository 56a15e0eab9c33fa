"""Permission-scoped reads of the shared data beyond the generic list and get."""

from __future__ import annotations

from django.db.models import QuerySet

from cordee.core.actor import Actor
from cordee.crm.models import Lead, LeadStageChange, Opportunity, Touchpoint


def lead_history(*, actor: Actor, lead: Lead) -> QuerySet[LeadStageChange]:
    """A lead's stage changes in time order (the lead was already fetched for ``actor``)."""
    return (
        LeadStageChange.objects.filter(workspace=actor.workspace, lead=lead)
        .select_related("actor")
        .order_by("at", "id")
    )


def lead_touchpoints(*, actor: Actor, lead: Lead, limit: int = 50) -> QuerySet[Touchpoint]:
    return (
        Touchpoint.objects.filter(workspace=actor.workspace, lead=lead)
        .select_related("campaign", "actor")
        .order_by("-occurred_at", "-id")[:limit]
    )


def account_opportunities(*, actor: Actor, account_id: int) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(
        workspace=actor.workspace, account_id=account_id
    ).select_related("owner")
