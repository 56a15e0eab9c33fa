"""The API's shapes of an opportunity's credit split (``funnel.credits``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, PlainSerializer, WithJsonSchema

from cordee.core.schemas import InSchema, MoneyOut, UserId


def _share_out(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.0001")), "f")


# a share leaves the API as a string with four places ("0.6000"), as money does with two
ShareOut = Annotated[
    Decimal,
    PlainSerializer(_share_out, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "format": "decimal", "examples": ["0.6000"]}),
]

# a share given as a string ("0.6") or a JSON number; its range, its places and the sum of the
# shares are the service's rules (errors named ``shares[1].share``, ``shares``)
ShareIn = Annotated[
    Decimal,
    Field(max_digits=12, allow_inf_nan=False),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "format": "decimal"}, {"type": "number"}],
            "description": "Above 0, at most 1, four decimal places at most",
            "examples": ["0.6"],
        }
    ),
]


class CreditShareIn(InSchema):
    person: UserId
    share: ShareIn


class OpportunityCreditsIn(InSchema):
    shares: list[CreditShareIn] = Field(
        ...,
        max_length=50,
        description="Each person once; the shares sum to exactly 1. Empty: no split (the owner "
        "is credited with the whole deal)",
    )


class CreditShareOut(Schema):
    person: int = Field(description="The person's user id")
    email: str
    name: str
    share: ShareOut
    credited: MoneyOut = Field(description="amount × share, to the cent, in the deal's currency")

    @staticmethod
    def resolve_person(obj: Any) -> int:
        return int(obj.credit.person_id)

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj.credit.email)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.credit.name)

    @staticmethod
    def resolve_share(obj: Any) -> Decimal:
        return Decimal(obj.credit.share)


class OpportunityCreditsOut(Schema):
    opportunity_id: int
    amount: MoneyOut
    currency: str
    split: bool = Field(
        description="False: no split — the owner is credited with the whole deal (nobody "
        "without an owner)"
    )
    shares: list[CreditShareOut]

    @staticmethod
    def resolve_opportunity_id(obj: Any) -> int:
        return int(obj.opportunity.pk)

    @staticmethod
    def resolve_amount(obj: Any) -> Decimal:
        return Decimal(obj.opportunity.amount)

    @staticmethod
    def resolve_shares(obj: Any) -> list[Any]:
        return list(obj.lines)
