"""Goals: the checks of a goal's fields (used by ``funnel.services.goal_*``, the writers), the
permission-scoped reads, and each goal's progress — its actual to date (the KPI's value for the
goal's scope and period: ``funnel.kpis.kpi_report``, never recomputed), its forecast to period
end and its status (``analytics.goals``, where the method is stated).

**Who reads what**: every member reads the workspace's goals, a person's goal only those who
read that person's KPIs (``kpis.may_read_person``); another workspace's goal is a 404.

**Progress of many goals**: the KPIs of every (scope, period) the goals need (their periods
and the previous periods of the paces) are computed together (``kpis.kpi_reports``: each kind of
row read once for the whole date range): the number of queries does not grow with the number of
goals (only the KPIs of an upper app — feedback, attribution — are read once per (scope,
period) of the workspace or a pod).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.db.models import Min, QuerySet
from django.utils.translation import gettext as _

from cordee.analytics import goals as maths
from cordee.analytics import kpis as catalogue
from cordee.analytics import planning as calendar
from cordee.analytics.calendar import add_months
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.funnel import kpis
from cordee.funnel.models import (
    Goal,
    GoalChange,
    GoalField,
    GoalThresholds,
    Opportunity,
    OpportunitySource,
    Rollup,
)
from cordee.funnel.models.goals import DEFAULT_AT_RISK, DEFAULT_ON_TRACK
from cordee.funnel.models.leads import LeadStageChange
from cordee.tenancy.models import Membership, User
from cordee.tenancy.roles import Role, Side, side_of

KPIS = {k.key: k for k in catalogue.CATALOGUE}
SCOPE_GONE = "scope_gone"  # the goal's pod was deleted since: no value


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(_("Some fields are not valid."), field_errors={field: [message]})


# -- the checks of a goal's fields ---------------------------------------------------------------


def kpi_check(key: object) -> catalogue.Kpi:
    kpi = KPIS.get(str(key or ""))
    if kpi is None:
        raise invalid("kpi", _("Choose a KPI of the catalogue (GET /api/v1/kpis lists them)."))
    return kpi


def period_check(workspace: Any, text: object) -> tuple[str, dt.date, dt.date]:
    """(key, first day, last day) of ``2027``, ``2027-Q1`` or ``2027-03`` on the workspace's
    fiscal calendar; the key as given, upper case (``2027-Q1``)."""
    if text in (None, ""):  # a goal names its period: no default quarter
        raise kpis.period_error()
    period = kpis.period_read(workspace, text)
    return str(text).strip().upper(), period.start, period.end


def scope_check(actor: Actor, text: object) -> kpis.Scope:
    """The KPIs' scope grammar; a pod or person unknown here is a 422 naming ``scope``."""
    try:
        return kpis.scope_read(actor, text or "workspace")
    except NotFound as error:
        raise invalid("scope", str(error)) from None


def is_shared(kpi: catalogue.Kpi, scope: str) -> bool:
    """A shared goal has an owner on each side: the workspace's or a pod's, or a shared KPI's."""
    return kpi.side == catalogue.SHARED or scope == "workspace" or scope.startswith("pod:")


