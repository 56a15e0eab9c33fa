"""REST endpoints of a meeting's agenda: read it, write it from the data, add a line by hand,
move an item, remove one (with a reason) or restore it. Every member of the workspace reads an
agenda; whoever runs the committee's meetings edits it (``selectors.meeting_runnable``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from cordee.core.api import current_actor
from cordee.core.schemas import InSchema, PathId
from cordee.rituals import agenda as services
from cordee.rituals.agenda_render import item_label, item_url
from cordee.rituals.models import AgendaItem, Meeting
from cordee.rituals.selectors import meeting_get, meeting_runnable

router = Router(tags=["rituals"])


class AgendaEntryOut(Schema):
    id: int
    meeting: int
    position: int
    source: str
    object_id: int | None
    key: str
    label: str  # the line, in the caller's language
    url: str | None  # the page of the object it names
    title: str  # a hand-added line's text
    params: dict[str, Any]  # the numbers the line is written with
    minutes: str
    removed_at: dt.datetime | None
    removed_reason: str


class MeetingAgendaOut(Schema):
    meeting: int
    state: str
    agenda_built_at: dt.datetime | None
    editable: bool  # the caller may edit it now (a planned meeting they run)
    items: list[AgendaEntryOut]
    removed: list[AgendaEntryOut]


class AgendaEntryAddIn(InSchema):
    title: str = Field(..., max_length=services.TITLE_MAX)


class AgendaEntryMoveIn(InSchema):
    position: int = Field(..., ge=1, le=10_000)


class AgendaEntryRemoveIn(InSchema):
    reason: str = Field(..., max_length=services.REASON_MAX)


def item_out(item: AgendaItem, slug: str) -> dict[str, Any]:
    return {
        "id": item.pk,
        "meeting": item.meeting_id,
        "position": item.position,
        "source": item.source,
        "object_id": item.object_id,
        "key": item.key,
        "label": item_label(item),
        "url": item_url(item, slug),
        "title": item.title,
        "params": item.params,
        "minutes": item.minutes,
        "removed_at": item.removed_at,
        "removed_reason": item.removed_reason,
    }


def agenda_out(request: HttpRequest, meeting: Meeting) -> dict[str, Any]:
    actor = current_actor(request)
    slug = actor.workspace.slug
    return {
        "meeting": meeting.pk,
        "state": meeting.state,
        "agenda_built_at": meeting.agenda_built_at,
        "editable": meeting.state == "planned" and meeting_runnable(actor, meeting.committee),
        "items": [item_out(i, slug) for i in services.agenda_items(meeting)],
        "removed": [item_out(i, slug) for i in services.agenda_items(meeting, removed=True)],
    }


@router.get("/meetings/{pk}/agenda", response=MeetingAgendaOut, operation_id="meeting_agenda_get")
def agenda_get(request: HttpRequest, pk: PathId) -> Any:
    """The meeting's agenda in order (each line in the caller's language, with the page of the
    object it names) and the items removed from it, with why."""
    return agenda_out(request, meeting_get(actor=current_actor(request), pk=pk))


@router.post(
    "/meetings/{pk}/agenda/build", response=MeetingAgendaOut, operation_id="meeting_agenda_build"
)
def agenda_build(request: HttpRequest, pk: PathId) -> Any:
    """Write the agenda from the data since the previous meeting: only the objects not on it yet
    are appended (a removed item never comes back). 409 once the meeting was held."""
    actor = current_actor(request)
    meeting = meeting_get(actor=actor, pk=pk)
    services.agenda_build(meeting, actor=actor)
    meeting.refresh_from_db()
    return agenda_out(request, meeting)


@router.post(
    "/meetings/{pk}/agenda/items",
    response={201: AgendaEntryOut},
    operation_id="meeting_agenda_item_add",
)
def agenda_item_add(request: HttpRequest, pk: PathId, payload: AgendaEntryAddIn) -> Any:
    """Add a line by hand at the end of the agenda."""
    actor = current_actor(request)
    meeting = meeting_get(actor=actor, pk=pk)
    item = services.agenda_item_add(actor=actor, meeting=meeting, title=payload.title)
    return 201, item_out(item, actor.workspace.slug)


@router.patch("/agenda-items/{pk}", response=AgendaEntryOut, operation_id="agenda_item_move")
def agenda_item_move(request: HttpRequest, pk: PathId, payload: AgendaEntryMoveIn) -> Any:
    """Move an item to ``position`` (1 is the first; beyond the last: the last); the others
    close up."""
    actor = current_actor(request)
    item = services.agenda_item_get(actor=actor, pk=pk)
    item = services.agenda_item_move(actor=actor, item=item, position=payload.position)
    return item_out(item, actor.workspace.slug)


@router.post(
    "/agenda-items/{pk}/remove", response=AgendaEntryOut, operation_id="agenda_item_remove"
)
def agenda_item_remove(request: HttpRequest, pk: PathId, payload: AgendaEntryRemoveIn) -> Any:
    """Take an item off the agenda; the reason is required and kept."""
    actor = current_actor(request)
    item = services.agenda_item_get(actor=actor, pk=pk)
    item = services.agenda_item_remove(actor=actor, item=item, reason=payload.reason)
    return item_out(item, actor.workspace.slug)


@router.post(
    "/agenda-items/{pk}/restore", response=AgendaEntryOut, operation_id="agenda_item_restore"
)
def agenda_item_restore(request: HttpRequest, pk: PathId) -> Any:
    """Put a removed item back at the end of the agenda (409 for an item on it)."""
    actor = current_actor(request)
    item = services.agenda_item_get(actor=actor, pk=pk)
    item = services.agenda_item_restore(actor=actor, item=item)
    return item_out(item, actor.workspace.slug)
