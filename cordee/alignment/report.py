"""THE monthly executive report (issue 20, part 6): the data of a month's report for the
workspace or a pod, read once here for the printable page, its PDF, the API and the monthly
sending. It computes nothing of its own: each number is read from the place that defines it —
the alignment index (``index.py``), the KPI catalogue (``funnel.kpis``: both sides' SLA
compliance, the key funnel numbers), the shared goals and their progress (``funnel.goals``), the
month's top feedback themes (``feedback.selectors.health.top_over_time``, the loop-health
page's count of items per theme) and the wins wall (``wins.selectors.wall_posts``).

The report holds no pay and no person's numbers: only the workspace's, its sides' and its
pods' goals are read (never a person's), so every member of the workspace reads it, and it is
the same whoever reads it (a neutral reader reads the numbers, as the committees' agenda does).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from cordee.alignment import index as index_reads
from cordee.alignment.index import IndexResult, index_trend
from cordee.analytics import kpis as catalogue
from cordee.analytics.calendar import add_months
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.feedback.selectors.health import top_over_time
from cordee.funnel import goals as goal_reads
from cordee.funnel import kpis
from cordee.funnel.goals_page import status_labels
from cordee.funnel.models import Goal
from cordee.people.models import Pod
from cordee.tenancy.models import User, Workspace
from cordee.wins.models import WinPost
from cordee.wins.selectors import wall_posts
from cordee.wins.story import post_title

TREND_MONTHS = 12  # the index's trend: the report's month and the 11 before it
THEMES_TOP = 5  # the month's top feedback themes
WINS_LISTED = 20  # the month's wins listed (all are counted)
MONTHS_LISTED = 36  # the list page goes back at most this many months
# the key funnel numbers, in the catalogue's words (its labels, units, numerators)
FUNNEL_KEYS = ("mqls_created", "acceptance_rate", "sqls", "pipeline_created", "revenue_won")
SLA_KEYS = ("marketing_sla_compliance", "sales_sla_compliance")


@dataclass(frozen=True)
class Number:
    """A KPI of the catalogue for the month, as the catalogue gives it."""

    kpi: catalogue.Kpi
    value: int | Fraction | Decimal | None
    numerator: int | None = None
    denominator: int | None = None
    other_currencies: dict[str, Decimal] = field(default_factory=dict)
    state: str = ""


@dataclass(frozen=True)
class SharedGoal:
    goal: Goal
    kpi: catalogue.Kpi
    progress: goal_reads.Progress


@dataclass(frozen=True)
class Theme:
    id: int
    label: str
    items: int  # feedback items of the month in the theme


@dataclass(frozen=True)
class ExecutiveReport:
    workspace: Workspace
    pod: Pod | None
    month: dt.date  # its first day
    last_day: dt.date
    complete: bool  # False: the current month, still running
    index: IndexResult
    trend: list[IndexResult]
    sla: list[Number]  # marketing's, then sales'
    funnel: list[Number]
    goals: list[SharedGoal]
    themes: list[Theme]
    wins: list[WinPost]  # the newest WINS_LISTED
    wins_count: int

    @property
    def key(self) -> str:
        return f"{self.month:%Y-%m}"


def _reader(workspace: Workspace) -> Actor:
    """Nobody in particular: the report reads only the workspace's, sides' and pods' numbers,
    which need no reader's right, so it is the same for every member."""
    return Actor(user=User(), workspace=workspace, role="")


# -- the month and the pod asked for --------------------------------------------------------------


def month_read(workspace: Workspace, text: object) -> dt.date:
    """The month of a report's address (``YYYY-MM``), up to the current month: the index's one
    reading of a month (a 422 naming ``month``); a report always names its month."""
    if text in (None, ""):
        message = _("Give a month as 2026-11, up to the current month.")
        raise ValidationFailed(message, field_errors={"month": [message]})
    return index_reads.month_read(workspace, text)


pod_read = index_reads.pod_read  # the index's reading of a pod: another workspace's is a 404


def months_available(workspace: Workspace) -> list[dt.date]:
    """The months a report can be read for, newest first: from the workspace's first data (its
    first lead stage change or opportunity) or its creation, whichever is earlier, to the
    current month — at most ``MONTHS_LISTED``."""
    current = workspace.today().replace(day=1)
    first = workspace.today(workspace.created_at).replace(day=1)
    history = goal_reads.history_start(workspace)
    if history is not None:
        first = min(first, history.replace(day=1))
    first = max(first, add_months(current, -(MONTHS_LISTED - 1)))
    out = []
    month = current
    while month >= first:
        out.append(month)
        month = add_months(month, -1)
    return out


# -- the report -----------------------------------------------------------------------------------


def _numbers(values: dict[str, catalogue.KpiValue], keys: tuple[str, ...]) -> list[Number]:
    return [
        Number(
            kpi=catalogue.BY_KEY[key],
            value=values[key].value,
            numerator=values[key].numerator,
            denominator=values[key].denominator,
            other_currencies=dict(values[key].other_currencies),
            state=values[key].state,
        )
        for key in keys
    ]


def _goals(reader: Actor, first: dt.date, last: dt.date, pod: Pod | None) -> list[SharedGoal]:
    """The shared goals of a period holding the month (the month's, its quarter's, its
    year's): the pod's, or the workspace's and its sides'; their progress at the month's end
    (today for the running month)."""
    rows = Goal.objects.filter(
        workspace=reader.workspace, period_start__lte=last, period_end__gte=first
    ).select_related("marketing_owner", "sales_owner")
    if pod is not None:
        rows = rows.filter(scope=f"pod:{pod.pk}")
    else:
        rows = rows.exclude(scope__startswith="pod:").exclude(scope__startswith="person:")
    shared = [
        g
        for g in rows.order_by("period_start", "kpi", "scope", "id")
        if g.kpi in catalogue.BY_KEY and goal_reads.is_shared(catalogue.BY_KEY[g.kpi], g.scope)
    ]
    progress = goal_reads.goals_progress(
        actor=reader, goals=shared, today=min(last, reader.workspace.today())
    )
    return [SharedGoal(g, catalogue.BY_KEY[g.kpi], progress[g.pk]) for g in shared]


