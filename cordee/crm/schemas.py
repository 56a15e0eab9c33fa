"""Input and output schemas of the shared data (separate: what a client sends ≠ what it reads).

``…In`` creates (required fields required), ``…Patch`` changes only the fields sent, ``…Out``
is what every read answers. Foreign keys are sent as ids (``"account": 12``) and read back as
``account_id``; choices are closed lists; money is a decimal string.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, TypeAlias

from pydantic import Field

from cordee.core.schemas import (
    Country,
    Currency,
    ExternalId,
    Id,
    InSchema,
    MoneyIn,
    MoneyOut,
    Name,
    SourceSystem,
    SyncedOut,
    Text40,
    Text80,
    Text120,
    Text150,
    Text200,
    Text254,
    UserId,
    choice_field,
)
from cordee.crm.models import CampaignStatus, Channel, SizeBand

if TYPE_CHECKING:  # the choices are checked at run time; to the type checker they are text
    SizeBandChoice: TypeAlias = str
    ChannelChoice: TypeAlias = str
    ChannelOrBlank: TypeAlias = str
    CampaignStatusChoice: TypeAlias = str
else:
    SizeBandChoice = choice_field(SizeBand, blank=True)
    ChannelChoice = choice_field(Channel)
    ChannelOrBlank = choice_field(Channel, blank=True)
    CampaignStatusChoice = choice_field(CampaignStatus)


# -- accounts ----------------------------------------------------------------------------------


class AccountOut(SyncedOut):
    id: int
    name: str
    domain: str
    industry: str
    size_band: str
    country: str
    region: str
    city: str
    owner_id: int | None


class AccountIn(InSchema):
    name: Name
    domain: Text200 = ""
    industry: Text80 = ""
    size_band: SizeBandChoice = ""
    country: Country = "FR"
    region: Text80 = ""
    city: Text120 = ""
    owner: UserId | None = None
    source_system: SourceSystem = ""
    external_id: ExternalId = None


class AccountPatch(InSchema):
    name: Name | None = None
    domain: Text200 | None = None
    industry: Text80 | None = None
    size_band: SizeBandChoice | None = None
    country: Country | None = None
    region: Text80 | None = None
    city: Text120 | None = None
    owner: UserId | None = None
    source_system: SourceSystem | None = None
    external_id: ExternalId = None


# -- contacts ----------------------------------------------------------------------------------


class ContactOut(SyncedOut):
    id: int
    account_id: int | None
    first_name: str
    last_name: str
    full_name: str
    email: str | None
    job_title: str
    phone: str
    country: str
    owner_id: int | None


class ContactIn(InSchema):
    account: Id | None = None
    first_name: Text80 = ""
    last_name: Text80 = ""
    email: Text254 | None = None
    job_title: Text150 = ""
    phone: Text40 = ""
    country: Country = ""
    owner: UserId | None = None
    source_system: SourceSystem = ""
    external_id: ExternalId = None


class ContactPatch(InSchema):
    account: Id | None = None
    first_name: Text80 | None = None
    last_name: Text80 | None = None
    email: Text254 | None = None
    job_title: Text150 | None = None
    phone: Text40 | None = None
    country: Country | None = None
    owner: UserId | None = None
    source_system: SourceSystem | None = None
    external_id: ExternalId = None


# -- campaigns ---------------------------------------------------------------------------------


class CampaignOut(SyncedOut):
    id: int
    name: str
    channel: str
    type: str
    start_date: dt.date | None
    end_date: dt.date | None
    budget: MoneyOut
    currency: str
    owner_id: int | None
    status: str


class CampaignIn(InSchema):
    name: Name
    channel: ChannelChoice
    type: Text80 = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget: MoneyIn = Decimal("0")
    currency: Currency | None = Field(None, description="ISO 4217; default: the workspace currency")
    owner: UserId | None = None
    status: CampaignStatusChoice = "planned"
    source_system: SourceSystem = ""
    external_id: ExternalId = None


class CampaignPatch(InSchema):
    name: Name | None = None
    channel: ChannelChoice | None = None
    type: Text80 | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget: MoneyIn | None = None
    currency: Currency | None = None
    owner: UserId | None = None
    status: CampaignStatusChoice | None = None
    source_system: SourceSystem | None = None
    external_id: ExternalId = None


# -- touchpoints -------------------------------------------------------------------------------


# -- leads -------------------------------------------------------------------------------------


# -- opportunities -----------------------------------------------------------------------------
