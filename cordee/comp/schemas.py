"""The API's shapes of variable pay (``comp.api``): plans and their versions, statements, their
disputes and adjustments, and the computation on posted inputs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, WithJsonSchema

from cordee.core.schemas import InSchema, MoneyOut, Name, Text200

Period = Annotated[
    str,
    Field(
        min_length=4, max_length=10, description="2026, 2026-Q2 or 2026-05", examples=["2026-Q1"]
    ),
]
Document = Annotated[
    dict[str, Any],
    Field(description="The plan document (docs/variable-pay.md); numbers as strings"),
]
# a signed amount to the cent (an adjustment may take pay back)
SignedMoneyIn = Annotated[
    Decimal,
    Field(max_digits=14, decimal_places=2, allow_inf_nan=False),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "format": "decimal"}, {"type": "number"}],
            "examples": ["150.00"],
        }
    ),
]
Number = Annotated[
    Decimal,
    Field(max_digits=24, allow_inf_nan=False),
    WithJsonSchema({"anyOf": [{"type": "string", "format": "decimal"}, {"type": "number"}]}),
]


class PayPersonOut(Schema):
    id: int
    email: str
    name: str


# -- plans ------------------------------------------------------------------------------------------


class PayPlanIn(InSchema):
    name: Name
    document: Document
    note: Text200 = ""


class PayPlanVersionIn(InSchema):
    document: Document
    note: Text200 = ""


class PayPlanVersionOut(Schema):
    number: int
    note: str
    created_at: dt.datetime
    created_by: PayPersonOut | None


class PayPlanOut(Schema):
    id: int
    name: str
    version: int = Field(description="The latest version's number")
    document: dict[str, Any] = Field(description="The latest version's document")
    versions: list[PayPlanVersionOut] = Field(description="Every version, newest first")
    created_at: dt.datetime


# -- statements -------------------------------------------------------------------------------------


class PayAdjustmentOut(Schema):
    id: int
    period: str = Field(description="The period whose statement pays it")
    component: str
    amount: MoneyOut
    reason: str


class PayDisputeOut(Schema):
    id: int
    statement: int
    component: str
    text: str
    status: str
    resolution: str
    raised_by: PayPersonOut | None
    resolved_by: PayPersonOut | None
    created_at: dt.datetime
    resolved_at: dt.datetime | None
    adjustments: list[PayAdjustmentOut]


class PayStatementOut(Schema):
    id: int
    plan: int
    plan_name: str
    version: int = Field(description="The plan version it was computed with")
    person: PayPersonOut
    period: str
    status: str = Field(description="draft or approved (frozen)")
    lines: list[dict[str, Any]] = Field(
        description="component, kind (attainment, commission, draw, ramp, spiff, clawback, "
        "adjustment, advance, true_up), payout, attainment, and the drill-down: deals "
        "(deal_id, credited), actual, target, target_pay, metric (the KPI value and the "
        "goal's target), deal_id (clawbacks), share (an advance: the share of the period's "
        "payout), advances and metrics (a true-up: the advances it settles, period and payout, "
        "and the KPI values they used), pending (why the line waits: no payout yet) and "
        "pending_text"
    )
    inputs: dict[str, Any] = Field(description="The input values used (credits, metrics)")
    total: MoneyOut
    missing: list[str] = Field(description="Why it cannot be approved yet, in words")
    may_approve: bool = Field(description="The reader may approve it now")
    approved_by: PayPersonOut | None
    approved_at: dt.datetime | None
    disputes: list[PayDisputeOut]


class PayRefreshIn(InSchema):
    period: Period


class PayRefreshOut(Schema):
    period: str
    computed: int = Field(description="Drafts written")
    frozen: int = Field(description="Approved statements left as they were")
    statements: list[PayStatementOut]


class PayDisputeIn(InSchema):
    component: Annotated[str, Field(min_length=1, max_length=60)]
    text: Annotated[str, Field(min_length=1, max_length=4000)]


class PayResolveIn(InSchema):
    resolution: Annotated[str, Field(min_length=1, max_length=4000)]
    adjustment_amount: SignedMoneyIn | None = None
    adjustment_period: Period | None = None


# -- the computation on posted inputs ---------------------------------------------------------------


class PayCreditIn(InSchema):
    deal_id: Annotated[str, Field(min_length=1, max_length=120)]
    person: Annotated[str, Field(min_length=1, max_length=254)]
    amount: Number
    share: Number
    closed_on: dt.date
    cancelled_on: dt.date | None = None
    campaign: Annotated[str, Field(max_length=200)] | None = None


class PayMetricIn(InSchema):
    metric: Annotated[str, Field(min_length=1, max_length=60)]
    scope: Annotated[str, Field(min_length=1, max_length=60)]
    period: Period
    actual: Number
    target: Number


class PayComputeIn(InSchema):
    plan: Document
    credits: list[PayCreditIn] = Field(default_factory=list, max_length=50_000)
    metrics: list[PayMetricIn] = Field(default_factory=list, max_length=10_000)
    period: Period
    first_month: Annotated[int, Field(ge=1, le=12)] | None = Field(
        None, description="The month the fiscal year starts in (default: the workspace's)"
    )


class PayComputeLineOut(Schema):
    component: str
    attainment: str | None
    payout: str
    deal_id: str | None = None
    kind: str | None = Field(
        None, description="advance or true_up (an advance on a yearly payout, its true-up)"
    )


class PayComputeStatementOut(Schema):
    person: str
    lines: list[PayComputeLineOut]
    total: str


class PayComputeOut(Schema):
    period: str
    statements: list[PayComputeStatementOut]


# -- what-if and the plan's cost ------------------------------------------------------------------


class PayWhatIfLineOut(Schema):
    component: str
    now: MoneyOut
    supposed: MoneyOut


class PayWhatIfOut(Schema):
    statement: int
    period: str
    now: MoneyOut = Field(description="The statement's total computed again now from the data")
    supposed: MoneyOut = Field(description="The total with the supposed deal or attainment")
    change: MoneyOut = Field(description="supposed − now")
    lines: list[PayWhatIfLineOut] = Field(description="Per component (clawbacks summed in)")


class PayCostComponentOut(Schema):
    component: str
    kind: str
    sales: MoneyOut | None = Field(description="Its sales lines; null when no salesperson takes it")
    marketing: MoneyOut | None = Field(
        description="Its marketing lines; null when no marketer does"
    )
    total: MoneyOut


class PayCostSideOut(Schema):
    side: str
    cost: MoneyOut
    on_target: MoneyOut = Field(description="Σ the side's variable targets, prorated")
    ratio: str | None = Field(description="cost ÷ on_target, 4 places; null when 0 on target")


class PayCostScenarioOut(Schema):
    kind: str = Field(description="last_year or uniform")
    attainment: str | None = Field(description="The uniform scenario's attainment (1.2: 120 %)")
    components: list[PayCostComponentOut]
    sides: list[PayCostSideOut]
    total: MoneyOut
    on_target: MoneyOut
    ratio: str | None
    no_basis: list[str] = Field(
        description="Assumed participants whose commission had no quota to stand on (it counts 0)"
    )


class PayCostSharedOut(Schema):
    metric: str
    scope: str
    period: str = Field(description="The plan year's period")
    before: str = Field(description="The same period last year")
    attainment: str = Field(description="Last year's actual ÷ the goal's target; 1 without one")
    goal_id: int | None
    actual: str | None
    target: str | None


class PayCostLastYearOut(Schema):
    year: int
    deals: int = Field(description="Last year's credited deals replayed")
    median_attainment: str = Field(description="The attainment of those without history")
    assumed: list[str] = Field(description="Who had no credited deal last year (e-mails)")
    shared: list[PayCostSharedOut]


class PayCostOut(Schema):
    plan: int
    version: int = Field(description="The plan version costed: the latest")
    year: int
    currency: str
    scenarios: list[PayCostScenarioOut]
    last_year: PayCostLastYearOut | None = Field(
        description="How last year's scenario was read; null when an attainment was asked"
    )
