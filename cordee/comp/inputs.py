"""The variable-pay engine's inputs read from the database (``statement_inputs``), and its lines
shaped for storing (``line_record``).

- **Credits**: ``funnel.credits.credit_rows`` over the plan's fiscal year (the deals closed in it;
  a cancellation after the year is still read: its clawback lands in a later statement), in the
  workspace currency, each row the engine's ``Credit`` (person = the e-mail the plan names, deal
  id = the opportunity's id, campaign = its primary campaign's name, for the spiffs).
- **Shared metrics**: for each attainment component on a shared scope (``workspace``,
  ``side:sales``, ``pod:<id>``…) that a participant takes on the period's kind — or whose
  advances a participant gets on it (a marketer's quarter), and for the year's statement of a
  participant with advances, every period of the advances' kind in the year (the true-up
  settles them) —, actual = the KPI's value for that scope and period
  (``funnel.kpis.kpi_report``: for ``marketing_pipeline`` the period's locked attribution
  credits), target = the target of the goal set for that KPI, scope
  and period (``funnel.models.Goal``). The document names a metric either as a key of the KPI
  catalogue or by one of the names of ``METRIC_KPIS``.

An input that is not there yet (the period's attribution not signed by both sides, no goal set)
does not stop the computation: the line waits (``pending``: no payout until it is there) and the
statement cannot be approved; ``missing`` says why, in words. A metric no KPI measures, or a
period the plan cannot have, is an error (422) naming the field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from cordee.analytics import kpis as catalogue
from cordee.analytics.comp_data import ADVANCE, TRUE_UP, Credit, Line, MetricKey, ratio_text
from cordee.analytics.comp_plan import (
    PERSON,
    Component,
    Period,
    Plan,
    PlanError,
    period_parse,
    plan_parse,
    plan_periods,
)
from cordee.comp.models import PlanVersion, Statement, StatementStatus
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.core.templatetags.cordee import format_money, percent
from cordee.funnel import kpis
from cordee.funnel.credits import CreditRows, credit_rows
from cordee.funnel.models import Goal, Opportunity
from cordee.tenancy.models import Membership, User, Workspace, normalize_email

# a plan's name of a metric → the KPI of the catalogue that measures it (a catalogue key is
# also accepted as itself): THE one mapping
METRIC_KPIS: dict[str, str] = {
    "marketing_pipeline": "pipeline_attributed_marketing",
    "marketing_revenue": "revenue_attributed_marketing",
    "pipeline": "pipeline_created",
    "revenue": "revenue_won",
    "mqls": "mqls_created",
}
# what a person's own credits measure: the metric of an attainment on the person and the basis
# of a commission
CREDITED_KPI = "revenue_won"


def metric_kpi(metric: str) -> str | None:
    """The catalogue key measuring a plan's metric, or None when no KPI does."""
    key = METRIC_KPIS.get(metric, metric)
    return key if key in catalogue.BY_KEY else None


@dataclass(frozen=True)
class MetricInput:
    """A shared metric's values for one scope and period, or why one is missing."""

    metric: str  # as the plan names it
    kpi: str  # the catalogue key
    scope: str
    period: str
    actual: Fraction | None
    target: Fraction | None
    goal_id: int | None
    missing: str = ""  # why the line cannot be paid yet ("" when both values are there)

    @property
    def key(self) -> MetricKey:
        return (self.metric, self.scope, self.period)

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "kpi": self.kpi,
            "scope": self.scope,
            "period": self.period,
            "actual": number_text(self.actual),
            "target": number_text(self.target),
            "goal_id": self.goal_id,
            "missing": self.missing,
        }

    def missing_item(self) -> dict[str, str]:
        """Why the line waits, as kept: a code and its words' parameters (read in the
        reader's language by ``missing_text``)."""
        return {"code": self.missing, "kpi": self.kpi, "scope": self.scope, "period": self.period}


