"""The deals won in a period and the SQLs created in it — the definitions the funnel's KPIs and
attribution share.

A deal is **won in the period** when its opportunity is at stage won and its close date (a date
of the workspace calendar, so already in the workspace time zone) falls from ``start`` to ``end``
inclusive; a won deal without a close date is in no period. **Won revenue** is the sum of their
amounts in the workspace currency (a blank currency is the workspace's); deals in another
currency are counted among the won deals and their amounts reported apart, per currency, never
converted — as the funnel's pipeline does.

A won deal is **cancelled** on the date (workspace calendar) it was last moved out of won — an
``OpportunityStageChange`` from won to any other stage — while it is not won now; it keeps its
close date. Cordée itself keeps a won deal closed, so such a move comes from an import or a CRM
sync (a deal reopened there). **Credited deals** of a period are the deals won in it and the
ones closed in it that were won and cancelled since: what variable pay credits (a cancelled deal
still counts in the period it closed in; its cancellation is a clawback, later).

An **SQL of the period** is an opportunity created from a lead (it has one) whose *created on*
date (a date of the workspace calendar) falls from ``start`` to ``end`` inclusive, whatever its
stage since; **pipeline created** is the sum of their amounts in the workspace currency, other
currencies apart, per currency — the KPIs "SQLs" and "pipeline created".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DateTimeField, Exists, OuterRef, Q, QuerySet, Subquery

from cordee.funnel.models import Opportunity, OpportunityStage, OpportunityStageChange
from cordee.tenancy.models import Workspace


@dataclass(frozen=True)
class PeriodDeal:
    id: int
    lead_id: int | None
    amount: Decimal
    currency: str  # the workspace currency when the deal's is blank
    created_on: dt.date
    day: dt.date  # the date that puts it in the period: its close date (won), created on (SQL)


@dataclass(frozen=True)
class PeriodDeals:
    currency: str
    deals: tuple[PeriodDeal, ...]

    @property
    def count(self) -> int:
        return len(self.deals)

    @property
    def amount(self) -> Decimal:
        """Σ amount of the deals in the workspace currency."""
        return sum((d.amount for d in self.deals if d.currency == self.currency), Decimal(0))

    @property
    def other_currencies(self) -> dict[str, tuple[int, Decimal]]:
        """{currency: (deals, Σ amount)} of the deals in another currency, by code."""
        out: dict[str, tuple[int, Decimal]] = {}
        for d in sorted(self.deals, key=lambda d: d.currency):
            if d.currency != self.currency:
                count, amount = out.get(d.currency, (0, Decimal(0)))
                out[d.currency] = (count + 1, amount + d.amount)
        return out


class WonInPeriod(PeriodDeals):
    """The deals won in a period (``day``: the close date)."""

    @property
    def revenue(self) -> Decimal:
        """Won revenue: Σ amount of the deals in the workspace currency."""
        return self.amount


def created_in(start: dt.date, end: dt.date) -> Q:
    """Opportunities created from ``start`` to ``end`` (created on, inclusive)."""
    return Q(created_on__gte=start, created_on__lte=end)


def closed_in(start: dt.date, end: dt.date) -> Q:
    """Opportunities whose close date falls from ``start`` to ``end`` (inclusive)."""
    return Q(close_date__gte=start, close_date__lte=end)


def won_opportunities(workspace: Workspace, start: dt.date, end: dt.date) -> QuerySet[Opportunity]:
    """The opportunities won from ``start`` to ``end`` (close dates, inclusive)."""
    return Opportunity.objects.filter(
        closed_in(start, end), workspace=workspace, stage=OpportunityStage.WON
    )


def _moves_out_of_won() -> QuerySet[OpportunityStageChange]:
    return OpportunityStageChange.objects.filter(
        opportunity=OuterRef("pk"), from_stage=OpportunityStage.WON
    ).exclude(to_stage=OpportunityStage.WON)


def cancelled_opportunities(
    workspace: Workspace, start: dt.date, end: dt.date
) -> QuerySet[Opportunity]:
    """The deals closed from ``start`` to ``end`` (close dates, inclusive) that were won and have
    since been moved out of won (not won now)."""
    return (
        Opportunity.objects.filter(closed_in(start, end), workspace=workspace)
        .exclude(stage=OpportunityStage.WON)
        .filter(Exists(_moves_out_of_won()))
    )


def credited_opportunities(
    workspace: Workspace, start: dt.date, end: dt.date
) -> QuerySet[Opportunity]:
    """The credited deals of the period: won in it, or closed in it, won, then cancelled. Each is
    annotated ``cancelled_at``, the time of its last move out of won (None if never; a deal won
    again has one too: ``cancelled_on`` reads it with the stage)."""
    last_move = _moves_out_of_won().order_by("-at", "-id").values("at")[:1]
    return (
        won_opportunities(workspace, start, end) | cancelled_opportunities(workspace, start, end)
    ).annotate(cancelled_at=Subquery(last_move, output_field=DateTimeField()))


def cancelled_on(
    workspace: Workspace, stage: str, cancelled_at: dt.datetime | None
) -> dt.date | None:
    """The date (workspace calendar) a credited deal at ``stage``, last moved out of won at
    ``cancelled_at``, was cancelled; None while it is won."""
    if stage == OpportunityStage.WON or cancelled_at is None:
        return None
    return workspace.today(cancelled_at)


def sql_opportunities(workspace: Workspace, start: dt.date, end: dt.date) -> QuerySet[Opportunity]:
    """The SQLs of the period: the opportunities created from a lead from ``start`` to ``end``
    (created on, inclusive), whatever their stage."""
    return Opportunity.objects.filter(
        created_in(start, end), workspace=workspace, lead__isnull=False
    )


def _deals(
    workspace: Workspace, opportunities: QuerySet[Opportunity], day: str
) -> tuple[PeriodDeal, ...]:
    rows = opportunities.order_by("id").values_list(
        "id", "lead_id", "amount", "currency", "created_on", day
    )
    return tuple(
        PeriodDeal(pk, lead, amount, currency or workspace.currency, created, on)
        for pk, lead, amount, currency, created, on in rows
        if on is not None  # the filters on the day already exclude them
    )


def won_in_period(workspace: Workspace, start: dt.date, end: dt.date) -> WonInPeriod:
    """The workspace's deals won from ``start`` to ``end`` (close dates, inclusive), by id."""
    return WonInPeriod(
        workspace.currency,
        _deals(workspace, won_opportunities(workspace, start, end), "close_date"),
    )


def sqls_in_period(workspace: Workspace, start: dt.date, end: dt.date) -> PeriodDeals:
    """The workspace's SQLs created from ``start`` to ``end`` (created on, inclusive), by id."""
    return PeriodDeals(
        workspace.currency,
        _deals(workspace, sql_opportunities(workspace, start, end), "created_on"),
    )


def campaign_sqls(
    workspace: Workspace, campaign_id: int, start: dt.date, end: dt.date
) -> PeriodDeals:
    """The SQLs of the period (``sqls_in_period``) whose lead came from the campaign (the lead's
    source campaign), by id: the campaign debrief's SQLs and their pipeline."""
    opportunities = sql_opportunities(workspace, start, end).filter(
        lead__source_campaign_id=campaign_id
    )
    return PeriodDeals(workspace.currency, _deals(workspace, opportunities, "created_on"))
