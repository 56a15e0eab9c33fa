"""Input and output schemas of the shared data (separate: what a client sends ≠ what it reads)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from cordee.crm.models import SizeBand


class AccountOut(Schema):
    id: int
    name: str
    domain: str
    industry: str
    size_band: str
    country: str
    region: str
    city: str
    owner_id: int | None
    source_system: str
    external_id: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


class AccountIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    domain: str = ""
    industry: str = ""
    size_band: SizeBand | None = None
    country: str = "FR"
    region: str = ""
    city: str = ""
    owner: int | None = Field(None, description="User id of a member of the workspace")
    source_system: str = ""
    external_id: str | None = None


class AccountPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    domain: str | None = None
    industry: str | None = None
    size_band: SizeBand | None = None
    country: str | None = None
    region: str | None = None
    city: str | None = None
    owner: int | None = None
    source_system: str | None = None
    external_id: str | None = None
