"""Permission-scoped reads of the funnel: a lead's SLA clocks, breaches, catalogues."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db.models import Count, F, Q, QuerySet, Sum, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from cordee.core.actor import Actor
from cordee.core.errors import PermissionDenied
from cordee.core.records import record_list
from cordee.funnel.models import (
    STAGE_PROBABILITY,
    Lead,
    LeadStageChange,
    MqlThresholdChange,
    Opportunity,
    OpportunityStage,
    OpportunityStageChange,
    RejectionReason,
    RoutingFallback,
    ScoringRule,
    SlaBreach,
    SlaContract,
    Stage,
    Task,
)
from cordee.funnel.records import OPPORTUNITIES
from cordee.funnel.sla import load_cycles
from cordee.funnel.won import WonInPeriod, won_in_period
from cordee.people.models import PodMember
from cordee.tenancy.roles import Role


@dataclass(frozen=True)
class Clock:
    name: str
    due_at: dt.datetime
    met: bool
    breached: bool


@dataclass(frozen=True)
class LeadSla:
    contract: SlaContract
    mql_at: dt.datetime
    business_seconds_used: int
    attempts_made: int
    attempts_required: int
    clocks: tuple[Clock, ...]
    breaches: tuple[SlaBreach, ...]


def leads_sla(
    *, actor: Actor, leads: list[Lead], at: dt.datetime | None = None
) -> dict[int, LeadSla]:
    """The SLA clocks of each lead's current MQL cycle as of ``at`` (one vectorised evaluation for
    the whole list): due instants in the workspace's time zone, business time used since MQL
    (until the decision, if any), attempts made, breaches recorded. Leads no signed contract
    governs are absent from the result."""
    at = at or timezone.now()
    mine = [
        lead
        for lead in leads
        if lead.workspace_id == actor.workspace.pk and lead.mql_at is not None
    ]
    if not mine:
        return {}
    oldest = min(lead.mql_at for lead in mine if lead.mql_at is not None)
    lookback = max(at - oldest, dt.timedelta(0)) + dt.timedelta(days=1)
    cycles = load_cycles(
        actor.workspace, at, lookback=lookback, lead_ids=[lead.pk for lead in mine]
    )
    if cycles is None:
        return {}
    tz = actor.workspace.zone
    c = cycles.clocks
    now = int(at.timestamp())
    used = cycles.clock.between(
        np.floor(cycles.mql_at).astype(np.int64), np.minimum(cycles.decided, now)
    )
    breaches: dict[int, list[SlaBreach]] = {}
    for breach in SlaBreach.objects.filter(
        workspace=actor.workspace, lead_id__in=[int(i) for i in cycles.ids]
    ).order_by("due_at"):
        breaches.setdefault(breach.lead_id or 0, []).append(breach)

    def local(epoch: int) -> dt.datetime:
        return dt.datetime.fromtimestamp(int(epoch), tz=tz)

    result: dict[int, LeadSla] = {}
    for i, lead_id in enumerate(int(x) for x in cycles.ids):
        contract = cycles.contracts[int(cycles.which[i])]
        result[lead_id] = LeadSla(
            contract=contract,
            mql_at=cycles.mql_datetime(i).astimezone(tz),
            business_seconds_used=int(used[i]),
            attempts_made=int(c.attempts_made[i]),
            attempts_required=contract.attempts_required,
            clocks=(
                Clock(
                    "first_touch",
                    local(c.first_touch_due[i]),
                    bool(c.first_touch_at[i] <= c.first_touch_due[i]),
                    bool(c.first_touch_breached[i]),
                ),
                Clock(
                    "decision",
                    local(c.decision_due[i]),
                    bool(cycles.decided[i] <= c.decision_due[i]),
                    bool(c.decision_breached[i]),
                ),
                Clock(
                    "attempts",
                    local(c.attempts_due[i]),
                    bool(c.attempts_made[i] >= contract.attempts_required),
                    bool(c.attempts_breached[i]),
                ),
            ),
            breaches=tuple(
                b for b in breaches.get(lead_id, []) if b.mql_at == cycles.mql_datetime(i)
            ),
        )
    return result


def lead_sla(*, actor: Actor, lead: Lead, at: dt.datetime | None = None) -> LeadSla | None:
    """``leads_sla`` for one lead; None when no signed contract governs it."""
    return leads_sla(actor=actor, leads=[lead], at=at).get(lead.pk)


def breaches_list(*, actor: Actor, params: dict[str, str] | None = None) -> QuerySet[SlaBreach]:
    params = params or {}
    qs = SlaBreach.objects.filter(workspace=actor.workspace).select_related(
        "lead__contact", "owner", "pod", "contract"
    )
    for name in ("kind", "side"):
        if params.get(name):
            qs = qs.filter(**{name: params[name]})
    if params.get("pod"):
        qs = qs.filter(pod_id=params["pod"])
    if params.get("committee_pending") in {"true", "1"}:
        qs = qs.filter(committee_pending=True)
    return qs.order_by("-due_at", "-id")


def contracts_list(*, actor: Actor) -> QuerySet[SlaContract]:
    return SlaContract.objects.filter(workspace=actor.workspace).select_related(
        "pod", "marketing_signed_by", "sales_signed_by"
    )


def rejection_reasons(*, actor: Actor) -> QuerySet[RejectionReason]:
    return RejectionReason.objects.filter(workspace=actor.workspace, is_active=True)


def scoring_rules(*, actor: Actor) -> QuerySet[ScoringRule]:
    return ScoringRule.objects.filter(workspace=actor.workspace)


def mql_queue(
    *,
    actor: Actor,
    pod_id: int | None = None,
    everyone: bool = False,
    unowned: bool = False,
) -> QuerySet[Lead]:
    """MQLs waiting for a sales decision, oldest first. A rep sees their own (``everyone=False``)
    or, with ``pod_id``, their pod's; another pod's queue only if the workspace allows it;
    managers and RevOps see any pod's and the whole workspace's, or (``unowned``) the MQLs
    nobody could be found for."""

    qs = Lead.objects.filter(workspace=actor.workspace, stage=Stage.MQL).select_related(
        "contact__account", "owner", "pod", "source_campaign"
    )
    is_manager = actor.role in {
        Role.SALES_MANAGER,
        Role.MARKETING_MANAGER,
        Role.REVOPS_ADMIN,
        Role.EXECUTIVE,
    }
    if pod_id is not None:
        member = PodMember.objects.filter(pod_id=pod_id, user=actor.user).exists()
        if not (is_manager or member or actor.workspace.allow_cross_pod_queues):
            from django.utils.translation import gettext

            raise PermissionDenied(gettext("You can only see the queue of your own pods."))
        qs = qs.filter(pod_id=pod_id)
    elif not ((everyone or unowned) and is_manager):
        qs = qs.filter(owner=actor.user)
    if unowned:
        qs = qs.filter(owner__isnull=True)
    return qs.order_by("mql_at", "id")


def unowned_mql_count(*, actor: Actor) -> int:
    """How many MQLs wait with nobody to call them (no rule, fallback or rep could take them)."""
    return Lead.objects.filter(
        workspace=actor.workspace, stage=Stage.MQL, owner__isnull=True
    ).count()


def mql_entries(*, actor: Actor, leads: list[Lead]) -> dict[int, LeadStageChange]:
    """The history row by which each lead entered its current MQL cycle (its latest into MQL)."""
    entries: dict[int, LeadStageChange] = {}
    for change in (
        LeadStageChange.objects.filter(
            workspace=actor.workspace, lead_id__in=[lead.pk for lead in leads], to_stage=Stage.MQL
        )
        .select_related("actor")
        .order_by("at", "id")
    ):
        entries[change.lead_id] = change
    return entries


def mql_threshold_changes(*, actor: Actor) -> QuerySet[MqlThresholdChange]:
    """The workspace's MQL threshold changes, latest first, with who made them."""
    return MqlThresholdChange.objects.filter(workspace=actor.workspace).select_related("changed_by")


