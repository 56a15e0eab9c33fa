"""Finance's plan cost (issue 17): what a plan's year costs, at last year's attainment
distribution and at uniform scenarios — the engine on the plan's latest version, read-only, for
the comp admins (``selectors.plan_cost_get``: anyone else finds no such plan).

The scenarios and the cost are pure (``cordee.analytics.plan_cost``); this module reads what
**last year** gives them:

- the credited deals of the fiscal year before the plan's (``funnel.credits.credit_rows``, in the
  workspace currency, as a statement reads its own year's), moved one year forward: each period
  of the plan's year gets the same period's deals of last year, cancellations (and so clawbacks)
  included; a participant credited on none is assumed at the median attainment of those who are;
- each shared metric's attainment in the same period of last year: the KPI's value ÷ the target
  of the one goal set then for that KPI, scope and period; **100 %** when there was no such goal
  (or several, or a target of 0), or no value (a period whose attribution was not signed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from cordee.analytics import kpis as catalogue
from cordee.analytics.comp_data import Credit, MetricKey
from cordee.analytics.comp_plan import PERSON, period_parse
from cordee.analytics.comp_plan import Plan as EnginePlan
from cordee.analytics.plan_cost import (
    Cost,
    cost_compute,
    last_year_scenario,
    shared_needs,
    uniform_scenario,
)
from cordee.comp import inputs, selectors
from cordee.comp.models import Plan, PlanVersion
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.funnel import kpis
from cordee.funnel.models import Goal

# the scenarios shown when none is asked for: every attainment at 80 %, 100 %, 120 %
DEFAULT_ATTAINMENTS = (Decimal("0.8"), Decimal("1"), Decimal("1.2"))
MAX_ATTAINMENT = Decimal(10)
LAST_YEAR, UNIFORM = "last_year", "uniform"


@dataclass(frozen=True)
class SharedBefore:
    """A shared metric's attainment in a period of the plan's year, from last year's."""

    key: MetricKey  # this year's (metric, scope, period)
    before: str  # the same period a year before
    attainment: Fraction
    goal_id: int | None  # None: no usable goal then, 100 %
    actual: Fraction | None
    target: Fraction | None


@dataclass(frozen=True)
class LastYear:
    year: int
    deals: int  # last year's credited deals replayed
    median: Fraction  # the attainment of those without history
    assumed: tuple[str, ...]  # who had none (the plan's e-mails)
    shared: tuple[SharedBefore, ...]


@dataclass(frozen=True)
class ScenarioCost:
    kind: str  # LAST_YEAR or UNIFORM
    attainment: Decimal | None  # the uniform scenario's
    cost: Cost


@dataclass(frozen=True)
class PlanCost:
    plan: Plan
    version: PlanVersion
    year: int
    currency: str
    scenarios: tuple[ScenarioCost, ...]
    last_year: LastYear | None


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(_("Some fields are not valid."), field_errors={field: [message]})


def attainment_check(value: Decimal) -> Decimal:
    """An attainment from 0 to 10 (1.2 for 120 %); a 422 naming ``attainment`` otherwise."""
    if not value.is_finite() or not Decimal(0) <= value <= MAX_ATTAINMENT:
        raise _invalid("attainment", _("Give an attainment from 0 to 10 (1.2 for 120 %)."))
    return value


def _check_metrics(plan: EnginePlan) -> None:
    """Every shared metric names a KPI (a 422 naming ``components[i].metric``)."""
    for i, c in enumerate(plan.components):
        if c.kind == "attainment" and c.scope != PERSON and inputs.metric_kpi(c.metric) is None:
            raise _invalid(
                f"components[{i}].metric",
                _("“%(metric)s” is no KPI of the catalogue (GET /api/v1/kpis lists them).")
                % {"metric": c.metric},
            )


def _last_year_credits(actor: Actor, plan: EnginePlan) -> list[Credit]:
    """The credited deals of the fiscal year before the plan's, as a statement reads its own
    year's (``inputs.credits_read``)."""
    workspace = actor.workspace
    before = period_parse(str(plan.year - 1), workspace.fiscal_year_start_month)
    return inputs.credits_read(workspace, plan, before)[0]


