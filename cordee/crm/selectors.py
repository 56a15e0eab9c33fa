"""Permission-scoped reads of the shared data beyond the generic list and get."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from cordee.core.actor import Actor
from cordee.crm.models import Campaign, CampaignStatus, Contact


def account_contacts(*, actor: Actor, account_id: int, limit: int = 50) -> QuerySet[Contact]:
    return Contact.objects.filter(workspace=actor.workspace, account_id=account_id)[:limit]


def active_campaigns(*, actor: Actor, limit: int = 6) -> QuerySet[Campaign]:
    return (
        Campaign.objects.filter(workspace=actor.workspace, status=CampaignStatus.ACTIVE)
        .annotate(lead_count=Count("leads"))
        .order_by("-start_date", "name", "id")[:limit]
    )
