"""Schemas of the committees' endpoints (``committee_api.py``). Names start with ``Committee``:
they are unique across the project's OpenAPI document."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from cordee.core.api import QuerySchema
from cordee.core.schemas import (
    Id,
    InSchema,
    Text300,
    UserId,
    choice_field,
    document_refused_nulls,
)
from cordee.rituals.models import CommitteeKind

CommitteeName = Annotated[str, Field(min_length=1, max_length=160)]
Duration = Annotated[int, Field(ge=5, le=600)]
Purpose = Annotated[str, Field(max_length=10_000)]
KindChoice = choice_field(CommitteeKind)


class CommitteeIn(InSchema):
    """A new committee. ``rrule``: an iCalendar RRULE value ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
    read on the workspace's wall clock from ``first_at`` (the first meeting: its time of day is
    every meeting's); ``members``: user ids of active members of the workspace."""

    name: CommitteeName
    kind: KindChoice = CommitteeKind.MONTHLY.value  # type: ignore[valid-type]
    pod: Id | None = None
    purpose: Purpose = ""
    rrule: Text300
    first_at: dt.datetime
    duration_minutes: Duration = 60
    location: Text300 = ""
    members: list[UserId] = []


class CommitteePatch(InSchema):
    """The fields to change. A new ``rrule``, ``first_at`` or ``duration_minutes`` replaces the
    future planned meetings with no content (those with attendance, decisions, action items,
    notes or a hand-made agenda line are kept)."""

    name: CommitteeName | None = None
    kind: KindChoice | None = None  # type: ignore[valid-type]
    pod: Id | None = None
    purpose: Purpose | None = None
    rrule: Text300 | None = None
    first_at: dt.datetime | None = None
    duration_minutes: Duration | None = None
    location: Text300 | None = None


document_refused_nulls(CommitteePatch, set(CommitteePatch.model_fields) - {"pod"})


class CommitteeMembersIn(InSchema):
    """The committee's members, all of them: user ids of active members of the workspace."""

    members: list[UserId]


class CommitteeListQuery(QuerySchema):
    archived: bool = False  # true: the archived committees instead of the active ones


class CommitteeMeetingsQuery(QuerySchema):
    """A window on the meetings' start: ``from`` and ``to`` are dates (the workspace's days,
    both included)."""

    start: dt.date | None = Field(None, alias="from")
    end: dt.date | None = Field(None, alias="to")


class CommitteeMemberOut(Schema):
    id: int
    name: str
    side: str  # marketing, sales or other (from the person's role)


class CommitteeOut(Schema):
    id: int
    name: str
    kind: str
    pod: int | None
    purpose: str
    rrule: str
    recurrence: str  # the rule in the reader's language
    first_at: dt.datetime
    duration_minutes: int
    location: str
    archived_at: dt.datetime | None
    members: list[CommitteeMemberOut]
    missing_sides: list[str]  # "marketing" and/or "sales": nobody of that side on it
    next_meeting: dt.datetime | None
    created_at: dt.datetime


class CommitteeMeetingOut(Schema):
    id: int
    committee: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    state: str  # planned, held, cancelled
    url: str  # the meeting's page
