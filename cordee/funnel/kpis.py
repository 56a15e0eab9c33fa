"""The KPI catalogue's values for a scope and a fiscal period: the permission-scoped reads that
feed ``cordee.analytics.kpis`` (where each KPI is defined, once).

**Period**: a fiscal year (``2027``), quarter (``2027-Q1``) or calendar month (``2027-03``) of
the workspace's fiscal calendar (``analytics.planning.plan_period``, the planner's), its days
read in the workspace time zone: an MQL entered at 23:30 local time on the quarter's last day is
in that quarter, whatever the date in UTC. Opportunity dates (created on, close date) are dates
of the workspace calendar already.

**MQL cycles**: those of ``metrics.cohort_cycles`` whose MQL falls in the period — the funnel
metrics page's cohorts, so MQLs created and SALs equal the page's MQLs and SAL for the same
days. A cycle is *rejected* when a rejection decision was taken on that MQL (the decision's
``mql_at`` is the cycle's opening instant, as the planner matches them), so the acceptance rate
equals the planner's MQL→SAL for the same window.

**Scopes**:

- ``workspace``: everything;
- ``pod:<id>``: the cycles routed to the pod (its first assignment to a pod after the MQL, the
  lead's pod when none: the metrics page's pod cohorts) and the pod's opportunities;
- ``person:<user id>``: what the person owns — a cycle's owner is the lead's owner at the
  decision (the SAL entry, or the rejection), a cycle not decided yet its lead's owner now; an
  opportunity's owner is its owner (Cordée keeps no history of an opportunity's owner: for a
  closed deal, the owner it has, which a closed deal keeps);
- ``side:marketing`` / ``side:sales``: what the people of that side own (each owner's role in
  the workspace today), by the person rule.

**Who reads what**: every member reads the workspace, a side and a pod; a person's values are
read by that person, a manager of the same side, a RevOps admin and an executive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.analytics import kpis as catalogue
from cordee.analytics import planning as maths
from cordee.core.actor import Actor
from cordee.core.columns import float_columns, ints, latest_at_or_before, mapped
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.funnel import metrics, planning, won
from cordee.funnel.models import (
    LeadAssignment,
    LeadDecision,
    Opportunity,
    OpportunityStage,
    SlaContract,
)
from cordee.funnel.sla import (
    DecisionRows,
    LeadRows,
    decision_rows,
    lead_rows,
    load_cycles,
    marketing_commitments,
    marketing_status,
)
from cordee.people.models import Pod
from cordee.tenancy.models import Membership, Workspace
from cordee.tenancy.roles import Role, Side, side_of

SIDES = (str(Side.MARKETING), str(Side.SALES))
_READ_ANY_PERSON = {str(Role.REVOPS_ADMIN), str(Role.EXECUTIVE)}
_MANAGERS = {str(Role.MARKETING_MANAGER), str(Role.SALES_MANAGER)}


@dataclass(frozen=True)
class Scope:
    kind: str  # "workspace", "side", "pod", "person"
    key: str  # "workspace", "side:sales", "pod:3", "person:7"
    side: str | None = None
    pod: Pod | None = None
    person: Membership | None = None

    @property
    def label(self) -> str:
        if self.kind == "side" and self.side is not None:
            return str(Side(self.side).label)
        if self.kind == "pod" and self.pod is not None:
            return self.pod.name
        if self.kind == "person" and self.person is not None:
            return self.person.user.get_full_name() or self.person.user.email
        return _("Whole workspace")


@dataclass(frozen=True)
class KpiReport:
    workspace: Workspace
    scope: Scope
    period: maths.PlanPeriod
    currency: str
    values: dict[str, catalogue.KpiValue]


# -- reading the request ------------------------------------------------------------------------


def current_period(workspace: Workspace, today: dt.date | None = None) -> maths.PlanPeriod:
    """The fiscal quarter holding today (workspace time zone)."""
    today = today or workspace.today()
    first = workspace.fiscal_year_start_month
    year = today.year if today.month >= first else today.year - 1
    months_in = (today.year - year) * 12 + today.month - first
    return maths.plan_period(f"{year}-Q{months_in // 3 + 1}", first)


def period_read(workspace: Workspace, text: object) -> maths.PlanPeriod:
    """``2027``, ``2027-Q1`` or ``2027-03`` on the fiscal calendar (default: the current fiscal
    quarter); a 422 naming ``period`` otherwise."""
    if text in (None, ""):
        return current_period(workspace)
    try:
        return maths.plan_period(str(text), workspace.fiscal_year_start_month)
    except ValueError:
        raise period_error() from None


def period_error() -> ValidationFailed:
    """A 422 naming ``period``: what a period may be (the KPIs' and the goals' one message)."""
    return ValidationFailed(
        _("Some fields are not valid."),
        field_errors={
            "period": [_("Give a fiscal year (2027), a quarter (2027-Q1) or a month (2027-03).")]
        },
    )


def _bad_scope() -> ValidationFailed:
    return ValidationFailed(
        _("Some fields are not valid."),
        field_errors={
            "scope": [
                _(
                    "Give workspace, side:marketing, side:sales, pod:<id> or person:<id> "
                    "(a member's id)."
                )
            ]
        },
    )


def may_read_person(actor: Actor, person: Membership) -> bool:
    """A person's values: that person, a manager of the same side, RevOps admins, executives."""
    if person.user_id == actor.user.pk or actor.role in _READ_ANY_PERSON:
        return True
    return actor.role in _MANAGERS and side_of(actor.role) == side_of(person.role)


