"""REST endpoints of a meeting during and after (``meetings.py``, ``actions.py``): the meetings,
attendance, minutes per agenda item, decisions, action items, closing and cancelling; and the
rituals' participation numbers (``participation.py``).

Every member reads; the committee's members and the holders of ``committee.write`` run its
meetings (403 for anyone else); an action item's owner also marks it done or reopens it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from cordee.codesign.alignment_api import RateOut, _rate
from cordee.core.api import QuerySchema, current_actor
from cordee.core.schemas import Id, InSchema, PathId, document_refused_nulls
from cordee.feedback.models import FeedbackStatus
from cordee.rituals import actions as action_services
from cordee.rituals import meetings as services
from cordee.rituals.agenda import agenda_items
from cordee.rituals.agenda_render import item_label, item_url
from cordee.rituals.models import ActionItem, AgendaItem, Decision, Meeting, MeetingState
from cordee.rituals.participation import participation_read
from cordee.rituals.selectors import meeting_get, meeting_runnable

router = Router(tags=["rituals"])

Text = Field(max_length=services.TEXT_MAX)


# -- schemas ------------------------------------------------------------------------------------


class MeetingFilters(QuerySchema):
    committee: int | None = Field(None, ge=1, description="a committee's id")
    state: MeetingState | None = None
    since: dt.date | None = Field(None, description="starts on or after (local date)")
    until: dt.date | None = Field(None, description="starts on or before (local date)")


class MeetingRowOut(Schema):
    id: int
    committee_id: int
    committee_name: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str
    closed_at: dt.datetime | None
    summary_sent_at: dt.datetime | None


class MeetingAttendeeOut(Schema):
    user_id: int
    name: str
    side: str
    present: bool | None = Field(description="null: not recorded yet")


class MeetingItemOut(Schema):
    id: int
    position: int
    source: str
    object_id: int | None
    label: str
    url: str | None
    minutes: str


class MeetingDecisionOut(Schema):
    id: int
    meeting_id: int
    agenda_item_id: int | None
    text: str
    feedback_status: str
    decided_by: int | None
    decided_at: dt.datetime


class MeetingActionOut(Schema):
    id: int
    committee_id: int
    meeting_id: int
    agenda_item_id: int | None
    decision_id: int | None
    title: str
    owner_id: int
    owner_name: str
    due_on: dt.date
    done_at: dt.datetime | None
    done_by: int | None
    reminded_on: dt.date | None


class MeetingDetailOut(MeetingRowOut):
    may_run: bool
    notes: str
    attendance: list[MeetingAttendeeOut]
    agenda: list[MeetingItemOut]
    decisions: list[MeetingDecisionOut]
    actions: list[MeetingActionOut]


class MeetingAttendanceIn(InSchema):
    present: list[Id] = Field(description="ids of the members present; every other is absent")


class AgendaMinutesIn(InSchema):
    minutes: str = Field("", max_length=services.TEXT_MAX)


class MeetingDecisionIn(InSchema):
    text: str = Field(min_length=1, max_length=services.TEXT_MAX)
    item: Id | None = Field(None, description="the agenda item decided on")
    feedback_status: FeedbackStatus | None = Field(
        None, description="on a field-feedback item: its new status"
    )


class MeetingActionIn(InSchema):
    title: str = Field(min_length=1, max_length=action_services.TITLE_MAX)
    owner: Id | None = Field(None, description="a member's user id (default: you)")
    due_on: dt.date
    item: Id | None = None
    decision: Id | None = None


class ActionItemPatchIn(InSchema):
    done: bool | None = Field(None, description="true: mark done; false: reopen")
    due_on: dt.date | None = None
    owner: Id | None = None
    title: str | None = Field(None, min_length=1, max_length=action_services.TITLE_MAX)


document_refused_nulls(ActionItemPatchIn, ["due_on", "owner", "title", "done"])


class MeetingCancelIn(InSchema):
    reason: str = Field("", max_length=services.TEXT_MAX)


class ActionFilters(QuerySchema):
    owner: int | None = Field(None, ge=1, description="a user id")
    mine: bool = Field(False, description="only the caller's")
    open: bool = Field(False, description="only those not done")
    committee: int | None = Field(None, ge=1)
    meeting: int | None = Field(None, ge=1)


class ParticipationFilters(QuerySchema):
    period: str | None = Field(
        None,
        max_length=10,
        description="2027 (fiscal year), 2027-Q1 (fiscal quarter) or 2027-03 (month); "
        "default: the current fiscal quarter",
    )
    pod: int | None = Field(None, ge=1, description="a pod's id (default: the whole workspace)")


class ParticipationPeriodOut(Schema):
    key: str
    start: dt.date
    end: dt.date


class ParticipationOut(Schema):
    period: ParticipationPeriodOut
    pod_id: int | None
    pod_name: str | None
    committees_held: int
    attendance: dict[str, RateOut] = Field(description="side → members present ÷ expected")
    actions_on_time: RateOut = Field(description="done by their due date ÷ due in the period")
    programme_participation: dict[str, RateOut] = Field(
        description="side → people who took part in a programme ÷ the side's members"
    )


# -- payloads -----------------------------------------------------------------------------------


def _row(m: Meeting) -> dict[str, Any]:
    return {
        "id": m.pk,
        "committee_id": m.committee_id,
        "committee_name": m.committee.name,
        "starts_at": m.starts_at,
        "ends_at": m.ends_at,
        "state": m.state,
        "closed_at": m.closed_at,
        "summary_sent_at": m.summary_sent_at,
    }


def decision_out(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "meeting_id": d.meeting_id,
        "agenda_item_id": d.agenda_item_id,
        "text": d.text,
        "feedback_status": d.feedback_status,
        "decided_by": d.decided_by_id,
        "decided_at": d.decided_at,
    }


def action_out(a: ActionItem) -> dict[str, Any]:
    return {
        "id": a.pk,
        "committee_id": a.committee_id,
        "meeting_id": a.meeting_id,
        "agenda_item_id": a.agenda_item_id,
        "decision_id": a.decision_id,
        "title": a.title,
        "owner_id": a.owner_id,
        "owner_name": a.owner.get_full_name() or a.owner.email,
        "due_on": a.due_on,
        "done_at": a.done_at,
        "done_by": a.done_by_id,
        "reminded_on": a.reminded_on,
    }


def item_out(item: AgendaItem, slug: str) -> dict[str, Any]:
    return {
        "id": item.pk,
        "position": item.position,
        "source": item.source,
        "object_id": item.object_id,
        "label": item_label(item),
        "url": item_url(item, slug),
        "minutes": item.minutes,
    }


def meeting_out(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    actor = current_actor(request)
    meeting.refresh_from_db()
    slug = actor.workspace.slug
    return {
        **_row(meeting),
        "may_run": meeting_runnable(actor, meeting.committee),
        "notes": meeting.notes,
        "attendance": [
            {
                "user_id": a.user.pk,
                "name": a.user.get_full_name() or a.user.email,
                "side": a.side,
                "present": a.present,
            }
            for a in services.attendance(meeting)
        ],
        "agenda": [item_out(i, slug) for i in agenda_items(meeting)],
        "decisions": [decision_out(d) for d in services.decisions(meeting)],
        "actions": [action_out(a) for a in action_services.actions(actor, meeting_id=meeting.pk)],
    }


# -- meetings -----------------------------------------------------------------------------------


@router.get("/meetings", response=list[MeetingRowOut], operation_id="meeting_list")
def meeting_list(request: HttpRequest, filters: Query[MeetingFilters]) -> Any:
    """The workspace's meetings, soonest first: by committee, state, and the local date of their
    start (``since``, ``until``, inclusive). Every member reads them."""
    actor = current_actor(request)
    rows = services.meetings(
        actor,
        committee_id=filters.committee,
        state=filters.state,
        since=filters.since,
        until=filters.until,
    )
    return [_row(m) for m in rows[:500]]


@router.get("/meetings/{pk}", response=MeetingDetailOut, operation_id="meeting_get")
def meeting_detail(request: HttpRequest, pk: PathId) -> Any:
    """A meeting: attendance by side, its agenda in order with each item's minutes, its
    decisions and action items; ``may_run`` says whether the caller runs it."""
    meeting = meeting_get(actor=current_actor(request), pk=pk)
    return meeting_out(request, meeting)


@router.put(
    "/meetings/{pk}/attendance", response=MeetingDetailOut, operation_id="meeting_attendance_set"
)
def meeting_attendance_set(request: HttpRequest, pk: PathId, payload: MeetingAttendanceIn) -> Any:
    """Record who was there: the members listed present, every other member absent (422 for
    someone not on the committee; 409 once the meeting is held or cancelled)."""
    actor = current_actor(request)
    meeting = meeting_get(actor=actor, pk=pk)
    services.attendance_set(actor=actor, meeting=meeting, present=payload.present)
    return meeting_out(request, meeting)


@router.patch(
    "/agenda-items/{pk}/minutes", response=MeetingItemOut, operation_id="agenda_item_minutes_set"
)
def agenda_item_minutes_set(request: HttpRequest, pk: PathId, payload: AgendaMinutesIn) -> Any:
    """The minutes of one agenda item, replaced (409 once the meeting is held or cancelled)."""
    actor = current_actor(request)
    item = services.agenda_item_get(actor=actor, pk=pk)
    services.minutes_set(actor=actor, item=item, text=payload.minutes)
    return item_out(item, actor.workspace.slug)


@router.get(
    "/meetings/{pk}/decisions",
    response=list[MeetingDecisionOut],
    operation_id="meeting_decision_list",
)
def meeting_decision_list(request: HttpRequest, pk: PathId) -> Any:
    """The meeting's decisions, in the order they were taken."""
    meeting = meeting_get(actor=current_actor(request), pk=pk)
    return [decision_out(d) for d in services.decisions(meeting)]


