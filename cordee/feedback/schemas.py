"""Input and output schemas of the field-feedback API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from cordee.core.api import QuerySchema
from cordee.core.schemas import Id, InSchema

Kind = Literal[
    "objection",
    "competitor_move",
    "product_gap",
    "pricing",
    "lead_quality",
    "content_request",
    "customer_quote",
    "win_loss",
]
Status = Literal["new", "acknowledged", "planned", "done", "wont_do"]
Text = Annotated[str, Field(max_length=10_000)]


class FeedbackIn(InSchema):
    kind: Kind
    title: Annotated[str, Field(min_length=1, max_length=120)]
    text: Text = ""
    competitor: Id | None = None
    account: Id | None = None
    opportunity: Id | None = None
    campaign: Id | None = None
    lead: Id | None = None
    rejection_reason: Id | None = Field(
        None, description="A funnel rejection reason's id (lead-quality feedback only)"
    )


class StatusIn(InSchema):
    to_status: Status
    reason: Annotated[str, Field(max_length=500)] = ""
    expected_status: Status | None = Field(
        None, description="The status you saw; another one answers 409"
    )


class AssignIn(InSchema):
    owner: Id | None = Field(None, description="A member's user id; null clears")
    due_on: dt.date | None = None


class RespondIn(InSchema):
    text: Annotated[str, Field(min_length=1, max_length=10_000)]
    what_changed: Text = ""
    campaign: Id | None = None
    url: Annotated[str, Field(max_length=500)] = ""


class FeedbackMergeIn(InSchema):
    into: Id


class SettingsIn(InSchema):
    acknowledge_within_days: Annotated[int, Field(ge=1, le=30)]


class FeedbackFilters(QuerySchema):
    kind: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="Comma-separated kinds"
    )
    status: Annotated[str, Field(max_length=200)] | None = Field(
        None, description="Comma-separated statuses"
    )
    competitor: Annotated[str, Field(max_length=20)] | None = Field(None, description="id or none")
    pod: Annotated[str, Field(max_length=20)] | None = Field(None, description="id or none")
    campaign: Annotated[str, Field(max_length=20)] | None = Field(None, description="id or none")
    theme: Annotated[str, Field(max_length=20)] | None = Field(None, description="id or none")
    author: Annotated[str, Field(max_length=20)] | None = Field(None, description="id, me or none")
    owner: Annotated[str, Field(max_length=20)] | None = Field(None, description="id, me or none")
    max_age_days: Annotated[int, Field(ge=0, le=100_000)] | None = Field(
        None, description="Submitted within the last N days"
    )
    min_age_days: Annotated[int, Field(ge=0, le=100_000)] | None = Field(
        None, description="Submitted more than N days ago"
    )
    q: Annotated[str, Field(max_length=200)] | None = None
    merged: Literal["include", "exclude"] | None = None
    sort: Literal["-submitted", "submitted", "-votes", "due", "status"] | None = None


class UserRef(Schema):
    id: int
    email: str
    name: str

    @staticmethod
    def resolve_name(obj: object) -> str:
        return str(obj)


class FeedbackOut(Schema):
    id: int
    kind: str
    title: str
    text: str
    status: str
    competitor_id: int | None
    account_id: int | None
    opportunity_id: int | None
    campaign_id: int | None
    lead_id: int | None
    rejection_reason_id: int | None
    author_id: int | None
    pod_id: int | None
    owner_id: int | None
    due_on: dt.date | None
    theme_id: int | None
    merged_into_id: int | None
    attachment_name: str
    submitted_at: dt.datetime
    acknowledged_at: dt.datetime | None
    first_response_at: dt.datetime | None
    closed_at: dt.datetime | None
    votes: int = 0
    responses: int = 0

    @staticmethod
    def resolve_votes(obj: object) -> int:
        return int(getattr(obj, "votes_count", 0) or 0)

    @staticmethod
    def resolve_responses(obj: object) -> int:
        return int(getattr(obj, "responses_count", 0) or 0)


class StatusChangeOut(Schema):
    from_status: str
    to_status: str
    actor_id: int | None
    at: dt.datetime
    reason: str


class ResponseOut(Schema):
    id: int
    item_id: int
    author_id: int | None
    text: str
    what_changed: str
    campaign_id: int | None
    url: str
    created_at: dt.datetime


class FeedbackDetailOut(Schema):
    item: FeedbackOut
    status_changes: list[StatusChangeOut]
    responses: list[ResponseOut]
    voters: list[UserRef]
    authors: list[UserRef]
    merged_item_ids: list[int]
    has_voted: bool
    next_statuses: list[str]


class VotesOut(Schema):
    item_id: int
    votes: int


class SimilarOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    score: float


class ThemeOut(Schema):
    id: int
    label: str
    size: int
    open_count: int
    votes_count: int
    engine: str
    computed_at: dt.datetime | None


class LoopNumbersOut(Schema):
    """Every count is over the same set, ``items``: the items raised in [start, end), each
    duplicate once (with the item it was merged into); every share is n ÷ ``items``. Durations
    are in business days of the workspace calendar."""

    pod_id: int | None
    pod: str | None
    start: dt.datetime
    end: dt.datetime
    items: int
    by_reps: int
    reps: int
    months: float
    items_per_rep_per_month: float | None
    acknowledged: int
    share_acknowledged: float | None
    median_business_days_to_acknowledge: float | None
    answered: int
    share_answered: float | None
    median_business_days_to_answer: float | None
    closed: int
    closed_with_answer: int
    share_closed_with_answer: float | None
    breached: int
    share_breached: float | None
    waiting: int
    acknowledge_within_days: int


class SeriesOut(Schema):
    id: int
    label: str
    counts: list[int]


class TopOut(Schema):
    months: list[str]
    series: list[SeriesOut]


class HealthOut(Schema):
    workspace: LoopNumbersOut
    pods: list[LoopNumbersOut]
    top_themes: TopOut
    top_competitors: TopOut


class SettingsOut(Schema):
    acknowledge_within_days: int


class FeedbackBreachOut(Schema):
    id: int
    item_id: int
    due_at: dt.datetime
    detected_at: dt.datetime
    notified_at: dt.datetime | None


class CompetitorIn(InSchema):
    name: Annotated[str, Field(min_length=1, max_length=120)]
    website: Annotated[str, Field(max_length=300)] = ""
    notes: Text = ""
    is_active: bool = True


class CompetitorPatch(InSchema):
    name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    website: Annotated[str, Field(max_length=300)] | None = None
    notes: Text | None = None
    is_active: bool | None = None


class CompetitorOut(Schema):
    id: int
    name: str
    website: str
    notes: str
    is_active: bool
