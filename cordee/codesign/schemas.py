from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from cordee.core.schemas import InSchema, MoneyOut


class BriefIn(InSchema):
    """The whole brief (a save is a new version: a field left out is empty in it)."""

    objective: str = ""
    segment: list[str] = []
    pods: list[int] = []
    persona: str = ""
    message: str = ""
    offer: str = ""
    call_to_action: str = ""
    channels: list[str] = []
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget: Decimal | None = None
    expected_mqls: int | None = None
    expected_sqls: int | None = None
    expected_pipeline: Decimal | None = None
    success_criteria: str = ""


class BriefOut(Schema):
    campaign: int
    version: int
    author_id: int | None
    author_name: str
    saved_at: dt.datetime
    objective: str
    segment: list[str]
    pods: list[int]
    persona: str
    message: str
    offer: str
    call_to_action: str
    channels: list[str]
    start_date: dt.date | None
    end_date: dt.date | None
    budget: MoneyOut | None
    currency: str
    expected_mqls: int | None
    expected_sqls: int | None
    expected_pipeline: MoneyOut | None
    success_criteria: str


class BriefVersionOut(Schema):
    version: int
    author_id: int | None
    author_name: str
    saved_at: dt.datetime


class FieldDiffOut(Schema):
    field: str
    mark: str  # unchanged, changed, added or removed
    old: object = None
    new: object = None
    words: str | None = None  # long texts: the new text with <ins> and <del>


class BriefCompareOut(Schema):
    campaign: int
    old: int
    new: int
    fields: list[FieldDiffOut]


# -- the debrief ----------------------------------------------------------------------------------


class RatingIn(InSchema):
    rating: int  # 1 to 5
    comment: str = Field("", max_length=10_000)


class LessonsIn(InSchema):
    side: str = Field(..., description="marketing or sales")
    text: str = Field("", max_length=10_000)


class RatioOut(Schema):
    numerator: int
    denominator: int
    value: float | None  # numerator ÷ denominator; null when the denominator is 0


class CostOut(Schema):
    budget: MoneyOut
    count: int
    value: MoneyOut | None  # budget ÷ count, to the cent; null when the count is 0


class DebriefReasonOut(Schema):
    reason: str
    count: int


class AttributedOut(Schema):
    state: str  # locked, not_locked or not_computed
    model: str
    period: str
    period_start: dt.date | None
    period_end: dt.date | None
    pipeline: MoneyOut | None
    revenue: MoneyOut | None


class DebriefNumbersOut(Schema):
    currency: str
    window_start: dt.date | None
    window_end: dt.date
    expected_mqls: int | None
    expected_sqls: int | None
    expected_pipeline: MoneyOut | None
    mqls: int
    sals: int
    mqls_decided: int
    acceptance_rate: RatioOut  # SALs ÷ MQLs decided
    rejected: int
    rejection_reasons: list[DebriefReasonOut]
    sqls: int
    pipeline_sourced: MoneyOut
    attributed: AttributedOut
    cost_per_mql: CostOut
    cost_per_sql: CostOut
    rating: RatioOut  # Σ ratings ÷ ratings


class RatingOut(Schema):
    rep_id: int
    rep_name: str
    rating: int
    comment: str
    rated_at: dt.datetime


class DebriefOut(Schema):
    campaign: int
    opened_at: dt.datetime
    completed_at: dt.datetime | None
    discussed_at: dt.datetime | None
    lessons_marketing: str
    lessons_sales: str
    ratings: list[RatingOut]
    numbers: DebriefNumbersOut


# -- the sales review -----------------------------------------------------------------------------


class PodReviewerOut(Schema):
    pod: int
    pod_name: str
    reviewer_id: int | None
    reviewer_name: str
    candidates: list[int]  # who may be named: the pod's active sales members


class PodReviewerIn(InSchema):
    user: int | None = None  # null: the pod has no default reviewer any more


class ReviewRequestIn(InSchema):
    """Send the brief for review; ``reviewers``: pod id → user id, for this campaign only (a pod
    left out gets its default reviewer)."""

    reviewers: dict[int, int] = {}


class ReviewOut(Schema):
    id: int
    campaign: int
    pod: int
    pod_name: str
    reviewer_id: int
    reviewer_name: str
    version: int
    requested_at: dt.datetime
    due_at: dt.datetime
    late: bool
    state: str  # pending, approved or changes
    decided_at: dt.datetime | None
    decided_version: int | None
    note: str
    reminded_at: dt.datetime | None
    closed_at: dt.datetime | None  # a closed round: the brief changed, or its pod left it


class OverrideOut(Schema):
    id: int
    campaign: int
    by_id: int | None
    by_name: str
    reason: str
    version: int | None
    missing_pods: list[str]
    created_at: dt.datetime
    discussed_at: dt.datetime | None


class ReviewStatusOut(Schema):
    campaign: int
    status: str  # the campaign's
    version: int | None  # the brief's current version
    rounds: list[ReviewOut]  # the open rounds, one per target pod asked
    history: list[ReviewOut]  # the closed rounds
    missing_pods: list[str]  # target pods without an approval of the brief as it is
    may_launch: bool
    refusal: str | None  # why a launch is refused now
    overrides: list[OverrideOut]


class DecisionIn(InSchema):
    decision: str  # approved or changes
    note: str = ""


class BriefCommentIn(InSchema):
    field: str = ""  # a field of the brief (a reply takes its thread's)
    body: str
    parent: int | None = None


class BriefCommentOut(Schema):
    id: int
    campaign: int
    field: str
    version: int
    parent: int | None
    author_id: int | None
    author_name: str
    body: str
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    resolved_by_id: int | None


class OverrideIn(InSchema):
    reason: str