def amount_check(field: str, kpi: catalogue.Kpi, value: object) -> Decimal:
    """A target in the KPI's unit: ≥ 0; a count whole, a rate a fraction up to 1 (4 places),
    money to the cent, a duration in days (2 places)."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise invalid(field, _("Give a number.")) from None
    if not number.is_finite() or number < 0:
        raise invalid(field, _("Give a number of 0 or more."))
    if number >= Decimal("1e13"):
        raise invalid(field, _("This number is too large."))
    places = {catalogue.COUNT: 0, catalogue.RATE: 4}.get(kpi.unit, 2)
    if number != number.quantize(Decimal(1).scaleb(-places)):
        if kpi.unit == catalogue.COUNT:
            raise invalid(field, _("A count is a whole number."))
        raise invalid(field, _("Give at most %(places)s decimal places.") % {"places": places})
    if kpi.unit == catalogue.RATE and number > 1:
        raise invalid(field, _("A rate is a fraction between 0 and 1 (0.25 for 25 %)."))
    return number


def _id(field: str, value: object) -> int:
    text = str(value)
    if not text.isdigit() or len(text) > 12:
        raise invalid(field, _("Give an id (a whole number)."))
    return int(text)


def owner_check(actor: Actor, field: str, side: str, user_id: object) -> User | None:
    """An active member of the workspace on ``side`` (marketing or sales), or None."""
    if user_id in (None, ""):
        return None
    pk = _id(field, user_id)
    member = (
        Membership.objects.select_related("user")
        .filter(workspace=actor.workspace, user_id=pk, is_active=True)
        .first()
    )
    if member is None:
        raise invalid(field, _("No such member in this workspace."))
    if side_of(member.role) != side:
        raise invalid(
            field,
            _("The marketing owner is a member of the marketing side.")
            if side == Side.MARKETING
            else _("The sales owner is a member of the sales side."),
        )
    return member.user


def parent_check(actor: Actor, parent_id: object, goal: Goal) -> Goal | None:
    """The parent goal: of this workspace (locked: its children's sum is checked against it),
    the same KPI and period, not the goal itself nor one of its descendants."""
    if parent_id in (None, ""):
        return None
    pk = _id("parent", parent_id)
    parent = Goal.objects.select_for_update().filter(workspace=actor.workspace, pk=pk).first()
    if parent is None:
        raise invalid("parent", _("No such goal in this workspace."))
    if (parent.kpi, parent.period) != (goal.kpi, goal.period):
        raise invalid("parent", _("A parent goal has the same KPI and period as its children."))
    ancestor: Goal | None = parent
    while ancestor is not None and goal.pk is not None:
        if ancestor.pk == goal.pk:
            raise invalid("parent", _("A goal cannot be under itself or one of its children."))
        ancestor = ancestor.parent
    return parent


def children_sum(goal: Goal, *, leaving_out: int | None = None) -> Decimal:
    rows = Goal.objects.filter(parent=goal)
    if leaving_out is not None:
        rows = rows.exclude(pk=leaving_out)
    return sum((t for t in rows.values_list("target", flat=True)), Decimal(0))


def rollup_check(goal: Goal, kpi: catalogue.Kpi) -> None:
    """The roll-up rules: a parent that sums its children has an additive KPI (a count or
    money) and a target equal to its children's sum; a child under such a parent, with its
    siblings, does not exceed the parent's target (a parent is built child by child, so its
    children may sum to less until the last is set)."""
    if goal.rollup == Rollup.SUM:
        if kpi.unit not in maths.ADDITIVE_UNITS:
            raise invalid("rollup", _("Only a count or an amount of money can sum its children."))
        if goal.pk is not None and Goal.objects.filter(parent=goal).exists():
            total = children_sum(goal)
            if total != goal.target:
                raise invalid(
                    "target",
                    _(
                        "The children of this goal sum to %(sum)s: its target must be that sum "
                        "(or its roll-up rule independent)."
                    )
                    % {"sum": _number(total, kpi.unit)},
                )
    parent = goal.parent
    if parent is not None and parent.rollup == Rollup.SUM:
        total = children_sum(parent, leaving_out=goal.pk) + goal.target
        if total > parent.target:
            raise invalid(
                "target",
                _(
                    "With this target the children of the parent goal sum to %(sum)s, more "
                    "than its target of %(target)s."
                )
                % {"sum": _number(total, kpi.unit), "target": _number(parent.target, kpi.unit)},
            )


def stretch_check(goal: Goal, kpi: catalogue.Kpi) -> None:
    if goal.stretch_target is None:
        return
    beyond = (
        goal.stretch_target <= goal.target
        if kpi.lower_is_better
        else goal.stretch_target >= goal.target
    )
    if not beyond:
        raise invalid(
            "stretch_target",
            _("A stretch target is below the target (lower is better for this KPI).")
            if kpi.lower_is_better
            else _("A stretch target is at or above the target."),
        )


def owners_check(goal: Goal, kpi: catalogue.Kpi) -> None:
    if not is_shared(kpi, goal.scope):
        return
    errors = {}
    if goal.marketing_owner_id is None:
        errors["marketing_owner"] = [_("A shared goal has a marketing owner.")]
    if goal.sales_owner_id is None:
        errors["sales_owner"] = [_("A shared goal has a sales owner.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)


def _number(value: Decimal | None, unit: str) -> str:
    if value is None:
        return ""
    places = {catalogue.COUNT: "1", catalogue.RATE: "0.0001"}.get(unit, "0.01")
    return format(value.quantize(Decimal(places)), "f")


def change_text(goal: Goal, field: str) -> str:
    """A field's value as the history keeps it: a decimal string or a user id."""
    if field in (GoalField.MARKETING_OWNER, GoalField.SALES_OWNER):
        user_id = getattr(goal, f"{field}_id")
        return "" if user_id is None else str(user_id)
    return _number(getattr(goal, field), KPIS[goal.kpi].unit)


# -- reads ---------------------------------------------------------------------------------------


