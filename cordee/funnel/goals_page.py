"""The goals screens' shaping: the goals of a period as a tree by scope with their progress, a
goal's page (its progress explained, its trend against the target, each side's contribution,
its children and history), the forms that set them, and the current shared goals of the
overview page — in the reader's language (the views parse, call, render)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any, cast

from django import forms
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cordee.analytics import goals as maths
from cordee.analytics import kpis as catalogue
from cordee.core.actor import Actor
from cordee.core.charts import cached_svg, chart_spec
from cordee.core.errors import ValidationFailed
from cordee.core.templatetags.cordee import percent
from cordee.core.web import Form
from cordee.funnel import goals, kpis
from cordee.funnel.kpis_page import shown
from cordee.funnel.models import Goal, GoalField, OpportunitySource, Rollup
from cordee.tenancy.models import Membership
from cordee.tenancy.roles import Side, side_of

BAR_TOP = Fraction(6, 5)  # a progress bar's scale: up to 120 % of the target


def forecast_shown(unit: str, value: Decimal | None, currency: str) -> str:
    """A forecast or a pace as the pages write it: a count to one decimal place when it is not
    whole (10.10 → « 10,1 »), anything else as its KPI's values."""
    if value is None:
        return "—"
    if unit == catalogue.COUNT and value != value.to_integral_value():
        return str(formats.number_format(value.quantize(Decimal("0.1")), 1, force_grouping=True))
    return shown(unit, value, currency)


def status_labels() -> dict[str, str]:
    return {
        maths.ON_TRACK: _("On track"),
        maths.AT_RISK: _("At risk"),
        maths.OFF_TRACK: _("Off track"),
        maths.UNKNOWN: _("No value yet"),
    }


def scope_rank(scope: str) -> tuple[int, str]:
    """The tree's order: the workspace, marketing, sales, the pods, the people."""
    order = {"workspace": 0, "side:marketing": 1, "side:sales": 2}
    if scope in order:
        return order[scope], ""
    kind, _sep, value = scope.partition(":")
    return (3 if kind == "pod" else 4), value.zfill(12)


def scope_labels(actor: Actor) -> dict[str, str]:
    """Every scope's name, including the people the actor may not read (their goals are left
    out before they are shown) and the members gone (their id)."""
    labels = dict(kpis.scope_choices(actor))
    for m in Membership.objects.select_related("user").filter(workspace=actor.workspace):
        labels.setdefault(f"person:{m.user_id}", str(m.user))
    return labels


def _fill(actual: Any, target: Decimal, lower_is_better: bool) -> int:
    """The bar's length in % of its width (the target at 100 ÷ 1.2 %)."""
    if actual is None:
        return 0
    value, aim = Fraction(actual), Fraction(target)
    if lower_is_better:
        reached = Fraction(1) if value <= aim else (aim / value if value else Fraction(1))
    else:
        reached = value / aim if aim else Fraction(1)
    return round(min(reached, BAR_TOP) / BAR_TOP * 100)


def target_mark() -> int:
    return round(1 / BAR_TOP * 100)


def row(
    goal: Goal,
    progress: goals.Progress,
    *,
    currency: str,
    scopes: Mapping[str, str],
    depth: int = 0,
) -> dict[str, Any]:
    """One goal as the pages show it."""
    kpi = goals.KPIS[goal.kpi]
    labels = status_labels()
    forecast = progress.forecast
    return {
        "goal": goal,
        "id": goal.pk,
        "depth": depth,
        "kpi": _(kpi.label),
        "kpi_key": kpi.key,
        "unit": kpi.unit,
        "scope": scopes.get(goal.scope, goal.scope),
        "scope_key": goal.scope,
        "period": goal.period,
        "shared": goals.is_shared(kpi, goal.scope),
        "owners": [str(u) for u in (goal.marketing_owner, goal.sales_owner) if u is not None],
        "target": shown(kpi.unit, goal.target, currency),
        "stretch": shown(kpi.unit, goal.stretch_target, currency)
        if goal.stretch_target is not None
        else "",
        "actual": shown(kpi.unit, progress.actual, currency),
        "forecast": forecast_shown(kpi.unit, forecast, currency),
        "status": progress.status,
        "status_label": labels[progress.status],
        "gone": progress.state == goals.SCOPE_GONE,
        "fill": _fill(progress.actual, goal.target, kpi.lower_is_better),
        "forecast_fill": _fill(forecast, goal.target, kpi.lower_is_better),
        "lower_is_better": kpi.lower_is_better,
        "rollup": goal.rollup,
        "children_sum": shown(kpi.unit, progress.children_sum, currency)
        if progress.children_sum is not None
        else "",
        "elapsed": progress.elapsed,
        "days": progress.days,
    }


