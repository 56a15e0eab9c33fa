"""The executive report's API schemas (prefixed ``ExecutiveReport``: names are unique in the
OpenAPI document)."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from cordee.core.api import QuerySchema
from cordee.core.schemas import Id


class ExecutiveReportQuery(QuerySchema):
    pod: Id | None = Field(None, description="A pod's report (default: the workspace's)")


class ExecutiveReportNumberOut(Schema):
    key: str = Field(description="The KPI's key in the catalogue (GET /api/v1/kpis)")
    label: str
    unit: str
    value: str | None = Field(description="A decimal string; a rate as a fraction (0.75)")
    numerator: int | None
    denominator: int | None
    numerator_key: str | None
    denominator_key: str | None
    other_currencies: dict[str, str | None]
    state: str


class ExecutiveReportIndexPartOut(Schema):
    code: str
    label: str
    raw: str
    value: str | None = Field(description="Normalised 0–100; null: not measured, left out")
    weight: str
    effective_weight: str
    contribution: str | None


class ExecutiveReportIndexOut(Schema):
    month: str
    score: str | None = Field(description="0–100; null: no part measured")
    missing: list[str]
    parts: list[ExecutiveReportIndexPartOut]


class ExecutiveReportTrendOut(Schema):
    month: str
    score: str | None


class ExecutiveReportGoalOut(Schema):
    id: int
    kpi: str
    label: str
    scope: str
    period: str
    target: str | None
    actual: str | None
    status: str
    status_label: str


class ExecutiveReportThemeOut(Schema):
    id: int
    label: str
    items: int


class ExecutiveReportWinOut(Schema):
    id: int
    kind: str
    title: str
    at: dt.datetime
    amount: str | None
    currency: str
    pod: int | None


class ExecutiveReportPodOut(Schema):
    id: int
    name: str


class ExecutiveReportOut(Schema):
    workspace: str
    month: str = Field(description="YYYY-MM")
    first_day: dt.date
    last_day: dt.date
    complete: bool = Field(description="False for the current month: its numbers are to date")
    pod: ExecutiveReportPodOut | None
    currency: str
    index: ExecutiveReportIndexOut
    trend: list[ExecutiveReportTrendOut]
    sla: list[ExecutiveReportNumberOut]
    funnel: list[ExecutiveReportNumberOut]
    shared_goals: list[ExecutiveReportGoalOut]
    themes: list[ExecutiveReportThemeOut]
    wins_count: int
    wins: list[ExecutiveReportWinOut]