@router.post(
    "/meetings/{pk}/decisions",
    response={201: MeetingDecisionOut},
    operation_id="meeting_decision_create",
)
def meeting_decision_create(request: HttpRequest, pk: PathId, payload: MeetingDecisionIn) -> Any:
    """Record a decision, on an agenda ``item`` of the meeting or on the meeting as a whole. On a
    breach item it takes the breach(es) off the committee's list; on a field-feedback item,
    ``feedback_status`` moves the item (feedback's transitions and permission: a refused move is
    a 422 naming ``feedback_status`` and records nothing); on a launch override or a campaign
    debrief, it marks it discussed."""
    actor = current_actor(request)
    meeting = meeting_get(actor=actor, pk=pk)
    decision = services.decision_record(
        actor=actor,
        meeting=meeting,
        text=payload.text,
        item_id=payload.item,
        feedback_status=payload.feedback_status.value if payload.feedback_status else "",
    )
    return 201, decision_out(decision)


@router.post(
    "/meetings/{pk}/actions", response={201: MeetingActionOut}, operation_id="meeting_action_create"
)
def meeting_action_create(request: HttpRequest, pk: PathId, payload: MeetingActionIn) -> Any:
    """Record an action item: a title, an owner (a member; default: the caller), a due date,
    optionally the agenda item or decision it follows. The owner is told."""
    actor = current_actor(request)
    meeting = meeting_get(actor=actor, pk=pk)
    action = action_services.action_create(
        actor=actor,
        meeting=meeting,
        title=payload.title,
        owner_id=payload.owner or actor.user.pk,
        due_on=payload.due_on,
        item_id=payload.item,
        decision_id=payload.decision,
    )
    return 201, action_out(action)