def _goals(actor: Actor) -> QuerySet[Goal]:
    return Goal.objects.filter(workspace=actor.workspace).select_related(
        "marketing_owner", "sales_owner"
    )


def _readable(actor: Actor, goals: Iterable[Goal]) -> list[Goal]:
    """Leaves out the goals of a person the actor may not read."""
    goals = list(goals)
    people = {int(g.scope[7:]) for g in goals if g.scope.startswith("person:")}
    members = {
        m.user_id: m
        for m in Membership.objects.filter(workspace=actor.workspace, user_id__in=people)
    }
    out = []
    for goal in goals:
        if goal.scope.startswith("person:"):
            member = members.get(int(goal.scope[7:]))
            if member is None or not kpis.may_read_person(actor, member):
                continue
        out.append(goal)
    return out


def goal_list(
    *, actor: Actor, period: str | None = None, scope: str | None = None, kpi: str | None = None
) -> list[Goal]:
    """The workspace's goals the actor may read, by period, KPI, scope."""
    goals = _goals(actor)
    if period:
        goals = goals.filter(period=str(period).strip().upper())
    if scope:
        goals = goals.filter(scope=scope)
    if kpi:
        goals = goals.filter(kpi=kpi)
    return _readable(actor, goals.order_by("period_start", "period_end", "kpi", "scope", "id"))


def goal_get(*, actor: Actor, pk: int) -> Goal:
    """One goal of the workspace (404 otherwise; 403 for a person's goal the actor may not
    read)."""
    goal = _goals(actor).filter(pk=pk).first()
    if goal is None:
        raise NotFound(_("No such goal in this workspace."))
    if not _readable(actor, [goal]):
        raise PermissionDenied(
            _("A person's goals are read by that person, their managers, RevOps and executives.")
        )
    return goal


def thresholds(workspace: Any) -> tuple[Decimal, Decimal]:
    """(on track from, at risk from) as fractions of the target: the workspace's, or 1 and
    0.85."""
    row = GoalThresholds.objects.filter(workspace=workspace).first()
    if row is None:
        return DEFAULT_ON_TRACK, DEFAULT_AT_RISK
    return row.on_track, row.at_risk


def fraction_text(value: Decimal) -> str:
    """A threshold as text: 2 decimal places, 4 when it needs them (1.00, 0.85, 0.8750)."""
    short = value.quantize(Decimal("0.01"))
    return format(short if short == value else value.quantize(Decimal("0.0001")), "f")


def history_start(workspace: Any) -> dt.date | None:
    """The workspace's first data: its first lead stage change or opportunity (workspace
    time zone); a previous period starting before it gives no pace."""
    first_change = LeadStageChange.objects.filter(workspace=workspace).aggregate(m=Min("at"))["m"]
    first_opportunity = Opportunity.objects.filter(workspace=workspace).aggregate(
        m=Min("created_on")
    )["m"]
    days = [d for d in (first_change and workspace.today(first_change), first_opportunity) if d]
    return min(days) if days else None


@dataclass(frozen=True)
class Progress:
    actual: int | Fraction | Decimal | None
    state: str  # the KPI value's state ("" when it has a value)
    forecast: Decimal | None
    method: str
    periods: int  # the previous periods behind the pace
    pace: Decimal | None  # their mean (PACE), rounded as the forecast
    status: str
    elapsed: int
    days: int
    children_sum: Decimal | None  # a parent that sums its children


