"""The rituals' participation numbers of a fiscal period, for the workspace or one pod: the reads
behind ``analytics.rituals_participation`` (definitions there).

Scope: the workspace — every committee, every active member; a pod — the committees of that pod
(``Committee.pod``) and the pod's members (active in the workspace). A person's side is their
current role's. Dates are the workspace's: a meeting is in the period when its start's local date
is, an action item when its due date is; a programme counts when its dates overlap the period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from cordee.analytics import rituals_participation as maths
from cordee.analytics.planning import PlanPeriod
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.funnel import kpis
from cordee.people.models import Pod, PodMember
from cordee.rituals.models import ActionItem, Attendance, Meeting, MeetingState, Participant
from cordee.tenancy.models import Membership
from cordee.tenancy.roles import side_of


@dataclass(frozen=True)
class ParticipationReport:
    period: PlanPeriod
    pod: Pod | None
    numbers: maths.Participation


def _pod(actor: Actor, pod_id: object) -> Pod | None:
    if pod_id in (None, ""):
        return None
    pod = (
        Pod.objects.filter(workspace=actor.workspace, pk=int(str(pod_id))).first()
        if str(pod_id).isdigit()
        else None
    )
    if pod is None:
        message = _("Choose a pod of the workspace.")
        raise ValidationFailed(message, field_errors={"pod": [message]})
    return pod


def participation_read(
    actor: Actor, *, period: object = None, pod: object = None
) -> ParticipationReport:
    """The numbers of ``period`` (``2027``, ``2027-Q1``, ``2027-03``; default: the current
    fiscal quarter) for the workspace, or for ``pod`` (an id)."""
    workspace = actor.workspace
    span = kpis.period_read(workspace, period)
    the_pod = _pod(actor, pod)
    zone = workspace.zone
    start = dt.datetime.combine(span.start, dt.time(0), tzinfo=zone)
    end = dt.datetime.combine(span.end + dt.timedelta(days=1), dt.time(0), tzinfo=zone)

    roles = dict(
        Membership.objects.filter(workspace=workspace, is_active=True).values_list(
            "user_id", "role"
        )
    )
    if the_pod is not None:
        in_pod = set(PodMember.objects.filter(pod=the_pod).values_list("user_id", flat=True))
        members = {pk: side_of(role).value for pk, role in roles.items() if pk in in_pod}
    else:
        members = {pk: side_of(role).value for pk, role in roles.items()}

    held = Meeting.objects.filter(
        workspace=workspace, state=MeetingState.HELD, starts_at__gte=start, starts_at__lt=end
    )
    if the_pod is not None:
        held = held.filter(committee__pod=the_pod)
    presences = [
        maths.Presence(side_of(roles.get(user_id, "")).value, present)
        for user_id, present in Attendance.objects.filter(meeting__in=held).values_list(
            "user_id", "present"
        )
    ]

    due = ActionItem.objects.filter(
        workspace=workspace, due_on__gte=span.start, due_on__lte=span.end
    )
    if the_pod is not None:
        due = due.filter(committee__pod=the_pod)
    due_actions = [
        maths.DueAction(due_on, done_at.astimezone(zone).date() if done_at else None)
        for due_on, done_at in due.values_list("due_on", "done_at")
    ]

    participants = Participant.objects.filter(
        workspace=workspace,
        withdrawn_at__isnull=True,
        programme__starts_on__lte=span.end,
        programme__ends_on__gte=span.start,
    ).values_list("user_id", "side")
    took_part = dict(participants)

    numbers = maths.participation(
        held=held.count(),
        presences=presences,
        due_actions=due_actions,
        participants=took_part,
        members=members,
    )
    return ParticipationReport(period=span, pod=the_pod, numbers=numbers)