@dataclass
class StatementInputs:
    """What the engine reads for one plan version and one period, from the database."""

    version: PlanVersion
    plan: Plan
    period: Period
    first_month: int
    credits: list[Credit]
    metrics: dict[MetricKey, MetricInput]
    people: dict[str, User]  # the plan's e-mail of each participant → the member
    # the credit rows of deals in another currency, by the plan's e-mail: never converted,
    # never paid on; each statement lists its person's
    apart: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def engine_metrics(self) -> dict[MetricKey, tuple[Fraction, Fraction]]:
        """The values the engine reads; a missing one stands at 0 of 1, its line pending."""
        return {
            key: (m.actual, m.target)
            if not m.missing and m.actual is not None and m.target is not None
            else (Fraction(0), Fraction(1))
            for key, m in self.metrics.items()
        }


# why a shared line waits (``MetricInput.missing``)
NO_SCOPE, NO_VALUE, NO_GOAL = "no_scope", "no_value", "no_goal"
SEVERAL_GOALS, ZERO_TARGET = "several_goals", "zero_target"


def missing_text(item: dict[str, Any]) -> str:
    """A missing input in the reader's language: ``{"code", "kpi", "scope", "period"}``."""
    kpi = catalogue.BY_KEY.get(str(item.get("kpi")))
    words = {
        "kpi": _(kpi.label) if kpi else item.get("kpi"),
        "scope": item.get("scope"),
        "period": item.get("period"),
    }
    texts = {
        catalogue.NOT_LOCKED: _(
            "The period's attribution is not signed by both sides (%(kpi)s, %(period)s)."
        ),
        catalogue.NOT_RECORDED: _(
            "The period's signed attribution predates its pipeline credits (%(kpi)s, "
            "%(period)s): sign it again."
        ),
        NO_SCOPE: _("No such scope in this workspace: %(scope)s."),
        NO_VALUE: _("No value of %(kpi)s for %(scope)s in %(period)s."),
        SEVERAL_GOALS: _("Several goals are set for %(kpi)s, %(scope)s, %(period)s: keep one."),
        NO_GOAL: _("No goal set for %(kpi)s, %(scope)s, %(period)s."),
        ZERO_TARGET: _("The goal for %(kpi)s, %(scope)s, %(period)s has a target of 0."),
    }
    return texts.get(str(item.get("code")), str(item.get("code"))) % words


def number_text(value: Fraction | Decimal | int | None, places: int = 6) -> str | None:
    """An exact number as a decimal string (to ``places`` when it does not end before)."""
    if value is None:
        return None
    exact = Fraction(value)
    text = Decimal(exact.numerator) / Decimal(exact.denominator)
    if Fraction(text) != exact or -int(text.as_tuple().exponent) > places:  # type: ignore[operator]
        text = text.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format(text.normalize() if text == text.to_integral() else text, "f")


def money_exact(amount: Decimal) -> str:
    """An amount to the cent when it is whole cents, else exactly (a share's fraction)."""
    cents = amount.quantize(Decimal("0.01"))
    return f"{cents:f}" if cents == amount else format(amount.normalize(), "f")


def _invalid(field_name: str, message: str) -> ValidationFailed:
    return ValidationFailed(_("Some fields are not valid."), field_errors={field_name: [message]})


def version_plan(version: PlanVersion) -> Plan:
    try:
        return plan_parse(version.document)
    except PlanError as error:  # a version saved before a rule was added
        raise _invalid(error.path or "document", error.problem) from None


def period_read(workspace: Workspace, label: str) -> Period:
    """A period on the workspace's fiscal calendar; a 422 naming ``period`` otherwise."""
    try:
        return period_parse(str(label or "").strip().upper(), workspace.fiscal_year_start_month)
    except ValueError:
        raise _invalid(
            "period", _("Give a fiscal year (2027), a quarter (2027-Q1) or a month (2027-03).")
        ) from None


