"""The journeys of a period's attribution, read from the shared data, for two outcomes.

- **Conversions**, as ``funnel.won`` defines them (the funnel's and the KPIs' numbers):

  - ``WON``: the deals won in the period (close date in the period; the funnel's won count and
    revenue); a deal's journey ends at the end of its close date;
  - ``PIPELINE``: the SQLs of the period (opportunities created from a lead, created on in the
    period; the KPIs "SQLs" and "pipeline created"); a journey ends at the end of the day the
    opportunity was created on.

  A deal's journey is the marketing touches (``is_sales_activity`` false) *of its lead* up to
  that end (workspace time zone), in time order, ties by touchpoint id. Touches of the contact
  not tied to the lead do not count: one rule, the lead's. Its value is its amount when the
  deal is in the workspace currency, 0 otherwise (it still counts as a conversion; its amount
  is reported apart).
- A deal whose journey is empty (no lead, or no marketing touch before that end) is **without
  marketing touch**: its own line (won, or pipeline), outside every model's credits.
- **Non-converting journeys**: every other lead whose last marketing touch falls in the period
  (its marketing touches) — the leads not converting for that outcome.
- A touch without a channel (by channel) or without a campaign (by campaign) is grouped under
  one name, ``NO_CAMPAIGN``, and counted.

The touches of every outcome asked are read in one pass (one query, subqueries of lead ids).
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from typing import Any

import numpy as np
import numpy.typing as npt
from django.db.models import Max, Q, QuerySet
from django.utils.translation import gettext as _

from cordee.analytics.attribution import Journeys
from cordee.attribution.models import Dimension
from cordee.crm.models import Channel
from cordee.funnel.models import Lead, Touchpoint
from cordee.funnel.won import (
    PeriodDeal,
    PeriodDeals,
    sql_opportunities,
    sqls_in_period,
    won_in_period,
    won_opportunities,
)
from cordee.tenancy.models import Workspace

NO_CAMPAIGN = "—"
WON, PIPELINE = "won", "pipeline"  # the outcomes: deals won, SQLs created (pipeline)
OUTCOMES = (WON, PIPELINE)


def credit_labels(dimension: str) -> dict[str, str]:
    """Display names of the credited lines, in the active language: channel codes as their
    labels; touches without a channel (or campaign) say so. Campaigns are named by their name."""
    labels = {NO_CAMPAIGN: _("No channel") if dimension == Dimension.CHANNEL else _("No campaign")}
    if dimension == Dimension.CHANNEL:
        labels.update({value: str(label) for value, label in Channel.choices})
    return labels


Touch = tuple[dt.datetime, str]


@dataclass(frozen=True)
class PeriodJourneys:
    journeys: Journeys
    lead_created: npt.NDArray[np.int64]  # per journey: position of the lead-creating touch, −1
    opportunity_created: npt.NDArray[np.int64]  # … of the opportunity-creating touch, −1
    deals: PeriodDeals  # the conversions: the deals won, or the SQLs, of the period
    no_touch: tuple[PeriodDeal, ...]
    unnamed_touches: int  # touches in the journeys grouped under NO_CAMPAIGN

    @property
    def no_touch_value(self) -> Decimal:
        return sum(
            (d.amount for d in self.no_touch if d.currency == self.deals.currency), Decimal(0)
        )


def _midnight(day: dt.date, workspace: Workspace) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=workspace.zone)


def _last_at_or_before(path: list[Touch], moment: dt.datetime | None) -> int:
    """Position of the last touch at or before ``moment`` (−1: none, or no moment)."""
    if moment is None:
        return -1
    return bisect.bisect_right([at for at, _name in path], moment) - 1


def _conversions(
    workspace: Workspace, start: dt.date, end: dt.date, outcome: str
) -> tuple[PeriodDeals, QuerySet[Any]]:
    """The outcome's deals of the period, and a subquery of their lead ids."""
    if outcome == WON:
        opportunities = won_opportunities(workspace, start, end)
        deals: PeriodDeals = won_in_period(workspace, start, end)
    elif outcome == PIPELINE:
        opportunities = sql_opportunities(workspace, start, end)
        deals = sqls_in_period(workspace, start, end)
    else:
        raise ValueError(f"unknown outcome {outcome!r}")
    return deals, opportunities.filter(lead__isnull=False).values("lead_id")


def _in_any(field: str, subqueries: list[QuerySet[Any]]) -> Q:
    """``field`` in any of the subqueries (none: nothing)."""
    if not subqueries:
        return Q(**{f"{field}__in": []})
    return reduce(operator.or_, (Q(**{f"{field}__in": sq}) for sq in subqueries))


