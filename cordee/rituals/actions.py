"""Action items: someone's to-do from a meeting, due on a date, open until done (and carried to
each next agenda of its committee until then — the agenda's builder reads them open).

- **Recording** one (the meeting's runners, ``selectors.meeting_run_require``): a title, an
  owner among the workspace's active members, a due date, optionally the agenda item or the
  decision it follows. The owner is told in the app.
- **Done / reopened** by its owner or a runner of the committee's meetings; its **due date**,
  **owner** and title are changed by a runner.
- **Reminders** on the workspace's business calendar (its hours, public holidays, added days):
  once on the last business day before the due date, once on the first business day after it
  if still open (``action_reminders_send``, run by the periodic job).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.business_time import BusinessCalendar
from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.funnel.sla import workspace_calendar
from cordee.people.services import notification_new, notification_send, notifications_send
from cordee.rituals import notices
from cordee.rituals.meetings import meeting_url
from cordee.rituals.models import ActionItem, Meeting, MeetingState
from cordee.rituals.selectors import meeting_run_require, meeting_runnable
from cordee.tenancy.models import User, Workspace

TITLE_MAX = 300
_UNSET: object = object()

audit.audit_kind_register("action-items", ActionItem._meta.verbose_name, ActionItem)


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: [message]})


def _title(value: str) -> str:
    title = " ".join((value or "").split())
    if not title:
        raise _invalid("title", _("This field is required."))
    if len(title) > TITLE_MAX:
        raise _invalid("title", _("At most %(n)s characters.") % {"n": TITLE_MAX})
    return title


def _owner(workspace: Workspace, owner_id: int | None) -> User:
    user = (
        User.objects.filter(
            pk=owner_id,
            is_active=True,
            memberships__workspace=workspace,
            memberships__is_active=True,
        ).first()
        if owner_id
        else None
    )
    if user is None:
        raise _invalid("owner", _("Choose an active member of the workspace."))
    return user


# -- reads --------------------------------------------------------------------------------------


def actions(
    actor: Actor,
    *,
    owner_id: int | None = None,
    open_only: bool = False,
    committee_id: int | None = None,
    meeting_id: int | None = None,
) -> QuerySet[ActionItem]:
    """The workspace's action items (every member reads them), soonest due first."""
    qs = ActionItem.objects.filter(workspace=actor.workspace).select_related(
        "owner", "committee", "meeting"
    )
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if open_only:
        qs = qs.filter(done_at__isnull=True)
    if committee_id is not None:
        qs = qs.filter(committee_id=committee_id)
    if meeting_id is not None:
        qs = qs.filter(meeting_id=meeting_id)
    return qs.order_by("due_on", "id")


def action_get(*, actor: Actor, pk: int) -> ActionItem:
    action = actions(actor).filter(pk=pk).first()
    if action is None:
        raise NotFound(_("Action item not found."))
    return action


def may_tick(actor: Actor, action: ActionItem) -> bool:
    """Its owner, or whoever runs its committee's meetings, marks it done or reopens it."""
    return action.owner_id == actor.user.pk or meeting_runnable(actor, action.committee)


# -- writes -------------------------------------------------------------------------------------


def _audit(
    actor: Actor, action: ActionItem, verb: str, before: dict[str, object], after: dict[str, object]
) -> None:
    audit.audit_write(
        actor=actor,
        action=verb,
        target="action-items",
        target_id=action.pk,
        target_label=action.title,
        before=before,
        after=after,
    )


def _tell_owner(action: ActionItem) -> None:
    notification_send(
        notification=notification_new(
            workspace=action.workspace,
            user=action.owner,
            kind="rituals.action",
            key=f"rituals.action_assigned:{action.pk}:{action.owner_id}",
            code=notices.ACTION_ASSIGNED,
            params={
                "committee": action.committee.name,
                "title": action.title,
                "due": action.due_on.isoformat(),
            },
            url=meeting_url(action.meeting),
        )
    )


@transaction.atomic
def action_create(
    *,
    actor: Actor,
    meeting: Meeting,
    title: str,
    owner_id: int | None,
    due_on: dt.date | None,
    item_id: int | None = None,
    decision_id: int | None = None,
) -> ActionItem:
    """Record an action item at a planned meeting."""
    meeting_run_require(actor, meeting.committee)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.state != MeetingState.PLANNED:
        raise Conflict(_("This meeting is no longer planned: record the action at the next one."))
    title = _title(title)
    owner = _owner(actor.workspace, owner_id)
    if due_on is None:
        raise _invalid("due_on", _("Give a due date."))
    item = decision = None
    if item_id is not None:
        item = locked.agenda_items.filter(pk=item_id).first()
        if item is None:
            raise _invalid("item", _("Choose an item of this meeting's agenda."))
    if decision_id is not None:
        decision = locked.decisions.filter(pk=decision_id).first()
        if decision is None:
            raise _invalid("decision", _("Choose a decision of this meeting."))
        item = item or decision.agenda_item
    action = ActionItem.objects.create(
        workspace=locked.workspace,
        committee=locked.committee,
        meeting=locked,
        agenda_item=item,
        decision=decision,
        title=title,
        owner=owner,
        due_on=due_on,
        created_by=actor.user,
    )
    _audit(
        actor,
        action,
        "create",
        {},
        {"title": title, "owner": owner.pk, "due_on": due_on, "meeting": locked.pk},
    )
    transaction.on_commit(lambda: _tell_owner(action))
    return action