def _check_metrics(plan: Plan) -> None:
    """Every metric names a KPI; what a person's credits measure is revenue won."""
    for i, c in enumerate(plan.components):
        if c.kind not in ("attainment", "commission"):
            continue
        where = f"components[{i}].{'basis' if c.kind == 'commission' else 'metric'}"
        kpi = metric_kpi(c.metric)
        if kpi is None:
            raise _invalid(
                where,
                _("“%(metric)s” is no KPI of the catalogue (GET /api/v1/kpis lists them).")
                % {"metric": c.metric},
            )
        if (c.kind == "commission" or c.scope == PERSON) and kpi != CREDITED_KPI:
            raise _invalid(
                where,
                _("A person's pay is measured on their credited deals: revenue_won."),
            )


def _scope(actor: Actor, text: str) -> kpis.Scope | None:
    try:
        return kpis.scope_read(actor, text)
    except (NotFound, PermissionDenied, ValidationFailed):
        return None


def _metric(
    actor: Actor,
    metric: str,
    scope_text: str,
    period: Period,
    reports: dict[tuple[str, str], Any],
) -> MetricInput:
    kpi = catalogue.BY_KEY[metric_kpi(metric) or ""]
    goals = list(
        Goal.objects.filter(
            workspace=actor.workspace, kpi=kpi.key, scope=scope_text, period=period.label
        ).values_list("pk", "target")
    )
    goal_id, target = (goals[0][0], Fraction(goals[0][1])) if len(goals) == 1 else (None, None)
    if (scope_text, period.label) not in reports:
        scope = _scope(actor, scope_text)
        reports[(scope_text, period.label)] = (
            None
            if scope is None
            else kpis.kpi_report(
                actor=actor, scope=scope, period=kpis.period_read(actor.workspace, period.label)
            )
        )
    report = reports[(scope_text, period.label)]
    value = report.values[kpi.key] if report is not None else None
    actual = None if value is None or value.value is None else Fraction(value.value)
    missing = ""
    if report is None:
        missing = NO_SCOPE
    elif value is not None and value.state in (catalogue.NOT_LOCKED, catalogue.NOT_RECORDED):
        missing = value.state
    elif actual is None:
        missing = NO_VALUE
    elif len(goals) > 1:
        missing = SEVERAL_GOALS
    elif target is None:
        missing = NO_GOAL
    elif target <= 0:
        missing = ZERO_TARGET
    return MetricInput(metric, kpi.key, scope_text, period.label, actual, target, goal_id, missing)


def metric_periods(plan: Plan, c: Component, period: Period, first_month: int) -> list[Period]:
    """The periods whose values of ``c``'s shared metric a statement of ``period`` reads: the
    period itself when a participant is paid ``c`` on its kind or gets ``c``'s advances on it;
    for the year's statement, also every period of the advances' kind in the year (the true-up
    of the advances paid on them)."""
    takers = [p.side for p in plan.participants if c.id in p.components]
    out: list[Period] = []
    if any(
        c.period_for(side) == period.kind
        or (side in c.advances and c.advances[side][0] == period.kind)
        for side in takers
    ):
        out.append(period)
    if period.kind == "year":
        kinds = sorted({c.advances[side][0] for side in takers if side in c.advances})
        for kind in kinds:
            out += plan_periods(plan.year, kind, first_month)
    return out


def credits_read(
    workspace: Workspace, plan: Plan, period: Period
) -> tuple[list[Credit], CreditRows]:
    """The credited deals closed in ``period`` as the engine's credits (``funnel.credits.
    credit_rows`` in the workspace currency: the person named by the plan's e-mail, the deal by
    the opportunity's id, the campaign by its primary campaign's name, for the spiffs), and the
    rows as read (their ``apart``: the deals in another currency). A statement reads its plan's
    year; the plan's cost, the year before."""
    rows = credit_rows(workspace, period.start, period.end)
    emails = {normalize_email(p.person): p.person for p in plan.participants}
    campaigns = dict(
        Opportunity.objects.filter(
            workspace=workspace,
            pk__in={r.deal_id for r in rows.rows},
            primary_campaign__isnull=False,
        ).values_list("pk", "primary_campaign__name")
    )
    credits = [
        Credit(
            deal_id=str(r.deal_id),
            person=emails.get(normalize_email(r.person), r.person),
            amount=r.amount,
            share=r.share,
            closed_on=r.closed_on,
            cancelled_on=r.cancelled_on,
            campaign=campaigns.get(r.deal_id),
        )
        for r in rows.rows
    ]
    return credits, rows