def tree(goal_list: list[Goal]) -> list[tuple[Goal, int]]:
    """The goals in tree order with their depth: the roots by scope then KPI (the catalogue's
    order), each followed by its children; a goal whose parent is not listed is a root."""
    listed = {g.pk for g in goal_list}
    kpi_order = {k.key: i for i, k in enumerate(catalogue.CATALOGUE)}
    children: dict[int | None, list[Goal]] = {}
    for goal in goal_list:
        parent = goal.parent_id if goal.parent_id in listed else None
        children.setdefault(parent, []).append(goal)

    def key(goal: Goal) -> tuple[Any, ...]:
        return (scope_rank(goal.scope), kpi_order.get(goal.kpi, 99), goal.pk)

    out: list[tuple[Goal, int]] = []

    def walk(parent: int | None, depth: int) -> None:
        for goal in sorted(children.get(parent, []), key=key):
            out.append((goal, depth))
            walk(goal.pk, depth + 1)

    walk(None, 0)
    return out


def period_choices(actor: Actor, current: str) -> list[dict[str, Any]]:
    """The periods to switch to: today's month, quarter and fiscal year, and every period a
    goal is set for, in time order."""
    workspace = actor.workspace
    today = workspace.today()
    quarter = kpis.current_period(workspace, today).key.removeprefix("FY")
    year = quarter.split("-")[0]
    keys = {f"{today:%Y-%m}", quarter, year}
    keys.update(Goal.objects.filter(workspace=workspace).values_list("period", flat=True))
    periods = []
    for key in keys:
        try:
            p = kpis.period_read(workspace, key)
        except ValidationFailed:
            continue
        periods.append((p.start, -(p.end - p.start).days, key))
    return [{"key": key, "current": key == current} for _s, _d, key in sorted(periods)]


def threshold_labels() -> dict[str, str]:
    return {"on_track": _("On track from"), "at_risk": _("At risk from")}


def threshold_values(actor: Actor) -> dict[str, str]:
    """The thresholds as the form shows them: percentages of the target."""
    on_track, at_risk = goals.thresholds(actor.workspace)
    return {
        "on_track": goals.fraction_text(on_track * 100).rstrip("0").rstrip("."),
        "at_risk": goals.fraction_text(at_risk * 100).rstrip("0").rstrip("."),
    }


def percent_as_fraction(text: object) -> object:
    """A percentage typed in the form (« 85 », « 87,5 ») as the fraction the service takes;
    anything else as typed (the service names the field)."""
    try:
        return Decimal(str(text).strip().replace(",", ".").rstrip("%").strip()) / 100
    except (ArithmeticError, ValueError):
        return text


def thresholds_text(actor: Actor) -> str:
    on_track, at_risk = goals.thresholds(actor.workspace)
    return _(
        "On track when the forecast reaches %(on)s of the target, at risk from %(risk)s, off "
        "track below (the other way round where lower is better)."
    ) % {"on": _pct(on_track), "risk": _pct(at_risk)}


def _pct(fraction: Decimal) -> str:
    return percent(fraction, 0 if (fraction * 100) % 1 == 0 else 2)


