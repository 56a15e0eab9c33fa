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

import bisect
import datetime as dt
from collections.abc import Callable
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
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.funnel import metrics, planning, won
from cordee.funnel.models import (
    LeadAssignment,
    LeadDecision,
    Opportunity,
    OpportunityStage,
    SlaContract,
)
from cordee.funnel.models.decisions import DecisionKind
from cordee.funnel.models.leads import Lead
from cordee.funnel.sla import load_cycles, marketing_commitments, marketing_status
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
    workspace: Workspace, leads: np.ndarray, instants: list[float | None]
) -> list[int | None]:
    """The owner of each lead at each instant (epoch seconds): the latest assignment at or
    before it; the lead's owner now when the instant is None or no assignment precedes it."""
    ids = sorted({int(x) for x in leads})
    history: dict[int, tuple[list[float], list[int | None]]] = {}
    for lead, at, owner in (
        LeadAssignment.objects.filter(workspace=workspace, lead_id__in=ids)
        .order_by("lead_id", "at", "id")
        .values_list("lead_id", "at", "to_owner_id")
    ):
        times, owners = history.setdefault(lead, ([], []))
        times.append(at.timestamp())
        owners.append(owner)
    now = dict(Lead.objects.filter(workspace=workspace, pk__in=ids).values_list("pk", "owner_id"))
    out: list[int | None] = []
    for lead, instant in zip(leads.tolist(), instants, strict=True):
        times, owners = history.get(lead, ([], []))
        i = bisect.bisect_right(times, instant) if instant is not None else 0
        out.append(owners[i - 1] if i else now.get(lead))
    return out


def _decisions(workspace: Workspace, cycles: metrics.CohortCycles) -> dict[tuple[int, float], Any]:
    """{(lead, MQL instant to the millisecond): (kind, decided at)} of the cycles' decisions —
    the planner's matching (``planning._rejected``)."""
    if not len(cycles.lead):
        return {}
    first = dt.datetime.fromtimestamp(float(cycles.mql.min()), tz=dt.UTC)
    last = dt.datetime.fromtimestamp(float(cycles.mql.max()), tz=dt.UTC)
    rows = LeadDecision.objects.filter(
        workspace=workspace,
        mql_at__gte=first - dt.timedelta(seconds=1),
        mql_at__lte=last + dt.timedelta(seconds=1),
    ).values_list("lead_id", "mql_at", "kind", "decided_at")
    return {(lead, round(at.timestamp(), 3)): (kind, decided) for lead, at, kind, decided in rows}


def _sides(workspace: Workspace) -> dict[int, str]:
    """Each member's side today."""
    return {
        user: str(side_of(role))
        for user, role in Membership.objects.filter(workspace=workspace).values_list(
            "user_id", "role"
        )
    }


def _cycles(workspace: Workspace, scope: Scope, period: metrics.Period) -> list[catalogue.Cycle]:
    cycles = metrics.cohort_cycles(workspace, period, pods=scope.kind == "pod")
    decisions = _decisions(workspace, cycles)
    rejected, instants = [], []
    rows = zip(cycles.lead.tolist(), cycles.mql.tolist(), cycles.sal.tolist(), strict=True)
    for lead, mql, sal in rows:
        kind, decided = decisions.get((lead, round(mql, 3)), (None, None))
        rejected.append(kind == DecisionKind.REJECT)
        if not np.isnan(sal):
            instants.append(sal)  # accepted: the SAL entry is the decision
        elif kind == DecisionKind.REJECT:
            instants.append(decided.timestamp())
        else:
            instants.append(None)
    mine = [True] * len(rejected)
    if scope.kind == "pod" and scope.pod is not None and cycles.pod is not None:
        mine = [int(p) == scope.pod.pk for p in cycles.pod]
    elif scope.kind in ("person", "side"):
        owners = _owners_at(workspace, cycles.lead, instants)
        if scope.person is not None:
            mine = [o == scope.person.user_id for o in owners]
        else:
            sides = _sides(workspace)
            mine = [o is not None and sides.get(o) == scope.side for o in owners]
    return [
        catalogue.Cycle(sal=not np.isnan(s), rejected=r)
        for s, r, m in zip(cycles.sal.tolist(), rejected, mine, strict=True)
        if m
    ]


def scope_deals(
    workspace: Workspace, scope: Scope, period: maths.PlanPeriod
) -> list[catalogue.Deal]:
    """The opportunities created in the period or closed (won or lost) in it, of the scope."""
    opportunities = Opportunity.objects.filter(workspace=workspace).filter(
        _created_or_closed(period)
    )
    if scope.pod is not None:
        opportunities = opportunities.filter(pod=scope.pod)
    elif scope.person is not None:
        opportunities = opportunities.filter(owner_id=scope.person.user_id)
    elif scope.side is not None:
        members = [u for u, s in _sides(workspace).items() if s == scope.side]
        opportunities = opportunities.filter(owner_id__in=members)
    outcomes = {str(OpportunityStage.WON): "won", str(OpportunityStage.LOST): "lost"}
    deals = []
    for amount, currency, lead, created, stage, closed, source in opportunities.values_list(
        "amount", "currency", "lead_id", "created_on", "stage", "close_date", "source"
    ):
        deals.append(
            catalogue.Deal(
                amount=amount if amount is not None else Decimal(0),
                currency=currency or workspace.currency,
                from_lead=lead is not None,
                created_on=created,
                created_in_period=period.start <= created <= period.end,
                outcome=outcomes.get(stage, ""),
                close_date=closed,
                closed_in_period=closed is not None and period.start <= closed <= period.end,
                source=source,
            )
        )
    return deals