def _shared_last_year(actor: Actor, plan: EnginePlan) -> list[SharedBefore]:
    """Each shared metric's attainment in the same period of last year (the module's
    docstring): one read of the goals, one of the KPI values of every scope and period."""
    workspace = actor.workspace
    needs = shared_needs(plan, workspace.fiscal_year_start_month)
    if not needs:
        return []
    kpi_of = {key[0]: inputs.metric_kpi(key[0]) or "" for key, _b in needs}
    goals: dict[tuple[str, str, str], list[tuple[int, Decimal]]] = {}
    for pk, goal_kpi, goal_scope, goal_period, goal_target in Goal.objects.filter(
        workspace=workspace,
        kpi__in=set(kpi_of.values()),
        scope__in={key[1] for key, _b in needs},
        period__in={before for _k, before in needs},
    ).values_list("pk", "kpi", "scope", "period", "target"):
        goals.setdefault((goal_kpi, goal_scope, goal_period), []).append((pk, goal_target))
    usable = {found: rows[0] for found, rows in goals.items() if len(rows) == 1 and rows[0][1] > 0}
    try:
        scopes = kpis.scopes_read(actor, {text for _k, text, _p in usable})
    except ValidationFailed:  # a scope outside the grammar: none of its values is read
        scopes = {}
    pairs: dict[tuple[str, str], tuple[kpis.Scope, Any]] = {}
    for _kpi, scope_text, period in usable:
        scope = scopes.get(scope_text)
        if scope is not None:
            pairs[(scope_text, period)] = (scope, kpis.period_read(workspace, period))
    values = kpis.kpi_reports(
        actor=actor, pairs=list(pairs.values()), keys={k for k, _s, _p in usable}
    )
    out = []
    for key, before in needs:
        kpi = kpi_of[key[0]]
        goal = usable.get((kpi, key[1], before))
        pair = pairs.get((key[1], before))
        value = None
        if goal is not None and pair is not None:
            value = values[(pair[0].key, pair[1].key)].get(kpi)
        usable_value = (
            value is not None
            and value.value is not None
            and value.state not in (catalogue.NOT_LOCKED, catalogue.NOT_RECORDED)
        )
        if goal is None or value is None or not usable_value:
            out.append(SharedBefore(key, before, Fraction(1), None, None, None))
            continue
        actual = Fraction(value.value)  # type: ignore[arg-type]
        aim = Fraction(goal[1])
        out.append(SharedBefore(key, before, actual / aim, goal[0], actual, aim))
    return out


def plan_cost(
    *,
    actor: Actor,
    plan_id: int,
    attainments: Sequence[Decimal] = DEFAULT_ATTAINMENTS,
    last_year: bool = True,
) -> PlanCost:
    """The cost of the plan's year (its latest version) at last year's distribution (unless
    ``last_year`` is false) and at each uniform attainment of ``attainments`` (1.2 for 120 %;
    a 422 naming ``attainment`` outside 0–10). Comp admins (anyone else: 404). Reads only."""
    plan = selectors.plan_cost_get(actor, plan_id)
    version = selectors.latest_version(plan)
    parsed = inputs.version_plan(version)
    _check_metrics(parsed)
    first_month = actor.workspace.fiscal_year_start_month
    asked = [attainment_check(Decimal(x)) for x in attainments]
    scenarios = []
    before = None
    if last_year:
        credits = _last_year_credits(actor, parsed)
        shared = _shared_last_year(actor, parsed)
        scenario, median, assumed = last_year_scenario(
            parsed, credits, {s.key: s.attainment for s in shared}
        )
        scenarios.append(ScenarioCost(LAST_YEAR, None, cost_compute(parsed, scenario, first_month)))
        before = LastYear(
            year=parsed.year - 1,
            deals=len({c.deal_id for c in credits}),
            median=median,
            assumed=assumed,
            shared=tuple(shared),
        )
    for x in asked:
        scenario = uniform_scenario(parsed, Fraction(x), first_month)
        scenarios.append(ScenarioCost(UNIFORM, x, cost_compute(parsed, scenario, first_month)))
    return PlanCost(
        plan=plan,
        version=version,
        year=parsed.year,
        currency=parsed.currency,
        scenarios=tuple(scenarios),
        last_year=before,
    )


def ratio_text(value: Fraction | None) -> str | None:
    """A ratio to four decimal places, half up (None stays None)."""
    return None if value is None else inputs.number_text(value, 4)


def cost_payload(result: PlanCost) -> dict[str, Any]:
    """The API's shape of a plan's cost (``GET /comp/plans/{id}/cost``)."""

    def scenario(s: ScenarioCost) -> dict[str, Any]:
        cost = s.cost
        return {
            "kind": s.kind,
            "attainment": None if s.attainment is None else inputs.number_text(s.attainment, 4),
            "components": [
                {
                    "component": c.component,
                    "kind": c.kind,
                    "sales": c.by_side.get("sales"),
                    "marketing": c.by_side.get("marketing"),
                    "total": c.total,
                }
                for c in cost.components
            ],
            "sides": [
                {
                    "side": side,
                    "cost": cost.by_side[side],
                    "on_target": cost.on_target_by_side[side],
                    "ratio": ratio_text(cost.side_ratio(side)),
                }
                for side in cost.by_side
            ],
            "total": cost.total,
            "on_target": cost.on_target,
            "ratio": ratio_text(cost.ratio),
            "no_basis": list(cost.no_basis),
        }

    before = result.last_year
    return {
        "plan": result.plan.pk,
        "version": result.version.number,
        "year": result.year,
        "currency": result.currency,
        "scenarios": [scenario(s) for s in result.scenarios],
        "last_year": None
        if before is None
        else {
            "year": before.year,
            "deals": before.deals,
            "median_attainment": inputs.number_text(before.median, 4),
            "assumed": list(before.assumed),
            "shared": [
                {
                    "metric": s.key[0],
                    "scope": s.key[1],
                    "period": s.key[2],
                    "before": s.before,
                    "attainment": inputs.number_text(s.attainment, 4),
                    "goal_id": s.goal_id,
                    "actual": inputs.number_text(s.actual),
                    "target": inputs.number_text(s.target),
                }
                for s in before.shared
            ],
        },
    }
