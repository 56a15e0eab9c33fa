"""SLA contracts applied to live data: which contract governs a lead, and breach detection.

Data is read in a few column queries per workspace and handed to ``cordee.analytics.sla`` as
NumPy arrays; business time comes from the workspace calendar. Nothing is computed lead by lead
in Python.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from cordee.analytics import sla as engine
from cordee.core.business_time import (
    WEEKDAYS,
    BusinessCalendar,
    BusinessClock,
    from_epoch,
    local_dates,
    to_epoch,
)
from cordee.core.columns import float_columns, ints, mapped, seconds
from cordee.funnel.models import (
    BreachKind,
    DecisionKind,
    Lead,
    LeadDecision,
    LeadStageChange,
    SlaBreach,
    SlaContract,
    Stage,
    Touchpoint,
)
from cordee.funnel.routing import lead_route
from cordee.tenancy.models import Membership, Workspace

DEFAULT_LOOKBACK = dt.timedelta(days=90)
SILENT_AFTER = dt.timedelta(days=7)


def workspace_calendar(workspace: Workspace) -> BusinessCalendar:
    return BusinessCalendar.build(
        time_zone=workspace.time_zone,
        windows=workspace.business_hours,
        country=workspace.country,
        subdivision=workspace.subdivision,
        extra_holidays=workspace.extra_holidays,
        worked_holidays=workspace.worked_holidays,
    )


def business_day_seconds(calendar: BusinessCalendar) -> int:
    """The length of a usual working day: the most common total of the working weekdays' windows."""
    totals = []
    for day in WEEKDAYS:
        seconds = 0
        for start, end in calendar.windows.get(day, ()):
            h1, m1 = (int(x) for x in start.split(":"))
            h2, m2 = (int(x) for x in end.split(":"))
            seconds += (h2 * 60 + m2 - h1 * 60 - m1) * 60
        if seconds:
            totals.append(seconds)
    return Counter(totals).most_common(1)[0][0] if totals else 8 * 3600


def touches_count(
    actors: np.ndarray, owners: np.ndarray, team_of: Mapping[int, int | None]
) -> np.ndarray:
    """THE rule of whose sales activities count for a lead's SLA clocks (first touch,
    attempts): the lead's owner's, a member of the owner's team's, or an unattributed one's
    (synced from a CRM: 0 here). ``actors`` and ``owners`` are user ids (0: none), pairwise;
    ``team_of`` maps a member to their team. Marketing touches never reach this rule: only
    ``is_sales_activity`` rows are read."""
    actor_team = mapped(actors, team_of, -1)
    owner_team = mapped(owners, team_of, -2)
    return (actors == 0) | (actors == owners) | (actor_team == owner_team)


def team_of_members(
    workspace: Workspace, user_ids: list[int] | None = None
) -> dict[int, int | None]:
    """Each member's team (all members, or those of ``user_ids``)."""
    members = Membership.objects.filter(workspace=workspace)
    if user_ids is not None:
        members = members.filter(user_id__in=user_ids)
    return dict(members.values_list("user_id", "team_id"))


def activity_counts(workspace: Workspace, *, actor_id: int | None, owner_id: int | None) -> bool:
    """Whether a sales activity by ``actor_id`` on a lead owned by ``owner_id`` counts for
    its SLA clocks (``touches_count`` for one pair)."""
    team_of = team_of_members(workspace, [i for i in (actor_id, owner_id) if i])
    pair = touches_count(
        np.array([actor_id or 0], dtype=np.int64),
        np.array([owner_id or 0], dtype=np.int64),
        team_of,
    )
    return bool(pair[0])


def _hours(value: Decimal) -> int:
    return int(Decimal(value) * 3600)


def governing_contracts(
    contracts: list[SlaContract], pod_ids: np.ndarray, industries: np.ndarray, mql_days: np.ndarray
) -> np.ndarray:
    """Index into ``contracts`` of the contract governing each lead (−1: none).

    Precedence: a pod contract over a segment (industries) contract over the workspace default;
    among equals, the latest period start, then the latest created. Only signed contracts
    whose period contains the lead's MQL day apply.
    """
    chosen = np.full(len(pod_ids), -1, dtype=np.int64)
    ranked = sorted(
        ((c.scope_rank, c.period_start, c.pk, i) for i, c in enumerate(contracts) if c.is_signed),
        key=lambda r: (-r[0], r[1], r[2]),
    )
    for _rank, _start, _pk, i in ranked:  # lowest precedence first: later assignments win
        c = contracts[i]
        mask = (mql_days >= np.datetime64(c.period_start)) & (
            mql_days <= np.datetime64(c.period_end)
        )
        if c.pod_id:
            mask &= pod_ids == c.pod_id
        elif c.industries:
            mask &= np.isin(industries, list(c.industries))
        chosen[mask] = i
    return chosen


