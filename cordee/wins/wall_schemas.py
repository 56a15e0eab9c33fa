"""Schemas of the wall's and the kudos' endpoints (``wall_api.py``). Names start with ``Wall`` or
``Kudos``: they are unique across the project's OpenAPI document."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema

from cordee.core.api import QuerySchema
from cordee.core.schemas import Id, InSchema, MoneyOut, choice_field
from cordee.wins.kudos import MESSAGE_MAX
from cordee.wins.models import PostKind

KindChoice = choice_field(PostKind)
Limit = Annotated[int, Field(ge=1, le=500)]
Offset = Annotated[int, Field(ge=0, le=2**62)]


class WallListQuery(QuerySchema):
    """``since`` / ``until``: the workspace's days, both included; ``pod``: posted for the pod
    or crediting one of its members."""

    pod: Id | None = None
    kind: KindChoice | None = None  # type: ignore[valid-type]
    since: dt.date | None = None
    until: dt.date | None = None
    limit: Limit = 50
    offset: Offset = 0


class WallNamed(Schema):
    id: int
    name: str


class WallCreditLineOut(Schema):
    role: str
    label: str
    campaign: WallNamed | None
    share_percent: str | None = Field(
        None, description="The campaign's share of the deal in percent, one decimal (41.7)"
    )


class WallCreditedOut(Schema):
    id: int
    name: str
    credits: list[WallCreditLineOut]


class WallSideOut(Schema):
    side: str
    label: str
    people: list[WallCreditedOut]


class WallReactionOut(Schema):
    emoji: str
    symbol: str
    count: int
    mine: bool
    people: list[str]


class WallJourneyLineOut(Schema):
    at: dt.datetime | None
    text: str
    url: str


class WallPostOut(Schema):
    id: int
    kind: str
    at: dt.datetime
    title: str
    amount: MoneyOut | None
    currency: str
    pod: WallNamed | None
    opportunity: int | None
    goal: int | None
    campaign: int | None
    sides: list[WallSideOut]
    journey: list[WallJourneyLineOut]
    reactions: list[WallReactionOut]
    kudos: int
    url: str


class WallPage(Schema):
    items: list[WallPostOut]
    count: int


class WallReactionsOut(Schema):
    post: int
    reactions: list[WallReactionOut]


class KudosListQuery(QuerySchema):
    """``box``: ``received`` (by you or one of your pods), ``sent`` (by you), ``all`` (the
    workspace's); ``pod``: sent to the pod or to one of its members."""

    box: Literal["received", "sent", "all"] = "all"
    pod: Id | None = None
    limit: Limit = 50
    offset: Offset = 0


class KudosPersonOut(Schema):
    id: int
    name: str
    side: str


class KudosOut(Schema):
    id: int
    sender: KudosPersonOut
    recipient: KudosPersonOut | None
    pod: WallNamed | None
    cross_side: bool
    message: str
    post: int | None
    created_at: dt.datetime


class KudosPage(Schema):
    items: list[KudosOut]
    count: int


class KudosIn(InSchema):
    """Kudos to one person (``recipient``: an active member's user id) or one pod (``pod``),
    maybe about a win (``post``)."""

    recipient: Id | None = None
    pod: Id | None = None
    message: Annotated[str, Field(max_length=MESSAGE_MAX)]
    post: Id | None = None


class KudosCountsQuery(QuerySchema):
    """``period``: a month (2026-11, the default: this month), a quarter (2026-Q4) or a fiscal
    year (2026); ``pod``: kudos sent to the pod, to one of its members or by one of them."""

    period: Annotated[str, Field(max_length=10)] = ""
    pod: Id | None = None


class KudosCountsOut(Schema):
    period: str
    start: dt.date
    end: dt.date
    total: int
    cross_side: int = Field(description="Of the total, those across marketing and sales")
