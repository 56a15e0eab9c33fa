"""The demo's goals: what Altitude Logiciels' managers set for the quarter under way, the
fiscal year and the quarter just closed (and the pipeline goal of each earlier quarter of the
year: the pay plan's shared goal) — shared company goals owned by both managers, the
pipeline goal split between the pods (children that sum to it), each sales rep's SQLs — each
target a little above what the same scope did in the previous quarter, written through the goals'
services (their rules, their history)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from cordee.analytics import goals as goal_maths
from cordee.analytics import planning as calendar
from cordee.core.actor import Actor, actor_for
from cordee.funnel import kpis
from cordee.funnel.models import Goal, GoalChange
from cordee.funnel.services import goal_create, goal_update
from cordee.funnel.sla import workspace_calendar
from cordee.people.models import Pod
from cordee.tenancy.models import Membership, User, Workspace

MARKETING_MANAGER = "claire.marketing@demo.cordee.fr"
SALES_MANAGER = "marc.ventes@demo.cordee.fr"
COMPANY_KPIS = ("revenue_won", "sqls", "sals", "mqls_created", "acceptance_rate")


def _actor(workspace: Workspace, email: str) -> Actor:
    return actor_for(User.objects.get(email=email), workspace.slug)


def _rounded(value: Any, unit: str, step: int) -> Decimal:
    """A target as a manager writes it: a rate to the point, anything else a round number (a
    multiple of ``step``, at least one)."""
    exact = Fraction(value)
    number = Decimal(exact.numerator) / Decimal(exact.denominator)
    if unit == "rate":
        return number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return max((number / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step, Decimal(step))


def add_goals(workspace: Workspace, *, today: dt.date, seed: int = 1) -> int:
    """The goals of the previous, current quarter and the fiscal year, and the pipeline goals
    of the year's earlier quarters; returns their number."""
    rng = random.Random(f"cordee-demo:{seed}:goals")
    marc = _actor(workspace, SALES_MANAGER)
    claire = _actor(workspace, MARKETING_MANAGER)
    owners = {"marketing_owner": claire.user.pk, "sales_owner": marc.user.pk}
    quarter = kpis.current_period(workspace, today)
    quarter_key = quarter.key.removeprefix("FY")
    previous_key = goal_maths.previous_keys(quarter_key, 1)[0]
    first_month = workspace.fiscal_year_start_month
    previous = calendar.plan_period(previous_key, first_month)
    before = calendar.plan_period(goal_maths.previous_keys(previous_key, 1)[0], first_month)
    year_key = quarter_key.split("-")[0]
    reports: dict[tuple[str, str], Any] = {}

    def done(scope: str, period: calendar.PlanPeriod, kpi: str) -> Any:
        """What ``scope`` did in ``period`` (the KPI's own definition)."""
        if (scope, period.key) not in reports:
            report = kpis.kpi_report(actor=marc, scope=kpis.scope_read(marc, scope), period=period)
            reports[(scope, period.key)] = report.values
        return reports[(scope, period.key)][kpi].value

    made = 0

    def goal(actor: Actor, **data: Any) -> Goal:
        nonlocal made
        made += 1
        return goal_create(actor=actor, data=data)

    steps = {"revenue_won": 10_000, "pipeline_created": 10_000, "sqls": 5, "sals": 5}
    units = {"acceptance_rate": "rate"}
    # the quarter just closed (its goals set on the one before it) and the quarter under way
    for basis, key, setter, kpis_set in (
        # the quarter just closed also had its pipeline goal (the pay plan's shared one); the
        # quarter under way has it split between the pods, below
        (before, previous_key, claire, (*COMPANY_KPIS, "pipeline_created")),
        (previous, quarter_key, marc, COMPANY_KPIS),
    ):
        for kpi in kpis_set:
            value = done("workspace", basis, kpi)
            if value is None:
                continue
            lift = Fraction(rng.randint(100, 106 if kpi in units else 118), 100)
            aim = (
                min(Fraction(value) * lift, Fraction(95, 100))
                if kpi in units
                else Fraction(value) * lift
            )
            goal(
                setter,
                kpi=kpi,
                scope="workspace",
                period=key,
                target=str(_rounded(aim, units.get(kpi, "count"), steps.get(kpi, 10))),
                **owners,
            )
    # the pipeline goals of the year's earlier quarters (each set on the quarter before it, as
    # above): the shared goal the pay plan's marketers get advances on each quarter, which the
    # year's statement trues up
    past = random.Random(f"cordee-demo:{seed}:goals-past")
    key = year_key + "-Q1"
    while key not in (previous_key, quarter_key):
        basis = calendar.plan_period(goal_maths.previous_keys(key, 1)[0], first_month)
        value = done("workspace", basis, "pipeline_created")
        if value is not None:
            aim = Fraction(value) * Fraction(past.randint(100, 118), 100)
            goal(
                claire,
                kpi="pipeline_created",
                scope="workspace",
                period=key,
                target=str(_rounded(aim, "money", 10_000)),
                **owners,
            )
        key = _next_quarter(key)
    # the quarter's pipeline, split between the pods: their targets sum to the company's
    pods = list(Pod.objects.filter(workspace=workspace).order_by("name"))
    parts = []
    for pod in pods:
        value = done(f"pod:{pod.pk}", previous, "pipeline_created") or 0
        lift = Fraction(rng.randint(100, 120), 100)
        parts.append((pod, _rounded(Fraction(value) * lift, "money", 10_000)))
    parent = goal(
        marc,
        kpi="pipeline_created",
        scope="workspace",
        period=quarter_key,
        target=str(sum(t for _p, t in parts)),
        rollup="sum",
        **owners,
    )
    for pod, target in parts:
        goal(
            marc,
            kpi="pipeline_created",
            scope=f"pod:{pod.pk}",
            period=quarter_key,
            target=str(target),
            parent=parent.pk,
            **owners,
        )
    # each account executive's SQLs of the quarter (SDRs book meetings, not opportunities), owned by the sales manager
    reps = Membership.objects.filter(
        workspace=workspace, role="sales_rep", is_active=True
    ).order_by("user__email")
    for member in reps:
        value = done(f"person:{member.user_id}", previous, "sqls") or 0
        if not value:
            continue  # nothing to go by: no goal yet
        sqls = max(int(Fraction(value) * Fraction(rng.randint(100, 125), 100) + 1), 3)
        goal(
            marc,
            kpi="sqls",
            scope=f"person:{member.user_id}",
            period=quarter_key,
            target=str(sqls),
            sales_owner=marc.user.pk,
        )
    # the fiscal year's revenue: what the past quarters won and the quarter's goal, a little
    # more (set in the year's first days and raised once by the sales manager)
    year_total = Fraction(0)
    key = year_key + "-Q1"
    while key != quarter_key:
        year_total += Fraction(
            done("workspace", calendar.plan_period(key, first_month), "revenue_won") or 0
        )
        key = _next_quarter(key)
    quarter_goal = Goal.objects.filter(
        workspace=workspace, kpi="revenue_won", scope="workspace", period=quarter_key
    ).first()
    quarter_revenue = quarter_goal.target if quarter_goal is not None else 0
    target = _rounded(
        (year_total + Fraction(quarter_revenue)) * Fraction(104, 100), "money", 50_000
    )
    annual = goal(
        claire,
        kpi="revenue_won",
        scope="workspace",
        period=year_key,
        target=str(target - 50_000),
        **owners,
    )
    # the year's pipeline: what the past quarters created and the quarter's goal (the shared
    # goal marketing's variable pay is measured on, once a year)
    created = Fraction(0)
    key = year_key + "-Q1"
    while key != quarter_key:
        created += Fraction(
            done("workspace", calendar.plan_period(key, first_month), "pipeline_created") or 0
        )
        key = _next_quarter(key)
    goal(
        claire,
        kpi="pipeline_created",
        scope="workspace",
        period=year_key,
        target=str(
            _rounded((created + Fraction(parent.target)) * Fraction(102, 100), "money", 50_000)
        ),
        **owners,
    )
    if _review_day(annual) < today:  # raised at the first quarterly review, once it is past
        goal_update(
            actor=marc,
            goal_id=annual.pk,
            data={"target": str(target), "stretch_target": str(target + 150_000)},
        )
    _dated(workspace, annual.pk)
    return made


