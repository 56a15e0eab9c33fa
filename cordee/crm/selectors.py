"""Permission-scoped reads of the shared data beyond the generic list and get."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet

from cordee.core.actor import Actor
from cordee.crm.models import Campaign, CampaignMember, CampaignStatus, Contact


def account_contacts(*, actor: Actor, account_id: int, limit: int = 50) -> QuerySet[Contact]:
    return Contact.objects.filter(workspace=actor.workspace, account_id=account_id)[:limit]


def active_campaigns(*, actor: Actor, limit: int = 6) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(workspace=actor.workspace, status=CampaignStatus.ACTIVE)
        .annotate(lead_count=Count("leads"))
        .order_by("-start_date", "name", "id")[:limit]
    )


def campaign_members(*, actor: Actor, campaign_id: int, limit: int = 10) -> QuerySet[Any]:
    """The campaign's latest members, with their contact and account (one query)."""
    return (
        CampaignMember.objects.filter(workspace=actor.workspace, campaign_id=campaign_id)
        .select_related("contact__account")
        .order_by("-added_at", "-id")[:limit]
    )


def campaign_members_count(*, actor: Actor, campaign_id: int) -> int:
    return CampaignMember.objects.filter(workspace=actor.workspace, campaign_id=campaign_id).count()
