"""The rituals' shared reads, scoped to the actor's workspace: a committee, a meeting or a
programme by id (another workspace's is a 404), and THE rule of who runs a committee's meetings.

Each part of the app reads more in its own module (agenda.py, meetings.py, programmes.py…);
what two parts need lives here."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import NotFound, PermissionDenied
from cordee.rituals.models import Committee, Meeting, Participant, Programme
from cordee.tenancy.models import Membership
from cordee.tenancy.roles import Side, side_of


def committees(actor: Actor) -> QuerySet[Committee]:
    return Committee.objects.filter(workspace=actor.workspace).select_related("pod")


def committee_get(*, actor: Actor, pk: int) -> Committee:
    committee = committees(actor).filter(pk=pk).first()
    if committee is None:
        raise NotFound(_("Committee not found."))
    return committee


def meeting_get(*, actor: Actor, pk: int) -> Meeting:
    meeting = (
        Meeting.objects.filter(workspace=actor.workspace, pk=pk)
        .select_related("committee", "committee__pod")
        .first()
    )
    if meeting is None:
        raise NotFound(_("Meeting not found."))
    return meeting


def is_committee_member(actor: Actor, committee: Committee) -> bool:
    return committee.memberships.filter(user=actor.user).exists()


def meeting_runnable(actor: Actor, committee: Committee) -> bool:
    """THE rule: a committee's meetings are run (attendance, minutes, decisions, action items,
    agenda edits) by its members — executives on it included — or by a holder of
    ``committee.write``."""
    return actor.can("committee.write") or is_committee_member(actor, committee)


def meeting_run_require(actor: Actor, committee: Committee) -> None:
    if not meeting_runnable(actor, committee):
        raise PermissionDenied(_("Only the committee's members or a manager run its meetings."))


def member_sides(workspace_id: int, user_ids: list[int]) -> dict[int, Side]:
    """Each person's side in the workspace, from their current role (one query)."""
    rows = Membership.objects.filter(workspace_id=workspace_id, user_id__in=user_ids).values_list(
        "user_id", "role"
    )
    return {user_id: side_of(role) for user_id, role in rows}


def programmes(actor: Actor) -> QuerySet[Programme]:
    return Programme.objects.filter(workspace=actor.workspace)


def programme_get(*, actor: Actor, pk: int) -> Programme:
    programme = programmes(actor).filter(pk=pk).first()
    if programme is None:
        raise NotFound(_("Programme not found."))
    return programme


def participants(programme: Programme) -> QuerySet[Participant]:
    """The programme's participants still in it (withdrawn ones excluded)."""
    return programme.participants.filter(withdrawn_at__isnull=True).select_related("user")
