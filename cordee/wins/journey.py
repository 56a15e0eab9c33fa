"""A won deal's journey, read for its post: what happened in order, who worked it, and each
campaign's share of the deal under the period's attribution model.

- **Touches**: the marketing touches of the deal's lead up to the end of its close date
  (workspace calendar), in time order, ties by id — the journey attribution credits
  (``attribution.journeys``: one rule, the lead's).
- **MQL** and **acceptance (SAL)**: the lead's last entry into MQL, and into SAL, at or before
  the end of the day the opportunity was created on (its stage history); who accepted is the
  person of sales' accept decision on that MQL (``LeadDecision``), else whoever moved the lead.
- **The SDR**: the lead's owner when it was converted — the last of its assignments at or before
  the end of the opportunity's creation day (``LeadAssignment``), else its owner today.
- **Won at**: the opportunity's last move to won (its stage history), else the midnight starting
  its close date.
- **The model** (``period_model``): the campaign attribution lock of the deal's fiscal period
  signed by both sides — the fiscal year holding the close date, else that quarter (as the
  campaign debrief reads it, ``attribution.kpis.signed_lock``) — *locked*; without one, the
  model one side proposed for that period, else the attribution page's default model, *not
  locked*.
- **Shares** (``campaign_shares``): for a model that credits a journey from its own touches
  (first, last, linear, position, time decay, W-shaped) the model run on this one journey
  (``analytics.attribution``: shares of 1); for a model that credits from every journey of the
  period (Markov, Shapley) the period's credits by campaign — the lock's, else the latest
  snapshot's, else computed as the snapshot does — shared among this journey's campaigns in
  proportion (a negative credit counts 0). Touches without a campaign take their share under
  ``NO_CAMPAIGN`` (no one to credit).

Every read is batched over a list of deals: a handful of queries whatever their number.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from cordee.analytics import planning as calendar
from cordee.analytics.attribution import Journeys, attribute, w_shaped
from cordee.attribution import kpis as attribution_kpis
from cordee.attribution.journeys import NO_CAMPAIGN, load_journeys
from cordee.attribution.models import AttributionLock, Dimension
from cordee.attribution.periods import fiscal_periods
from cordee.attribution.presenters import DEFAULT_MODEL
from cordee.funnel.models import (
    DecisionKind,
    Lead,
    LeadAssignment,
    LeadDecision,
    LeadStageChange,
    Opportunity,
    OpportunityStage,
    OpportunityStageChange,
    Stage,
    Touchpoint,
)
from cordee.tenancy.models import Workspace

POPULATION_MODELS = ("markov", "shapley")  # credited from every journey of the period
SHARE_STEP = Decimal("0.000001")


@dataclass(frozen=True)
class Touch:
    at: dt.datetime
    campaign_id: int | None
    campaign: str  # its name, NO_CAMPAIGN without one
    channel: str
    kind: str


@dataclass
class Journey:
    opportunity: Opportunity
    won_at: dt.datetime
    touches: list[Touch] = field(default_factory=list)
    lead_created_at: dt.datetime | None = None
    mql_at: dt.datetime | None = None
    sal_at: dt.datetime | None = None
    sal_by: int | None = None
    sdr_id: int | None = None

    @property
    def opened_until(self) -> dt.datetime:
        """The end of the opportunity's creation day (workspace calendar)."""
        return _midnight(self.opportunity.created_on + dt.timedelta(days=1), self.opportunity)


def _midnight(day: dt.date, opportunity: Opportunity) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=opportunity.workspace.zone)


def journeys_read(workspace: Workspace, opportunities: list[Opportunity]) -> dict[int, Journey]:
    """The journeys of won deals (opportunity id → journey), read in a few queries."""
    for o in opportunities:
        o.workspace = workspace  # the zone, without a query per deal
    leads = {o.lead_id for o in opportunities if o.lead_id is not None}
    won_at = won_instants(workspace, [o.pk for o in opportunities])
    out = {
        o.pk: Journey(
            opportunity=o,
            won_at=won_at.get(o.pk) or _midnight(o.close_date or o.created_on, o),
        )
        for o in opportunities
    }
    by_lead: dict[int, list[Journey]] = defaultdict(list)
    for j in out.values():
        if j.opportunity.lead_id is not None:
            by_lead[j.opportunity.lead_id].append(j)
    if not leads:
        return out
    _read_touches(workspace, leads, by_lead)
    _read_stages(workspace, leads, by_lead)
    _read_owners(workspace, leads, by_lead)
    return out