def goals_page(actor: Actor, params: Mapping[str, Any]) -> dict[str, Any]:
    """The goals of one period (default: the current fiscal quarter) as a tree by scope."""
    workspace = actor.workspace
    text = str(params.get("period") or "").strip().upper()
    context: dict[str, Any] = {"nav": "goals", "errors": {}, "rows": []}
    try:
        period = kpis.period_read(workspace, text)
    except ValidationFailed as exc:
        context.update(message=exc.message, errors=exc.field_errors, period_key=text)
        context["periods"] = period_choices(actor, "")
        return context
    key = text or period.key.removeprefix("FY")
    items = goals.goal_list(actor=actor, period=key)
    progress = goals.goals_progress(actor=actor, goals=items)
    scopes = scope_labels(actor)
    rows = [
        row(g, progress[g.pk], currency=workspace.currency, scopes=scopes, depth=depth)
        for g, depth in tree(items)
    ]
    counts = {s: sum(1 for r in rows if r["status"] == s) for s in status_labels()}
    context.update(
        period=period,
        period_key=key,
        periods=period_choices(actor, key),
        rows=rows,
        counts=[
            {"status": s, "label": label, "n": counts[s]}
            for s, label in status_labels().items()
            if counts[s]
        ],
        target_mark=target_mark(),
        thresholds=thresholds_text(actor),
        threshold_values=threshold_values(actor),
        can_write=actor.can("goal.write"),
        can_configure=actor.can("funnel.configure"),
    )
    return context


# -- a goal's page -------------------------------------------------------------------------------


def method_text(goal: Goal, progress: goals.Progress, currency: str) -> str:
    """How the forecast was made, in words and with the goal's own numbers."""
    kpi = goals.KPIS[goal.kpi]
    length = _period_length(goal.period)
    if progress.method == maths.PACE:
        return ngettext(
            "Forecast = the actual to date + the days left ÷ the period's days × the pace, the "
            "pace being « %(kpi)s » of the previous %(length)s (%(n)s period): %(actual)s + "
            "%(left)s ÷ %(days)s × %(pace)s = %(forecast)s.",
            "Forecast = the actual to date + the days left ÷ the period's days × the pace, the "
            "pace being the mean of « %(kpi)s » over the %(n)s previous %(length)s: "
            "%(actual)s + %(left)s ÷ %(days)s × %(pace)s = %(forecast)s.",
            progress.periods,
        ) % {
            "kpi": _(kpi.label),
            "length": length,
            "n": progress.periods,
            "actual": shown(kpi.unit, progress.actual, currency),
            "left": progress.days - progress.elapsed,
            "days": progress.days,
            "pace": forecast_shown(kpi.unit, progress.pace, currency),
            "forecast": forecast_shown(kpi.unit, progress.forecast, currency),
        }
    if progress.method == maths.LINEAR:
        return _(
            "No earlier %(length)s in the history: the forecast extends the actual to date in "
            "a straight line, %(actual)s × %(days)s days ÷ %(elapsed)s days elapsed = "
            "%(forecast)s."
        ) % {
            "length": length,
            "actual": shown(kpi.unit, progress.actual, currency),
            "days": progress.days,
            "elapsed": progress.elapsed,
            "forecast": forecast_shown(kpi.unit, progress.forecast, currency),
        }
    if progress.method == maths.ACTUAL:
        if kpi.unit in maths.ADDITIVE_UNITS:
            return _("The period has not started: the forecast is the actual.")
        return _(
            "A rate or a duration does not add up over the days left: the forecast is the "
            "value to date."
        )
    if progress.method == maths.FINAL:
        return _("The period is over: the forecast is the final value.")
    return _("No value to date: no forecast.")


def _period_length(key: str) -> str:
    if "-Q" in key:
        return _("quarters")
    if "-" in key:
        return _("months")
    return _("fiscal years")


