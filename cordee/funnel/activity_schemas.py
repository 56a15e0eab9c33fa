"""API schemas of activities (calls, e-mails, meetings, messages, notes), tasks and the record
timeline. The pages read their forms through the same input schemas (``core.web.form_input``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypeAlias

from ninja import Schema
from pydantic import AwareDatetime, Field

from cordee.core.schemas import Id, InSchema, Text200, Text300, UserId, choice_field
from cordee.funnel.models import ACTIVITY_KINDS, CallOutcome

# the kinds of record an activity or a task is about
RecordKind = Literal["lead", "contact", "account", "opportunity"]

if TYPE_CHECKING:
    ActivityKindChoice: TypeAlias = str
    OutcomeChoice: TypeAlias = str
else:
    ActivityKindChoice = Literal[tuple(str(k.value) for k in ACTIVITY_KINDS)]
    OutcomeChoice = choice_field(CallOutcome, blank=True)


class ActivityIn(InSchema):
    record: RecordKind = Field(description="What the activity is about")
    record_id: Id
    kind: ActivityKindChoice
    outcome: OutcomeChoice = Field("", description="A call's outcome (calls only)")
    note: Text300 = ""
    occurred_at: AwareDatetime | None = Field(None, description="Blank: now")
    contact: Id | None = Field(
        None,
        description="With whom, on an account: one of its contacts (blank: its most recent "
        "one); the contact's open lead, if any, is the lead the activity serves",
    )


class ActivityOut(Schema):
    id: int
    kind: str
    outcome: str
    note: str
    occurred_at: dt.datetime
    actor_id: int | None
    contact_id: int
    lead_id: int | None
    opportunity_id: int | None
    is_sales_activity: bool
    counts_for_sla: bool = Field(
        description="A sales activity by the lead's owner or their team: it counts for the "
        "lead's SLA clocks (first touch, attempts)"
    )


class TaskIn(InSchema):
    record: RecordKind = Field(description="What the task is about")
    record_id: Id
    title: Text200 = Field(min_length=1, description="What to do")
    due_at: AwareDatetime
    remind_hours_before: Decimal | None = Field(
        None,
        ge=0,
        le=400,
        max_digits=5,
        decimal_places=2,
        description="Business hours before the due time (workspace calendar); blank: no reminder",
    )
    owner: UserId | None = Field(None, description="Blank: whoever creates it")


class TaskDoneIn(InSchema):
    done: bool = True


class TaskOut(Schema):
    id: int
    title: str
    due_at: dt.datetime
    remind_at: dt.datetime | None
    done_at: dt.datetime | None
    owner_id: int
    lead_id: int | None
    contact_id: int | None
    account_id: int | None
    opportunity_id: int | None


class TimelineEntryOut(Schema):
    kind: str = Field(
        description="stage, touch, activity, task, assignment, change (and more later)"
    )
    at: dt.datetime
    title: str
    detail: str
    actor: str | None
    ref: str = Field(description="The entry's source row, as '<kind>:<id>'")