def won_instants(workspace: Workspace, ids: list[int]) -> dict[int, dt.datetime]:
    """Each deal's last move to won (none: never recorded), one query."""
    rows = (
        OpportunityStageChange.objects.filter(
            workspace=workspace, opportunity_id__in=ids, to_stage=OpportunityStage.WON
        )
        .order_by("opportunity_id", "at", "id")
        .values_list("opportunity_id", "at")
    )
    return dict(rows)  # the last move to won of each (ordered: the last one wins)


def _read_touches(workspace: Workspace, leads: set[int], by_lead: dict[int, list[Journey]]) -> None:
    rows = (
        Touchpoint.objects.filter(workspace=workspace, is_sales_activity=False, lead_id__in=leads)
        .order_by("lead_id", "occurred_at", "id")
        .values_list("lead_id", "occurred_at", "campaign_id", "campaign__name", "channel", "kind")
    )
    for lead_id, at, campaign_id, name, channel, kind in rows:
        for j in by_lead[lead_id]:
            ends = _midnight(
                (j.opportunity.close_date or j.opportunity.created_on) + dt.timedelta(days=1),
                j.opportunity,
            )
            if at < ends:
                j.touches.append(Touch(at, campaign_id, name or NO_CAMPAIGN, channel, kind))


def _read_stages(workspace: Workspace, leads: set[int], by_lead: dict[int, list[Journey]]) -> None:
    created = dict(
        Lead.objects.filter(workspace=workspace, pk__in=leads).values_list("id", "created_at")
    )
    moves = (
        LeadStageChange.objects.filter(
            workspace=workspace, lead_id__in=leads, to_stage__in=(Stage.MQL, Stage.SAL)
        )
        .order_by("lead_id", "at", "id")
        .values_list("lead_id", "to_stage", "at", "actor_id")
    )
    accepted = {
        (lead, mql_at): by
        for lead, mql_at, by in LeadDecision.objects.filter(
            workspace=workspace, lead_id__in=leads, kind=DecisionKind.ACCEPT
        ).values_list("lead_id", "mql_at", "decided_by_id")
    }
    for lead_id, journeys in by_lead.items():
        for j in journeys:
            j.lead_created_at = created.get(lead_id)
    for lead_id, stage, at, actor_id in moves:
        for j in by_lead[lead_id]:
            if at >= j.opened_until:
                continue
            if stage == Stage.MQL:
                j.mql_at = at
            else:
                j.sal_at = at
                j.sal_by = accepted.get((lead_id, j.mql_at), actor_id) if j.mql_at else actor_id


def _read_owners(workspace: Workspace, leads: set[int], by_lead: dict[int, list[Journey]]) -> None:
    owners = dict(
        Lead.objects.filter(workspace=workspace, pk__in=leads).values_list("id", "owner_id")
    )
    assigned = (
        LeadAssignment.objects.filter(workspace=workspace, lead_id__in=leads)
        .order_by("lead_id", "at", "id")
        .values_list("lead_id", "to_owner_id", "at")
    )
    seen: set[int] = set()
    for lead_id, owner_id, at in assigned:
        for j in by_lead[lead_id]:
            if at < j.opened_until:
                j.sdr_id = owner_id
                seen.add(id(j))
    for lead_id, journeys in by_lead.items():
        for j in journeys:
            if id(j) not in seen:
                j.sdr_id = owners.get(lead_id)


# -- the model of the period and the shares -------------------------------------------------------


@dataclass(frozen=True)
class PeriodModel:
    model: str
    locked: bool
    period: calendar.PlanPeriod
    half_life_days: float
    credits: dict[str, str] | None  # the period's credits by campaign (population models)


