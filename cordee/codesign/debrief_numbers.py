"""The campaign debrief's numbers: results next to the brief's expectations. Every number is read
through the rule that defines it elsewhere — none is written again here.

- **Window**: from the earliest of the campaign's start date and its leads' first entry into MQL
  to the workspace's today. Leads *of the campaign* are the leads whose source campaign it is.
- **MQLs, SALs, MQLs decided, acceptance rate**: the MQL cycles of the window
  (``funnel.metrics.cohort_cycles``, the funnel metrics' and KPIs' cohorts) of the campaign's
  leads, each with sales' decision (``metrics.cycle_decisions``), counted by
  ``funnel.kpis.cycle_counts``: acceptance rate = SALs ÷ MQLs decided (PRODUCT.md).
- **Rejection reasons**: of the cycles rejected and not accepted (those the decided count
  holds besides the SALs), the reason of the decision on that MQL, counted per reason.
- **SQLs and pipeline sourced**: ``funnel.won.campaign_sqls`` — the window's SQLs whose lead came
  from the campaign, their amounts in the workspace currency.
- **Attributed pipeline and revenue**: the campaign's credit (by campaign name) under the
  attribution lock of the campaign's period, signed by both sides — the fiscal year holding the
  campaign's end date, else that fiscal quarter (``attribution.kpis.signed_lock``, by campaign).
  Without one, the latest snapshot of that year (else quarter) under the model one side proposed,
  else the attribution page's default model, marked *not locked*.
- **Cost per MQL / per SQL**: the campaign's budget ÷ MQLs (÷ SQLs), to the cent; none when the
  count is 0.
- **Lead quality**: the reps' ratings, their count and mean.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import numpy as np
from django.db.models import Min
from django.utils.translation import gettext as _

from cordee.analytics import planning as maths
from cordee.analytics.alignment_campaigns import Rate
from cordee.attribution import kpis as attribution_kpis
from cordee.attribution.models import (
    AttributionModel,
    Dimension,
)
from cordee.attribution.periods import fiscal_periods
from cordee.codesign.models import BriefVersion, Debrief, LeadRating
from cordee.crm.models import Campaign
from cordee.funnel import kpis as funnel_kpis
from cordee.funnel import metrics, won
from cordee.funnel.models import DecisionKind, Lead, LeadDecision, LeadStageChange, Stage
from cordee.tenancy.models import Workspace

CENT = Decimal("0.01")
LOCKED, NOT_LOCKED, NOT_COMPUTED = "locked", "not_locked", "not_computed"


@dataclass(frozen=True)
class Attributed:
    state: str  # LOCKED, NOT_LOCKED, NOT_COMPUTED
    model: str  # the model's code ("" when not computed)
    period_key: str
    period_start: dt.date | None
    period_end: dt.date | None
    revenue: Decimal | None
    pipeline: Decimal | None  # None: not recorded (a lock signed before pipeline credits)

    @property
    def model_label(self) -> str:
        return str(AttributionModel(self.model).label) if self.model else ""


@dataclass(frozen=True)
class Cost:
    """Budget ÷ count, to the cent (None when the count is 0)."""

    budget: Decimal
    count: int

    @property
    def value(self) -> Decimal | None:
        if not self.count:
            return None
        return (self.budget / self.count).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class DebriefNumbers:
    currency: str
    start: dt.date | None  # the window (None: no start date and no MQL)
    end: dt.date
    expected_mqls: int | None
    expected_sqls: int | None
    expected_pipeline: Decimal | None
    mqls: int
    sals: int
    decided: int
    acceptance: Rate  # SALs ÷ MQLs decided
    reasons: tuple[tuple[str, int], ...]  # (reason, rejected MQLs), most first
    rejected: int
    sqls: int
    pipeline_sourced: Decimal
    attributed: Attributed
    budget: Decimal
    cost_per_mql: Cost
    cost_per_sql: Cost
    ratings: int
    rating_total: int

    @property
    def rating_average(self) -> Fraction | None:
        return Fraction(self.rating_total, self.ratings) if self.ratings else None

    @property
    def rating_shown(self) -> Decimal | None:
        """The mean rating to one place, half up (3.67 reads 3.7)."""
        mean = self.rating_average
        if mean is None:
            return None
        return (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )


def end_date(campaign: Campaign, brief: BriefVersion | None) -> dt.date | None:
    """The campaign's end date: the record's, else its brief's."""
    return campaign.end_date or (brief.end_date if brief else None)


def _window_start(workspace: Workspace, campaign: Campaign) -> dt.date | None:
    first_mql = LeadStageChange.objects.filter(
        workspace=workspace, lead__source_campaign=campaign, to_stage=Stage.MQL
    ).aggregate(at=Min("at"))["at"]
    days = [d for d in (campaign.start_date, first_mql and workspace.today(first_mql)) if d]
    return min(days) if days else None


