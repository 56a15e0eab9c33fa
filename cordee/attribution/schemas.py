"""API schemas of attribution: snapshots with their credits, locks, and the requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from cordee.attribution.models import AttributionModel, Dimension
from cordee.core.schemas import InSchema, MoneyOut, choice_field

DimensionCode = choice_field(Dimension)
ModelCode = choice_field(AttributionModel)


class PeriodIn(InSchema):
    period_start: dt.date
    period_end: dt.date
    dimension: DimensionCode = "channel"  # type: ignore[valid-type]


class LockSignIn(PeriodIn):
    model: ModelCode  # type: ignore[valid-type]


class _SnapshotFields(Schema):
    id: int
    period_start: dt.date
    period_end: dt.date
    dimension: str
    journeys: int
    computed_at: dt.datetime


class AttributionSnapshotOut(_SnapshotFields):
    """A snapshot as listed: read from the row."""

    won_deals: int = Field(alias="conversions")
    won_revenue: MoneyOut = Field(alias="value")
    currency: str = Field(alias="workspace.currency")


class CreditOut(Schema):
    name: str
    conversions: str  # a decimal string, 4 places (may be negative under Shapley)
    value: str  # in the workspace currency, 2 places


class ShapleyIntervalOut(Schema):
    name: str
    low: str
    high: str
    low_value: str
    high_value: str
    not_distinguishable_from_zero: bool
    coalition: list[str]
    support: int


class PipelineAttributionOut(Schema):
    """The period's SQLs (opportunities created from a lead in it) credited in pipeline created."""

    sqls: int
    pipeline_created: MoneyOut  # in the workspace currency
    credits: dict[str, dict[str, str]]  # per model: {name: value in the workspace currency}
    no_marketing_touch: dict[str, Any]  # {"sqls": n, "pipeline_created": "…"}
    other_currencies: dict[str, dict[str, Any]]  # {code: {"count": n, "amount": "…"}}


class AttributionSnapshotDetailOut(_SnapshotFields):
    won_deals: int
    won_revenue: MoneyOut
    currency: str
    credits: dict[str, list[CreditOut]]  # per model
    not_signable: dict[str, list[str]]  # per model: the names with a credit below 0
    no_marketing_touch: dict[str, Any]  # {"won_deals": n, "won_revenue": "…"}
    other_currencies: dict[str, dict[str, Any]]
    unnamed_touches: int
    shapley_intervals: list[ShapleyIntervalOut]
    bootstrap_seed: int | None
    bootstrap_resamples: int
    pipeline: PipelineAttributionOut | None  # None: computed before pipeline credits were kept


class AttributionLockOut(Schema):
    id: int
    period_start: dt.date
    period_end: dt.date
    dimension: str
    model: str
    model_label: str
    half_life_days: str
    credits: dict[str, str]
    value_credits: dict[str, str]
    pipeline_credits: dict[str, str] | None  # None: signed before pipeline credits were kept
    marketing_signed_at: dt.datetime | None
    sales_signed_at: dt.datetime | None
    is_signed: bool
