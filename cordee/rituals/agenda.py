"""A meeting's agenda: written by the data since the previous meeting, edited by hand.

``agenda_build`` writes the items the sources propose (``agenda_sources``) in the default order
of ``AgendaSource``: written again on a planned meeting, it appends only the objects not on the
agenda yet (an item's ``key`` is unique), refreshes the numbers of the items still on it, and
never brings back an item someone removed. A held (or cancelled) meeting's agenda is frozen.

Edits — move an item, remove it with a reason (kept), add a line by hand, restore a removed
item — are services: audited, run only by whoever runs the committee's meetings
(``selectors.meeting_run_require``). The agenda's items are numbered 1…n in order; a removed
item keeps its place out of the numbering and comes back at the end.

``agenda_items`` and ``agenda_item_add`` are the interface the meeting page and the
programmes use."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.funnel.sla import workspace_calendar
from cordee.people.models import Notification
from cordee.people.services import notification_new, notifications_send
from cordee.rituals import agenda_sources as sources
from cordee.rituals.agenda_notices import PREREAD_READY
from cordee.rituals.agenda_render import item_label
from cordee.rituals.models import AgendaItem, AgendaSource, CommitteeMember, Meeting, MeetingState
from cordee.rituals.selectors import meeting_run_require
from cordee.tenancy.models import Workspace

PREPARE_BUSINESS_DAYS = 2  # the pre-read is ready this many business days before the meeting
TITLE_MAX = 300
REASON_MAX = 2000

audit.audit_kind_register("agenda-items", AgendaItem._meta.verbose_name, AgendaItem)
audit.audit_kind_register("meetings", Meeting._meta.verbose_name, Meeting)


def agenda_items(meeting: Meeting, *, removed: bool = False) -> QuerySet[AgendaItem]:
    """The meeting's items in order (the removed ones when ``removed``)."""
    return meeting.agenda_items.filter(removed_at__isnull=not removed).order_by("position", "id")


def agenda_item_get(*, actor: Actor, pk: int) -> AgendaItem:
    """One agenda item of the actor's workspace (404 otherwise), with its meeting."""
    item = (
        AgendaItem.objects.filter(workspace=actor.workspace, pk=pk)
        .select_related("meeting__committee__pod")
        .first()
    )
    if item is None:
        raise NotFound(_("Agenda item not found."))
    return item


def _editable(meeting: Meeting) -> None:
    if meeting.state != MeetingState.PLANNED:
        raise Conflict(_("This meeting was held or cancelled: its agenda no longer changes."))


def _locked(meeting: Meeting) -> Meeting:
    """The meeting, locked for the agenda's write (one writer at a time), state re-read."""
    locked = Meeting.objects.select_for_update().select_related("committee").get(pk=meeting.pk)
    _editable(locked)
    return locked


def _renumber(meeting: Meeting, first: list[AgendaItem] | None = None) -> list[AgendaItem]:
    """Number the live items 1…n in the order given (default: their current order)."""
    items = first if first is not None else list(agenda_items(meeting))
    changed = []
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            changed.append(item)
    AgendaItem.objects.bulk_update(changed, ["position"])
    return items


def _label(item: AgendaItem) -> str:
    return item_label(item)[:200]