def scope_read(actor: Actor, text: object) -> Scope:
    """The scope asked for (default: the workspace). A pod or person of another workspace is a
    404; a person the actor may not read, a 403."""
    text = str(text or "workspace").strip()
    kind, _sep, value = text.partition(":")
    if kind == "workspace" and not value:
        return Scope("workspace", "workspace")
    if kind == "side" and value in SIDES:
        return Scope("side", text, side=value)
    if kind not in ("pod", "person") or not value.isdigit() or len(value) > 12:
        raise _bad_scope()
    pk = int(value)
    if kind == "pod":
        pod = Pod.objects.filter(workspace=actor.workspace, pk=pk).first()
        if pod is None:
            raise NotFound(_("No such pod in this workspace."))
        return Scope("pod", f"pod:{pk}", pod=pod)
    person = (
        Membership.objects.select_related("user")
        .filter(workspace=actor.workspace, user_id=pk)
        .first()
    )
    if person is None:
        raise NotFound(_("No such member in this workspace."))
    if not may_read_person(actor, person):
        raise PermissionDenied(
            _("A person's values are read by that person, their managers, RevOps and executives.")
        )
    return Scope("person", f"person:{pk}", person=person)


def scopes_read(actor: Actor, texts: Iterable[str]) -> dict[str, Scope | None]:
    """Many scopes at once (two queries at most), by the text given: ``None`` for a pod or a
    person not of this workspace and for a person the actor may not read; a text outside the
    grammar is a 422, as ``scope_read`` says."""
    parsed: dict[str, tuple[str, str]] = {}
    for text in texts:
        clean = str(text or "workspace").strip()
        kind, _sep, value = clean.partition(":")
        plain = (kind == "workspace" and not value) or (kind == "side" and value in SIDES)
        numbered = kind in ("pod", "person") and value.isdigit() and len(value) <= 12
        if not plain and not numbered:
            raise _bad_scope()
        parsed[text] = (kind, value)
    wanted = {kind: {int(v) for k, v in parsed.values() if k == kind} for kind in ("pod", "person")}
    pods = {p.pk: p for p in Pod.objects.filter(workspace=actor.workspace, pk__in=wanted["pod"])}
    people = {
        m.user_id: m
        for m in Membership.objects.select_related("user").filter(
            workspace=actor.workspace, user_id__in=wanted["person"]
        )
    }
    out: dict[str, Scope | None] = {}
    for text, (kind, value) in parsed.items():
        if kind == "workspace":
            out[text] = Scope("workspace", "workspace")
        elif kind == "side":
            out[text] = Scope("side", f"side:{value}", side=value)
        elif kind == "pod":
            pod = pods.get(int(value))
            out[text] = None if pod is None else Scope("pod", f"pod:{int(value)}", pod=pod)
        else:
            person = people.get(int(value))
            out[text] = (
                Scope("person", f"person:{int(value)}", person=person)
                if person is not None and may_read_person(actor, person)
                else None
            )
    return out