def trend_spec(
    goal: Goal,
    points: list[goals.TrendPoint],
    progress: goals.Progress,
    *,
    size: str,
) -> dict[str, Any]:
    """Actual to date at each step, the target line (from 0 to the target over the period for
    a count or money; flat for a rate or a duration) and the forecast (dashed, from today to
    the period's end)."""
    kpi = goals.KPIS[goal.kpi]
    small = size == "small"
    actual, target, forecast = _("Actual"), _("Target"), _("Forecast")
    start, end = goal.period_start, goal.period_end
    additive = kpi.unit in maths.ADDITIVE_UNITS

    def number(value: Any) -> float | None:
        return None if value is None else float(Fraction(value))

    values: list[dict[str, Any]] = []
    if additive:
        values.append({"day": start.isoformat(), "series": actual, "value": 0.0})
        values.append({"day": start.isoformat(), "series": target, "value": 0.0})
    else:
        values.append({"day": start.isoformat(), "series": target, "value": number(goal.target)})
    values.append({"day": end.isoformat(), "series": target, "value": number(goal.target)})
    values += [
        {"day": p.day.isoformat(), "series": actual, "value": number(p.actual)}
        for p in points
        if p.actual is not None
    ]
    known = [p for p in points if p.actual is not None]
    if known and progress.forecast is not None and known[-1].day < end:
        values.append(
            {
                "day": known[-1].day.isoformat(),
                "series": forecast,
                "value": number(known[-1].actual),
            }
        )
        values.append(
            {"day": end.isoformat(), "series": forecast, "value": number(progress.forecast)}
        )
    axis_format = {catalogue.RATE: ".0%", catalogue.MONEY: "~s"}.get(kpi.unit, "~s")
    series = [actual, target, forecast]
    encoding: dict[str, Any] = {
        "x": {
            "field": "day",
            "type": "temporal",
            "title": None,
            "scale": {"domain": [start.isoformat(), end.isoformat()]},
            "axis": None if small else {"tickCount": 4, "grid": False},
        },
        "y": {
            "field": "value",
            "type": "quantitative",
            "title": None,
            "axis": None if small else {"format": axis_format, "tickCount": 4},
            "scale": {"zero": True},
        },
        "color": {
            "field": "series",
            "type": "nominal",
            "title": None,
            "scale": {"domain": series, "range": ["#4f46e5", "#9ca3af", "#e8833a"]},
            "legend": None if small else {"orient": "bottom"},
        },
        "strokeDash": {
            "field": "series",
            "type": "nominal",
            "scale": {"domain": series, "range": [[1, 0], [4, 3], [2, 2]]},
            "legend": None,
        },
    }
    mark = {"type": "line", "strokeWidth": 2 if not small else 1.5, "interpolate": "linear"}
    return chart_spec(
        values,
        mark=mark,
        encoding=encoding,
        width={"small": 180, "narrow": 300}.get(size, 560),
        height={"small": 44, "narrow": 180}.get(size, 220),
    )


def trend_svgs(
    actor: Actor, goal: Goal, progress: goals.Progress, sizes: tuple[str, ...]
) -> dict[str, str]:
    """The goal's trend chart in each of ``sizes`` (``small``: the goals page's; ``wide``, and
    ``narrow`` for a phone: the goal's page), its points read once, each rendered once per data
    (the spec's digest is in the key)."""
    points = goals.goal_trend(actor=actor, goal=goal)
    return {
        size: cached_svg(
            f"goal-trend:{goal.pk}:{size}",
            lambda size=size: trend_spec(goal, points, progress, size=size),  # type: ignore[misc]
        )
        for size in sizes
    }


def contributions(actor: Actor, goal: Goal) -> list[dict[str, Any]] | None:
    """Each source's part of the goal's actual, as the page shows it (a bar for the parts of a
    count or an amount, in % of the actual)."""
    parts = goals.goal_contributions(actor=actor, goal=goal)
    if parts is None:
        return None
    kpi = goals.KPIS[goal.kpi]
    labels = dict(OpportunitySource.choices)
    return [
        {
            "source": p.source,
            "label": labels[p.source],
            "value": shown(kpi.unit, p.value, actor.workspace.currency),
            "share": percent(p.share, 1) if p.share is not None else "",
            "width": round(p.share * 100) if p.share is not None else None,
        }
        for p in parts
    ]


