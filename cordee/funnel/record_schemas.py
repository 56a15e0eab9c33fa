"""API schemas of the funnel's records: touchpoints, leads (with their stage history) and
opportunities (read, create, update)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import AwareDatetime, Field

from cordee.core.schemas import (
    Currency,
    ExternalId,
    Id,
    InSchema,
    MoneyIn,
    MoneyOut,
    Name,
    SourceSystem,
    SyncedOut,
    Text200,
    Text300,
    UserId,
)
from cordee.crm.schemas import ChannelOrBlank
from cordee.funnel.schemas import (
    ForecastCategoryChoice,
    LeadSlaOut,
    OpportunitySourceChoice,
    OpportunityStageChoice,
    TouchKindChoice,
    sla_payload,
)


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
    reason: str = Field(description="Why, in the caller's language")
    reason_code: str = Field(description="What the product recorded (empty: typed by a person)")
    reason_params: dict[str, Any]
    imported: bool

    @staticmethod
    def resolve_actor_name(obj: Any) -> str | None:
        return str(obj.actor) if obj.actor_id else None

    @staticmethod
    def resolve_reason(obj: Any) -> str:
        return str(obj.why)


class OpportunityOut(SyncedOut):
    id: int
    name: str
    account_id: int
    lead_id: int | None
    owner_id: int | None
    amount: MoneyOut
    currency: str
    stage: str
    probability: int = Field(description="The stage's chance of winning, in percent")
    forecast_category: str
    forecast_chosen: bool = Field(description="False while the category follows the stage")
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
    forecast_category: ForecastCategoryChoice | None = Field(
        None, description="pipeline, best_case, commit or closed; blank: the stage's"
    )
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
    stage: OpportunityStageChoice | None = Field(
        None, description="A won or lost deal stays closed (422)"
    )
    forecast_category: ForecastCategoryChoice | None = Field(
        None, description="A choice kept through later stage moves; closed only when won or lost"
    )
    created_on: dt.date | None = None
    close_date: dt.date | None = None
    loss_reason: Text200 | None = None
    source: OpportunitySourceChoice | None = None
    primary_campaign: Id | None = None
    pod: Id | None = None
    source_system: SourceSystem | None = None
    external_id: ExternalId = None


class OpportunityStageChangeOut(Schema):
    id: int
    from_stage: str = Field(description="Empty for the opportunity's creation")
    to_stage: str
    at: dt.datetime
    actor_id: int | None


class BoardCurrencyOut(Schema):
    currency: str
    count: int
    amount: MoneyOut
    weighted: MoneyOut


class BoardColumnOut(Schema):
    stage: str
    label: str
    probability: int = Field(description="Percent")
    count: int = Field(description="Every currency")
    amount: MoneyOut = Field(description="In the workspace currency")
    weighted: MoneyOut = Field(description="Σ amount × probability ÷ 100, workspace currency")
    other_currencies: list[BoardCurrencyOut] = Field(description="Apart, never converted")
    opportunity_ids: list[int] = Field(description="The first cards, by close date")

    @staticmethod
    def resolve_other_currencies(obj: Any) -> list[dict[str, Any]]:
        return [{"currency": c, **s.__dict__} for c, s in obj.other_currencies.items()]

    @staticmethod
    def resolve_opportunity_ids(obj: Any) -> list[int]:
        return [o.pk for o in obj.cards]


class OpportunityBoardOut(Schema):
    currency: str
    open_amount: MoneyOut
    open_weighted: MoneyOut
    columns: list[BoardColumnOut]