def routing_fallback(*, actor: Actor) -> RoutingFallback | None:
    """Who takes the MQLs no routing rule places, if RevOps set it."""
    return (
        RoutingFallback.objects.filter(workspace=actor.workspace)
        .select_related("pod", "user", "changed_by")
        .first()
    )


def latest_by_stage(*, actor: Actor, per_stage: int = 6) -> dict[str, list[Lead]]:
    """The most recent leads of every stage: one short index scan per stage (a constant eight
    queries; a window function over the whole workspace would rank every lead)."""

    return {
        stage: list(
            Lead.objects.filter(workspace=actor.workspace, stage=stage)
            .select_related("contact__account", "owner")
            .order_by("-stage_entered_at", "-id")[:per_stage]
        )
        for stage in Stage.values
    }


_CLOSED = (OpportunityStage.WON, OpportunityStage.LOST)


def lead_history(*, actor: Actor, lead: Lead) -> QuerySet[LeadStageChange]:
    """A lead's stage changes in time order (the lead was already fetched for ``actor``)."""
    return (
        LeadStageChange.objects.filter(workspace=actor.workspace, lead=lead)
        .select_related("actor")
        .order_by("at", "id")
    )


def account_opportunities(*, actor: Actor, account_id: int) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(
        workspace=actor.workspace, account_id=account_id
    ).select_related("owner")