def _history(actor: Actor, goal: Goal) -> list[dict[str, Any]]:
    """The goal's changes, a target written in its KPI's unit (« 2 200 000,00 € »)."""
    unit = goals.KPIS[goal.kpi].unit
    rows = goals.goal_history(actor=actor, goal=goal)
    for change in rows:
        if change["field"] in (GoalField.TARGET, GoalField.STRETCH):
            for side in ("before", "after"):
                if change[side]:
                    change[f"{side}_text"] = shown(
                        unit, Decimal(change[side]), actor.workspace.currency
                    )
    return rows


# panels an upper app adds to a goal's page (variable pay: "same number, two horizons"): each
# gets the reader, the goal and its progress, and answers HTML or "" (nothing to show)
GoalPanel = Callable[[Actor, Goal, goals.Progress], str]
_PANELS: list[GoalPanel] = []


def goal_panel_register(panel: GoalPanel) -> None:
    """Call it from the upper app's ``ready()``."""
    if panel not in _PANELS:
        _PANELS.append(panel)


def goal_page(actor: Actor, goal: Goal) -> dict[str, Any]:
    """One goal: its progress explained, its trend, each side's contribution, its children,
    the changes of its target and owners."""
    workspace = actor.workspace
    children = goals._readable(
        actor, Goal.objects.filter(parent=goal).select_related("marketing_owner", "sales_owner")
    )
    progress = goals.goals_progress(actor=actor, goals=[goal, *children])
    scopes = scope_labels(actor)
    currency = workspace.currency
    kpi = goals.KPIS[goal.kpi]
    return {
        "nav": "goals",
        "goal": goal,
        "row": row(goal, progress[goal.pk], currency=currency, scopes=scopes),
        "kpi_definition": _(kpi.definition),
        "method": method_text(goal, progress[goal.pk], currency),
        "children": [
            row(c, progress[c.pk], currency=currency, scopes=scopes) for c, _depth in tree(children)
        ],
        "rollup_label": Rollup(goal.rollup).label,
        "contributions": contributions(actor, goal),
        "history": _history(actor, goal),
        "target_mark": target_mark(),
        "thresholds": thresholds_text(actor),
        "can_write": actor.can("goal.write"),
        "charts": trend_svgs(actor, goal, progress[goal.pk], ("wide", "narrow")),
        "panels": [html for panel in _PANELS if (html := panel(actor, goal, progress[goal.pk]))],
    }


# -- the forms -----------------------------------------------------------------------------------


def owner_choices(actor: Actor, side: str) -> list[tuple[str, str]]:
    members = (
        Membership.objects.select_related("user")
        .filter(workspace=actor.workspace, is_active=True)
        .order_by("user__first_name", "user__last_name", "user__email")
    )
    return [("", "—")] + [(str(m.user_id), str(m.user)) for m in members if side_of(m.role) == side]


