"""Input and output schemas of the shared data (separate: what a client sends ≠ what it reads).

``…In`` creates (required fields required), ``…Patch`` changes only the fields sent, ``…Out``
is what every read answers. Foreign keys are sent as ids (``"account": 12``) and read back as
``account_id``; choices are closed lists; money is a decimal string.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from ninja import Schema
from pydantic import AwareDatetime, Field

from cordee.core.api import CountryCode, Currency, Id, InSchema, MoneyIn, MoneyOut
from cordee.crm.models import (
    CampaignStatus,
    Channel,
    OpportunitySource,
    OpportunityStage,
    SizeBand,
    TouchKind,
)
from cordee.funnel.schemas import LeadSlaOut, sla_payload


def _choice(choices: type[Enum], *, blank: bool = False) -> Any:
    """A closed list of a model's choices (plus ``""`` where the field may be blank)."""
    values = tuple(str(c.value) for c in choices)
    return Literal[("", *values) if blank else values]


if TYPE_CHECKING:  # the choices are checked at run time; to the type checker they are text
    SizeBandChoice: TypeAlias = str
    ChannelChoice: TypeAlias = str
    ChannelOrBlank: TypeAlias = str
    CampaignStatusChoice: TypeAlias = str
    TouchKindChoice: TypeAlias = str
    OpportunityStageChoice: TypeAlias = str
    OpportunitySourceChoice: TypeAlias = str
else:
    SizeBandChoice = _choice(SizeBand, blank=True)
    ChannelChoice = _choice(Channel)
    ChannelOrBlank = _choice(Channel, blank=True)
    CampaignStatusChoice = _choice(CampaignStatus)
    TouchKindChoice = _choice(TouchKind)
    OpportunityStageChoice = _choice(OpportunityStage)
    OpportunitySourceChoice = _choice(OpportunitySource)

Name = Annotated[str, Field(min_length=1, max_length=200)]
Text40 = Annotated[str, Field(max_length=40)]
Text80 = Annotated[str, Field(max_length=80)]
Text120 = Annotated[str, Field(max_length=120)]
Text150 = Annotated[str, Field(max_length=150)]
Text200 = Annotated[str, Field(max_length=200)]
Text254 = Annotated[str, Field(max_length=254)]
Text300 = Annotated[str, Field(max_length=300)]
SourceSystem = Text40
ExternalId = Annotated[str | None, Field(max_length=120)]
Country = CountryCode
UserId = Annotated[Id, Field(description="User id of an active member of the workspace")]


class SyncedOut(Schema):
    source_system: str
    external_id: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


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


class TouchpointOut(SyncedOut):
    id: int
    contact_id: int
    lead_id: int | None
    campaign_id: int | None
    channel: str
    kind: str
    is_sales_activity: bool
    occurred_at: dt.datetime
    actor_id: int | None
    note: str


class TouchpointIn(InSchema):
    contact: Id
    lead: Id | None = None
    campaign: Id | None = None
    channel: ChannelOrBlank = Field("", description="Blank: the campaign's channel")
    kind: TouchKindChoice
    occurred_at: AwareDatetime
    actor: UserId | None = None
    note: Text300 = ""
    source_system: SourceSystem = ""
    external_id: ExternalId = None


class TouchpointPatch(InSchema):
    contact: Id | None = None
    lead: Id | None = None
    campaign: Id | None = None
    channel: ChannelOrBlank | None = None
    kind: TouchKindChoice | None = None
    occurred_at: AwareDatetime | None = None
    actor: UserId | None = None
    note: Text300 | None = None
    source_system: SourceSystem | None = None
    external_id: ExternalId = None


# -- leads -------------------------------------------------------------------------------------


class LeadOut(SyncedOut):
    id: int
    contact_id: int
    contact_name: str
    source_campaign_id: int | None
    source_channel: str
    stage: str
    stage_entered_at: dt.datetime
    mql_at: dt.datetime | None
    owner_id: int | None
    pod_id: int | None
    score: int
    score_detail: list[dict[str, Any]]
    recycle_on: dt.date | None
    sla: LeadSlaOut | None = Field(
        None, description="The SLA clocks (on a single lead's read only)"
    )

    @staticmethod
    def resolve_contact_name(obj: Any) -> str:
        return str(obj.contact)

    @staticmethod
    def resolve_sla(obj: Any) -> dict[str, Any] | None:
        status = getattr(obj, "sla_status", None)
        return sla_payload(status) if status is not None else None


class LeadIn(InSchema):
    """A new lead starts at Inquiry; its stage moves through transitions, not through edits."""

    contact: Id
    source_campaign: Id | None = None
    source_channel: ChannelOrBlank = Field("", description="Blank: the source campaign's channel")
    owner: UserId | None = None
    pod: Id | None = None
    source_system: SourceSystem = ""
    external_id: ExternalId = None


class LeadPatch(InSchema):
    contact: Id | None = None
    source_campaign: Id | None = None
    source_channel: ChannelOrBlank | None = None
    owner: UserId | None = None
    pod: Id | None = None
    source_system: SourceSystem | None = None
    external_id: ExternalId = None


class LeadStageChangeOut(Schema):
    id: int
    from_stage: str
    to_stage: str
    at: dt.datetime
    actor_id: int | None
    actor_name: str | None
    rule: str
    reason: str
    imported: bool

    @staticmethod
    def resolve_actor_name(obj: Any) -> str | None:
        return str(obj.actor) if obj.actor_id else None


# -- opportunities -----------------------------------------------------------------------------


class OpportunityOut(SyncedOut):
    id: int
    name: str
    account_id: int
    lead_id: int | None
    owner_id: int | None
    amount: MoneyOut
    currency: str
    stage: str
    created_on: dt.date
    close_date: dt.date | None
    loss_reason: str
    source: str
    primary_campaign_id: int | None
    pod_id: int | None


class OpportunityIn(InSchema):
    name: Name
    account: Id
    lead: Id | None = None
    owner: UserId | None = None
    amount: MoneyIn = Decimal("0")
    currency: Currency | None = Field(None, description="ISO 4217; default: the workspace currency")
    stage: OpportunityStageChoice = "discovery"
    created_on: dt.date | None = Field(None, description="Blank: today")
    close_date: dt.date | None = None
    loss_reason: Text200 = ""
    source: OpportunitySourceChoice = "marketing"
    primary_campaign: Id | None = None
    pod: Id | None = None
    source_system: SourceSystem = ""
    external_id: ExternalId = None


class OpportunityPatch(InSchema):
    name: Name | None = None
    account: Id | None = None
    lead: Id | None = None
    owner: UserId | None = None
    amount: MoneyIn | None = None
    currency: Currency | None = None
    stage: OpportunityStageChoice | None = None
    created_on: dt.date | None = None
    close_date: dt.date | None = None
    loss_reason: Text200 | None = None
    source: OpportunitySourceChoice | None = None
    primary_campaign: Id | None = None
    pod: Id | None = None
    source_system: SourceSystem | None = None
    external_id: ExternalId = None