@transaction.atomic
def action_update(
    *,
    actor: Actor,
    action: ActionItem,
    done: bool | None = None,
    due_on: dt.date | object | None = _UNSET,
    owner_id: int | object | None = _UNSET,
    title: str | None = None,
) -> ActionItem:
    """Mark done (``done=True``) or reopen (``done=False``): its owner or a runner. Change the
    due date, the owner or the title: a runner. A new due date makes its reminders due again."""
    locked = ActionItem.objects.select_for_update().select_related("committee").get(pk=action.pk)
    changes_plan = due_on is not _UNSET or owner_id is not _UNSET or title is not None
    if changes_plan:
        meeting_run_require(actor, locked.committee)
    elif done is not None and not may_tick(actor, locked):
        raise PermissionDenied(
            _("Only the action's owner or the committee's runners mark it done or reopen it.")
        )
    before: dict[str, object] = {}
    after: dict[str, object] = {}
    verb = "update"
    if done is not None and done != (locked.done_at is not None):
        before["done_at"], after["done_at"] = locked.done_at, None
        if done:
            locked.done_at, locked.done_by = timezone.now(), actor.user
            after["done_at"], verb = locked.done_at, "done"
        else:
            locked.done_at, locked.done_by = None, None
            verb = "reopen"
    if due_on is not _UNSET:
        if not isinstance(due_on, dt.date):
            raise _invalid("due_on", _("Give a due date."))
        if due_on != locked.due_on:
            before["due_on"], after["due_on"] = locked.due_on, due_on
            locked.due_on, locked.reminded_on = due_on, None
    if owner_id is not _UNSET:
        owner = _owner(actor.workspace, owner_id if isinstance(owner_id, int) else None)
        if owner.pk != locked.owner_id:
            before["owner"], after["owner"] = locked.owner_id, owner.pk
            locked.owner = owner
    if title is not None:
        new_title = _title(title)
        if new_title != locked.title:
            before["title"], after["title"] = locked.title, new_title
            locked.title = new_title
    if after:
        locked.save()
        _audit(actor, locked, verb, before, after)
        if "owner" in after:
            transaction.on_commit(lambda: _tell_owner(locked))
    return locked


# -- reminders on the business calendar -----------------------------------------------------------


@dataclass(frozen=True)
class ReminderDays:
    before: dt.date  # the last business day before the due date
    after: dt.date  # the first business day after it


def _step(calendar: BusinessCalendar, day: dt.date, step: int) -> dt.date:
    public = calendar.public_holidays(range(day.year - 1, day.year + 2))
    for _n in range(366):
        day += dt.timedelta(days=step)
        if calendar.is_working_day(day, public):
            return day
    return day  # a calendar without a working day: a year away


def reminder_days(calendar: BusinessCalendar, due_on: dt.date) -> ReminderDays:
    """When an action due on ``due_on`` is reminded: the business day before the due date (the
    due date itself not counted, a working day or not) and the business day after it."""
    return ReminderDays(before=_step(calendar, due_on, -1), after=_step(calendar, due_on, +1))


def action_reminders_send(*, workspace: Workspace, now: dt.datetime | None = None) -> int:
    """Remind the owners of open action items, each reminder once (``reminded_on``: the day of
    the last one; the notification's key too): the "due soon" one from the business day before
    the due date until it falls due, the "overdue" one from the business day after it. Returns
    how many were sent."""
    today = workspace.today(now)
    calendar = workspace_calendar(workspace)
    open_items = (
        ActionItem.objects.filter(workspace=workspace, done_at__isnull=True)
        .filter(Q(reminded_on__isnull=True) | Q(reminded_on__lt=today))
        .filter(due_on__lte=today + dt.timedelta(days=30))
        .select_related("owner", "committee", "meeting", "workspace")
    )
    batch = []
    reminded: list[int] = []
    for action in open_items:
        days = reminder_days(calendar, action.due_on)
        if today >= days.after:
            if action.reminded_on is not None and action.reminded_on >= days.after:
                continue
            code = notices.ACTION_OVERDUE
        elif today >= days.before:
            if action.reminded_on is not None and action.reminded_on >= days.before:
                continue
            code = notices.ACTION_DUE
        else:
            continue
        batch.append(
            notification_new(
                workspace=workspace,
                user=action.owner,
                kind="rituals.action",
                key=f"{code}:{action.pk}:{action.due_on.isoformat()}",
                code=code,
                params={
                    "committee": action.committee.name,
                    "title": action.title,
                    "due": action.due_on.isoformat(),
                },
                url=meeting_url(action.meeting),
            )
        )
        reminded.append(action.pk)
    with transaction.atomic():
        notifications_send(notifications=batch)
        ActionItem.objects.filter(pk__in=reminded).update(reminded_on=today)
    return len(reminded)
