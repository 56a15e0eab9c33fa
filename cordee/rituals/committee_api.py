"""REST endpoints of the committees: list and create, read, change, archive (DELETE), set the
members, and a committee's meetings in a window. Every member reads; writing takes
``committee.write``; another workspace's committee is a 404.

No ``from __future__ import annotations`` here: django-ninja reads the annotations of a
paginated endpoint (its ``PathId``) through the decorator, where strings cannot be resolved."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate

from cordee.core.actor import Actor
from cordee.core.api import Pagination, current_actor
from cordee.core.schemas import PathId
from cordee.rituals import committee_selectors as reads
from cordee.rituals import committees as services
from cordee.rituals.committee_schemas import (
    CommitteeIn,
    CommitteeListQuery,
    CommitteeMeetingOut,
    CommitteeMeetingsQuery,
    CommitteeMembersIn,
    CommitteeOut,
    CommitteePatch,
)
from cordee.rituals.models import Committee, Meeting
from cordee.rituals.selectors import committee_get

router = Router(tags=["Committees"])


def committee_out(row: reads.CommitteeRow) -> dict[str, Any]:
    c = row.committee
    return {
        "id": c.pk,
        "name": c.name,
        "kind": c.kind,
        "pod": c.pod_id,
        "purpose": c.purpose,
        "rrule": c.rrule,
        "recurrence": row.recurrence_text,
        "first_at": c.first_at,
        "duration_minutes": c.duration_minutes,
        "location": c.location,
        "archived_at": c.archived_at,
        "members": [
            {"id": u.pk, "name": u.get_full_name() or u.email, "side": side}
            for side, _label, people in row.sides
            for u in people
        ],
        "missing_sides": row.missing_sides,
        "next_meeting": row.next_meeting.starts_at if row.next_meeting else None,
        "created_at": c.created_at,
    }


def _answer(actor: Actor, committee: Committee) -> dict[str, Any]:
    return committee_out(reads.committee_row(actor, committee_get(actor=actor, pk=committee.pk)))


@router.get("/committees", response=list[CommitteeOut], operation_id="committee_list")
@paginate(Pagination)
def committee_list(request: HttpRequest, filters: Query[CommitteeListQuery]) -> Any:
    """The workspace's committees by name (``archived=true``: the archived ones), each with its
    members by side, the sides it misses, its next meeting and its recurrence in words."""
    actor = current_actor(request)
    return [committee_out(r) for r in reads.committee_list(actor, archived=filters.archived)]


@router.post("/committees", response={201: CommitteeOut}, operation_id="committee_create")
def committee_create(request: HttpRequest, payload: CommitteeIn) -> Any:
    """Create a committee (``committee.write``) and its meetings 90 days ahead."""
    actor = current_actor(request)
    committee = services.committee_create(actor=actor, data=payload.model_dump())
    return 201, _answer(actor, committee)


@router.get("/committees/{pk}", response=CommitteeOut, operation_id="committee_get")
def committee_read(request: HttpRequest, pk: PathId) -> Any:
    actor = current_actor(request)
    return committee_out(reads.committee_row(actor, committee_get(actor=actor, pk=pk)))


@router.patch("/committees/{pk}", response=CommitteeOut, operation_id="committee_update")
def committee_update(request: HttpRequest, pk: PathId, payload: CommitteePatch) -> Any:
    """Change a committee (``committee.write``): the fields given. A null is refused for every
    field but ``pod`` (null: the whole workspace)."""
    actor = current_actor(request)
    committee = committee_get(actor=actor, pk=pk)
    data = payload.model_dump(exclude_unset=True)
    committee = services.committee_update(actor=actor, committee=committee, data=data)
    return _answer(actor, committee)


@router.delete("/committees/{pk}", response=CommitteeOut, operation_id="committee_archive")
def committee_archive(request: HttpRequest, pk: PathId) -> Any:
    """Archive the committee (``committee.write``): it is kept with its past meetings, no new
    meeting is generated and its future planned meetings with no content are removed."""
    actor = current_actor(request)
    committee = services.committee_archive(actor=actor, committee=committee_get(actor=actor, pk=pk))
    return _answer(actor, committee)


@router.put("/committees/{pk}/members", response=CommitteeOut, operation_id="committee_members_set")
def committee_members_set(request: HttpRequest, pk: PathId, payload: CommitteeMembersIn) -> Any:
    """Set the committee's members, all of them (``committee.write``)."""
    actor = current_actor(request)
    committee = committee_get(actor=actor, pk=pk)
    services.committee_members_set(actor=actor, committee=committee, user_ids=payload.members)
    return _answer(actor, committee)


def meeting_out(meeting: Meeting, slug: str) -> dict[str, Any]:
    return {
        "id": meeting.pk,
        "committee": meeting.committee_id,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "state": meeting.state,
        "url": reads.meeting_path(slug, meeting.pk),
    }


@router.get(
    "/committees/{pk}/meetings",
    response=list[CommitteeMeetingOut],
    operation_id="committee_meetings",
)
@paginate(Pagination)
def committee_meetings(
    request: HttpRequest, pk: PathId, filters: Query[CommitteeMeetingsQuery]
) -> Any:
    """The committee's meetings in order of their start, planned, held and cancelled, from
    ``from`` to ``to`` (the workspace's days, both included; either may be left out)."""
    actor = current_actor(request)
    committee = committee_get(actor=actor, pk=pk)
    zone = actor.workspace.zone
    start = dt.datetime.combine(filters.start, dt.time(), tzinfo=zone) if filters.start else None
    end = (
        dt.datetime.combine(filters.end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
        - dt.timedelta(microseconds=1)
        if filters.end
        else None
    )
    meetings = reads.committee_meetings(actor, committee, start=start, end=end)
    return [meeting_out(m, actor.workspace.slug) for m in meetings]