def scope_choices(actor: Actor) -> list[tuple[str, str]]:
    """The scopes the actor may read: the workspace, the sides, the pods, the people."""
    choices = [
        ("workspace", _("Whole workspace")),
        *((f"side:{s}", str(Side(s).label)) for s in SIDES),
    ]
    pods = Pod.objects.filter(workspace=actor.workspace).order_by("name", "id")
    choices += [(f"pod:{p.pk}", _("Pod: %(name)s") % {"name": p.name}) for p in pods]
    members = (
        Membership.objects.select_related("user")
        .filter(workspace=actor.workspace, is_active=True)
        .order_by("user__first_name", "user__last_name", "user__email")
    )
    for m in members:
        if may_read_person(actor, m):
            name = m.user.get_full_name() or m.user.email
            choices.append((f"person:{m.user_id}", name))
    return choices


# -- who owns what -------------------------------------------------------------------------------


def _owners_at(
    workspace: Workspace, leads: np.ndarray, instants: np.ndarray, now: np.ndarray
) -> np.ndarray:
    """The owner of each lead at each instant (epoch seconds): the latest assignment at or
    before it; the lead's owner ``now`` when the instant is NaN or no assignment precedes it
    (-1: no owner)."""
    out = now.astype(np.int64).copy()
    if not len(leads):
        return out
    # the assignments of the leads' id span (two index ranges), not ``IN`` every lead id
    a_lead, a_at, a_owner = float_columns(
        LeadAssignment.objects.filter(
            workspace=workspace, lead_id__gte=int(leads.min()), lead_id__lte=int(leads.max())
        ).order_by("lead_id", "at", "id"),
        ("lead_id", "at", "to_owner_id"),
        instants=("at",),
    )
    timed = ~np.isnan(instants)
    if len(a_lead):
        assigned = ints(a_owner, null=-1)
        found = latest_at_or_before(ints(a_lead), a_at, leads[timed], instants[timed])
        at = np.flatnonzero(timed)[found >= 0]
        out[at] = assigned[found[found >= 0]]
    return out


def _sides(workspace: Workspace) -> dict[int, str]:
    """Each member's side today."""
    return {
        user: str(side_of(role))
        for user, role in Membership.objects.filter(workspace=workspace).values_list(
            "user_id", "role"
        )
    }


# -- the rows of many scopes and periods, read once ---------------------------------------------
#
# ``kpi_reports`` reads each kind of row once for the whole date range of the periods asked for
# (the MQL cycles, their decisions and owners, the opportunities, the SLA clocks, the signed
# contracts), then gives each (scope, period) its KPIs from the rows of its days and scope: a
# period's cycles are those of the wider read whose MQL falls in its days (a cycle's stages and
# routing do not depend on the days read before its MQL), a period's SLA clocks those whose MQL
# does. The number of queries does not grow with the scopes and periods (but for the KPIs of an
# upper app: one call per pair).


def _scope_filter(scope: Scope) -> tuple[str, int] | None:
    """Which column of the rows picks the scope's, and its value: ``None`` for the workspace."""
    if scope.pod is not None:
        return "pod", scope.pod.pk
    if scope.person is not None:
        return "owner", scope.person.user_id
    if scope.side is not None:
        return "side", SIDES.index(scope.side) + 1
    return None


def _side_codes(owners: np.ndarray, sides: dict[int, str]) -> np.ndarray:
    """Each owner's side as 1 (marketing), 2 (sales) or 0 (none: no owner, not a member)."""
    codes = {user: SIDES.index(side) + 1 for user, side in sides.items() if side in SIDES}
    return mapped(owners, codes, 0)


def _mine(columns: dict[str, np.ndarray], rows: np.ndarray, scope: Scope) -> np.ndarray:
    """The positions in ``rows`` (indices into the columns) of the scope's rows."""
    which = _scope_filter(scope)
    if which is None:
        return rows
    column, value = which
    return rows[columns[column][rows] == value]


