"""The meeting's page (run live: attendance, minutes, decisions, action items, close or cancel;
after: its summary) and the action items' page. Each action calls the service and goes back to
the page with what happened; the minutes are saved in place (htmx)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, ValidationFailed
from cordee.core.selectors import workspace_users
from cordee.core.web import htmx_render, is_partial_request, workspace_view
from cordee.feedback.models import TRANSITIONS, FeedbackItem, FeedbackStatus
from cordee.people.notices import notice_render
from cordee.rituals import actions as action_services
from cordee.rituals import meetings as services
from cordee.rituals import notices
from cordee.rituals.agenda import agenda_items
from cordee.rituals.agenda_render import item_label, item_url
from cordee.rituals.models import ActionItem, AgendaSource, Meeting, MeetingState
from cordee.rituals.selectors import meeting_get, meeting_runnable
from cordee.tenancy.roles import Side


def _back(actor: Actor, meeting: Meeting, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("meeting_detail", args=[actor.workspace.slug, meeting.pk])
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


def _refused(request: HttpRequest, exc: Conflict | ValidationFailed) -> None:
    messages.error(request, exc.explained)


def _int(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


def _date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None


def _feedback_choices(actor: Actor, items: list[Any]) -> dict[int, list[tuple[str, str]]]:
    """For each feedback item of the agenda, the statuses it may move to now (feedback's
    transitions), when the actor may triage feedback."""
    if not actor.can("feedback.triage"):
        return {}
    ids = [i.object_id for i in items if i.source == AgendaSource.FEEDBACK and i.object_id]
    current = dict(
        FeedbackItem.objects.filter(workspace=actor.workspace, pk__in=ids).values_list(
            "pk", "status"
        )
    )
    labels = dict(FeedbackStatus.choices)
    return {
        i.pk: [(s, str(labels[s])) for s in FeedbackStatus.values if s in TRANSITIONS[status]]
        for i in items
        if (status := current.get(i.object_id)) is not None
    }


def meeting_context(actor: Actor, meeting: Meeting) -> dict[str, Any]:
    slug = actor.workspace.slug
    items = list(agenda_items(meeting))
    decisions = list(services.decisions(meeting))
    labels = dict(FeedbackStatus.choices)
    for d in decisions:  # the status a decision set, in the reader's language
        d.status_label = str(labels.get(d.feedback_status, d.feedback_status))  # type: ignore[attr-defined]
    actions = list(action_services.actions(actor, meeting_id=meeting.pk))
    attendees = services.attendance(meeting)
    by_side = {
        side: [a for a in attendees if a.side == side]
        for side in (Side.MARKETING, Side.SALES, Side.OTHER)
    }
    statuses = _feedback_choices(actor, items)
    carried_ids = [i.object_id for i in items if i.source == AgendaSource.ACTION and i.object_id]
    carried = {a.pk: a for a in action_services.actions(actor).filter(pk__in=carried_ids)}
    rows = [
        {
            "item": item,
            "label": item_label(item),
            "url": item_url(item, slug),
            "decisions": [d for d in decisions if d.agenda_item_id == item.pk],
            "actions": [a for a in actions if a.agenda_item_id == item.pk],
            "statuses": statuses.get(item.pk, []),
            "form_id": f"action-form-{item.pk}",
            "carried": carried.get(item.object_id or 0)
            if item.source == AgendaSource.ACTION
            else None,
        }
        for item in items
    ]
    runs = meeting_runnable(actor, meeting.committee)
    summary = None
    if meeting.state == MeetingState.HELD:
        summary = notice_render(notices.SUMMARY, services.summary_params(meeting))
    committee_url = reverse("committee_detail", args=[slug, meeting.committee_id])
    return {
        "nav": "committees",
        "meeting": meeting,
        "committee": meeting.committee,
        "committee_url": committee_url,
        "items": rows,
        "general_decisions": [d for d in decisions if d.agenda_item_id is None],
        "actions": actions,
        "by_side": [(Side(side).label, side, people) for side, people in by_side.items()],
        "missing_sides": [Side(s).label for s in (Side.MARKETING, Side.SALES) if not by_side[s]],
        "may_run": runs and meeting.state == MeetingState.PLANNED,
        "runs": runs,
        "planned": meeting.state == MeetingState.PLANNED,
        "members": workspace_users(actor=actor),
        "today": actor.workspace.today(),
        "summary": summary,
        "agenda_url": f"/w/{slug}/meetings/{meeting.pk}/agenda/",
        "preread_url": f"/w/{slug}/meetings/{meeting.pk}/preread/",
        "actor_id": actor.user.pk,
    }


@workspace_view
def meeting_detail(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """The meeting, run live by its committee's members (read by every member)."""
    meeting = meeting_get(actor=actor, pk=pk)
    return render(request, "rituals/meeting_detail.html", meeting_context(actor, meeting))