def statement_inputs(
    workspace: Workspace, version: PlanVersion, period_label: str, *, actor: Actor
) -> StatementInputs:
    """The engine's inputs for ``version``'s plan and the period ``period_label`` (see the
    module's docstring). ``actor`` reads the KPIs (their sources take one): a comp admin."""
    if version.workspace_id != workspace.pk or actor.workspace.pk != workspace.pk:
        raise NotFound(_("No such pay plan."))
    plan = version_plan(version)
    _check_metrics(plan)
    first_month = workspace.fiscal_year_start_month
    period = period_read(workspace, period_label)
    year_start = dt.date(plan.year, first_month, 1)
    if period.end < year_start:
        raise _invalid(
            "period",
            _("The plan's year starts after this period ends: %(start)s.")
            % {"start": year_start.isoformat()},
        )
    year = period_parse(str(plan.year), first_month)

    emails = {normalize_email(p.person): p.person for p in plan.participants}
    members = Membership.objects.filter(workspace=workspace).select_related("user")
    people = {
        emails[normalize_email(m.user.email)]: m.user
        for m in members
        if normalize_email(m.user.email) in emails
    }
    credits, rows = credits_read(workspace, plan, year)

    apart: dict[str, list[dict[str, Any]]] = {}
    for r in rows.apart:
        email = emails.get(normalize_email(r.person))
        if email is not None:
            apart.setdefault(email, []).append(
                {
                    "deal_id": str(r.deal_id),
                    "currency": r.currency,
                    "amount": f"{r.amount:.2f}",
                    "share": format(r.share.normalize(), "f"),
                    "closed_on": r.closed_on.isoformat(),
                }
            )

    metrics: dict[MetricKey, MetricInput] = {}
    reports: dict[tuple[str, str], Any] = {}
    in_year = period.start >= year_start and period.end <= year.end
    for c in plan.components:
        if c.kind != "attainment" or c.scope == PERSON or not in_year:
            continue
        for needed in metric_periods(plan, c, period, first_month):
            key = (c.metric, c.scope, needed.label)
            if key not in metrics:
                metrics[key] = _metric(actor, c.metric, c.scope, needed, reports)
    return StatementInputs(
        version=version,
        plan=plan,
        period=period,
        first_month=first_month,
        credits=credits,
        metrics=metrics,
        people=people,
        apart=apart,
    )


# -- what the approved statements paid -----------------------------------------------------------

# the kinds of stored lines that are not a component's own payout of the period
NOT_PAYOUT = ("clawback", ADVANCE, TRUE_UP, "adjustment")


@dataclass(frozen=True)
class FrozenStatement:
    """An approved statement's lines as paid: a correction reads them, never today's values."""

    id: int
    lines: list[dict[str, Any]]

    def payout(self, component: str) -> Decimal | None:
        """The component's own line of the period as paid (None: the statement has none)."""
        for line in self.lines:
            if line.get("component") == component and line.get("kind") not in NOT_PAYOUT:
                return Decimal(str(line["payout"]))
        return None

    def advance(self, component: str) -> Decimal | None:
        """The advance on the component's yearly payout as paid (None: no advance line)."""
        found = [
            Decimal(str(x["payout"]))
            for x in self.lines
            if x.get("component") == component and x.get("kind") == ADVANCE
        ]
        return sum(found, Decimal("0.00")) if found else None


@dataclass(frozen=True)
class Frozen:
    """One person's approved statements of a plan by period label, and the periods of the
    statement being computed's kind (a clawback's original period is the one of them that
    holds the deal's ``closed_on``)."""

    statements: dict[str, FrozenStatement]
    periods: tuple[Period, ...] = ()

    def period_of(self, day: dt.date) -> str | None:
        return next((p.label for p in self.periods if p.start <= day <= p.end), None)