class Models:
    """The model of each fiscal period, read once per period in a scan."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self._periods: dict[tuple[dt.date, dt.date], PeriodModel] = {}
        self._computed: dict[tuple[str, dt.date, dt.date], dict[str, str]] = {}

    def of(self, day: dt.date) -> PeriodModel:
        year, quarter = fiscal_periods(self.workspace.fiscal_year_start_month, day, quarters=1)
        key = (year.start, quarter.start)
        if key not in self._periods:
            periods = [calendar.PlanPeriod(p.key, p.start, p.end) for p in (year, quarter)]
            self._periods[key] = self._read(periods)
        return self._periods[key]

    def _read(self, periods: list[calendar.PlanPeriod]) -> PeriodModel:
        ws = self.workspace
        for period in periods:
            lock = attribution_kpis.signed_lock(ws, period, Dimension.CAMPAIGN)
            if lock is not None:
                return PeriodModel(
                    lock.model, True, period, float(lock.half_life_days), dict(lock.credits)
                )
        for period in periods:
            found = attribution_kpis.unsigned_campaign_model(ws, period)
            if found is None:
                continue
            snapshot, model = found
            credits = snapshot.credits.get(model)
            return PeriodModel(model, False, period, float(snapshot.half_life_days), credits)
        year = periods[0]
        proposed = AttributionLock.objects.filter(
            workspace=ws, period_start=year.start, dimension=Dimension.CAMPAIGN
        ).first()
        model = proposed.model if proposed else DEFAULT_MODEL
        return PeriodModel(model, False, year, 7.0, None)

    def credits(self, pm: PeriodModel) -> dict[str, str]:
        """The period's credits by campaign of a population model: kept, or computed as the
        snapshot computes them (once per period and model in a scan)."""
        if pm.credits is not None:
            return pm.credits
        key = (pm.model, pm.period.start, pm.period.end)
        if key not in self._computed:
            period = load_journeys(
                self.workspace, pm.period.start, pm.period.end, Dimension.CAMPAIGN
            )
            result = attribute(period["won"].journeys, pm.model, half_life_days=pm.half_life_days)
            self._computed[key] = {
                c: str(v) for c, v in zip(result.channels, result.credits, strict=True)
            }
        return self._computed[key]


def _last_at_or_before(times: list[dt.datetime], moment: dt.datetime | None) -> int:
    if moment is None:
        return -1
    return bisect.bisect_right(times, moment) - 1


def _name(touch: Touch) -> str:
    return NO_CAMPAIGN if touch.campaign_id is None else f"c{touch.campaign_id}"


def campaign_shares(journey: Journey, pm: PeriodModel, models: Models) -> dict[str, Decimal]:
    """Each campaign's share of this deal (keys: ``c<campaign id>``, or ``NO_CAMPAIGN``),
    summing to 1 (the module's rule); {} without a touch."""
    touches = journey.touches
    if not touches:
        return {}
    names = [_name(t) for t in touches]
    if pm.model in POPULATION_MODELS:
        period = models.credits(pm)
        weights: dict[str, float] = {}
        for t, key in zip(touches, names, strict=True):
            if key not in weights:
                weights[key] = max(float(period.get(t.campaign, 0) or 0), 0.0)
        total = sum(weights.values())
        if total <= 0:
            return {}
        return _rounded({k: w / total for k, w in weights.items()})
    j = Journeys.from_paths([names], [True], [1.0], ts=[[t.at.timestamp() for t in touches]])
    if pm.model == "w_shaped":
        times = [t.at for t in touches]
        result = w_shaped(
            j,
            np.array([_last_at_or_before(times, journey.lead_created_at)], dtype=np.int64),
            np.array(
                [_last_at_or_before(times, journey.opened_until - dt.timedelta(microseconds=1))],
                dtype=np.int64,
            ),
        )
    else:
        result = attribute(j, pm.model, half_life_days=pm.half_life_days)
    return _rounded(
        {c: float(v) for c, v in zip(result.channels, result.credits, strict=True) if v}
    )


def _rounded(shares: dict[str, float]) -> dict[str, Decimal]:
    return {k: Decimal(repr(v)).quantize(SHARE_STEP) for k, v in shares.items()}