class GoalForm(Form):
    """A goal's fields; the service checks them (``funnel.goals``) and names the field at
    fault. ``fixed``: an existing goal's KPI, scope and period are not offered."""

    kpi = forms.ChoiceField(label=gettext_lazy("KPI"))
    scope = forms.ChoiceField(label=gettext_lazy("Scope"))
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=10,
        help_text=gettext_lazy(
            "A fiscal year (2027), a fiscal quarter (2027-Q1) or a month (2027-03)."
        ),
    )
    target = forms.CharField(
        label=gettext_lazy("Target"),
        max_length=20,
        help_text=gettext_lazy(
            "In the KPI's unit: a count, an amount in the workspace currency, a rate as a "
            "fraction (0.25 for 25 %), days."
        ),
    )
    stretch_target = forms.CharField(
        label=gettext_lazy("Stretch target"), max_length=20, required=False
    )
    marketing_owner = forms.ChoiceField(label=gettext_lazy("Marketing owner"), required=False)
    sales_owner = forms.ChoiceField(
        label=gettext_lazy("Sales owner"),
        required=False,
        help_text=gettext_lazy(
            "A shared goal (the workspace's, a pod's or a shared KPI's) has an owner on each side."
        ),
    )
    parent = forms.ChoiceField(label=gettext_lazy("Parent goal"), required=False)
    rollup = forms.ChoiceField(
        label=gettext_lazy("Roll-up rule"),
        choices=Rollup.choices,
        initial=Rollup.INDEPENDENT,
        help_text=gettext_lazy(
            "Children sum to the parent: the children's targets add up to this goal's."
        ),
    )

    def __init__(self, *args: Any, actor: Actor, goal: Goal | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.goal = goal
        fields = self.fields
        cast(forms.ChoiceField, fields["kpi"]).choices = [
            (k.key, _(k.label)) for k in catalogue.CATALOGUE
        ]
        cast(forms.ChoiceField, fields["scope"]).choices = kpis.scope_choices(actor)
        cast(forms.ChoiceField, fields["marketing_owner"]).choices = owner_choices(
            actor, Side.MARKETING
        )
        cast(forms.ChoiceField, fields["sales_owner"]).choices = owner_choices(actor, Side.SALES)
        scopes = scope_labels(actor)
        parents = goals.goal_list(actor=actor)
        if goal is not None:
            parents = [
                p
                for p in parents
                if (p.kpi, p.period) == (goal.kpi, goal.period) and p.pk != goal.pk
            ]
            for fixed in ("kpi", "scope", "period"):
                del fields[fixed]
        cast(forms.ChoiceField, fields["parent"]).choices = [("", "—")] + [
            (
                str(p.pk),
                f"{_(goals.KPIS[p.kpi].label)} · {scopes.get(p.scope, p.scope)} · {p.period}",
            )
            for p in parents
        ]

    def data_out(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        for optional in ("stretch_target", "marketing_owner", "sales_owner", "parent"):
            if optional in data and data[optional] in ("", None):
                data[optional] = None
        return data


def goal_initial(goal: Goal) -> dict[str, Any]:
    kpi = goals.KPIS[goal.kpi]
    return {
        "target": goals._number(goal.target, kpi.unit),
        "stretch_target": goals._number(goal.stretch_target, kpi.unit),
        "marketing_owner": goal.marketing_owner_id or "",
        "sales_owner": goal.sales_owner_id or "",
        "parent": goal.parent_id or "",
        "rollup": goal.rollup,
    }


def form_page(actor: Actor, form: GoalForm, goal: Goal | None = None) -> dict[str, Any]:
    return {"nav": "goals", "form": form, "goal": goal}


# -- the overview page ---------------------------------------------------------------------------


def overview_goals(actor: Actor, today: dt.date | None = None) -> list[dict[str, Any]]:
    """The shared goals of the periods under way today (the month, the quarter, the fiscal
    year), the shortest period first, each period's goals in the tree's order — their children
    (a pod's share of a company goal) are on the goals page: what both sides aim at now."""
    workspace = actor.workspace
    today = today or workspace.today()
    current = [
        g
        for g in goals.goal_list(actor=actor)
        if g.period_start <= today <= g.period_end and goals.is_shared(goals.KPIS[g.kpi], g.scope)
    ]
    if not current:
        return []
    progress = goals.goals_progress(actor=actor, goals=current, today=today)
    scopes = scope_labels(actor)
    roots = [(g, depth) for g, depth in tree(current) if depth == 0]
    roots.sort(key=lambda item: (item[0].period_end - item[0].period_start).days)  # stable
    return [row(g, progress[g.pk], currency=workspace.currency, scopes=scopes) for g, _d in roots]