def contact_leads(*, actor: Actor, contact_id: int) -> QuerySet[Lead]:
    return Lead.objects.filter(workspace=actor.workspace, contact_id=contact_id).select_related(
        "owner", "source_campaign"
    )


def campaign_leads(*, actor: Actor, campaign_id: int, limit: int = 25) -> QuerySet[Lead]:
    return Lead.objects.filter(
        workspace=actor.workspace, source_campaign_id=campaign_id
    ).select_related("contact", "contact__account", "owner")[:limit]


def campaign_opportunities(
    *, actor: Actor, campaign_id: int, limit: int = 25
) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(
        workspace=actor.workspace, primary_campaign_id=campaign_id
    ).select_related("account", "owner")[:limit]


def campaign_results(*, actor: Actor, campaign_id: int) -> dict[str, object]:
    """What a campaign sourced: leads, opportunities, their pipeline and won amounts."""
    ws = actor.workspace
    leads = Lead.objects.filter(workspace=ws, source_campaign_id=campaign_id).count()
    opps = Opportunity.objects.filter(
        workspace=ws, primary_campaign_id=campaign_id, currency=ws.currency
    ).aggregate(
        count=Count("id"),
        pipeline=Sum("amount"),
        won=Sum("amount", filter=Q(stage=OpportunityStage.WON)),
    )
    return {
        "leads": leads,
        "opportunities": opps["count"] or 0,
        "pipeline": opps["pipeline"] or Decimal("0"),
        "won": opps["won"] or Decimal("0"),
    }


