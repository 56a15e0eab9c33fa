"""The shapes of the programmes' API (and of their pages' forms, read by ``form_input``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Field, Schema

from cordee.core.schemas import Id, InSchema, choice_field
from cordee.feedback.models import FeedbackKind
from cordee.rituals.models import ProgrammeFormat

ProgrammeName = Annotated[str, Field(min_length=1, max_length=160)]
LongText = Annotated[str, Field(max_length=5000)]
Minutes = Annotated[int, Field(ge=30, le=2400)]
Capacity = Annotated[int, Field(ge=1, le=20)]
Days = Annotated[list[dt.date], Field(max_length=400)]


class ProgrammeIn(InSchema):
    name: ProgrammeName
    format: choice_field(ProgrammeFormat) = ProgrammeFormat.SHADOW_DAY.value  # type: ignore[valid-type]
    description: LongText = ""
    starts_on: dt.date
    ends_on: dt.date
    signup_until: dt.date | None = Field(
        None, description="Last day of sign-up (before the start); none: the day before it"
    )
    session_minutes: Minutes | None = Field(None, description="None: the format's length")


class ProgrammePatch(InSchema):
    name: ProgrammeName | None = None
    format: choice_field(ProgrammeFormat) | None = None  # type: ignore[valid-type]
    description: LongText | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    signup_until: dt.date | None = None
    session_minutes: Minutes | None = None


class ProgrammeSidesOut(Schema):
    marketing: int
    sales: int


class ProgrammeOut(Schema):
    id: int
    name: str
    format: str
    description: str
    starts_on: dt.date
    ends_on: dt.date
    signup_until: dt.date | None
    signup_last_day: dt.date
    signup_open: bool
    session_minutes: int
    state: str
    participants: ProgrammeSidesOut


class ParticipantIn(InSchema):
    user: Id | None = Field(None, description="A manager signs someone else up; none: oneself")
    is_host: bool = False
    capacity: Capacity = 1
    available_days: Days = Field(..., description="ISO dates inside the programme, working days")
    learning_goals: LongText


class ParticipantPatch(InSchema):
    is_host: bool | None = None
    capacity: Capacity | None = None
    available_days: Days | None = None
    learning_goals: LongText | None = None


class ParticipantOut(Schema):
    id: int
    programme: int
    user: int
    name: str
    side: str
    is_host: bool
    capacity: int
    available_days: list[dt.date]
    learning_goals: str
    opted_in_at: dt.datetime
    withdrawn_at: dt.datetime | None
    has_debrief: bool


class ExchangeDebriefIn(InSchema):
    surprised: Annotated[str, Field(min_length=1, max_length=5000)]
    will_change: Annotated[str, Field(min_length=1, max_length=5000)]


class ExchangeDebriefOut(Schema):
    id: int
    participant: int
    programme: int
    surprised: str
    will_change: str
    written_at: dt.datetime
    feedback_item: int | None
    agenda_item: int | None
    agenda_meeting: int | None


class ExchangeDebriefFeedbackIn(InSchema):
    kind: choice_field(FeedbackKind) = FeedbackKind.OBJECTION.value  # type: ignore[valid-type]


class ExchangeDebriefAgendaIn(InSchema):
    meeting_id: Id


class ExchangeDebriefFeedbackOut(Schema):
    debrief: int
    feedback_item: int


class ExchangeDebriefAgendaOut(Schema):
    debrief: int
    agenda_item: int
    meeting: int
