"""Input and output schemas of the wins' posts API (the settings page's form reads the input)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from cordee.core.schemas import InSchema


class WinsSettingsOut(Schema):
    threshold: Decimal = Field(
        ..., description="Won deals from this amount are posted (workspace currency; 0: all)"
    )
    currency: str


class WinsSettingsIn(InSchema):
    threshold: Decimal = Field(..., ge=0, max_digits=14, decimal_places=2)


class WinJourneyLineOut(Schema):
    at: dt.datetime | dt.date | None
    text: str
    url: str


class WinCampaignShareOut(Schema):
    id: int | None
    name: str
    share: Decimal | None = Field(None, description="The campaign's share of the deal, of 1")
    owner: str


class WinJourneyOut(Schema):
    id: int
    kind: str
    title: str
    model: str = Field(..., description="The attribution model the shares follow, and its lock")
    locked: bool
    withdrawn_at: dt.datetime | None
    lines: list[WinJourneyLineOut]
    campaigns: list[WinCampaignShareOut]
