"""What an incoming webhook may send, and what it is answered."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AwareDatetime

from cordee.core.schemas import InSchema
from cordee.crm.models import Channel, SizeBand
from cordee.funnel.models import TouchKind

Email = Annotated[
    str,
    Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", examples=["lea@client.fr"]),
]
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166 code, e.g. FR")]
ChannelCode = Literal[tuple(Channel.values)]  # type: ignore[valid-type]
TouchKindCode = Literal[tuple(TouchKind.values)]  # type: ignore[valid-type]


class UtmIn(InSchema):
    source: Annotated[str, Field(max_length=200)] | None = None
    medium: Annotated[str, Field(max_length=200)] | None = None
    campaign: Annotated[str, Field(max_length=200)] | None = None
    content: Annotated[str, Field(max_length=200)] | None = None
    term: Annotated[str, Field(max_length=200)] | None = None


class CompanyIn(InSchema):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    domain: Annotated[str, Field(max_length=200)] | None = None
    industry: Annotated[str, Field(max_length=80)] | None = None
    size_band: Literal[tuple(SizeBand.values)] | None = None  # type: ignore[valid-type]
    country: Country | None = None
    city: Annotated[str, Field(max_length=120)] | None = None


class _PersonIn(InSchema):
    email: Email
    first_name: Annotated[str, Field(max_length=80)] | None = None
    last_name: Annotated[str, Field(max_length=80)] | None = None
    job_title: Annotated[str, Field(max_length=150)] | None = None
    phone: Annotated[str, Field(max_length=40)] | None = None
    country: Country | None = None
    company: CompanyIn | None = None
    campaign_code: (
        Annotated[str, Field(max_length=120, description="A campaign's external id or name")] | None
    ) = None
    utm: UtmIn | None = None
    channel: ChannelCode | None = None  # type: ignore[valid-type]
    note: Annotated[str, Field(max_length=300)] = ""
    external_id: (
        Annotated[str, Field(max_length=120, description="The submission's id in the sending tool")]
        | None
    ) = None


class IncomingLeadIn(_PersonIn):
    """A form submission: the contact (created or updated by e-mail), a lead (unless the contact
    has an open one) and the submission as a touchpoint."""

    kind: TouchKindCode = "form_submit"  # type: ignore[valid-type]
    occurred_at: AwareDatetime | None = None


class IncomingTouchpointIn(_PersonIn):
    """A touch on a contact (created if new), attached to the contact's open lead if any."""

    kind: TouchKindCode  # type: ignore[valid-type]
    occurred_at: AwareDatetime


class IncomingOut(Schema):
    request_id: int
    contact_id: int
    lead_id: int | None
    lead_created: bool
    touchpoint_id: int
    campaign_id: int | None
    warnings: list[str]
