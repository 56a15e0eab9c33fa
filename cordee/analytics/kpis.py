"""The KPI catalogue: each KPI defined once, and its value from rows already scoped — pure, no
Django.

A KPI has a key, a label and a definition (English message ids, translated where they are
shown), a unit (``count``, ``rate``, ``money``, ``duration``), the side it belongs to
(``marketing``, ``sales`` or ``shared``) and, for a ratio, the keys of its numerator and
denominator (themselves KPIs of the catalogue: a rate is never defined twice).

The values come from two kinds of rows, chosen and scoped by ``cordee.funnel.kpis``:

- **MQL cycles** of the period (one entry into MQL and what followed until the next, whose MQL
  falls in the period — the funnel metrics page's and the planner's cohorts):

  - MQLs created = number of cycles;
  - SALs = cycles that entered SAL;
  - MQLs decided = SALs + cycles rejected by sales that never entered SAL;
  - acceptance rate = SALs ÷ MQLs decided (PRODUCT.md; the planner's MQL→SAL).

- **Opportunities**:

  - SQLs = opportunities created from a lead (``created_on`` in the period);
  - pipeline created = Σ amount of those SQLs in the workspace currency; other currencies
    apart, per currency, never converted;
  - revenue won = Σ amount of the deals won in the period (close date in it) in the workspace
    currency, other currencies apart;
  - win rate = deals won ÷ opportunities closed (won or lost) in the period, every currency;
  - median sales cycle = the median, in days, of (close date − created on) over the deals won
    in the period (the middle value; the mean of the two middle ones for an even count).

- **Sales SLA** (``funnel.sla.load_cycles``, the SLA dashboard's clocks): for the MQLs of the
  period governed by a signed contract (each lead's latest MQL, as the dashboard), each of the
  three clocks (first touch, attempts, decision) whose due time has passed is *due*, and *kept*
  when not breached; compliance = kept ÷ due.

- **Marketing SLA** (``funnel.sla.marketing_commitments``, the rule ``sla_check_marketing``
  records breaches by): each signed contract whose period ended (before today) in the period
  has its volume judged, and its quality once sales decided one of its MQLs; compliance = kept
  ÷ judged. The workspace, or a pod's contracts; not per person or side.

- **Feedback** (``cordee.feedback.kpis``, registered with ``funnel.kpis``): the loop health
  page's numbers (``analytics.feedback_health``) over the items raised in the period, for the
  workspace or a pod: items raised, closed with an answer, their ratio, and the median business
  days to acknowledge (to 2 places).

- **Attribution** (``cordee.attribution.kpis``, registered with ``funnel.kpis``): revenue
  attributed to marketing = Σ of the credits in won revenue of the period's signed attribution
  lock (both sides signed), the numbers of record; pipeline attributed to marketing = Σ of its
  credits in pipeline created (the SQLs of the period, each credited to its lead's marketing
  touches up to the end of its creation day). *Not locked* is a state, not 0; so is *not
  recorded* (a lock signed before Cordée kept pipeline credits).

A rate whose denominator is 0 has no value (``None``): "nothing to divide by", not 0 %.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

COUNT, RATE, MONEY, DURATION = "count", "rate", "money", "duration"
NOT_LOCKED, WORKSPACE_ONLY, UNAVAILABLE = "not_locked", "workspace_only", "unavailable"
NOT_PER_PERSON = "not_per_person"  # kept for the workspace and each pod, not per person or side
NOT_RECORDED = "not_recorded"  # the signed lock predates the numbers (pipeline credits)
MARKETING, SALES, SHARED = "marketing", "sales", "shared"


def gettext_noop(message: str) -> str:
    """Marks a message id for the translation catalogue; translated where it is shown."""
    return message


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str  # an English message id
    definition: str  # an English message id
    unit: str
    side: str
    numerator: str | None = None  # a ratio's numerator and denominator: keys of the catalogue
    denominator: str | None = None
    lower_is_better: bool = False  # a goal's status is inverted (a shorter cycle is better)


CATALOGUE: tuple[Kpi, ...] = (
    Kpi(
        "mqls_created",
        gettext_noop("MQLs created"),
        gettext_noop(
            "Leads that entered MQL in the period (a recycled lead that comes back is a new MQL)."
        ),
        COUNT,
        MARKETING,
    ),
    Kpi(
        "mqls_decided",
        gettext_noop("MQLs decided"),
        gettext_noop(
            "Of the MQLs created in the period, those sales decided: accepted (SAL) or rejected."
        ),
        COUNT,
        SALES,
    ),
    Kpi(
        "sals",
        gettext_noop("SALs"),
        gettext_noop("Of the MQLs created in the period, those sales accepted (SAL)."),
        COUNT,
        SALES,
    ),
    Kpi(
        "acceptance_rate",
        gettext_noop("Acceptance rate"),
        gettext_noop(
            "SALs ÷ MQLs decided, for the MQLs created in the period: the MQL → SAL rate of "
            "the planner."
        ),
        RATE,
        SHARED,
        numerator="sals",
        denominator="mqls_decided",
    ),
    Kpi(
        "sqls",
        gettext_noop("SQLs"),
        gettext_noop("Opportunities created from a lead in the period."),
        COUNT,
        SALES,
    ),
    Kpi(
        "pipeline_created",
        gettext_noop("Pipeline created"),
        gettext_noop(
            "Sum of the amounts of the SQLs of the period, in the workspace currency; "
            "amounts in other currencies are reported apart."
        ),
        MONEY,
        SHARED,
    ),
    Kpi(
        "revenue_won",
        gettext_noop("Revenue won"),
        gettext_noop(
            "Sum of the amounts of the deals won in the period (close date), in the workspace "
            "currency; amounts in other currencies are reported apart."
        ),
        MONEY,
        SALES,
    ),
    Kpi(
        "deals_won",
        gettext_noop("Deals won"),
        gettext_noop("Opportunities won with a close date in the period."),
        COUNT,
        SALES,
    ),
    Kpi(
        "deals_closed",
        gettext_noop("Opportunities closed"),
        gettext_noop("Opportunities won or lost with a close date in the period."),
        COUNT,
        SALES,
    ),
    Kpi(
        "win_rate",
        gettext_noop("Win rate"),
        gettext_noop("Deals won ÷ opportunities closed (won or lost) in the period."),
        RATE,
        SALES,
        numerator="deals_won",
        denominator="deals_closed",
    ),
    Kpi(
        "median_sales_cycle",
        gettext_noop("Median sales cycle"),
        gettext_noop(
            "The median number of days from an opportunity's creation to its close date, over "
            "the deals won in the period."
        ),
        DURATION,
        SALES,
        lower_is_better=True,
    ),
    Kpi(
        "sales_sla_due",
        gettext_noop("Sales SLA commitments due"),
        gettext_noop(
            "For the MQLs of the period under a signed SLA contract, the sales commitments "
            "(first touch, attempts, decision) whose due time has passed."
        ),
        COUNT,
        SALES,
    ),
    Kpi(
        "sales_sla_kept",
        gettext_noop("Sales SLA commitments kept"),
        gettext_noop("Of the sales commitments due, those kept in time (not breached)."),
        COUNT,
        SALES,
    ),
    Kpi(
        "sales_sla_compliance",
        gettext_noop("Sales SLA compliance"),
        gettext_noop(
            "Sales commitments kept ÷ sales commitments due (first touch, attempts and "
            "decision together), as the SLA dashboard counts them."
        ),
        RATE,
        SALES,
        numerator="sales_sla_kept",
        denominator="sales_sla_due",
    ),
    Kpi(
        "marketing_sla_due",
        gettext_noop("Marketing SLA commitments judged"),
        gettext_noop(
            "For the signed SLA contracts whose period ended in the period, marketing's "
            "commitments judged at its end: the MQL volume, and the acceptance floor once sales "
            "decided one of its MQLs."
        ),
        COUNT,
        MARKETING,
    ),
    Kpi(
        "marketing_sla_kept",
        gettext_noop("Marketing SLA commitments kept"),
        gettext_noop("Of marketing's commitments judged, those kept (no breach)."),
        COUNT,
        MARKETING,
    ),
    Kpi(
        "marketing_sla_compliance",
        gettext_noop("Marketing SLA compliance"),
        gettext_noop(
            "Marketing's commitments kept ÷ commitments judged (volume and quality together)."
        ),
        RATE,
        MARKETING,
        numerator="marketing_sla_kept",
        denominator="marketing_sla_due",
    ),
    Kpi(
        "revenue_attributed_marketing",
        gettext_noop("Revenue attributed to marketing"),
        gettext_noop(
            "Of the revenue won in the period, the part the period's locked attribution model "
            "credits to marketing's channels (the credits signed by both sides, not a "
            "recomputation); none while the period is not locked. The whole workspace only."
        ),
        MONEY,
        MARKETING,
    ),
    Kpi(
        "pipeline_attributed_marketing",
        gettext_noop("Pipeline attributed to marketing"),
        gettext_noop(
            "Of the pipeline created in the period (its SQLs' amounts in the workspace "
            "currency), the part the period's locked attribution model credits to marketing's "
            "channels: each SQL is credited to its lead's marketing touches up to the end of "
            "the day it was created on; an SQL without one gets no credit. The credits signed "
            "by both sides, not a recomputation; none while the period is not locked. The "
            "whole workspace only."
        ),
        MONEY,
        MARKETING,
    ),
    Kpi(
        "feedback_items",
        gettext_noop("Feedback items raised"),
        gettext_noop(
            "Field feedback items raised in the period, each duplicate counted once (with the "
            "item it was merged into)."
        ),
        COUNT,
        SALES,
    ),
    Kpi(
        "feedback_closed_with_answer",
        gettext_noop("Feedback closed with an answer"),
        gettext_noop(
            "Of the feedback items raised in the period, those done or won't do that received "
            "an answer."
        ),
        COUNT,
        MARKETING,
    ),
    Kpi(
        "feedback_closure_rate",
        gettext_noop("Feedback closure rate"),
        gettext_noop(
            "Feedback closed with an answer ÷ feedback items raised, for the items raised in "
            "the period: the loop health page's closed with an answer."
        ),
        RATE,
        MARKETING,
        numerator="feedback_closed_with_answer",
        denominator="feedback_items",
    ),
    Kpi(
        "feedback_acknowledgement_latency",
        gettext_noop("Feedback acknowledgement time"),
        gettext_noop(
            "The median time, in business days of the workspace calendar, from a feedback "
            "item's submission to its first move out of new (acknowledged, planned, closed or "
            "answered), over the items raised in the period and moved."
        ),
        DURATION,
        MARKETING,
        lower_is_better=True,
    ),
)

BY_KEY: dict[str, Kpi] = {k.key: k for k in CATALOGUE}


@dataclass(frozen=True)
class KpiValue:
    key: str
    value: int | Fraction | Decimal | None  # None: a rate with nothing to divide by
    numerator: int | None = None
    denominator: int | None = None
    other_currencies: dict[str, Decimal] = field(default_factory=dict)  # money KPIs
    # why there is no value: "" (there is one, or a rate with nothing to divide by),
    # NOT_LOCKED, NOT_RECORDED, WORKSPACE_ONLY (not kept per side, pod or person),
    # NOT_PER_PERSON (nor per side or person) or UNAVAILABLE
    state: str = ""


def _ratio(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def money_sums(
    amounts: Iterable[Decimal], currencies: Iterable[str], currency: str
) -> tuple[Decimal, dict[str, Decimal]]:
    """Σ amount in ``currency``, and Σ amount per other currency (by code), the amounts and their
    currencies given side by side."""
    total, others = Decimal(0), dict[str, Decimal]()
    for amount, code in zip(amounts, currencies, strict=True):
        if code == currency:
            total += amount
        else:
            others[code] = others.get(code, Decimal(0)) + amount
    return total, dict(sorted(others.items()))


def median_days(days: Sequence[int]) -> Fraction | None:
    """The middle of the sorted values; the mean of the two middle ones for an even count."""
    if not days:
        return None
    ordered = sorted(days)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return Fraction(ordered[middle])
    return Fraction(ordered[middle - 1] + ordered[middle], 2)


def sla_values(due: int, kept: int) -> dict[str, KpiValue]:
    """Sales SLA compliance = kept ÷ due over the three clocks of the scope's cycles."""
    return {
        "sales_sla_due": KpiValue("sales_sla_due", due),
        "sales_sla_kept": KpiValue("sales_sla_kept", kept),
        "sales_sla_compliance": KpiValue("sales_sla_compliance", _ratio(kept, due), kept, due),
    }