def goals_progress(
    *, actor: Actor, goals: list[Goal], today: dt.date | None = None
) -> dict[int, Progress]:
    """Each goal's progress (``analytics.goals`` states the method): the KPIs of every (scope,
    period) the goals need — their own periods, and the previous periods of the paces — computed
    together by ``kpis.kpi_reports``, each kind of row read once."""
    workspace = actor.workspace
    today = today or workspace.today()
    on_track, at_risk = thresholds(workspace)
    first_month = workspace.fiscal_year_start_month
    scopes = kpis.scopes_read(actor, {g.scope for g in goals})

    # the (scope, period) pairs: each goal's, and the previous periods of a pace that starts
    # after the workspace's first data (read once, if a goal needs a pace)
    wanted: dict[tuple[str, str], calendar.PlanPeriod] = {}
    paces: dict[int, list[str]] = {}
    start: list[dt.date | None] = []
    for goal in goals:
        kpi = KPIS[goal.kpi]
        period = calendar.PlanPeriod(goal.period, goal.period_start, goal.period_end)
        wanted.setdefault((goal.scope, goal.period), period)
        elapsed, days = maths.elapsed_days(goal.period_start, goal.period_end, today)
        if kpi.unit not in maths.ADDITIVE_UNITS or elapsed >= days:
            continue
        if not start:
            start.append(history_start(workspace))
        keys = paces[goal.pk] = []
        for key in maths.previous_keys(goal.period):
            previous = calendar.plan_period(key, first_month)
            if start[0] is None or previous.start < start[0]:
                continue
            keys.append(key)
            wanted.setdefault(
                (goal.scope, key), calendar.PlanPeriod(key, previous.start, previous.end)
            )
    computed = kpis.kpi_reports(
        actor=actor,
        keys={g.kpi for g in goals},
        pairs=[
            (scope, period)
            for (scope_key, _key), period in wanted.items()
            if (scope := scopes[scope_key]) is not None
        ],
    )
    gone = {k.key: catalogue.KpiValue(k.key, None, state=SCOPE_GONE) for k in catalogue.CATALOGUE}

    def values(scope_key: str, key: str) -> dict[str, catalogue.KpiValue]:
        scope = scopes[scope_key]  # None: a pod deleted since, a member gone
        return gone if scope is None else computed[(scope.key, key)]

    sums: dict[int, Decimal] = {}
    parents = [g.pk for g in goals if g.rollup == Rollup.SUM]
    for parent_id, target in Goal.objects.filter(parent_id__in=parents).values_list(
        "parent_id", "target"
    ):
        sums[parent_id] = sums.get(parent_id, Decimal(0)) + target

    out: dict[int, Progress] = {}
    for goal in goals:
        kpi = KPIS[goal.kpi]
        value = values(goal.scope, goal.period)[kpi.key]
        elapsed, days = maths.elapsed_days(goal.period_start, goal.period_end, today)
        history: list[Any] = []
        if value.value is not None:
            for key in paces.get(goal.pk, []):
                past = values(goal.scope, key)[kpi.key].value
                if past is not None:
                    history.append(past)
        forecast = maths.forecast(kpi.unit, value.value, history, elapsed, days)
        out[goal.pk] = Progress(
            actual=value.value,
            state=value.state,
            forecast=maths.rounded(forecast.value, kpi.unit),
            method=forecast.method,
            periods=forecast.periods,
            pace=maths.rounded(forecast.pace, kpi.unit),
            status=maths.status(
                forecast.value,
                goal.target,
                lower_is_better=kpi.lower_is_better,
                on_track=on_track,
                at_risk=at_risk,
            ),
            elapsed=elapsed,
            days=days,
            children_sum=sums.get(goal.pk, Decimal(0)) if goal.rollup == Rollup.SUM else None,
        )
    return out


def goal_history(*, actor: Actor, goal: Goal) -> list[dict[str, Any]]:
    """The goal's changes, oldest first, the field and owners named in the reader's
    language."""
    changes = list(
        GoalChange.objects.filter(workspace=actor.workspace, goal=goal).select_related("actor")
    )
    owners = {GoalField.MARKETING_OWNER, GoalField.SALES_OWNER}
    ids = {int(v) for c in changes if c.field in owners for v in (c.before, c.after) if v.isdigit()}
    names = {u.pk: u.get_full_name() or u.email for u in User.objects.filter(pk__in=ids)}

    def text(field: str, value: str) -> str:
        if field in owners and value.isdigit():
            return names.get(int(value), value)
        return value

    return [
        {
            "id": c.pk,
            "field": c.field,
            "field_label": str(GoalField(c.field).label),
            "before": c.before or None,
            "after": c.after or None,
            "before_text": text(c.field, c.before),
            "after_text": text(c.field, c.after),
            "at": c.at,
            "by": None
            if c.actor is None
            else {"id": c.actor.pk, "name": c.actor.get_full_name() or c.actor.email},
        }
        for c in changes
    ]


# -- one JSON shape for the API ------------------------------------------------------------------


