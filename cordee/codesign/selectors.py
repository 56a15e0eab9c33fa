"""Permission-scoped reads of the campaign brief: any member of the workspace reads it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cordee.codesign.models import BriefVersion
from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.crm.models import Campaign


def campaign_get(*, actor: Actor, pk: int) -> Campaign:
    """A campaign of the actor's workspace, or 404 (another workspace's)."""
    campaign = Campaign.objects.filter(workspace=actor.workspace, pk=pk).first()
    if campaign is None:
        raise NotFound(_("Campaign not found."))
    return campaign


def brief_versions(*, actor: Actor, campaign: Campaign) -> QuerySet[BriefVersion]:
    """Every saved version of the campaign's brief, the newest first."""
    return (
        BriefVersion.objects.filter(workspace=actor.workspace, campaign=campaign)
        .select_related("author")
        .order_by("-number")
    )


def brief_current(*, actor: Actor, campaign: Campaign) -> BriefVersion | None:
    """The brief as last saved (None: no brief yet)."""
    return brief_versions(actor=actor, campaign=campaign).first()


def brief_version_get(*, actor: Actor, campaign: Campaign, number: int) -> BriefVersion:
    version = brief_versions(actor=actor, campaign=campaign).filter(number=number).first()
    if version is None:
        raise NotFound(_("Brief version not found."))
    return version
