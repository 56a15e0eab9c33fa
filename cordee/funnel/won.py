"""The deals won in a period — the one definition the funnel and attribution share.

A deal is **won in the period** when its opportunity is at stage won and its close date (a date
of the workspace calendar, so already in the workspace time zone) falls from ``start`` to ``end``
inclusive; a won deal without a close date is in no period. **Won revenue** is the sum of their
amounts in the workspace currency (a blank currency is the workspace's); deals in another
currency are counted among the won deals and their amounts reported apart, per currency, never
converted — as the funnel's pipeline does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from cordee.funnel.models import Opportunity, OpportunityStage
from cordee.tenancy.models import Workspace


@dataclass(frozen=True)
class WonDeal:
    id: int
    lead_id: int | None
    amount: Decimal
    currency: str  # the workspace currency when the deal's is blank
    created_on: dt.date
    close_date: dt.date


@dataclass(frozen=True)
class WonInPeriod:
    currency: str
    deals: tuple[WonDeal, ...]

    @property
    def count(self) -> int:
        return len(self.deals)

    @property
    def revenue(self) -> Decimal:
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


def won_opportunities(workspace: Workspace, start: dt.date, end: dt.date) -> QuerySet[Opportunity]:
    """The opportunities won from ``start`` to ``end`` (close dates, inclusive)."""
    return Opportunity.objects.filter(
        workspace=workspace,
        stage=OpportunityStage.WON,
        close_date__gte=start,
        close_date__lte=end,
    )


def won_in_period(workspace: Workspace, start: dt.date, end: dt.date) -> WonInPeriod:
    """The workspace's deals won from ``start`` to ``end`` (close dates, inclusive), by id."""
    rows = (
        won_opportunities(workspace, start, end)
        .order_by("id")
        .values_list("id", "lead_id", "amount", "currency", "created_on", "close_date")
    )
    return WonInPeriod(
        currency=workspace.currency,
        deals=tuple(
            WonDeal(pk, lead, amount, currency or workspace.currency, created, closed)
            for pk, lead, amount, currency, created, closed in rows
            if closed is not None  # the filter on close_date already excludes them
        ),
    )