def _person(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": user.get_full_name() or user.email}


def goal_payload(goal: Goal, progress: Progress) -> dict[str, Any]:
    kpi = KPIS[goal.kpi]
    return {
        "id": goal.pk,
        "kpi": goal.kpi,
        "kpi_label": _(kpi.label),
        "unit": kpi.unit,
        "scope": goal.scope,
        "period": {"key": goal.period, "start": goal.period_start, "end": goal.period_end},
        "target": _number(goal.target, kpi.unit),
        "stretch_target": _number(goal.stretch_target, kpi.unit) or None,
        "marketing_owner": _person(goal.marketing_owner),
        "sales_owner": _person(goal.sales_owner),
        "parent": goal.parent_id,
        "rollup": goal.rollup,
        "shared": is_shared(kpi, goal.scope),
        "progress": {
            "actual": kpis.value_text(kpi.unit, progress.actual),
            "state": progress.state,
            "forecast": None if progress.forecast is None else format(progress.forecast, "f"),
            "method": progress.method,
            "history_periods": progress.periods,
            "status": progress.status,
            "elapsed_days": progress.elapsed,
            "days": progress.days,
            "children_target_sum": _number(progress.children_sum, kpi.unit) or None,
        },
    }


# -- the trend: the actual to date at each step of the period ------------------------------------


def trend_days(start: dt.date, end: dt.date, today: dt.date) -> list[dt.date]:
    """The days the trend reads the actual to date at: each Sunday of a month's period, the
    15th and last day of each month of a longer one, the period's last day, and today when
    the period is under way — none after today."""
    days: set[dt.date] = {end}
    if (end - start).days < 31:
        day = start + dt.timedelta(days=(6 - start.weekday()) % 7)
        while day <= end:
            days.add(day)
            day += dt.timedelta(days=7)
    else:
        month = dt.date(start.year, start.month, 1)
        while month <= end:
            following = add_months(month, 1)
            days.update({month.replace(day=15), following - dt.timedelta(days=1)})
            month = following
    if start <= today <= end:
        days.add(today)
    return sorted(d for d in days if start <= d <= min(end, today))


@dataclass(frozen=True)
class TrendPoint:
    day: dt.date
    actual: int | Fraction | Decimal | None


def goal_trend(*, actor: Actor, goal: Goal, today: dt.date | None = None) -> list[TrendPoint]:
    """The goal's KPI from the period's first day to each of ``trend_days`` (the KPI's own
    definition over the days so far, every step at once: ``kpis.kpi_reports``), for the chart of
    actual against target. A goal whose scope is gone has no trend."""
    today = today or actor.workspace.today()
    try:
        scope = kpis.scope_read(actor, goal.scope)
    except (NotFound, PermissionDenied):
        return []
    days = trend_days(goal.period_start, goal.period_end, today)
    pairs = [(scope, calendar.PlanPeriod(f"{goal.period}@{d}", goal.period_start, d)) for d in days]
    values = kpis.kpi_reports(actor=actor, pairs=pairs, keys=[goal.kpi])
    return [
        TrendPoint(period.end, values[(scope.key, period.key)][goal.kpi].value)
        for _scope, period in pairs
    ]


# -- each side's contribution ----------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    source: str  # an opportunity source: "marketing", "sales", "partner"
    value: int | Fraction | Decimal | None
    share: Fraction | None  # of the goal's actual (additive KPIs only)


def goal_contributions(*, actor: Actor, goal: Goal) -> list[Contribution] | None:
    """The goal's actual split by who brought the opportunities (their source: marketing,
    sales, partner), each part computed by the KPI's own definition over that source's
    opportunities — for the KPIs read from opportunities alone (``catalogue.DEAL_KPIS``); None
    for the others and for a scope that is gone. The parts of a count or an amount add up to
    the actual; a rate or a median is given per source."""
    if goal.kpi not in catalogue.DEAL_KPIS:
        return None
    try:
        scope = kpis.scope_read(actor, goal.scope)
    except (NotFound, PermissionDenied):
        return None
    period = calendar.PlanPeriod(goal.period, goal.period_start, goal.period_end)
    total = kpis.kpi_reports(actor=actor, pairs=[(scope, period)], keys=[goal.kpi])
    actual = total[(scope.key, period.key)][goal.kpi].value
    parts = kpis.deal_kpis_by_source(
        actor=actor, scope=scope, period=period, sources=OpportunitySource.values
    )
    additive = KPIS[goal.kpi].unit in maths.ADDITIVE_UNITS
    out = []
    for source, values in parts.items():
        value = values[goal.kpi].value
        share = Fraction(value or 0) / Fraction(actual) if additive and actual else None
        out.append(Contribution(source, value, share))
    return out


def default_owner(actor: Actor, side: str) -> int | None:
    """The owner a goal of the actor's making gets on ``side`` when none is named: the actor
    on their own side, else the side's manager (the first by name when there are several)."""
    if side_of(actor.role) == side:
        return int(actor.user.pk)
    role = Role.MARKETING_MANAGER if side == Side.MARKETING else Role.SALES_MANAGER
    return (
        Membership.objects.filter(workspace=actor.workspace, is_active=True, role=role)
        .order_by("user__first_name", "user__last_name", "user__email")
        .values_list("user_id", flat=True)
        .first()
    )