def _slice(order: np.ndarray, keys: np.ndarray, low: float, high: float) -> np.ndarray:
    """The rows (``order`` sorts them by ``keys``, given sorted) with low ≤ key < high."""
    i, j = np.searchsorted(keys, [low, high], side="left")
    return order[i:j]


@dataclass(frozen=True)
class _CycleRows:
    """The MQL cycles of the date range, sorted by their MQL instant."""

    mql: np.ndarray  # epoch seconds, sorted
    columns: dict[str, np.ndarray]  # sal, rejected (bool); pod, owner, side (int, -1 / 0: none)


@dataclass(frozen=True)
class _Shared:
    """Rows the cycles and the SLA clocks both read, read once: every lead (when owners or
    pods are wanted) and the decisions on MQLs from the date range's first day on."""

    leads: LeadRows | None
    decisions: DecisionRows


def _shared_rows(workspace: Workspace, first: dt.date, *, leads: bool) -> _Shared:
    start = dt.datetime.combine(first, dt.time(0), tzinfo=workspace.zone)
    return _Shared(
        lead_rows(workspace) if leads else None,
        decision_rows(
            LeadDecision.objects.filter(
                workspace=workspace, mql_at__gte=start - dt.timedelta(seconds=1)
            )
        ),
    )


def _cycle_rows(
    workspace: Workspace,
    first: dt.date,
    last: dt.date,
    *,
    pods: bool,
    owners: bool,
    shared: _Shared | None = None,
) -> _CycleRows:
    cycles = metrics.cohort_cycles(
        workspace,
        metrics.Period(first, last),
        pods=pods,
        owners=owners,
        leads_read=shared.leads if shared else None,
    )
    decisions = metrics.cycle_decisions(
        workspace, cycles, decisions_read=shared.decisions if shared else None
    )
    n = len(cycles.lead)
    sal = ~np.isnan(cycles.sal)
    columns = {
        "sal": sal,
        "rejected": decisions.rejected,
        "pod": np.full(n, -1, dtype=np.int64),
        "owner": np.full(n, -1, dtype=np.int64),
        "side": np.zeros(n, dtype=np.int64),
    }
    if pods and cycles.pod is not None:
        columns["pod"] = cycles.pod.astype(np.int64)
    if owners and n:
        # the owner at the decision: an accepted MQL's SAL entry, a rejection's decision
        instants = np.where(
            sal, cycles.sal, np.where(decisions.rejected, decisions.decided, np.nan)
        )
        assert cycles.owner_now is not None
        columns["owner"] = _owners_at(workspace, cycles.lead, instants, cycles.owner_now)
        columns["side"] = _side_codes(columns["owner"], _sides(workspace))
    order = np.argsort(cycles.mql, kind="stable")
    return _CycleRows(cycles.mql[order], {k: v[order] for k, v in columns.items()})


def cycle_counts(sal: np.ndarray, rejected: np.ndarray) -> catalogue.CycleCounts:
    """What the MQL-cycle KPIs count of some cycles (``sal``: entered SAL; ``rejected``: sales
    rejected the MQL, aligned): MQLs created = the cycles; SALs = those accepted; MQLs decided =
    those accepted plus those rejected and not accepted. The campaign debrief counts with it."""
    sals = int(sal.sum())
    return catalogue.CycleCounts(len(sal), sals, sals + int((rejected & ~sal).sum()))


def _cycle_counts(rows: _CycleRows, scope: Scope, start: float, end: float) -> Any:
    mine = _mine(rows.columns, np.arange(*np.searchsorted(rows.mql, [start, end])), scope)
    return cycle_counts(rows.columns["sal"][mine], rows.columns["rejected"][mine])


@dataclass(frozen=True)
class _DealRows:
    """The opportunities created or closed in the date range."""

    columns: dict[str, np.ndarray]  # created, closed (ordinal days; closed -1: none), pod, owner,
    # side, outcome (0 open, 1 won, 2 lost), from_lead, amount and currency (objects)
    by_created: tuple[np.ndarray, np.ndarray]  # (row order, sorted keys)
    by_closed: tuple[np.ndarray, np.ndarray]