def frozen_read(plan_id: int, person_ids: Any, but: str) -> dict[int, dict[str, FrozenStatement]]:
    """The approved statements of the plan for these people (except the period ``but``, the
    one being computed), by person and period: one query."""
    out: dict[int, dict[str, FrozenStatement]] = {}
    rows = (
        Statement.objects.filter(
            plan_id=plan_id, person_id__in=list(person_ids), status=StatementStatus.APPROVED
        )
        .exclude(period=but)
        .values_list("pk", "person_id", "period", "lines")
    )
    for pk, person_id, period, lines in rows:
        out.setdefault(person_id, {})[period] = FrozenStatement(pk, list(lines or []))
    return out


def _true_up_record(
    line: Line, metrics: dict[MetricKey, MetricInput], frozen: Frozen, out: dict[str, Any]
) -> None:
    """A true-up as the app pays it: each advance of an approved statement counts as it was
    paid (frozen there), the others as computed now; it waits only for a computed one."""
    labels = {a[0] for a in line.advances}
    held: dict[str, tuple[int, Decimal]] = {}
    for label, s in frozen.statements.items():
        paid = s.advance(line.component)
        if paid is not None or label in labels:  # approved without one: nothing was advanced
            held[label] = (s.id, paid if paid is not None else Decimal("0.00"))
    computed = {label: amount for label, amount in line.advances if label not in held}
    settled = [metrics[key] for key in line.metrics if key in metrics and key[2] in computed]
    waiting = [m for m in settled if m.missing]
    unknown = {m.period for m in waiting}  # an advance whose value is missing: no amount
    rows: list[dict[str, Any]] = []
    for label in sorted(set(held) | set(computed)):
        if label in held:
            statement_id, amount = held[label]
            rows.append({"period": label, "payout": f"{amount:.2f}", "statement_id": statement_id})
        else:
            shown = None if label in unknown else f"{computed[label]:.2f}"
            rows.append({"period": label, "payout": shown, "statement_id": None})
    total = sum((Decimal(r["payout"]) for r in rows if r["payout"] is not None), Decimal(0))
    out["payout"] = f"{-total:.2f}"
    out["advances"] = rows
    out["metrics"] = [m.as_dict() for m in settled]
    if waiting:  # the true-up waits for them
        out.update(payout="0.00", pending=waiting[0].missing_item())


def _clawback_record(line: Line, frozen: Frozen, out: dict[str, Any]) -> None:
    """A clawback as the app pays it: minus (the original period's payout − the same period's
    payout recomputed without the deal), the original one as frozen in its approved statement
    when there is one, else as computed now."""
    if line.original is None or line.closed_on is None:
        return
    without = line.original + line.payout
    label = frozen.period_of(line.closed_on)
    held = frozen.statements.get(label) if label is not None else None
    paid = held.payout(line.component) if held is not None else None
    original = line.original if paid is None else paid
    out["payout"] = f"{without - original:.2f}"
    out["original"] = {
        "period": label,
        "payout": f"{original:.2f}",
        "statement_id": held.id if held is not None and paid is not None else None,
        "without": f"{without:.2f}",
    }


# -- a line as stored -----------------------------------------------------------------------------


def line_record(
    line: Line, metrics: dict[MetricKey, MetricInput], frozen: Frozen | None = None
) -> dict[str, Any]:
    """A statement line as JSON with its drill-down: the deals and credited amounts, the KPI
    value and the goal's target; a pending line (a missing input) pays nothing yet. With the
    person's approved statements (``frozen``), a true-up counts the advances as they were paid
    and a clawback weighs the original period's payout as it was paid (``original``)."""
    frozen = frozen or Frozen({})
    out: dict[str, Any] = {
        "component": line.component,
        "kind": "clawback" if line.deal_id is not None else line.kind,
        "payout": f"{line.payout:.2f}",
        "attainment": None if line.attainment is None else ratio_text(line.attainment),
        "actual": number_text(line.actual),
        "target": number_text(line.target),
        "target_pay": number_text(line.target_pay, 2),
        "deals": [{"deal_id": d, "credited": money_exact(amount)} for d, amount in line.deals],
    }
    if line.deal_id is not None:
        out["deal_id"] = line.deal_id
        out["closed_on"] = line.closed_on.isoformat() if line.closed_on else None
        out["cancelled_on"] = line.cancelled_on.isoformat() if line.cancelled_on else None
        _clawback_record(line, frozen, out)
    if line.kind == ADVANCE:
        out["share"] = format(line.share.normalize(), "f") if line.share is not None else None
    if line.kind == TRUE_UP:
        _true_up_record(line, metrics, frozen, out)
    if line.metric is not None:
        used = metrics.get(line.metric)
        out["metric"] = used.as_dict() if used is not None else None
        if used is not None and used.missing:
            out.update(
                payout="0.00",
                attainment=None,
                actual=number_text(used.actual),
                target=number_text(used.target),
                pending=used.missing_item(),
            )
    return out