@dataclass(frozen=True)
class FirstTouchDue:
    """When an MQL arriving at ``arrival`` must first be touched, and under which contract."""

    arrival: dt.datetime
    contract: SlaContract
    due_at: dt.datetime


def first_touch_due(
    workspace: Workspace, arrival: dt.datetime, *, pod_id: int | None = None, industry: str = ""
) -> FirstTouchDue | None:
    """The first-touch due time of an MQL arriving at ``arrival`` (in ``pod_id``, from an
    account of ``industry``), by the contract that would govern it and the workspace's
    calendar — the clocks of ``load_cycles`` for one lead. ``workspace`` may hold settings not
    saved yet (a preview). None when no signed contract covers that day."""
    tz = workspace.zone
    contracts = list(
        SlaContract.objects.filter(
            workspace_id=workspace.pk,
            period_start__lte=arrival.astimezone(tz).date(),
            period_end__gte=arrival.astimezone(tz).date(),
        )
    )
    which = governing_contracts(
        contracts,
        np.array([pod_id or 0], dtype=np.int64),
        np.array([industry], dtype=object),
        np.array([arrival.astimezone(tz).date()], dtype="datetime64[D]"),
    )
    if which[0] < 0:
        return None
    contract = contracts[int(which[0])]
    clock = BusinessClock.around(workspace_calendar(workspace), arrival, arrival, margin_days=120)
    due = clock.due([to_epoch(arrival)], [_hours(contract.first_touch_hours)])[0]
    return FirstTouchDue(arrival, contract, from_epoch(int(due)))


@dataclass
class CheckResult:
    at: dt.datetime
    new: Counter[str] = field(default_factory=Counter)
    leads_checked: int = 0

    @property
    def total_new(self) -> int:
        return sum(self.new.values())


@dataclass
class Cycles:
    """The current MQL cycle of every governed lead, with its clocks evaluated as of ``at``."""

    ids: np.ndarray
    mql_at: np.ndarray  # epoch seconds (float, exact to the microsecond)
    owners: np.ndarray
    pods: np.ndarray
    which: np.ndarray
    contracts: list[SlaContract]
    decided: np.ndarray
    clock: BusinessClock
    clocks: engine.LeadClocks

    def mql_datetime(self, i: int) -> dt.datetime:
        """The ``i``-th lead's MQL instant (aware, UTC), as stored."""
        return dt.datetime.fromtimestamp(float(self.mql_at[i]), tz=dt.UTC)


