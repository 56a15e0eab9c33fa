"""Schemas of the pods' endpoints (``pods_api.py``): the page's numbers (``PodPage…``) and the
value log (``PodValue…``). The names are unique across the project's OpenAPI document."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Schema
from pydantic import Field

from cordee.alignment.models import ValueKind
from cordee.alignment.value_log import BODY_MAX, LINK_MAX, TITLE_MAX
from cordee.core.api import QuerySchema
from cordee.core.schemas import InSchema, choice_field, document_refused_nulls

KindChoice = choice_field(ValueKind)
Title = Annotated[str, Field(min_length=1, max_length=TITLE_MAX)]
Body = Annotated[str, Field(max_length=BODY_MAX)]
Link = Annotated[
    str, Field(max_length=LINK_MAX, description="A web address (https:// or http://), or empty")
]


class PodValueIn(InSchema):
    """A new entry of the pod's log. ``on``: the day it happened (default: today on the
    workspace's calendar; never later than today)."""

    kind: KindChoice = ValueKind.SHIPPED.value  # type: ignore[valid-type]
    title: Title
    body: Body = ""
    link: Link = ""
    on: dt.date | None = None


class PodValuePatch(InSchema):
    """The fields to change (``null`` refused but for ``on``: today)."""

    kind: KindChoice | None = None  # type: ignore[valid-type]
    title: Title | None = None
    body: Body | None = None
    link: Link | None = None
    on: dt.date | None = None


document_refused_nulls(PodValuePatch, {"kind", "title", "body", "link"})


class PodValueQuery(QuerySchema):
    kind: KindChoice | None = None  # type: ignore[valid-type]


class PodValuePerson(Schema):
    id: int
    name: str


class PodValueOut(Schema):
    id: int
    pod: int
    on: dt.date
    kind: str
    title: str
    body: str
    link: str
    author: PodValuePerson | None
    created_at: dt.datetime
    updated_at: dt.datetime


class PodPageMember(Schema):
    id: int
    name: str
    role: str
    side: str = Field(description="marketing, sales or other")
    is_lead: bool


class PodPageStage(Schema):
    stage: str
    count: int = Field(description="The pod's leads in this stage now")


class PodPageKpi(Schema):
    key: str = Field(description="A KPI of the catalogue (GET /api/v1/kpis)")
    value: str | None = Field(description="As GET /api/v1/kpis/values writes it")
    numerator: int | None
    denominator: int | None
    state: str


class PodPagePeriod(Schema):
    period: str = Field(description="The fiscal month or quarter: 2026-03, 2026-Q1")
    kpis: list[PodPageKpi]


class PodPageGoal(Schema):
    id: int
    kpi: str
    period: str
    target: str
    actual: str | None
    status: str


class PodPageWin(Schema):
    id: int
    kind: str
    title: str
    at: dt.datetime


class PodPageFeedback(Schema):
    id: int
    title: str
    status: str
    submitted_at: dt.datetime


class PodPageCampaign(Schema):
    id: int
    name: str
    status: str
    start: dt.date
    end: dt.date


class PodPageCommittee(Schema):
    id: int
    name: str
    next_meeting: dt.datetime | None


class PodPageIndex(Schema):
    month: dt.date
    score: float | None = Field(description="0–100; null: not measured yet")
    url: str


class PodPageOut(Schema):
    id: int
    name: str
    members: list[PodPageMember]
    missing_sides: list[str] = Field(description="marketing and/or sales: nobody on that side")
    stages: list[PodPageStage]
    periods: list[PodPagePeriod] = Field(description="The current month, then the quarter")
    goals: list[PodPageGoal]
    wins: list[PodPageWin]
    feedback_open: int
    feedback: list[PodPageFeedback]
    campaigns: list[PodPageCampaign]
    committees: list[PodPageCommittee]
    index: PodPageIndex
    value_log_count: int
    value_log: list[PodValueOut]
