"""Permission-scoped reads of the shared data beyond the generic list and get."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum

from cordee.core.actor import Actor
from cordee.crm.models import (
    Campaign,
    CampaignStatus,
    Contact,
    Lead,
    LeadAssignment,
    LeadStageChange,
    Opportunity,
    OpportunityStage,
    Stage,
    Touchpoint,
)

_CLOSED = (OpportunityStage.WON, OpportunityStage.LOST)


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


def account_contacts(*, actor: Actor, account_id: int, limit: int = 50) -> QuerySet[Contact]:
    return Contact.objects.filter(workspace=actor.workspace, account_id=account_id)[:limit]


def contact_leads(*, actor: Actor, contact_id: int) -> QuerySet[Lead]:
    return Lead.objects.filter(workspace=actor.workspace, contact_id=contact_id).select_related(
        "owner", "source_campaign"
    )


def contact_touchpoints(*, actor: Actor, contact_id: int, limit: int = 50) -> QuerySet[Touchpoint]:
    return (
        Touchpoint.objects.filter(workspace=actor.workspace, contact_id=contact_id)
        .select_related("campaign", "actor")
        .order_by("-occurred_at", "-id")[:limit]
    )


def campaign_leads(*, actor: Actor, campaign_id: int, limit: int = 25) -> QuerySet[Lead]:
    return Lead.objects.filter(
        workspace=actor.workspace, source_campaign_id=campaign_id
    ).select_related("contact", "contact__account", "owner")[:limit]


def campaign_opportunities(
    *, actor: Actor, campaign_id: int, limit: int = 25
) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(
        workspace=actor.workspace, primary_campaign_id=campaign_id
    ).select_related("account", "owner")[:limit]


def campaign_results(*, actor: Actor, campaign_id: int) -> dict[str, object]:
    """What a campaign sourced: leads, opportunities, their pipeline and won amounts."""
    ws = actor.workspace
    leads = Lead.objects.filter(workspace=ws, source_campaign_id=campaign_id).count()
    opps = Opportunity.objects.filter(
        workspace=ws, primary_campaign_id=campaign_id, currency=ws.currency
    ).aggregate(
        count=Count("id"),
        pipeline=Sum("amount"),
        won=Sum("amount", filter=Q(stage=OpportunityStage.WON)),
    )
    return {
        "leads": leads,
        "opportunities": opps["count"] or 0,
        "pipeline": opps["pipeline"] or Decimal("0"),
        "won": opps["won"] or Decimal("0"),
    }


def lead_stage_counts(*, actor: Actor) -> list[tuple[str, str, int]]:
    """The waterfall: (stage, label, leads now in it) for every stage, in funnel order."""
    counts = dict(
        Lead.objects.filter(workspace=actor.workspace)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    return [(value, str(label), counts.get(value, 0)) for value, label in Stage.choices]


def open_pipeline(*, actor: Actor) -> dict[str, object]:
    """Open opportunities in the workspace currency: how many and their total amount."""
    ws = actor.workspace
    result = (
        Opportunity.objects.filter(workspace=ws, currency=ws.currency)
        .exclude(stage__in=_CLOSED)
        .aggregate(count=Count("id"), amount=Sum("amount"))
    )
    return {"count": result["count"] or 0, "amount": result["amount"] or Decimal("0")}


def recent_leads(*, actor: Actor, limit: int = 8) -> QuerySet[Lead]:
    return (
        Lead.objects.filter(workspace=actor.workspace)
        .select_related("contact", "contact__account", "owner")
        .order_by("-created_at", "-id")[:limit]
    )


def active_campaigns(*, actor: Actor, limit: int = 6) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(workspace=actor.workspace, status=CampaignStatus.ACTIVE)
        .annotate(lead_count=Count("leads"))
        .order_by("-start_date", "name", "id")[:limit]
    )


def lead_assignments(*, actor: Actor, lead: Lead) -> QuerySet[LeadAssignment]:
    """Who owned the lead from when, and why, in time order."""
    return (
        LeadAssignment.objects.filter(workspace=actor.workspace, lead=lead)
        .select_related("from_owner", "to_owner", "actor", "pod")
        .order_by("at", "id")
    )