def working_morning(day: dt.date, workspace: Workspace, minutes: int) -> dt.datetime:
    """``minutes`` after 9:00 on the first working day from ``day`` (the workspace's calendar:
    no weekend, no public holiday)."""
    business = workspace_calendar(workspace)
    public = business.public_holidays({day.year, day.year + 1})
    while not business.is_working_day(day, public):
        day += dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=workspace.zone)
    return start + dt.timedelta(minutes=minutes)


def _review_day(goal: Goal) -> dt.date:
    """The first quarterly review of a year's goal: a week into its second quarter."""
    return calendar.add_months(goal.period_start, 3) + dt.timedelta(days=7)


def _dated(workspace: Workspace, annual: int) -> None:
    """Each goal set, and its history, on the first working morning of its period (the
    managers' planning meeting); the annual goal raised at the first quarterly review."""
    for i, goal in enumerate(Goal.objects.filter(workspace=workspace).order_by("id")):
        at = working_morning(goal.period_start, workspace, 30 + 2 * i)
        Goal.objects.filter(pk=goal.pk).update(created_at=at)
        changes = GoalChange.objects.filter(goal=goal).order_by("id")
        first = changes.first()
        for change in changes:
            moved = at
            if goal.pk == annual and first is not None and change.at > first.at:
                moved = working_morning(_review_day(goal), workspace, 150)
            GoalChange.objects.filter(pk=change.pk).update(at=moved)


def _next_quarter(key: str) -> str:
    year, quarter = key.split("-Q")
    return f"{int(year) + 1}-Q1" if quarter == "4" else f"{year}-Q{int(quarter) + 1}"
