"""The API's shapes of goals, their progress and history, and the status thresholds."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from cordee.core.schemas import InSchema
from cordee.funnel.schemas import PlanNumber

Owner = Annotated[int, Field(ge=1)]


class GoalIn(InSchema):
    kpi: str = Field(..., max_length=40, description="A KPI key of the catalogue (GET /kpis)")
    scope: str = Field(
        "workspace",
        max_length=40,
        description="workspace, side:marketing, side:sales, pod:<id> or person:<user id>",
    )
    period: str = Field(
        ...,
        max_length=10,
        description="2027 (fiscal year), 2027-Q1 (fiscal quarter) or 2027-03 (calendar month)",
    )
    target: PlanNumber = Field(
        ...,
        description="In the KPI's unit: a count (whole), a rate as a fraction (0.25), money in "
        "the workspace currency, a duration in days",
    )
    stretch_target: PlanNumber | None = None
    marketing_owner: Owner | None = Field(
        None, description="A marketing member's user id (required for a shared goal)"
    )
    sales_owner: Owner | None = Field(
        None, description="A sales member's user id (required for a shared goal)"
    )
    parent: Annotated[int, Field(ge=1)] | None = Field(
        None, description="The parent goal's id (same KPI and period)"
    )
    rollup: Literal["sum", "independent"] = Field(
        "independent", description="sum: the children's targets sum to this goal's"
    )


class GoalPatch(InSchema):
    target: PlanNumber | None = None
    stretch_target: PlanNumber | None = None
    marketing_owner: Owner | None = None
    sales_owner: Owner | None = None
    parent: Annotated[int, Field(ge=1)] | None = None
    rollup: Literal["sum", "independent"] | None = None


class GoalPersonOut(Schema):
    id: int
    name: str


class GoalPeriodOut(Schema):
    key: str
    start: dt.date
    end: dt.date


class GoalProgressOut(Schema):
    actual: str | None = Field(..., description="The KPI's value to date (decimal string)")
    state: str = Field(..., description="The value's state when it has none (e.g. not_locked)")
    forecast: str | None = Field(..., description="The forecast to period end")
    method: str = Field(
        ..., description="pace, linear, actual (a rate or duration), final (period over), none"
    )
    history_periods: int = Field(..., description="The previous periods the pace is the mean of")
    status: str = Field(..., description="on_track, at_risk, off_track or unknown")
    elapsed_days: int
    days: int
    children_target_sum: str | None = Field(
        ..., description="A parent that sums its children: their targets' sum"
    )


class GoalOut(Schema):
    id: int
    kpi: str
    kpi_label: str
    unit: str
    scope: str
    period: GoalPeriodOut
    target: str
    stretch_target: str | None
    marketing_owner: GoalPersonOut | None
    sales_owner: GoalPersonOut | None
    parent: int | None
    rollup: str
    shared: bool
    progress: GoalProgressOut


class GoalListOut(Schema):
    items: list[GoalOut]


class GoalChangeOut(Schema):
    id: int
    field: str
    field_label: str
    before: str | None
    after: str | None
    before_text: str
    after_text: str
    at: dt.datetime
    by: GoalPersonOut | None


class GoalHistoryOut(Schema):
    items: list[GoalChangeOut]


class GoalThresholdsIn(InSchema):
    on_track: PlanNumber = Field(..., description="On track from this fraction of the target")
    at_risk: PlanNumber = Field(..., description="At risk from this fraction of the target")


class GoalThresholdsOut(Schema):
    on_track: str
    at_risk: str
