"""The launch gate: what must hold before a person moves a campaign to *active*.

The shared records know nothing of how a campaign is prepared; an upper app that does (the
co-design app: each target pod's sales approval, or a marketing manager's written override)
registers its check here from its ``ready()``. Every write of a person — the campaign's pages,
``PATCH /api/v1/campaigns/{id}`` and the co-design app's launch — goes through ``launch_check``;
imports and CRM syncs record a launch decided elsewhere and are not gated.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cordee.core.actor import Actor
from cordee.crm.models import Campaign, CampaignStatus

LaunchGuard = Callable[[Actor, Any], None]
_GUARDS: list[LaunchGuard] = []


def launch_guard_register(guard: LaunchGuard) -> None:
    """``guard(actor, campaign)`` raises a ``DomainError`` saying why the campaign may not be
    launched (registered once per process; a second registration of the same guard is ignored)."""
    if guard not in _GUARDS:
        _GUARDS.append(guard)


def launch_check(actor: Actor, campaign: Any) -> None:
    """Raise unless every registered guard lets ``campaign`` be launched by ``actor``."""
    for guard in _GUARDS:
        guard(actor, campaign)


def launching(campaign: Any) -> bool:
    """True when this save moves ``campaign`` to active (a new active campaign, or one that was
    not active in the database)."""
    if campaign.status != CampaignStatus.ACTIVE:
        return False
    if campaign.pk is None:
        return True
    stored = Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).first()
    return stored != CampaignStatus.ACTIVE