def _deal_rows(workspace: Workspace, first: dt.date, last: dt.date, sides: bool) -> _DealRows:
    rows = list(
        Opportunity.objects.filter(workspace=workspace)
        .filter(_created_or_closed(maths.PlanPeriod("", first, last)))
        .values_list(
            "amount",
            "currency",
            "lead_id",
            "created_on",
            "stage",
            "close_date",
            "pod_id",
            "owner_id",
            "source",
        )
    )
    outcomes = {str(OpportunityStage.WON): 1, str(OpportunityStage.LOST): 2}
    owner = np.array([-1 if r[7] is None else r[7] for r in rows], dtype=np.int64)
    columns = {
        "amount": np.array([Decimal(0) if r[0] is None else r[0] for r in rows], dtype=object),
        "currency": np.array([r[1] or workspace.currency for r in rows], dtype=object),
        "from_lead": np.array([r[2] is not None for r in rows], dtype=bool),
        "created": np.array([r[3].toordinal() for r in rows], dtype=np.int64),
        "outcome": np.array([outcomes.get(r[4], 0) for r in rows], dtype=np.int64),
        "closed": np.array(
            [-1 if r[5] is None else r[5].toordinal() for r in rows], dtype=np.int64
        ),
        "pod": np.array([-1 if r[6] is None else r[6] for r in rows], dtype=np.int64),
        "owner": owner,
        "side": _side_codes(owner, _sides(workspace)) if sides else np.zeros(len(rows), np.int64),
        "source": np.array([r[8] for r in rows], dtype=object),
    }

    def by(column: str) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(columns[column], kind="stable")
        return order, columns[column][order]

    return _DealRows(columns, by("created"), by("closed"))


def _deal_totals(
    rows: _DealRows,
    scope: Scope,
    period: maths.PlanPeriod,
    currency: str,
    source: str | None = None,
) -> catalogue.DealTotals:
    """What the opportunity KPIs add up (``catalogue.DealTotals``) over the scope's
    opportunities of the period — those brought by ``source`` only, when given."""
    c = rows.columns
    low, high = period.start.toordinal(), period.end.toordinal() + 1
    created = _mine(c, _slice(*rows.by_created, low, high), scope)
    closed = _mine(c, _slice(*rows.by_closed, low, high), scope)
    if source is not None:
        created = created[c["source"][created] == source]
        closed = closed[c["source"][closed] == source]
    sqls = created[c["from_lead"][created]]
    closed = closed[c["outcome"][closed] > 0]
    won = closed[c["outcome"][closed] == 1]
    pipeline, pipeline_others = catalogue.money_sums(
        c["amount"][sqls].tolist(), c["currency"][sqls].tolist(), currency
    )
    revenue, revenue_others = catalogue.money_sums(
        c["amount"][won].tolist(), c["currency"][won].tolist(), currency
    )
    return catalogue.DealTotals(
        sqls=len(sqls),
        pipeline=pipeline,
        pipeline_others=pipeline_others,
        won=len(won),
        revenue=revenue,
        revenue_others=revenue_others,
        closed=len(closed),
        cycle_days=(c["closed"][won] - c["created"][won]).tolist(),
    )


def _created_or_closed(period: maths.PlanPeriod) -> Q:
    """Created in the period (the SQLs among them: ``won.sql_opportunities``) or closed in it."""
    return won.created_in(period.start, period.end) | won.closed_in(period.start, period.end)


@dataclass(frozen=True)
class _SlaRows:
    """The sales SLA clocks (``sla.load_cycles``, as of now) of the governed leads whose MQL is
    from the date range's first day on, sorted by MQL instant."""

    mql: np.ndarray  # epoch seconds, sorted
    columns: dict[str, np.ndarray]  # due, kept (0 to 3 clocks per lead); pod, owner, side


