"""Writes of the shared data that touch several rows at once."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from cordee.core.actor import Actor
from cordee.crm.models import Campaign, CampaignMember


def campaign_members_add(
    *, actor: Actor, campaign: Campaign, contact_ids: Iterable[int]
) -> list[int]:
    """Add these contacts of the actor's workspace to ``campaign``; returns the ids of the
    contacts that were not members yet (the others are left as they were). A membership is
    not a touch: no touchpoint is written, attribution does not change."""
    actor.require("campaign.write")
    wanted = sorted(set(contact_ids))
    added: list[int] = []
    now = timezone.now()
    with transaction.atomic():
        for start in range(0, len(wanted), 900):  # SQLite's bound on query parameters
            chunk = wanted[start : start + 900]
            present = set(
                CampaignMember.objects.filter(campaign=campaign, contact_id__in=chunk).values_list(
                    "contact_id", flat=True
                )
            )
            new = [pk for pk in chunk if pk not in present]
            CampaignMember.objects.bulk_create(
                [
                    CampaignMember(
                        workspace_id=campaign.workspace_id,
                        campaign=campaign,
                        contact_id=pk,
                        added_by=actor.user,
                        added_at=now,
                    )
                    for pk in new
                ],
                batch_size=500,
            )
            added.extend(new)
    return added


def campaign_members_remove(*, actor: Actor, campaign: Campaign, contact_ids: Iterable[int]) -> int:
    """Take these contacts out of ``campaign``; returns how many memberships went."""
    actor.require("campaign.write")
    wanted = sorted(set(contact_ids))
    removed = 0
    with transaction.atomic():
        for start in range(0, len(wanted), 900):
            removed += CampaignMember.objects.filter(
                campaign=campaign, contact_id__in=wanted[start : start + 900]
            ).delete()[0]
    return removed