def _cycles(
    workspace: Workspace, campaign: Campaign, start: dt.date, end: dt.date
) -> tuple[funnel_kpis.catalogue.CycleCounts, Counter[str], int]:
    """The campaign's MQL cycles counted, and the reasons of the rejected ones."""
    cycles = metrics.cohort_cycles(workspace, metrics.Period(start, end))
    ids = np.array(
        sorted(
            Lead.objects.filter(workspace=workspace, source_campaign=campaign).values_list(
                "pk", flat=True
            )
        ),
        dtype=np.int64,
    )
    mine = np.isin(cycles.lead, ids)
    ours = dataclasses.replace(
        cycles,
        lead=cycles.lead[mine],
        mql=cycles.mql[mine],
        sal=cycles.sal[mine],
        sql=cycles.sql[mine],
        won=cycles.won[mine],
    )
    decisions = metrics.cycle_decisions(workspace, ours)
    sal = ~np.isnan(ours.sal)
    counts = funnel_kpis.cycle_counts(sal, decisions.rejected)
    rejected = decisions.rejected & ~sal
    reasons: Counter[str] = Counter()
    if rejected.any():
        labels = {
            (lead, round(mql_at.timestamp() * 1000)): label or "—"
            for lead, mql_at, label in LeadDecision.objects.filter(
                workspace=workspace, lead__source_campaign=campaign, kind=DecisionKind.REJECT
            ).values_list("lead_id", "mql_at", "reason__label")
        }
        for lead, mql in zip(ours.lead[rejected], ours.mql[rejected], strict=True):
            reasons[labels.get((int(lead), round(float(mql) * 1000)), "—")] += 1
    return counts, reasons, int(rejected.sum())


def _credit(credits: dict[str, object] | None, name: str) -> Decimal | None:
    if credits is None:
        return None
    return Decimal(str(credits.get(name, "0")))


def attributed(workspace: Workspace, campaign: Campaign, day: dt.date | None) -> Attributed:
    """The campaign's attributed pipeline and revenue (the module's rule); ``day``: its end."""
    none = Attributed(NOT_COMPUTED, "", "", None, None, None, None)
    if day is None:
        return none
    year, quarter = fiscal_periods(workspace.fiscal_year_start_month, day, quarters=1)
    periods = [maths.PlanPeriod(p.key, p.start, p.end) for p in (year, quarter)]
    name = campaign.name
    for period in periods:
        lock = attribution_kpis.signed_lock(workspace, period, Dimension.CAMPAIGN)
        if lock is not None:
            return Attributed(
                LOCKED,
                lock.model,
                period.key,
                period.start,
                period.end,
                _credit(lock.value_credits, name),
                _credit(lock.pipeline_credits, name),
            )
    for period in periods:
        found = attribution_kpis.unsigned_campaign_model(workspace, period)
        if found is None:
            continue
        snapshot, model = found
        return Attributed(
            NOT_LOCKED,
            model,
            period.key,
            period.start,
            period.end,
            _credit(snapshot.value_credits.get(model, {}), name),
            _credit(snapshot.pipeline_credits.get(model), name),
        )
    return none


def debrief_numbers(
    workspace: Workspace,
    campaign: Campaign,
    brief: BriefVersion | None,
    debrief: Debrief | None,
    *,
    today: dt.date | None = None,
) -> DebriefNumbers:
    """The debrief's numbers (the module's rules) as of ``today`` (the workspace's)."""
    end = today or workspace.today()
    start = _window_start(workspace, campaign)
    counts = funnel_kpis.catalogue.CycleCounts(0, 0, 0)
    reasons: Counter[str] = Counter()
    rejected = 0
    sqls = won.PeriodDeals(workspace.currency, ())
    if start is not None and start <= end:
        counts, reasons, rejected = _cycles(workspace, campaign, start, end)
        sqls = won.campaign_sqls(workspace, campaign.pk, start, end)
    budget = campaign.budget or Decimal(0)
    ratings = (
        list(LeadRating.objects.filter(debrief=debrief).values_list("rating", flat=True))
        if debrief is not None
        else []
    )
    return DebriefNumbers(
        currency=workspace.currency,
        start=start,
        end=end,
        expected_mqls=brief.expected_mqls if brief else None,
        expected_sqls=brief.expected_sqls if brief else None,
        expected_pipeline=brief.expected_pipeline if brief else None,
        mqls=counts.created,
        sals=counts.sals,
        decided=counts.decided,
        acceptance=Rate(counts.sals, counts.decided),
        reasons=tuple(sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
        rejected=rejected,
        sqls=sqls.count,
        pipeline_sourced=sqls.amount,
        attributed=attributed(workspace, campaign, end_date(campaign, brief)),
        budget=budget,
        cost_per_mql=Cost(budget, counts.created),
        cost_per_sql=Cost(budget, sqls.count),
        ratings=len(ratings),
        rating_total=sum(ratings),
    )


def state_label(state: str) -> str:
    return {
        LOCKED: _("locked"),
        NOT_LOCKED: _("not locked"),
        NOT_COMPUTED: _("not computed yet"),
    }[state]