def marketing_sla_values(due: int, kept: int) -> dict[str, KpiValue]:
    """Marketing SLA compliance = commitments kept ÷ commitments judged."""
    return {
        "marketing_sla_due": KpiValue("marketing_sla_due", due),
        "marketing_sla_kept": KpiValue("marketing_sla_kept", kept),
        "marketing_sla_compliance": KpiValue(
            "marketing_sla_compliance", _ratio(kept, due), kept, due
        ),
    }


DEAL_KPIS = (
    "sqls",
    "pipeline_created",
    "revenue_won",
    "deals_won",
    "deals_closed",
    "win_rate",
    "median_sales_cycle",
)  # the KPIs read from opportunities alone: split by the opportunities' source


@dataclass(frozen=True)
class CycleCounts:
    """What the MQL-cycle KPIs count: cycles, those that entered SAL, those decided."""

    created: int
    sals: int
    decided: int


@dataclass(frozen=True)
class DealTotals:
    """What the opportunity KPIs add up (see the module): the SQLs and their pipeline, the deals
    won and their revenue, the deals closed, and the days of each won deal's cycle."""

    sqls: int
    pipeline: Decimal
    pipeline_others: dict[str, Decimal]
    won: int
    revenue: Decimal
    revenue_others: dict[str, Decimal]
    closed: int
    cycle_days: Sequence[int]


def values_from_totals(cycles: CycleCounts, deals: DealTotals) -> dict[str, KpiValue]:
    """The cycle and opportunity KPIs of the catalogue from what they count and add up."""
    sals, decided = cycles.sals, cycles.decided
    values = [
        KpiValue("mqls_created", cycles.created),
        KpiValue("mqls_decided", decided),
        KpiValue("sals", sals),
        KpiValue("acceptance_rate", _ratio(sals, decided), sals, decided),
        KpiValue("sqls", deals.sqls),
        KpiValue("pipeline_created", deals.pipeline, other_currencies=deals.pipeline_others),
        KpiValue("revenue_won", deals.revenue, other_currencies=deals.revenue_others),
        KpiValue("deals_won", deals.won),
        KpiValue("deals_closed", deals.closed),
        KpiValue("win_rate", _ratio(deals.won, deals.closed), deals.won, deals.closed),
        KpiValue("median_sales_cycle", median_days(deals.cycle_days)),
    ]
    return {v.key: v for v in values}
