"""On a goal's page, the pay plans paying on it: "same number, two horizons" — the goal's KPI
value and the component's curve, the sides paid on each period (sales each quarter, marketing
each year, say, with the advances a yearly side gets on shorter periods), and the payout
fraction the actual and the forecast would give. Shown to the plan's participants and to those
who edit the plans; no person's amount."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from cordee.analytics.comp_data import curve_fraction
from cordee.analytics.comp_plan import PlanError, plan_parse
from cordee.comp import selectors
from cordee.comp.inputs import metric_kpi
from cordee.comp.models import Plan
from cordee.core.actor import Actor
from cordee.core.templatetags.cordee import percent
from cordee.funnel.goals import Progress
from cordee.funnel.models import Goal
from cordee.tenancy.models import normalize_email
from cordee.tenancy.roles import Side


def _kind(period_key: str) -> str:
    if "-Q" in period_key:
        return "quarter"
    return "month" if "-" in period_key else "year"


def _period_words() -> dict[str, str]:
    return {"month": _("each month"), "quarter": _("each quarter"), "year": _("each year")}


def advance_words(advance: tuple[str, Decimal] | None) -> str:
    """``("quarter", 0.5)`` → "advances of 50 % of each quarter's payout, trued up at year
    end"; "" without advances."""
    if advance is None:
        return ""
    kind, share = advance
    digits = max(0, -int(share.normalize().as_tuple().exponent) - 2)  # type: ignore[operator]
    words = {
        "quarter": _("advances of %(share)s of each quarter's payout, trued up at year end"),
        "month": _("advances of %(share)s of each month's payout, trued up at year end"),
    }
    return words.get(kind, "") % {"share": percent(share, digits)}


def two_horizons(actor: Actor, goal: Goal, progress: Progress) -> str:
    """The panel's HTML, or "" when no plan pays on this goal's KPI and scope (or the reader
    is neither a participant nor an editor of such a plan)."""
    editor = selectors.may_edit_plans(actor)
    me = normalize_email(actor.user.email)
    rows: list[dict[str, Any]] = []
    sides = {Side.SALES: str(Side.SALES.label), Side.MARKETING: str(Side.MARKETING.label)}
    for plan in Plan.objects.filter(workspace=actor.workspace).prefetch_related("versions"):
        versions = sorted(plan.versions.all(), key=lambda v: -v.number)
        if not versions:
            continue
        try:
            parsed = plan_parse(versions[0].document)
        except PlanError:
            continue
        if not editor and me not in {normalize_email(p.person) for p in parsed.participants}:
            continue
        for c in parsed.components:
            if c.kind != "attainment" or c.scope != goal.scope or metric_kpi(c.metric) != goal.kpi:
                continue
            paid = [
                {
                    "side": sides.get(side, side),
                    "when": _period_words().get(str(kind), kind),
                    "advance": advance_words(c.advances.get(side)),
                }
                for side in (Side.SALES, Side.MARKETING)
                if (kind := c.period_for(side))
            ]
            row: dict[str, Any] = {"plan": plan.name, "component": c.id, "paid": paid}
            target = Fraction(goal.target) if goal.target else None
            for name, value in (("actual", progress.actual), ("forecast", progress.forecast)):
                if value is None or not target:
                    row[name] = None
                    continue
                attainment = Fraction(value) / target
                row[name] = {
                    "attainment": percent(attainment, 1),
                    "fraction": percent(curve_fraction(c.points, c.cap, attainment), 1),
                }
            row["this_period"] = [
                sides[side]
                if c.period_for(side) == _kind(goal.period)
                else _("%(side)s (an advance)") % {"side": sides[side]}
                for side in (Side.SALES, Side.MARKETING)
                if c.period_for(side) == _kind(goal.period)
                or c.advances.get(side, ("", 0))[0] == _kind(goal.period)
            ]
            rows.append(row)
    if not rows:
        return ""
    return render_to_string("comp/goal_panel.html", {"rows": rows, "goal": goal})