def line_metric_keys(line: dict[str, Any]) -> list[MetricKey]:
    """The KPI values a stored line used: its own, and a true-up's (the advances' periods)."""
    found = [line["metric"]] if line.get("metric") else []
    found += line.get("metrics") or []
    return [(m["metric"], m["scope"], m["period"]) for m in found]


def advance_text(line: dict[str, Any], currency: str) -> str:
    """What an advance, a true-up or a clawback line is, in the reader's language ("" for
    other lines): a true-up's advances and a clawback's original payout say whether they were
    read from an approved statement (frozen) or computed now."""
    if line.get("kind") == ADVANCE and line.get("share"):
        share = Decimal(str(line["share"]))
        digits = max(0, -int(share.normalize().as_tuple().exponent) - 2)  # type: ignore[operator]
        return _(
            "%(share)s of this period's payout on its own, paid ahead of the yearly payout and "
            "settled at year end."
        ) % {"share": percent(share, digits)}
    if line.get("kind") == TRUE_UP:
        parts = []
        for a in line.get("advances") or []:
            words = {
                "period": a["period"],
                "amount": "—"
                if a["payout"] is None
                else format_money(Decimal(a["payout"]), currency),
                "id": a.get("statement_id"),
            }
            if a.get("statement_id"):
                parts.append(_("%(period)s: %(amount)s (approved statement no. %(id)s)") % words)
            else:
                parts.append(_("%(period)s: %(amount)s (computed)") % words)
        paid = " · ".join(parts)
        return _("Minus the advances paid on the yearly payout: %(advances)s.") % {
            "advances": paid or "—"
        }
    original = line.get("original")
    if line.get("kind") == "clawback" and original:
        words = {
            "period": original["period"],
            "paid": format_money(Decimal(original["payout"]), currency),
            "without": format_money(Decimal(original["without"]), currency),
            "id": original.get("statement_id"),
        }
        if original.get("statement_id"):
            return (
                _(
                    "%(period)s paid %(paid)s (approved statement no. %(id)s); without this "
                    "deal it pays %(without)s."
                )
                % words
            )
        return (
            _("%(period)s pays %(paid)s, computed now; without this deal it pays %(without)s.")
            % words
        )
    return ""


def credits_record(credits: list[Credit], person: str, deals: set[str]) -> list[dict[str, Any]]:
    """The person's credit rows the statement used (its lines' deals), as they were read."""
    return [
        {
            "deal_id": c.deal_id,
            "amount": f"{c.amount:.2f}",
            "share": format(c.share.normalize(), "f"),
            "closed_on": c.closed_on.isoformat(),
            "cancelled_on": c.cancelled_on.isoformat() if c.cancelled_on else None,
            "campaign": c.campaign,
        }
        for c in credits
        if c.person == person and c.deal_id in deals
    ]


__all__ = [
    "CREDITED_KPI",
    "METRIC_KPIS",
    "Frozen",
    "FrozenStatement",
    "MetricInput",
    "StatementInputs",
    "advance_text",
    "credits_read",
    "credits_record",
    "frozen_read",
    "line_metric_keys",
    "line_record",
    "metric_kpi",
    "metric_periods",
    "missing_text",
    "number_text",
    "period_read",
    "statement_inputs",
    "version_plan",
]