def lead_stage_counts(*, actor: Actor) -> list[tuple[str, str, int]]:
    """The waterfall: (stage, label, leads now in it) for every stage, in funnel order."""
    counts = dict(
        Lead.objects.filter(workspace=actor.workspace)
        .order_by()
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    return [(value, str(label), counts.get(value, 0)) for value, label in Stage.choices]


def open_pipeline(*, actor: Actor) -> dict[str, object]:
    """Open opportunities in the workspace currency: how many and their total amount."""
    ws = actor.workspace
    result = (
        Opportunity.objects.filter(workspace=ws, currency=ws.currency)
        .exclude(stage__in=_CLOSED)
        .aggregate(count=Count("id"), amount=Sum("amount"))
    )
    return {"count": result["count"] or 0, "amount": result["amount"] or Decimal("0")}


def won_deals(*, actor: Actor, start: dt.date, end: dt.date) -> WonInPeriod:
    """The deals won in the period (``funnel.won``): their count, revenue and other currencies.
    Every member may read them."""
    return won_in_period(actor.workspace, start, end)


def opportunity_history(
    *, actor: Actor, opportunity: Opportunity
) -> QuerySet[OpportunityStageChange]:
    """An opportunity's stage changes, oldest first."""
    return OpportunityStageChange.objects.filter(
        workspace=actor.workspace, opportunity=opportunity
    ).order_by("at", "id")


# -- the opportunity board ---------------------------------------------------------------------

BOARD_CARDS = 50  # cards shown per column; the sums count every opportunity of the column


@dataclass(frozen=True)
class CurrencySum:
    count: int
    amount: Decimal
    weighted: Decimal  # Σ amount × the stage's probability ÷ 100


@dataclass(frozen=True)
class BoardColumn:
    stage: str
    label: str
    probability: int  # percent
    count: int  # every currency
    amount: Decimal  # the workspace currency
    weighted: Decimal
    other_currencies: dict[str, CurrencySum]  # apart, never converted
    cards: list[Opportunity]


@dataclass(frozen=True)
class OpportunityBoard:
    currency: str
    columns: list[BoardColumn]
    open_amount: Decimal  # the open stages, in the workspace currency
    open_weighted: Decimal


def opportunity_board(*, actor: Actor, params: Mapping[str, str] | None = None) -> OpportunityBoard:
    """The pipeline by stage: per column, its opportunities (the first ``BOARD_CARDS`` by close
    date) and their amount and weighted amount (Σ amount × ``STAGE_PROBABILITY`` ÷ 100) in the
    workspace currency, other currencies apart. ``params`` are the list's filters (close dates,
    owner, pod, forecast category, search). Two queries, whatever the number of opportunities."""
    params = {k: v for k, v in (params or {}).items() if k != "sort"}
    found = record_list(actor=actor, spec=OPPORTUNITIES, params=params)
    sums: dict[str, dict[str, CurrencySum]] = {stage: {} for stage in OpportunityStage.values}
    for row in (
        found.order_by().values("stage", "currency").annotate(n=Count("id"), s=Sum("amount"))
    ):
        amount = row["s"] or Decimal("0")
        weighted = (amount * STAGE_PROBABILITY[row["stage"]] / 100).quantize(Decimal("0.01"))
        sums[row["stage"]][row["currency"]] = CurrencySum(row["n"], amount, weighted)
    ranked = found.annotate(
        place=Window(
            RowNumber(),
            partition_by=[F("stage")],
            order_by=[F("close_date").asc(nulls_last=True), F("id").asc()],
        )
    ).filter(place__lte=BOARD_CARDS)
    cards: dict[str, list[Opportunity]] = {stage: [] for stage in OpportunityStage.values}
    for opportunity in ranked.order_by("close_date", "id"):
        cards[opportunity.stage].append(opportunity)
    zero = CurrencySum(0, Decimal("0"), Decimal("0"))
    currency = actor.workspace.currency
    columns = [
        BoardColumn(
            stage=stage,
            label=str(label),
            probability=STAGE_PROBABILITY[stage],
            count=sum(s.count for s in sums[stage].values()),
            amount=sums[stage].get(currency, zero).amount,
            weighted=sums[stage].get(currency, zero).weighted,
            other_currencies={c: s for c, s in sorted(sums[stage].items()) if c != currency},
            cards=cards[stage],
        )
        for stage, label in OpportunityStage.choices
    ]
    opened = [c for c in columns if c.stage not in _CLOSED]
    return OpportunityBoard(
        currency=currency,
        columns=columns,
        open_amount=sum((c.amount for c in opened), Decimal("0")),
        open_weighted=sum((c.weighted for c in opened), Decimal("0")),
    )


def tasks_list(
    *, actor: Actor, owner_id: int | None = None, done: bool | None = False
) -> QuerySet[Task]:
    """The workspace's tasks by due time: one owner's (``owner_id``), open ones by default."""
    qs = Task.objects.filter(workspace=actor.workspace).order_by("due_at", "id")
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if done is not None:
        qs = qs.filter(done_at__isnull=not done)
    return qs