def _match(ids: np.ndarray, lead_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in the sorted ``ids`` of each of ``lead_ids``, and which were found."""
    pos = np.searchsorted(ids, lead_ids)
    pos = np.clip(pos, 0, len(ids) - 1)
    return pos, ids[pos] == lead_ids


def _only(qs: QuerySet[Any], lead_ids: list[int] | None) -> QuerySet[Any]:
    """Restrict to a page's leads when the caller asked for a few (the queue, a lead page)."""
    return qs if lead_ids is None else qs.filter(lead_id__in=lead_ids)


@dataclass(frozen=True)
class LeadRows:
    """Leads as columns, by id: MQL instant (epoch seconds, NaN: none), owner and pod (0:
    none) — read once by a caller that needs them for the SLA clocks and the cycles alike."""

    id: np.ndarray
    mql: np.ndarray
    owner: np.ndarray
    pod: np.ndarray


def lead_rows(workspace: Workspace) -> LeadRows:
    """Every lead of the workspace (``LeadRows``)."""
    ids, mql, owner, pod = float_columns(
        Lead.objects.filter(workspace=workspace).order_by("id"),
        ("id", "mql_at", "owner_id", "pod_id"),
        instants=("mql_at",),
    )
    return LeadRows(ints(ids), mql, ints(owner), ints(pod))


@dataclass(frozen=True)
class DecisionRows:
    """Sales' decisions as columns: the lead, the MQL decided and the decision's instant
    (epoch seconds), whether it is a rejection."""

    lead: np.ndarray
    mql: np.ndarray
    reject: np.ndarray
    decided: np.ndarray


def decision_rows(queryset: QuerySet[Any]) -> DecisionRows:
    """The decisions of ``queryset`` (``DecisionRows``), in no particular order."""
    lead, mql, kind, decided = float_columns(
        queryset.order_by(),
        ("lead_id", "mql_at", "kind", "decided_at"),
        instants=("mql_at", "decided_at"),
        codes={"kind": [DecisionKind.REJECT]},
    )
    return DecisionRows(ints(lead), mql, kind == 1, decided)


def load_cycles(
    workspace: Workspace,
    at: dt.datetime,
    *,
    lookback: dt.timedelta = DEFAULT_LOOKBACK,
    lead_ids: list[int] | None = None,
    leads_read: LeadRows | None = None,
    decisions_read: DecisionRows | None = None,
) -> Cycles | None:
    """Read the columns the SLA clocks need (a few queries) and evaluate every clock. A caller
    that read every lead (``lead_rows``) or the decisions from ``at - lookback`` on
    (``decision_rows``) for other needs too may hand them over: they are not read again."""
    lower = at - lookback
    contracts = list(
        SlaContract.objects.filter(workspace=workspace, period_end__gte=workspace.today(lower))
    )
    if not any(c.is_signed for c in contracts):
        return None
    leads = Lead.objects.filter(
        workspace=workspace, mql_at__isnull=False, mql_at__gte=lower, mql_at__lte=at
    )
    if lead_ids is not None:
        leads = leads.filter(pk__in=lead_ids)
    # mql_at is not NULL here (filtered above); the industries the contracts name, coded
    # (their accounts are not joined when no contract names one)
    named = sorted({i for c in contracts for i in (c.industries or [])})
    if leads_read is not None and not named and lead_ids is None:
        window = (leads_read.mql >= lower.timestamp()) & (leads_read.mql <= at.timestamp())
        lead_id, mql_all = leads_read.id[window], leads_read.mql[window]
        owner_all, pods_all = leads_read.owner[window], leads_read.pod[window]
        industry_code = np.zeros(len(lead_id))
    else:
        industry = ("contact__account__industry",) if named else ()
        lead_col, mql_all, owner_col, pod_col, *coded = float_columns(
            leads.order_by("id"),
            ("id", "mql_at", "owner_id", "pod_id", *industry),
            instants=("mql_at",),
            codes={"contact__account__industry": named},
        )
        lead_id, owner_all, pods_all = ints(lead_col), ints(owner_col), ints(pod_col)
        industry_code = coded[0] if coded else np.zeros(len(lead_id))
    if not len(lead_id):
        return None
    calendar = workspace_calendar(workspace)
    which = governing_contracts(
        contracts,
        pods_all,
        np.array(["", *named], dtype=object)[industry_code.astype(np.int64)],
        local_dates(mql_all, calendar.tz),
    )
    governed = which >= 0
    if not governed.any():
        return None
    which = which[governed]
    ids = lead_id[governed]
    mql_at = mql_all[governed]
    mql = seconds(mql_at)
    owners = owner_all[governed]
    pods = pods_all[governed]

    # decisions taken on the current MQL cycle
    decided = np.full(len(ids), engine.NEVER, dtype=np.int64)
    rejected = np.full(len(ids), engine.NEVER, dtype=np.int64)
    if decisions_read is None or lead_ids is not None:
        decisions_read = decision_rows(
            _only(LeadDecision.objects.filter(workspace=workspace, mql_at__gte=lower), lead_ids)
        )
    d = decisions_read
    if len(d.lead):
        pos, found = _match(ids, d.lead)
        d_mql, d_at = seconds(d.mql), seconds(d.decided)
        same_cycle = found & (mql[pos] == d_mql) & (d.mql >= lower.timestamp())
        decided[pos[same_cycle]] = d_at[same_cycle]
        rejected[pos[same_cycle & d.reject]] = d_at[same_cycle & d.reject]

    # sales activities by the owner or the owner's team (or unattributed, e.g. synced from a CRM)
    team_of = team_of_members(workspace)
    t_lead_col, t_actor_col, t_at_col = float_columns(
        _only(
            Touchpoint.objects.filter(
                workspace=workspace,
                is_sales_activity=True,
                lead__isnull=False,
                occurred_at__gte=lower,
            ),
            lead_ids,
        ).order_by(),
        ("lead_id", "actor_id", "occurred_at"),
        instants=("occurred_at",),
    )
    t_lead = np.empty(0, dtype=np.int64)
    t_at = np.empty(0, dtype=np.int64)
    if len(t_lead_col):
        pos, found = _match(ids, ints(t_lead_col))
        counts = found & touches_count(ints(t_actor_col), owners[pos], team_of)
        t_lead = pos[counts]
        t_at = seconds(t_at_col)[counts]

    day = business_day_seconds(calendar)

    def terms(values: list[int]) -> np.ndarray:
        return np.array(values, dtype=np.int64)[which]

    first, last = (from_epoch(int(x)) for x in (mql.min(), mql.max()))
    clock = BusinessClock.around(calendar, first, max(at, last), margin_days=120)
    clocks = engine.lead_clocks(
        clock=clock,
        now=to_epoch(at),
        mql_at=mql,
        decided_at=decided,
        rejected_at=rejected,
        touch_lead=t_lead,
        touch_at=t_at,
        # each contract's terms, then each lead's contract's
        first_touch_seconds=terms([_hours(c.first_touch_hours) for c in contracts]),
        decision_seconds=terms([_hours(c.decision_hours) for c in contracts]),
        attempts_required=terms([c.attempts_required for c in contracts]),
        attempts_window_seconds=terms([c.attempts_within_days * day for c in contracts]),
    )
    return Cycles(ids, mql_at, owners, pods, which, contracts, decided, clock, clocks)


def contracts_start(workspace: Workspace, at: dt.datetime) -> dt.datetime | None:
    """The first instant a signed contract governs (local midnight of the earliest period start
    up to ``at``); None when no signed contract has begun."""
    starts = [
        c.period_start
        for c in SlaContract.objects.filter(
            workspace=workspace, period_start__lte=workspace.today(at)
        )
        if c.is_signed
    ]
    if not starts:
        return None
    return dt.datetime.combine(min(starts), dt.time(0), tzinfo=workspace.zone)


def sla_check_workspace(
    workspace: Workspace,
    at: dt.datetime,
    *,
    lookback: dt.timedelta | None = None,
    replay: bool = False,
) -> CheckResult:
    """Detect the sales-side breaches of ``workspace`` as of ``at`` and record each once. Every
    MQL cycle since the start of each signed contract is judged (a contract started 200 days
    ago still has its old breaches found, from an import or a check that did not run), unless a
    ``lookback`` narrows it. ``replay`` (history written after the fact, as the demo does): each
    breach is recorded as detected when it fell due, as the periodic check would have seen it
    then."""
    result = CheckResult(at=at)
    if lookback is None:
        since = contracts_start(workspace, at)
        if since is None:
            return result
        lookback = max(at - since, dt.timedelta(0))
    cycles = load_cycles(workspace, at, lookback=lookback)
    if cycles is None:
        return result
    result.leads_checked = len(cycles.ids)
    imported_mql = set(
        LeadStageChange.objects.filter(
            workspace=workspace, to_stage=Stage.MQL, imported=True, at__gte=at - lookback
        ).values_list("lead_id", "at")
    )
    _record(workspace, at, result, cycles, imported_mql, at - lookback, replay=replay)
    return result


def _record(
    workspace: Workspace,
    at: dt.datetime,
    result: CheckResult,
    cycles: Cycles,
    imported_mql: set[tuple[int, dt.datetime]],
    lower: dt.datetime,
    *,
    replay: bool = False,
) -> None:
    """Write the breaches not recorded yet. Keys already recorded are read once for the window
    and compared before any row object is built, so a steady-state check writes nothing and
    builds nothing."""
    ids, owners, pods, which = (
        cycles.ids,
        cycles.owners,
        cycles.pods,
        cycles.which,
    )
    contracts, clocks = cycles.contracts, cycles.clocks
    existing = set(
        SlaBreach.objects.filter(
            workspace=workspace, lead__isnull=False, mql_at__gte=lower
        ).values_list("lead_id", "kind", "mql_at")
    )
    fresh: list[SlaBreach] = []
    for kind, flags, due, extra in (
        (BreachKind.FIRST_TOUCH, clocks.first_touch_breached, clocks.first_touch_due, None),
        (BreachKind.DECISION, clocks.decision_breached, clocks.decision_due, None),
        (BreachKind.ATTEMPTS, clocks.attempts_breached, clocks.attempts_due, clocks.attempts_made),
    ):
        for i in np.flatnonzero(flags):
            lead_id = int(ids[i])
            mql_at = cycles.mql_datetime(int(i))
            if (lead_id, kind, mql_at) in existing:
                continue
            due_at = dt.datetime.fromtimestamp(int(due[i]), tz=dt.UTC)
            fresh.append(
                SlaBreach(
                    workspace=workspace,
                    contract=contracts[int(which[i])],
                    kind=kind,
                    side="sales",
                    lead_id=lead_id,
                    mql_at=mql_at,
                    owner_id=int(owners[i]) or None,
                    pod_id=int(pods[i]) or None,
                    due_at=due_at,
                    detected_at=due_at if replay else at,
                    detail={"attempts_made": int(extra[i])} if extra is not None else {},
                    silent=(lead_id, mql_at) in imported_mql or due_at < at - SILENT_AFTER,
                )
            )
    if not fresh:
        return
    with transaction.atomic():
        SlaBreach.objects.bulk_create(fresh, batch_size=2000, ignore_conflicts=True)
    result.new.update(b.kind for b in fresh)
    _reassign_late_leads(
        at, [b for b in fresh if b.kind == BreachKind.FIRST_TOUCH and not b.silent]
    )


def _reassign_late_leads(at: dt.datetime, breaches: list[SlaBreach]) -> None:
    """Contracts that say so hand a lead untouched past its first-touch due time to the next rep
    of the pod. The SLA clocks keep running from the original MQL instant."""

    wanted = [b for b in breaches if b.contract is not None and b.contract.reassign_on_breach]
    if not wanted:
        return
    leads = Lead.objects.select_related("contact__account", "pod").in_bulk(
        [b.lead_id for b in wanted]
    )
    for breach in wanted:
        lead = leads.get(breach.lead_id)
        if lead is not None and lead.stage in (Stage.MQL, Stage.SAL):
            lead_route(
                lead=lead,
                at=breach.detected_at or at,  # ``at`` but when history is replayed
                exclude_owner=True,
                why="sla_reassigned",
            )


def sla_check(
    *, at: dt.datetime | None = None, workspace: Workspace | None = None
) -> list[CheckResult]:
    """Run the breach detection for one workspace or all, as of ``at`` (default: now)."""
    at = at or timezone.now()
    workspaces = [workspace] if workspace else list(Workspace.objects.all())
    results = []
    for ws in workspaces:
        result = sla_check_workspace(ws, at)
        result.new.update(sla_check_marketing(ws, at))
        results.append(result)
    return results


@dataclass(frozen=True)
class MarketingStatus:
    """Marketing's side of one contract as of an instant: volume and quality so far, and the
    volume projected to the period end at the current pace (straight line)."""

    contract_id: int
    mqls: int
    projected_mqls: int
    decided: int
    accepted: int
    period_fraction: float
    committed: int = 0  # the contract's MQL volume

    @property
    def volume_state(self) -> str:
        """``none`` when the contract commits no MQL (nothing to keep: neither green nor red),
        ``on_track`` when the projection reaches the commitment, ``behind`` otherwise."""
        if self.committed <= 0:
            return "none"
        return "on_track" if self.projected_mqls >= self.committed else "behind"

    @property
    def acceptance_rate(self) -> Decimal | None:
        """SAL ÷ MQL decided, in percent (None before any decision)."""
        if not self.decided:
            return None
        return (Decimal(self.accepted) * 100 / Decimal(self.decided)).quantize(Decimal("0.01"))


def _period_bounds(contract: SlaContract, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(contract.period_start, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(contract.period_end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start, end


def marketing_status(contract: SlaContract, at: dt.datetime) -> MarketingStatus:
    """MQLs governed by ``contract`` that entered MQL in its period up to ``at``, and the
    decisions taken on those MQL cycles."""
    workspace = contract.workspace
    tz = workspace_calendar(workspace).tz
    start, end = _period_bounds(contract, tz)
    until = min(at, end)
    events = list(
        LeadStageChange.objects.filter(
            workspace=workspace, to_stage=Stage.MQL, at__gte=start, at__lt=until
        )
        .order_by("lead_id")
        .values_list("lead_id", "at", "lead__pod_id", "lead__contact__account__industry")
    )
    contracts = list(
        SlaContract.objects.filter(workspace=workspace, period_end__gte=contract.period_start)
    )
    index = next(i for i, c in enumerate(contracts) if c.pk == contract.pk)
    if events:
        which = governing_contracts(
            contracts,
            np.array([e[2] or 0 for e in events], dtype=np.int64),
            np.array([e[3] or "" for e in events], dtype=object),
            np.array([e[1].astimezone(tz).date() for e in events], dtype="datetime64[D]"),
        )
        mine = {(e[0], e[1]) for e, w in zip(events, which, strict=True) if w == index}
    else:
        mine = set()
    decided = accepted = 0
    if mine:
        for lead_id, mql_at, kind in LeadDecision.objects.filter(
            workspace=workspace, lead_id__in={k[0] for k in mine}, mql_at__gte=start, mql_at__lt=end
        ).values_list("lead_id", "mql_at", "kind"):
            if (lead_id, mql_at) in mine:
                decided += 1
                accepted += kind == DecisionKind.ACCEPT
    span = (end - start).total_seconds()
    fraction = min(max((until - start).total_seconds() / span, 0.0), 1.0) if span else 1.0
    projected = round(len(mine) / fraction) if fraction > 0 else 0
    return MarketingStatus(
        contract.pk, len(mine), projected, decided, accepted, fraction, contract.mql_volume
    )


def marketing_commitments(contract: SlaContract, status: MarketingStatus) -> dict[str, bool]:
    """Marketing's commitments of a contract judged at its period's end, {kind: kept}: the
    volume (MQLs ≥ the committed volume) always; the quality (acceptance rate ≥ the floor) once
    sales decided at least one of its MQLs. ``sla_check_marketing`` records a breach for each
    one not kept; the KPI catalogue counts them (``funnel.kpis``)."""
    judged = {str(BreachKind.MQL_VOLUME): status.mqls >= contract.mql_volume}
    rate = status.acceptance_rate
    if rate is not None:
        judged[str(BreachKind.ACCEPTANCE)] = rate >= contract.acceptance_floor
    return judged


def sla_check_marketing(
    workspace: Workspace, at: dt.datetime, *, replay: bool = False
) -> Counter[str]:
    """Judge marketing's commitments of every signed contract whose period has ended by ``at``
    (``replay``: recorded as detected when the period ended, see ``sla_check_workspace``)."""
    new: Counter[str] = Counter()
    tz = workspace_calendar(workspace).tz
    for contract in SlaContract.objects.filter(
        workspace=workspace, period_end__lt=workspace.today(at)
    ):
        if not contract.is_signed:
            continue
        status = marketing_status(contract, at)
        _start, end = _period_bounds(contract, tz)
        period = f"{contract.period_start.isoformat()}/{contract.period_end.isoformat()}"
        rate = status.acceptance_rate
        kept = marketing_commitments(contract, status)
        findings: list[tuple[str, dict[str, object]]] = []
        if not kept[BreachKind.MQL_VOLUME]:
            findings.append(
                (BreachKind.MQL_VOLUME, {"mqls": status.mqls, "committed": contract.mql_volume})
            )
        if not kept.get(BreachKind.ACCEPTANCE, True):
            findings.append(
                (
                    BreachKind.ACCEPTANCE,
                    {"acceptance_rate": str(rate), "floor": str(contract.acceptance_floor)},
                )
            )
        for kind, detail in findings:
            _breach, created = SlaBreach.objects.get_or_create(
                contract=contract,
                kind=kind,
                period=period,
                defaults={
                    "workspace": workspace,
                    "side": "marketing",
                    "owner": contract.marketing_signed_by,
                    "pod": contract.pod,
                    "due_at": end,
                    "detected_at": end if replay else at,
                    "detail": detail,
                    "silent": end < at - SILENT_AFTER,
                },
            )
            if created:
                new[kind] += 1
    return new
