"""A meeting during and after: attendance, minutes per agenda item, decisions, closing (the
summary to the members and the outgoing webhooks) and cancelling. Action items are
``actions.py``.

Every write is run by the committee's members or a holder of ``committee.write``
(``selectors.meeting_run_require``), checked, atomic and audited. A planned meeting is written
to; a held or cancelled one is frozen (its action items live on: done, reopened, reminded).

**Decisions** are linked to an agenda item and act on its object:

- a breach item: the breaches it names (``agenda.item_breach_ids``: its object, or a group's
  when the agenda groups several) leave the committee's list (``committee_pending`` cleared);
- a feedback item: with ``feedback_status``, the item moves to that status through feedback's
  own service (its transitions and its permission, ``feedback.triage``: a refused move records
  no decision, and says why);
- a launch override or a campaign debrief: marked discussed (``discussed_at``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.codesign.models import Debrief, LaunchOverride
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.feedback.services import feedback_status_change
from cordee.funnel.models import SlaBreach
from cordee.integrations.models import WebhookEvent
from cordee.integrations.services import webhook_emit
from cordee.people.notices import notice_render
from cordee.people.services import notification_new, notifications_send, speaking_to
from cordee.rituals import notices
from cordee.rituals.agenda import item_breach_ids
from cordee.rituals.models import (
    ActionItem,
    AgendaItem,
    AgendaSource,
    Attendance,
    Decision,
    Meeting,
    MeetingState,
)
from cordee.rituals.selectors import meeting_run_require, member_sides
from cordee.tenancy.models import Membership, User, Workspace
from cordee.tenancy.roles import Side

TEXT_MAX = 10_000
SIDES = (Side.MARKETING, Side.SALES, Side.OTHER)

audit.audit_kind_register("meetings", Meeting._meta.verbose_name, Meeting)
audit.audit_kind_register("agenda-items", AgendaItem._meta.verbose_name, AgendaItem)
audit.audit_kind_register("decisions", Decision._meta.verbose_name, Decision)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: [message]})


def _text(field: str, value: str, *, required: bool = True) -> str:
    text = (value or "").strip()
    if required and not text:
        raise _invalid(field, _("This field is required."))
    if len(text) > TEXT_MAX:
        raise _invalid(field, _("At most %(n)s characters.") % {"n": TEXT_MAX})
    return text


def meeting_label(meeting: Meeting) -> str:
    """ "Committee name, 2026-12-08 14:00" (the workspace's time): the audit's label."""
    start = meeting.starts_at.astimezone(meeting.workspace.zone)
    return f"{meeting.committee.name}, {start:%Y-%m-%d %H:%M}"


def _runnable(actor: Actor, meeting: Meeting) -> Meeting:
    """The meeting, locked, checked to be run by the actor and still planned."""
    meeting_run_require(actor, meeting.committee)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.state != MeetingState.PLANNED:
        raise Conflict(
            _("This meeting is %(state)s: it can no longer be changed.")
            % {"state": locked.get_state_display().lower()}
        )
    return locked


# -- reads --------------------------------------------------------------------------------------


def meetings(
    actor: Actor,
    *,
    committee_id: int | None = None,
    state: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[Meeting]:
    """The workspace's meetings (every member reads them), filtered; ``since`` / ``until``: the
    start's local date, inclusive."""
    qs = Meeting.objects.filter(workspace=actor.workspace).select_related("committee")
    if committee_id is not None:
        qs = qs.filter(committee_id=committee_id)
    if state:
        qs = qs.filter(state=state)
    zone = actor.workspace.zone
    if since is not None:
        qs = qs.filter(starts_at__gte=dt.datetime.combine(since, dt.time(0), tzinfo=zone))
    if until is not None:
        end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        qs = qs.filter(starts_at__lt=end)
    return qs.order_by("starts_at", "id")


@dataclass(frozen=True)
class Attendee:
    user: User
    side: str
    present: bool | None  # None: not recorded yet


def attendance(meeting: Meeting) -> list[Attendee]:
    """The committee's members (and anyone recorded at the meeting since), by side then name,
    with whether they were there."""
    recorded = dict(meeting.attendance.values_list("user_id", "present"))
    member_ids = set(meeting.committee.memberships.values_list("user_id", flat=True))
    users = User.objects.filter(pk__in=member_ids | set(recorded)).order_by(
        "first_name", "last_name", "email"
    )
    sides = member_sides(meeting.workspace_id, [u.pk for u in users])
    rows = [Attendee(u, sides.get(u.pk, Side.OTHER), recorded.get(u.pk)) for u in users]
    order = {side: i for i, side in enumerate(SIDES)}
    return sorted(rows, key=lambda a: order.get(Side(a.side), 9))


def decisions(meeting: Meeting) -> QuerySet[Decision]:
    return meeting.decisions.select_related("agenda_item", "decided_by").order_by(
        "decided_at", "id"
    )


def agenda_item_get(*, actor: Actor, pk: int) -> AgendaItem:
    item = (
        AgendaItem.objects.filter(workspace=actor.workspace, pk=pk)
        .select_related("meeting", "meeting__committee")
        .first()
    )
    if item is None:
        raise NotFound(_("Agenda item not found."))
    return item


# -- attendance and minutes ---------------------------------------------------------------------


@transaction.atomic
def attendance_set(*, actor: Actor, meeting: Meeting, present: Iterable[int]) -> list[Attendee]:
    """Record who was there: the ids in ``present`` (committee members) present, every other
    member absent."""
    locked = _runnable(actor, meeting)
    members = set(meeting.committee.memberships.values_list("user_id", flat=True))
    there = {int(pk) for pk in present}
    strangers = there - members
    if strangers:
        raise _invalid("present", _("Only the committee's members are recorded here."))
    before = dict(locked.attendance.values_list("user_id", "present"))
    for user_id in members:
        Attendance.objects.update_or_create(
            meeting=locked,
            user_id=user_id,
            defaults={"workspace": locked.workspace, "present": user_id in there},
        )
    after = {pk: pk in there for pk in members}
    old, new = audit.changed(
        {"present": sorted(k for k, v in before.items() if v)},
        {"present": sorted(k for k, v in after.items() if v)},
    )
    if new:
        audit.audit_write(
            actor=actor,
            action="update",
            target="meetings",
            target_id=locked.pk,
            target_label=meeting_label(locked),
            before=old,
            after=new,
        )
    return attendance(locked)


@transaction.atomic
def minutes_set(*, actor: Actor, item: AgendaItem, text: str) -> AgendaItem:
    """The minutes of one agenda item (replaced)."""
    _runnable(actor, item.meeting)
    text = _text("minutes", text, required=False)
    if text == item.minutes:
        return item
    before = item.minutes
    AgendaItem.objects.filter(pk=item.pk).update(minutes=text)
    item.minutes = text
    audit.audit_write(
        actor=actor,
        action="update",
        target="agenda-items",
        target_id=item.pk,
        target_label=f"{meeting_label(item.meeting)} #{item.position}",
        before={"minutes": before},
        after={"minutes": text},
    )
    return item


# -- decisions ----------------------------------------------------------------------------------


def _act_on_object(
    actor: Actor, item: AgendaItem, text: str, feedback_status: str, now: dt.datetime
) -> dict[str, Any]:
    """What the decision does to the item's object; returns what the audit keeps."""
    workspace = actor.workspace
    if feedback_status and item.source != AgendaSource.FEEDBACK:
        raise _invalid("feedback_status", _("Only a decision on field feedback sets a status."))
    if item.source == AgendaSource.BREACH:
        ids = list(item_breach_ids(item))
        closed = SlaBreach.objects.filter(workspace=workspace, pk__in=ids, committee_pending=True)
        count = closed.update(committee_pending=False)
        return {"breaches": ids, "count": count}
    if item.source == AgendaSource.FEEDBACK and feedback_status and item.object_id:
        try:
            feedback_status_change(
                actor=actor, item_id=item.object_id, to_status=feedback_status, reason=text
            )
        except ValidationFailed as exc:
            errors = [m for ms in exc.field_errors.values() for m in ms] or [exc.message]
            raise ValidationFailed(exc.message, field_errors={"feedback_status": errors}) from exc
        return {"feedback": item.object_id, "status": feedback_status}
    if item.source == AgendaSource.OVERRIDE and item.object_id:
        LaunchOverride.objects.filter(
            workspace=workspace, pk=item.object_id, discussed_at__isnull=True
        ).update(discussed_at=now)
        return {"override": item.object_id}
    if item.source == AgendaSource.DEBRIEF and item.object_id:
        Debrief.objects.filter(
            workspace=workspace, pk=item.object_id, discussed_at__isnull=True
        ).update(discussed_at=now)
        return {"debrief": item.object_id}
    return {}


@transaction.atomic
def decision_record(
    *,
    actor: Actor,
    meeting: Meeting,
    text: str,
    item_id: int | None = None,
    feedback_status: str = "",
) -> Decision:
    """Record what the committee decided, on one of the meeting's agenda items (or on the
    meeting as a whole), and act on the item's object (module docstring)."""
    locked = _runnable(actor, meeting)
    text = _text("text", text)
    item = None
    if item_id is not None:
        item = locked.agenda_items.filter(pk=item_id, removed_at__isnull=True).first()
        if item is None:
            raise _invalid("item", _("Choose an item of this meeting's agenda."))
    elif feedback_status:
        raise _invalid("feedback_status", _("Only a decision on field feedback sets a status."))
    now = timezone.now()
    effect = _act_on_object(actor, item, text, feedback_status, now) if item else {}
    decision = Decision.objects.create(
        workspace=locked.workspace,
        meeting=locked,
        agenda_item=item,
        text=text,
        feedback_status=feedback_status if item and item.source == AgendaSource.FEEDBACK else "",
        decided_by=actor.user,
        decided_at=now,
    )
    audit.audit_write(
        actor=actor,
        action="decide",
        target="meetings",
        target_id=locked.pk,
        target_label=meeting_label(locked),
        after={"text": text, "item": item.key if item else None, **effect},
    )
    return decision


# -- closing, cancelling, the summary -----------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    present: int
    expected: int
    decisions: list[str]
    actions: list[tuple[str, str, str]]  # title, owner's name, due (ISO)


def _name(user: User) -> str:
    return user.get_full_name() or user.email


def summary_of(meeting: Meeting) -> Summary:
    """What the summary says: attendance, the decisions, the action items recorded at it."""
    rows = attendance(meeting)
    return Summary(
        present=sum(1 for a in rows if a.present),
        expected=len(rows),
        decisions=[d.text for d in decisions(meeting)],
        actions=[
            (a.title, _name(a.owner), a.due_on.isoformat())
            for a in ActionItem.objects.filter(meeting=meeting)
            .select_related("owner")
            .order_by("due_on", "id")
        ],
    )


def summary_params(meeting: Meeting) -> dict[str, Any]:
    s = summary_of(meeting)
    return {
        "committee": meeting.committee.name,
        "when": meeting.starts_at.astimezone(meeting.workspace.zone).isoformat(),
        "present": s.present,
        "expected": s.expected,
        "decisions": s.decisions,
        "actions": [list(a) for a in s.actions],
    }


def meeting_url(meeting: Meeting) -> str:
    return reverse("meeting_detail", args=[meeting.workspace.slug, meeting.pk])


def _recipients(meeting: Meeting) -> list[User]:
    """The committee's members still active in the workspace."""
    active = Membership.objects.filter(workspace=meeting.workspace, is_active=True).values_list(
        "user_id", flat=True
    )
    return list(
        User.objects.filter(
            pk__in=meeting.committee.memberships.values_list("user_id", flat=True),
            is_active=True,
        )
        .filter(pk__in=active)
        .order_by("pk")
    )


def summary_send(meeting: Meeting) -> int:
    """The summary to each member in the app (their language, when read) and once to the
    workspace's outgoing webhooks (its language); returns how many members were told."""
    workspace: Workspace = meeting.workspace
    params = summary_params(meeting)
    url = meeting_url(meeting)
    people = _recipients(meeting)
    notifications_send(
        notifications=[
            notification_new(
                workspace=workspace,
                user=user,
                kind="rituals.summary",
                key=f"rituals.summary:{meeting.pk}",
                code=notices.SUMMARY,
                params=params,
                url=url,
            )
            for user in people
        ]
    )
    with speaking_to(workspace):
        title, body = notice_render(notices.SUMMARY, params)
    webhook_emit(
        workspace=workspace,
        event=WebhookEvent.COMMITTEE_SUMMARY,
        text=f"{title}\n{body}"[:3000],
        data={
            "meeting": meeting.pk,
            "committee": {"id": meeting.committee_id, "name": meeting.committee.name},
            "starts_at": params["when"],
            "present": params["present"],
            "expected": params["expected"],
            "decisions": params["decisions"],
            "actions": [{"title": t, "owner": o, "due_on": d} for t, o, d in params["actions"]],
        },
        url=url,
    )
    Meeting.objects.filter(pk=meeting.pk).update(summary_sent_at=timezone.now())
    return len(people)


@transaction.atomic
def meeting_close(*, actor: Actor, meeting: Meeting) -> Meeting:
    """Mark the meeting held: members whose attendance was not recorded are counted absent, the
    agenda is frozen, the summary goes to the members and the webhooks."""
    locked = _runnable(actor, meeting)
    now = timezone.now()
    recorded = set(locked.attendance.values_list("user_id", flat=True))
    for user_id in locked.committee.memberships.values_list("user_id", flat=True):
        if user_id not in recorded:
            Attendance.objects.create(
                workspace=locked.workspace, meeting=locked, user_id=user_id, present=False
            )
    locked.state, locked.closed_at, locked.closed_by = MeetingState.HELD, now, actor.user
    locked.save(update_fields=["state", "closed_at", "closed_by"])
    audit.audit_write(
        actor=actor,
        action="close",
        target="meetings",
        target_id=locked.pk,
        target_label=meeting_label(locked),
        before={"state": MeetingState.PLANNED},
        after={"state": MeetingState.HELD},
    )
    summary_send(locked)
    locked.refresh_from_db()
    return locked


@transaction.atomic
def meeting_cancel(*, actor: Actor, meeting: Meeting, reason: str = "") -> Meeting:
    """Cancel a planned meeting (its open action items go to the next one's agenda)."""
    locked = _runnable(actor, meeting)
    reason = _text("reason", reason, required=False)
    locked.state = MeetingState.CANCELLED
    fields = ["state"]
    if reason:
        locked.notes = "\n\n".join(n for n in (locked.notes, reason) if n)
        fields.append("notes")
    locked.save(update_fields=fields)
    audit.audit_write(
        actor=actor,
        action="cancel",
        target="meetings",
        target_id=locked.pk,
        target_label=meeting_label(locked),
        before={"state": MeetingState.PLANNED},
        after={"state": MeetingState.CANCELLED, "reason": reason},
    )
    return locked