@require_POST
@workspace_view
def meeting_attendance(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    meeting = meeting_get(actor=actor, pk=pk)
    present = [uid for v in request.POST.getlist("present") if (uid := _int(v)) is not None]
    try:
        services.attendance_set(actor=actor, meeting=meeting, present=present)
    except (Conflict, ValidationFailed) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Attendance saved."))
    return _back(actor, meeting, "meeting-attendance")


@require_POST
@workspace_view
def agenda_item_minutes(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Save one item's minutes: in place (htmx) or back to the page."""
    item = services.agenda_item_get(actor=actor, pk=pk)
    error = ""
    try:
        services.minutes_set(actor=actor, item=item, text=request.POST.get("minutes", ""))
    except (Conflict, ValidationFailed) as exc:
        error = exc.explained
        if not is_partial_request(request):
            _refused(request, exc)
    context = {"item": item, "saved": not error, "error": error, "workspace": actor.workspace}
    return htmx_render(
        request,
        "rituals/meeting_minutes.html",
        context,
        page=lambda: _back(actor, item.meeting, f"item-{item.pk}"),
    )


@require_POST
@workspace_view
def meeting_decide(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    meeting = meeting_get(actor=actor, pk=pk)
    item_id = _int(request.POST.get("item"))
    try:
        services.decision_record(
            actor=actor,
            meeting=meeting,
            text=request.POST.get("text", ""),
            item_id=item_id,
            feedback_status=request.POST.get("feedback_status", "").strip(),
        )
    except (Conflict, ValidationFailed) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Decision recorded."))
    return _back(actor, meeting, f"item-{item_id}" if item_id else "meeting-decisions")


@require_POST
@workspace_view
def meeting_action_add(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    meeting = meeting_get(actor=actor, pk=pk)
    item_id = _int(request.POST.get("item"))
    try:
        action_services.action_create(
            actor=actor,
            meeting=meeting,
            title=request.POST.get("title", ""),
            owner_id=_int(request.POST.get("owner")),
            due_on=_date(request.POST.get("due_on")),
            item_id=item_id,
        )
    except (Conflict, ValidationFailed) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Action item recorded; its owner is told."))
    return _back(actor, meeting, f"item-{item_id}" if item_id else "meeting-actions")


@require_POST
@workspace_view
def meeting_close(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    meeting = meeting_get(actor=actor, pk=pk)
    try:
        services.meeting_close(actor=actor, meeting=meeting)
    except Conflict as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The meeting is closed; its summary went to the members."))
    return _back(actor, meeting)


@require_POST
@workspace_view
def meeting_cancel(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    meeting = meeting_get(actor=actor, pk=pk)
    try:
        services.meeting_cancel(actor=actor, meeting=meeting, reason=request.POST.get("reason", ""))
    except (Conflict, ValidationFailed) as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The meeting is cancelled."))
    return _back(actor, meeting)


# -- action items -------------------------------------------------------------------------------


@workspace_view
def action_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    """My action items (open first, then the last done), and for the committee managers every
    open one."""
    mine = list(action_services.actions(actor, owner_id=actor.user.pk, open_only=True))
    done = list(
        action_services.actions(actor, owner_id=actor.user.pk)
        .filter(done_at__isnull=False)
        .order_by("-done_at")[:10]
    )
    everyone: list[ActionItem] = []
    if actor.can("committee.write"):
        everyone = list(action_services.actions(actor, open_only=True)[:500])
    return render(
        request,
        "rituals/meeting_actions.html",
        {
            "nav": "actions",
            "mine": mine,
            "done": done,
            "everyone": everyone,
            "manager": actor.can("committee.write"),
            "today": actor.workspace.today(),
            "actor_id": actor.user.pk,
        },
    )


@require_POST
@workspace_view
def action_tick(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Mark done (``done=1``) or reopen (``done=0``); back to where the form was."""
    action = action_services.action_get(actor=actor, pk=pk)
    done = request.POST.get("done", "1") != "0"
    action_services.action_update(actor=actor, action=action, done=done)
    messages.success(request, _("Action item done.") if done else _("Action item reopened."))
    if request.POST.get("next") == "meeting":  # the page it was ticked on (a later meeting's)
        shown = _int(request.POST.get("meeting"))
        meeting = meeting_get(actor=actor, pk=shown) if shown else action.meeting
        return _back(actor, meeting, "meeting-actions")
    return HttpResponseRedirect(reverse("action_list", args=[actor.workspace.slug]))