def _sla_rows(
    workspace: Workspace, first: dt.date, sides: bool, shared: _Shared | None = None
) -> _SlaRows:
    now = timezone.now()
    start = dt.datetime.combine(first, dt.time(0), tzinfo=workspace.zone)
    cycles = (
        load_cycles(
            workspace,
            now,
            lookback=now - start,
            leads_read=shared.leads if shared else None,
            decisions_read=shared.decisions if shared else None,
        )
        if start < now
        else None
    )
    if cycles is None:
        empty = np.zeros(0, dtype=np.int64)
        return _SlaRows(np.zeros(0), dict.fromkeys(("due", "kept", "pod", "owner", "side"), empty))
    mql = cycles.mql_at
    c, moment = cycles.clocks, int(now.timestamp())
    due = np.zeros(len(mql), dtype=np.int64)
    kept = np.zeros(len(mql), dtype=np.int64)
    for due_at, breached in (
        (c.first_touch_due, c.first_touch_breached),
        (c.attempts_due, c.attempts_breached),
        (c.decision_due, c.decision_breached),
    ):
        passed = due_at < moment
        due += passed
        kept += passed & ~breached
    owners = cycles.owners.astype(np.int64)
    columns = {
        "due": due,
        "kept": kept,
        "pod": cycles.pods.astype(np.int64),
        "owner": owners,
        "side": _side_codes(owners, _sides(workspace)) if sides else np.zeros(len(mql), np.int64),
    }
    order = np.argsort(mql, kind="stable")
    return _SlaRows(mql[order], {k: v[order] for k, v in columns.items()})


def _sla(rows: _SlaRows, scope: Scope, start: float, end: float) -> dict[str, Any]:
    """The sales SLA commitments due and kept of the scope's MQLs of the period, as of now: the
    SLA dashboard's clocks (``sla.load_cycles``: each governed lead's latest MQL cycle). A pod
    counts its leads' (the pod the SLA contracts govern by), a person the leads they own."""
    mine = _mine(rows.columns, np.arange(*np.searchsorted(rows.mql, [start, end])), scope)
    return catalogue.sla_values(
        int(rows.columns["due"][mine].sum()), int(rows.columns["kept"][mine].sum())
    )


def _judged_contracts(
    workspace: Workspace, first: dt.date, last: dt.date
) -> list[tuple[SlaContract, dict[str, bool]]]:
    """Marketing's commitments of each signed contract whose period ended (before today) in the
    date range, judged as ``sla.sla_check_marketing`` does."""
    now = timezone.now()
    contracts = SlaContract.objects.filter(
        workspace=workspace,
        period_end__gte=first,
        period_end__lte=min(last, workspace.today(now) - dt.timedelta(days=1)),
        marketing_signed_at__isnull=False,
        sales_signed_at__isnull=False,
    ).select_related("workspace")
    return [
        (contract, marketing_commitments(contract, marketing_status(contract, now)))
        for contract in contracts.order_by("id")
    ]


def _marketing_sla(
    judged: list[tuple[SlaContract, dict[str, bool]]], scope: Scope, period: maths.PlanPeriod
) -> dict[str, catalogue.KpiValue]:
    """Marketing's commitments of the signed contracts whose period ended (before today) within
    ``period``; the workspace's or a pod's."""
    if scope.kind not in ("workspace", "pod"):
        keys = ("marketing_sla_due", "marketing_sla_kept", "marketing_sla_compliance")
        return {k: catalogue.KpiValue(k, None, state=catalogue.NOT_PER_PERSON) for k in keys}
    due = kept = 0
    for contract, commitments in judged:
        if not period.start <= contract.period_end <= period.end:
            continue
        if scope.pod is not None and contract.pod_id != scope.pod.pk:
            continue
        due += len(commitments)
        kept += sum(commitments.values())
    return catalogue.marketing_sla_values(due, kept)


# the KPIs each reader feeds: one not asked for is not read
_CYCLE_KEYS = frozenset({"mqls_created", "mqls_decided", "sals", "acceptance_rate"})
_DEAL_KEYS = frozenset(
    {
        "sqls",
        "pipeline_created",
        "revenue_won",
        "deals_won",
        "deals_closed",
        "win_rate",
        "median_sales_cycle",
    }
)
_SALES_SLA_KEYS = frozenset({"sales_sla_due", "sales_sla_kept", "sales_sla_compliance"})
_MARKETING_SLA_KEYS = frozenset(
    {"marketing_sla_due", "marketing_sla_kept", "marketing_sla_compliance"}
)
_NO_DEALS = catalogue.DealTotals(0, Decimal(0), {}, 0, Decimal(0), {}, 0, [])