def _touches(
    workspace: Workspace,
    since: dt.datetime,
    until: dt.datetime,
    converting: list[QuerySet[Any]],
    field: str,
) -> tuple[dict[int, list[Touch]], set[int]]:
    """The marketing touches of the converting leads (``converting``: subqueries of lead ids,
    one per outcome) and of the leads whose last marketing touch falls in [since, until) (their
    ids returned apart), in one query. Subqueries, not lists of ids: no limit on the number of
    leads."""
    marketing = Touchpoint.objects.filter(
        workspace=workspace, is_sales_activity=False, lead__isnull=False
    )
    last_in_period = (
        marketing.order_by()
        .values("lead_id")
        .annotate(last=Max("occurred_at"))
        .filter(last__gte=since, last__lt=until)
        .values("lead_id")
    )
    leads = Q(lead_id__in=last_in_period) | _in_any("lead_id", converting)
    touches: dict[int, list[Touch]] = defaultdict(list)
    rows = (
        marketing.filter(leads)
        .order_by("lead_id", "occurred_at", "id")
        .values_list("lead_id", "occurred_at", field)
    )
    for lead_id, occurred_at, name in rows.iterator(chunk_size=20_000):
        touches[lead_id].append((occurred_at, name or NO_CAMPAIGN))
    return touches, set(last_in_period.values_list("lead_id", flat=True))


def _period_journeys(
    workspace: Workspace,
    deals: PeriodDeals,
    lapsed: list[int],
    touches: dict[int, list[Touch]],
    created: dict[int, dt.datetime],
) -> PeriodJourneys:
    """One journey per deal with a touch before the end of its day, then one per lapsed lead."""
    paths: list[list[Touch]] = []
    converted, value, lead_pos, opp_pos = [], [], [], []
    no_touch = []
    for deal in deals.deals:
        ends = _midnight(deal.day + dt.timedelta(days=1), workspace)
        path = [t for t in touches.get(deal.lead_id or 0, []) if t[0] < ends]
        if not path:
            no_touch.append(deal)
            continue
        opened = _midnight(deal.created_on + dt.timedelta(days=1), workspace)
        paths.append(path)
        converted.append(True)
        value.append(float(deal.amount) if deal.currency == deals.currency else 0.0)
        lead_pos.append(_last_at_or_before(path, created.get(deal.lead_id or 0)))
        opp_pos.append(_last_at_or_before(path, opened - dt.timedelta(microseconds=1)))
    for lead_id in lapsed:
        paths.append(touches[lead_id])
        converted.append(False)
        value.append(0.0)
        lead_pos.append(-1)
        opp_pos.append(-1)
    names = [name for path in paths for _at, name in path]
    channels = sorted(set(names))
    index = {c: i for i, c in enumerate(channels)}
    journeys = Journeys(
        channels=channels,
        journey=np.repeat(np.arange(len(paths)), [len(p) for p in paths]).astype(np.int64),
        channel=np.array([index[c] for c in names], dtype=np.int64),
        converted=np.array(converted, dtype=bool),
        value=np.array(value, dtype=np.float64),
        ts=np.array([at.timestamp() for path in paths for at, _name in path], dtype=np.float64),
    )
    return PeriodJourneys(
        journeys=journeys,
        lead_created=np.array(lead_pos, dtype=np.int64),
        opportunity_created=np.array(opp_pos, dtype=np.int64),
        deals=deals,
        no_touch=tuple(no_touch),
        unnamed_touches=names.count(NO_CAMPAIGN),
    )


def load_journeys(
    workspace: Workspace,
    start: dt.date,
    end: dt.date,
    dimension: str,
    outcomes: tuple[str, ...] = (WON,),
) -> dict[str, PeriodJourneys]:
    """The period's journeys for each outcome asked (``WON``, ``PIPELINE``): one per converting
    deal with a touch, then one per lapsed lead not converting for that outcome. The touches are
    read once for every outcome."""
    since, until = _midnight(start, workspace), _midnight(end + dt.timedelta(days=1), workspace)
    field = "channel" if dimension == Dimension.CHANNEL else "campaign__name"
    conversions = {outcome: _conversions(workspace, start, end, outcome) for outcome in outcomes}
    subqueries = [leads for _deals, leads in conversions.values()]
    touches, last_in_period = _touches(workspace, since, until, subqueries, field)
    converting = {
        outcome: {d.lead_id for d in deals.deals if d.lead_id is not None}
        for outcome, (deals, _leads) in conversions.items()
    }
    created = dict(
        Lead.objects.filter(_in_any("pk", subqueries), workspace=workspace).values_list(
            "id", "created_at"
        )
    )
    return {
        outcome: _period_journeys(
            workspace,
            deals,
            sorted(last_in_period - converting[outcome]),
            touches,
            created,
        )
        for outcome, (deals, _leads) in conversions.items()
    }