def _created_or_closed(period: maths.PlanPeriod) -> Q:
    """Created in the period (the SQLs among them: ``won.sql_opportunities``) or closed in it."""
    return won.created_in(period.start, period.end) | won.closed_in(period.start, period.end)


def _sla(workspace: Workspace, scope: Scope, period: maths.PlanPeriod) -> dict[str, Any]:
    """The sales SLA commitments due and kept of the scope's MQLs of the period, as of now: the
    SLA dashboard's clocks (``sla.load_cycles``: each governed lead's latest MQL cycle). A pod
    counts its leads' (the pod the SLA contracts govern by), a person the leads they own."""
    now = timezone.now()
    tz = workspace.zone
    start = dt.datetime.combine(period.start, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    cycles = load_cycles(workspace, now, lookback=now - start) if start < now else None
    due = kept = 0
    if cycles is not None:
        mql = np.array([d.timestamp() for d in cycles.mql_dt], dtype=np.float64)
        mine = (mql >= start.timestamp()) & (mql < end.timestamp())
        if scope.pod is not None:
            mine &= cycles.pods == scope.pod.pk
        elif scope.person is not None:
            mine &= cycles.owners == scope.person.user_id
        elif scope.side is not None:
            members = [u for u, s in _sides(workspace).items() if s == scope.side]
            mine &= np.isin(cycles.owners, np.array(members, dtype=np.int64))
        c, moment = cycles.clocks, int(now.timestamp())
        for due_at, breached in (
            (c.first_touch_due, c.first_touch_breached),
            (c.attempts_due, c.attempts_breached),
            (c.decision_due, c.decision_breached),
        ):
            passed = mine & (due_at < moment)
            due += int(passed.sum())
            kept += int((passed & ~breached).sum())
    return catalogue.sla_values(due, kept)


def _marketing_sla(
    workspace: Workspace, scope: Scope, period: maths.PlanPeriod
) -> dict[str, catalogue.KpiValue]:
    """Marketing's commitments of the signed contracts whose period ended (before today) within
    ``period``, judged as ``sla.sla_check_marketing`` does; the workspace's or a pod's."""
    if scope.kind not in ("workspace", "pod"):
        keys = ("marketing_sla_due", "marketing_sla_kept", "marketing_sla_compliance")
        return {k: catalogue.KpiValue(k, None, state=catalogue.NOT_PER_PERSON) for k in keys}
    now = timezone.now()
    contracts = SlaContract.objects.filter(
        workspace=workspace,
        period_end__gte=period.start,
        period_end__lte=min(period.end, workspace.today(now) - dt.timedelta(days=1)),
        marketing_signed_at__isnull=False,
        sales_signed_at__isnull=False,
    ).select_related("workspace")
    if scope.pod is not None:
        contracts = contracts.filter(pod=scope.pod)
    due = kept = 0
    for contract in contracts.order_by("id"):
        judged = marketing_commitments(contract, marketing_status(contract, now))
        due += len(judged)
        kept += sum(judged.values())
    return catalogue.marketing_sla_values(due, kept)


def kpi_report(*, actor: Actor, scope: Scope, period: maths.PlanPeriod) -> KpiReport:
    """Every KPI of the catalogue for ``scope`` and ``period`` in the actor's workspace (the
    scope comes from ``scope_read``, which checked who may read it)."""
    workspace = actor.workspace
    cycles = _cycles(workspace, scope, metrics.Period(period.start, period.end))
    deals = scope_deals(workspace, scope, period)
    values = catalogue.kpi_values(cycles, deals, workspace.currency)
    values.update(_sla(workspace, scope, period))
    values.update(_marketing_sla(workspace, scope, period))
    for source in _SOURCES:
        values.update(source(actor, scope, period))
    for kpi in catalogue.CATALOGUE:  # a KPI no installed app computes
        values.setdefault(kpi.key, catalogue.KpiValue(kpi.key, None, state=catalogue.UNAVAILABLE))
    return KpiReport(
        workspace=workspace,
        scope=scope,
        period=period,
        currency=workspace.currency,
        values=values,
    )


# -- KPIs an upper app computes --------------------------------------------------------------------

KpiSource = Callable[[Actor, Scope, maths.PlanPeriod], dict[str, catalogue.KpiValue]]
_SOURCES: list[KpiSource] = []


def kpi_source_register(source: KpiSource) -> None:
    """An upper app (attribution, feedback) gives the values of its KPIs of the catalogue:
    ``source`` is called with the actor, the scope (already checked) and the period. Call it from the
    app's ``ready()``."""
    if source not in _SOURCES:
        _SOURCES.append(source)


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