def deal_kpis_by_source(
    *, actor: Actor, scope: Scope, period: maths.PlanPeriod, sources: Iterable[str]
) -> dict[str, dict[str, catalogue.KpiValue]]:
    """The opportunity KPIs (``catalogue.DEAL_KPIS``) of the scope and period over the
    opportunities each of ``sources`` brought, by source: the rows ``kpi_reports`` reads, the
    same totals, filtered by the opportunities' source."""
    workspace = actor.workspace
    rows = _deal_rows(workspace, period.start, period.end, scope.kind == "side")
    none = catalogue.CycleCounts(0, 0, 0)
    return {
        source: catalogue.values_from_totals(
            none, _deal_totals(rows, scope, period, workspace.currency, source)
        )
        for source in sources
    }


def kpi_reports(
    *,
    actor: Actor,
    pairs: list[tuple[Scope, maths.PlanPeriod]],
    keys: Iterable[str] | None = None,
) -> dict[tuple[str, str], dict[str, catalogue.KpiValue]]:
    """The KPIs of the catalogue (``keys``, default every one) for each (scope, period) of
    ``pairs`` in the actor's workspace, by (scope key, period key): each kind of row read once
    for all of them, and not at all when it feeds none of ``keys`` (the scopes come from
    ``scope_read``, which checked who may read them)."""
    workspace = actor.workspace
    if not pairs:
        return {}
    wanted = frozenset(keys) if keys is not None else frozenset(k.key for k in catalogue.CATALOGUE)
    first = min(p.start for _s, p in pairs)
    last = max(p.end for _s, p in pairs)
    kinds = {s.kind for s, _p in pairs}
    by_owner = bool(kinds & {"person", "side"})
    # read once for the cycles and the SLA clocks when both are wanted
    shared = (
        _shared_rows(workspace, first, leads=by_owner or "pod" in kinds)
        if wanted & _CYCLE_KEYS and wanted & _SALES_SLA_KEYS
        else None
    )
    cycles = (
        _cycle_rows(workspace, first, last, pods="pod" in kinds, owners=by_owner, shared=shared)
        if wanted & _CYCLE_KEYS
        else None
    )
    deals = _deal_rows(workspace, first, last, "side" in kinds) if wanted & _DEAL_KEYS else None
    sla = _sla_rows(workspace, first, "side" in kinds, shared) if wanted & _SALES_SLA_KEYS else None
    judged = (
        _judged_contracts(workspace, first, last)
        if wanted & _MARKETING_SLA_KEYS and kinds & {"workspace", "pod"}
        else []
    )
    tz = workspace.zone
    unique: dict[tuple[str, str], tuple[Scope, maths.PlanPeriod]] = {}
    for scope, period in pairs:  # a pair asked for twice: the first one
        unique.setdefault((scope.key, period.key), (scope, period))
    sources = [s for s in _SOURCES if _SOURCE_KEYS.get(s) is None or wanted & _SOURCE_KEYS[s]]
    batches = {
        source: _MANY[source](actor, list(unique.values())) for source in sources if source in _MANY
    }
    out: dict[tuple[str, str], dict[str, catalogue.KpiValue]] = {}
    for scope, period in unique.values():
        start = dt.datetime.combine(period.start, dt.time(0), tzinfo=tz).timestamp()
        end = dt.datetime.combine(
            period.end + dt.timedelta(days=1), dt.time(0), tzinfo=tz
        ).timestamp()
        values = catalogue.values_from_totals(
            _cycle_counts(cycles, scope, start, end)
            if cycles is not None
            else catalogue.CycleCounts(0, 0, 0),
            _deal_totals(deals, scope, period, workspace.currency)
            if deals is not None
            else _NO_DEALS,
        )
        if sla is not None:
            values.update(_sla(sla, scope, start, end))
        values.update(_marketing_sla(judged, scope, period))
        for source in sources:
            batch = batches.get(source)
            values.update(
                batch[(scope.key, period.key)]
                if batch is not None
                else source(actor, scope, period)
            )
        values = {k: v for k, v in values.items() if k in wanted}
        for key in wanted:  # a KPI no installed app computes
            values.setdefault(key, catalogue.KpiValue(key, None, state=catalogue.UNAVAILABLE))
        out[(scope.key, period.key)] = values
    return out