@router.post("/meetings/{pk}/close", response=MeetingDetailOut, operation_id="meeting_close")
def meeting_close(request: HttpRequest, pk: PathId) -> Any:
    """Mark the meeting held (members not recorded count absent); the summary goes to the
    members in the app and to the ``committee.summary`` webhooks. 409 unless planned."""
    actor = current_actor(request)
    meeting = meeting_get(actor=actor, pk=pk)
    services.meeting_close(actor=actor, meeting=meeting)
    return meeting_out(request, meeting)


@router.post("/meetings/{pk}/cancel", response=MeetingDetailOut, operation_id="meeting_cancel")
def meeting_cancel(request: HttpRequest, pk: PathId, payload: MeetingCancelIn) -> Any:
    """Cancel a planned meeting, with an optional reason (kept in its notes). 409 unless
    planned."""
    actor = current_actor(request)
    meeting = meeting_get(actor=actor, pk=pk)
    services.meeting_cancel(actor=actor, meeting=meeting, reason=payload.reason)
    return meeting_out(request, meeting)


# -- action items -------------------------------------------------------------------------------


@router.get("/actions", response=list[MeetingActionOut], operation_id="action_list")
def action_list(request: HttpRequest, filters: Query[ActionFilters]) -> Any:
    """The workspace's action items, soonest due first: by owner (or ``mine``), open ones only,
    by committee or meeting."""
    actor = current_actor(request)
    rows = action_services.actions(
        actor,
        owner_id=actor.user.pk if filters.mine else filters.owner,
        open_only=filters.open,
        committee_id=filters.committee,
        meeting_id=filters.meeting,
    )
    return [action_out(a) for a in rows[:1000]]


@router.patch("/actions/{pk}", response=MeetingActionOut, operation_id="action_update")
def action_update(request: HttpRequest, pk: PathId, payload: ActionItemPatchIn) -> Any:
    """``done``: true marks it done, false reopens it (its owner or the committee's runners);
    ``due_on``, ``owner``, ``title``: the committee's runners."""
    actor = current_actor(request)
    action = action_services.action_get(actor=actor, pk=pk)
    fields = payload.model_fields_set
    kwargs: dict[str, Any] = {}
    if "done" in fields:
        kwargs["done"] = payload.done
    if "due_on" in fields:
        kwargs["due_on"] = payload.due_on
    if "owner" in fields:
        kwargs["owner_id"] = payload.owner
    if "title" in fields:
        kwargs["title"] = payload.title or ""
    updated = action_services.action_update(actor=actor, action=action, **kwargs)
    return action_out(updated)


# -- participation ------------------------------------------------------------------------------


@router.get(
    "/rituals/participation", response=ParticipationOut, operation_id="rituals_participation"
)
def rituals_participation(request: HttpRequest, filters: Query[ParticipationFilters]) -> Any:
    """Participation in the rituals for a fiscal period, for the workspace or one pod: committee
    meetings held, attendance by side, action items closed on time, vis-ma-vie participation
    by side — each rate as numerator, denominator and value (definitions in docs/api.md)."""
    actor = current_actor(request)
    report = participation_read(actor, period=filters.period, pod=filters.pod)
    n = report.numbers
    return {
        "period": {
            "key": report.period.key,
            "start": report.period.start,
            "end": report.period.end,
        },
        "pod_id": report.pod.pk if report.pod else None,
        "pod_name": report.pod.name if report.pod else None,
        "committees_held": n.committees_held,
        "attendance": {side: _rate(r) for side, r in n.attendance.items()},
        "actions_on_time": _rate(n.actions_on_time),
        "programme_participation": {side: _rate(r) for side, r in n.programme.items()},
    }
