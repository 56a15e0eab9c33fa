"""Permission-scoped reads of the campaign brief and its debrief: any member of the workspace
reads them; the committee agenda's debriefs (``committee_agenda_debriefs``)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cordee.codesign.models import BriefVersion, Debrief, LeadRating
from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.crm.models import Campaign
from cordee.tenancy.models import Workspace


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


# -- the debrief ----------------------------------------------------------------------------------


def debrief_of(*, actor: Actor, campaign: Campaign) -> Debrief | None:
    """The campaign's debrief (None: not opened yet); every member reads it."""
    return Debrief.objects.filter(workspace=actor.workspace, campaign=campaign).first()


def debrief_ratings(*, actor: Actor, debrief: Debrief) -> QuerySet[LeadRating]:
    """Each rep's rating of the campaign's leads, by the rep's name."""
    return (
        LeadRating.objects.filter(workspace=actor.workspace, debrief=debrief)
        .select_related("rep")
        .order_by("rep__first_name", "rep__last_name", "rep_id")
    )


def committee_agenda_debriefs(workspace: Workspace) -> QuerySet[Debrief]:
    """THE debriefs the next committee discusses — the field the rituals issue reads: every
    debrief still open (``completed_at`` null) and every completed one not discussed yet
    (``discussed_at`` null), the oldest opened first. The committee marks one discussed by
    setting ``discussed_at`` (the rituals issue's write)."""
    return (
        Debrief.objects.filter(workspace=workspace)
        .filter(Q(completed_at__isnull=True) | Q(discussed_at__isnull=True))
        .select_related("campaign")
        .order_by("opened_at", "id")
    )