def kpi_report(*, actor: Actor, scope: Scope, period: maths.PlanPeriod) -> KpiReport:
    """Every KPI of the catalogue for ``scope`` and ``period`` in the actor's workspace (the
    scope comes from ``scope_read``, which checked who may read it)."""
    workspace = actor.workspace
    return KpiReport(
        workspace=workspace,
        scope=scope,
        period=period,
        currency=workspace.currency,
        values=kpi_reports(actor=actor, pairs=[(scope, period)])[(scope.key, period.key)],
    )


# -- KPIs an upper app computes --------------------------------------------------------------------

KpiSource = Callable[[Actor, Scope, maths.PlanPeriod], dict[str, catalogue.KpiValue]]
KpiManySource = Callable[
    [Actor, list[tuple[Scope, maths.PlanPeriod]]],
    dict[tuple[str, str], dict[str, catalogue.KpiValue]],
]
_SOURCES: list[KpiSource] = []
_MANY: dict[KpiSource, KpiManySource] = {}
_SOURCE_KEYS: dict[KpiSource, frozenset[str]] = {}


def kpi_source_register(
    source: KpiSource, *, many: KpiManySource | None = None, keys: Iterable[str] | None = None
) -> None:
    """An upper app (attribution, feedback) gives the values of its KPIs of the catalogue:
    ``source`` is called with the actor, the scope (already checked) and the period. Call it from the
    app's ``ready()``. ``many``, when given, computes the same values for many (scope, period)
    pairs at once, by (scope key, period key): ``kpi_reports`` calls it once instead of
    ``source`` once per pair. ``keys``, when given, are the KPIs it gives: it is not called
    when none of them is asked for."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    if many is not None:
        _MANY[source] = many
    if keys is not None:
        _SOURCE_KEYS[source] = frozenset(keys)


# -- one JSON shape for the API -------------------------------------------------------------------


def catalogue_payload() -> list[dict[str, Any]]:
    """Every KPI's definition, its label and definition in the active language."""
    return [
        {
            "key": k.key,
            "label": _(k.label),
            "definition": _(k.definition),
            "unit": k.unit,
            "side": k.side,
            "numerator": k.numerator,
            "denominator": k.denominator,
            "lower_is_better": k.lower_is_better,
        }
        for k in catalogue.CATALOGUE
    ]


def value_text(unit: str, value: int | Fraction | Decimal | None) -> str | None:
    """A value as a decimal string: a count as is, money to the cent, a rate to 4 places
    (half up), a duration in days (a median is a whole or half number of days)."""
    if value is None:
        return None
    if unit == catalogue.MONEY:
        return format(Decimal(value).quantize(Decimal("0.01")), "f")  # type: ignore[arg-type]
    if unit == catalogue.RATE:
        return planning.rate_text(value)
    if unit == catalogue.DURATION:
        exact = Fraction(value)
        return format(Decimal(exact.numerator) / Decimal(exact.denominator), "f")
    return str(value)


def report_payload(report: KpiReport) -> dict[str, Any]:
    """The values of a report as plain JSON (numbers as decimal strings)."""
    values = []
    for kpi in catalogue.CATALOGUE:
        v = report.values[kpi.key]
        values.append(
            {
                "key": kpi.key,
                "value": value_text(kpi.unit, v.value),
                "exact": str(Fraction(v.value))
                if kpi.unit == catalogue.RATE and v.value is not None
                else None,
                "numerator": v.numerator,
                "denominator": v.denominator,
                "state": v.state,
                "other_currencies": {
                    code: value_text(catalogue.MONEY, amount)
                    for code, amount in v.other_currencies.items()
                },
            }
        )
    return {
        "scope": report.scope.key,
        "scope_label": report.scope.label,
        "period": {
            "key": report.period.key,
            "start": report.period.start,
            "end": report.period.end,
        },
        "currency": report.currency,
        "values": values,
    }