@transaction.atomic
def agenda_build(meeting: Meeting, *, actor: Actor | None = None) -> list[AgendaItem]:
    """Write the data's items on the meeting's agenda; returns the items added. ``actor``: the
    person who asked (checked as for every edit); None: the scheduled job."""
    if actor is not None:
        meeting_run_require(actor, meeting.committee)
    meeting = _locked(meeting)
    window = sources.agenda_window(meeting)
    existing = {item.key: item for item in meeting.agenda_items.all()}
    on_agenda = {
        key: sources.OnAgenda(item.removed_at is not None, item.object_id, item.params)
        for key, item in existing.items()
    }
    live = sum(1 for item in existing.values() if item.removed_at is None)
    added: list[AgendaItem] = []
    refreshed: list[AgendaItem] = []
    for proposal in sources.proposals(window, on_agenda):
        item = existing.get(proposal.key)
        if item is not None:
            if item.removed_at is None and item.params != proposal.params:
                item.params = proposal.params
                refreshed.append(item)
            continue
        live += 1
        added.append(
            AgendaItem(
                workspace=meeting.workspace,
                meeting=meeting,
                source=proposal.source,
                object_id=proposal.object_id,
                key=proposal.key,
                position=live,
                params=proposal.params,
            )
        )
    AgendaItem.objects.bulk_create(added)
    AgendaItem.objects.bulk_update(refreshed, ["params"])
    meeting.agenda_built_at = timezone.now()
    meeting.save(update_fields=["agenda_built_at"])
    audit.audit_write(
        actor=actor,
        rule="" if actor is not None else "rituals.agenda_prepare_due",
        workspace=meeting.workspace,
        action="agenda_build",
        target="meetings",
        target_id=meeting.pk,
        target_label=f"{meeting.committee.name} {meeting.starts_at:%Y-%m-%d}",
        after={"count": len(added), "updated": len(refreshed)},
    )
    return added


@transaction.atomic
def agenda_item_add(
    *,
    actor: Actor,
    meeting: Meeting,
    source: str = AgendaSource.MANUAL,
    object_id: int | None = None,
    title: str = "",
    params: dict[str, object] | None = None,
) -> AgendaItem:
    """Append an item to the meeting's agenda (an object's item once: its key is unique); a
    line by hand needs its title."""
    meeting_run_require(actor, meeting.committee)
    title = (title or "").strip()
    if source == AgendaSource.MANUAL and not title:
        raise ValidationFailed(
            _("Write the line to add."), field_errors={"title": [_("This field is required.")]}
        )
    if len(title) > TITLE_MAX:
        raise ValidationFailed(
            _("The line is too long."),
            field_errors={"title": [_("At most %(n)s characters.") % {"n": TITLE_MAX}]},
        )
    meeting = _locked(meeting)
    key = (
        f"{source}:{object_id}"
        if object_id is not None
        else f"{source}:{uuid.uuid4().hex[: 40 - len(source) - 1]}"
    )
    item, created = AgendaItem.objects.get_or_create(
        meeting=meeting,
        key=key,
        defaults={
            "workspace": meeting.workspace,
            "source": source,
            "object_id": object_id,
            "position": agenda_items(meeting).count() + 1,
            "title": title,
            "params": params or {},
            "added_by": actor.user,
        },
    )
    if created:
        audit.audit_write(
            actor=actor,
            action="create",
            target="agenda-items",
            target_id=item.pk,
            target_label=_label(item),
            after={"source": source, "title": title},
        )
    return item


@transaction.atomic
def agenda_item_move(*, actor: Actor, item: AgendaItem, position: int) -> AgendaItem:
    """Move a live item to ``position`` (1…n; beyond: the last); the others close up."""
    meeting_run_require(actor, item.meeting.committee)
    meeting = _locked(item.meeting)
    items = list(agenda_items(meeting))
    mine = next((i for i in items if i.pk == item.pk), None)
    if mine is None:
        raise Conflict(_("A removed item has no place on the agenda: restore it first."))
    if position < 1:
        raise ValidationFailed(
            _("A position counts from 1."), field_errors={"position": [_("At least 1.")]}
        )
    before = mine.position
    items.remove(mine)
    items.insert(min(position, len(items) + 1) - 1, mine)
    _renumber(meeting, items)
    if mine.position != before:
        audit.audit_write(
            actor=actor,
            action="agenda_move",
            target="agenda-items",
            target_id=mine.pk,
            target_label=_label(mine),
            before={"position": before},
            after={"position": mine.position},
        )
    return mine