def _themes(reader: Actor, last: dt.date, pod: Pod | None) -> list[Theme]:
    """The month's top feedback themes: the loop-health page's count of items per theme, over
    the one month (its last instant in the workspace's time zone)."""
    end = dt.datetime.combine(last, dt.time(23, 59, 59), tzinfo=reader.workspace.zone)
    top = top_over_time(
        actor=reader,
        dimension="theme",
        months=1,
        k=THEMES_TOP,
        pod_id=pod.pk if pod else None,
        now=end,
    )
    return [Theme(pk, label, counts[0]) for pk, label, counts in top.series]


def report_build(
    workspace: Workspace, month: dt.date, *, pod: Pod | None = None
) -> ExecutiveReport:
    """The report of the month holding ``month``, for the workspace or ``pod`` (of that
    workspace: ``pod_read`` checked it)."""
    reader = _reader(workspace)
    first = month.replace(day=1)
    last = add_months(first, 1) - dt.timedelta(days=1)
    scope = (
        kpis.Scope("pod", f"pod:{pod.pk}", pod=pod)
        if pod is not None
        else kpis.Scope("workspace", "workspace")
    )
    period = kpis.period_read(workspace, f"{first:%Y-%m}")
    values = kpis.kpi_reports(
        actor=reader, pairs=[(scope, period)], keys=(*SLA_KEYS, *FUNNEL_KEYS)
    )[(scope.key, period.key)]
    tz = workspace.zone
    start = dt.datetime.combine(first, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    posts = wall_posts(reader, pod_id=pod.pk if pod else None, start=start, end=end)
    # the trend ends with the report's month: its index is read once, as the index's page does
    trend = index_trend(workspace, first, months=TREND_MONTHS, pod=pod)
    return ExecutiveReport(
        workspace=workspace,
        pod=pod,
        month=first,
        last_day=last,
        complete=last < workspace.today(),
        index=trend[-1],
        trend=trend,
        sla=_numbers(values, SLA_KEYS),
        funnel=_numbers(values, FUNNEL_KEYS),
        goals=_goals(reader, first, last, pod),
        themes=_themes(reader, last, pod),
        wins=list(posts.select_related("pod", "opportunity")[:WINS_LISTED]),
        wins_count=posts.count(),
    )


# -- one JSON shape (the API; numbers as decimal strings, rates with their parts) ----------------


def number_payload(number: Number) -> dict[str, Any]:
    kpi = number.kpi
    return {
        "key": kpi.key,
        "label": _(kpi.label),
        "unit": kpi.unit,
        "value": kpis.value_text(kpi.unit, number.value),
        "numerator": number.numerator,
        "denominator": number.denominator,
        "numerator_key": kpi.numerator,
        "denominator_key": kpi.denominator,
        "other_currencies": {
            code: kpis.value_text(catalogue.MONEY, amount)
            for code, amount in number.other_currencies.items()
        },
        "state": number.state,
    }


def _score(value: float | None) -> str | None:
    return None if value is None else f"{value:.1f}"


def index_payload(result: IndexResult) -> dict[str, Any]:
    return {
        "month": f"{result.month:%Y-%m}",
        "score": _score(result.score),
        "missing": list(result.missing),
        "parts": [
            {
                "code": p.code,
                "label": p.label,
                "raw": p.raw,
                "value": _score(p.value),
                "weight": f"{p.weight:.4f}",
                "effective_weight": f"{p.effective_weight:.4f}",
                "contribution": _score(p.contribution),
            }
            for p in result.parts
        ],
    }


def report_payload(report: ExecutiveReport) -> dict[str, Any]:
    """The report as plain JSON, labels in the active language."""
    labels = status_labels()
    return {
        "workspace": report.workspace.name,
        "month": report.key,
        "first_day": report.month,
        "last_day": report.last_day,
        "complete": report.complete,
        "pod": {"id": report.pod.pk, "name": report.pod.name} if report.pod else None,
        "currency": report.workspace.currency,
        "index": index_payload(report.index),
        "trend": [{"month": f"{r.month:%Y-%m}", "score": _score(r.score)} for r in report.trend],
        "sla": [number_payload(n) for n in report.sla],
        "funnel": [number_payload(n) for n in report.funnel],
        "shared_goals": [
            {
                "id": g.goal.pk,
                "kpi": g.kpi.key,
                "label": _(g.kpi.label),
                "scope": g.goal.scope,
                "period": g.goal.period,
                "target": kpis.value_text(g.kpi.unit, g.goal.target),
                "actual": kpis.value_text(g.kpi.unit, g.progress.actual),
                "status": g.progress.status,
                "status_label": labels.get(g.progress.status, g.progress.status),
            }
            for g in report.goals
        ],
        "themes": [{"id": t.id, "label": t.label, "items": t.items} for t in report.themes],
        "wins_count": report.wins_count,
        "wins": [
            {
                "id": w.pk,
                "kind": w.kind,
                "title": post_title(w),
                "at": w.at,
                "amount": None if w.amount is None else format(w.amount, "f"),
                "currency": w.currency,
                "pod": w.pod_id,
            }
            for w in report.wins
        ],
    }