@transaction.atomic
def agenda_item_remove(*, actor: Actor, item: AgendaItem, reason: str) -> AgendaItem:
    """Take an item off the agenda, saying why (kept, with who and when); the data never puts
    it back."""
    meeting_run_require(actor, item.meeting.committee)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("Say why the item is removed."),
            field_errors={"reason": [_("This field is required.")]},
        )
    if len(reason) > REASON_MAX:
        raise ValidationFailed(
            _("The reason is too long."),
            field_errors={"reason": [_("At most %(n)s characters.") % {"n": REASON_MAX}]},
        )
    meeting = _locked(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.removed_at is not None:
        raise Conflict(_("This item was removed already."))
    item.removed_at = timezone.now()
    item.removed_by = actor.user
    item.removed_reason = reason
    item.save(update_fields=["removed_at", "removed_by", "removed_reason"])
    _renumber(meeting)
    audit.audit_write(
        actor=actor,
        action="agenda_remove",
        target="agenda-items",
        target_id=item.pk,
        target_label=_label(item),
        after={"removed_reason": reason},
    )
    return item


@transaction.atomic
def agenda_item_restore(*, actor: Actor, item: AgendaItem) -> AgendaItem:
    """Put a removed item back, at the end of the agenda."""
    meeting_run_require(actor, item.meeting.committee)
    meeting = _locked(item.meeting)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.removed_at is None:
        raise Conflict(_("This item is on the agenda."))
    before: dict[str, Any] = {"removed_reason": item.removed_reason}
    item.removed_at = None
    item.removed_by = None
    item.removed_reason = ""
    item.position = agenda_items(meeting).count() + 1
    item.save(update_fields=["removed_at", "removed_by", "removed_reason", "position"])
    audit.audit_write(
        actor=actor,
        action="agenda_restore",
        target="agenda-items",
        target_id=item.pk,
        target_label=_label(item),
        before=before,
        after={"position": item.position},
    )
    return item


def item_breach_ids(item: AgendaItem) -> tuple[int, ...]:
    """The breaches an item names (one, or a group's): a decision on it closes their flag."""
    return tuple(sources.breach_ids(item.source, item.object_id, item.params))


# -- the pre-read, ready before the meeting ------------------------------------------------------


def prepare_horizon(workspace: Workspace, now: dt.datetime) -> dt.datetime:
    """The end of the ``PREPARE_BUSINESS_DAYS``-th business day after today (the workspace's
    calendar: working days, public holidays, days added): a meeting starting before it has its
    pre-read now."""
    calendar = workspace_calendar(workspace)
    today = workspace.today(now)
    public = calendar.public_holidays({today.year, today.year + 1})
    day, counted = today, 0
    while counted < PREPARE_BUSINESS_DAYS and day < today + dt.timedelta(days=31):
        day += dt.timedelta(days=1)
        counted += calendar.is_working_day(day, public)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=workspace.zone)


def agenda_prepare(meeting: Meeting) -> int:
    """Write the meeting's agenda and tell its committee's members, once, that the pre-read is
    ready; returns how many were told now."""
    agenda_build(meeting)
    workspace = meeting.workspace
    key = f"rituals.preread:{meeting.pk}"
    told = Notification.objects.filter(workspace=workspace, key=key).values("user_id")
    members = (
        CommitteeMember.objects.filter(committee_id=meeting.committee_id, user__is_active=True)
        .exclude(user_id__in=told)
        .select_related("user")
    )
    notifications = [
        notification_new(
            workspace=workspace,
            user=m.user,
            kind="committee",
            key=key,
            code=PREREAD_READY,
            params={
                "committee": meeting.committee.name,
                "starts": workspace.now_local(meeting.starts_at).isoformat(),
                "items": agenda_items(meeting).count(),
            },
            url=reverse("meeting_preread", args=[workspace.slug, meeting.pk]),
        )
        for m in members
    ]
    notifications_send(notifications=notifications)
    return len(notifications)
