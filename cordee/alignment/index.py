"""THE alignment index of a month, for the workspace or a pod (issue 20, part 4): every page,
API answer and export reads it here. The parts are read from the apps that own them; the
normalisation, the weights and the composite are ``analytics/alignment_index.py`` (whose
docstring states each rule).

Where each part comes from, for the calendar month (its days in the workspace time zone) and
the scope (the workspace, or ``pod:<id>``):

- marketing and sales SLA compliance, the acceptance rate, the feedback closure rate and the
  feedback acknowledgement time: the KPI catalogue (``funnel.kpis.kpi_reports``), the month
  as its period; the feedback target: the workspace's feedback SLA (``feedback.sla``);
- shared goals: the goals (``funnel.goals``) that are shared (``goals.is_shared``) and whose
  period holds the whole month — for the workspace every one but a person's, for a pod the
  pod's — with their actual as the goals page reads it (``goals_progress``);
- campaigns approved before launch: ``codesign.alignment.approved_before_launch_rate``
  (``campaign_alignment``'s number, the pod's row for a pod);
- ritual participation: ``rituals.participation.participation_read``'s attendance by side;
- cross-side kudos: ``wins.kudos_selectors.kudos_counts``, over the active members of the
  workspace (or the pod's members active in it);
- the diagnostic gap: ``diagnostic.results.period_gap``.

The index is the same for every reader: it is read by nobody in particular (the workspace's,
sides' and pods' numbers need no reader's right; a person's goals are never read).

``index_trend`` reads each KPI once for all its months and the goals once; the other parts cost
a constant number of queries per month.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cordee.alignment.models import IndexWeights
from cordee.analytics import alignment_index as maths
from cordee.analytics import kpis as catalogue
from cordee.analytics.planning import PlanPeriod, plan_period
from cordee.codesign.alignment import approved_before_launch_rate
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, ValidationFailed
from cordee.diagnostic.results import period_gap
from cordee.feedback.sla import acknowledge_within_days
from cordee.funnel import goals, kpis
from cordee.funnel.models import Goal
from cordee.people.models import Pod, PodMember
from cordee.rituals.participation import participation_read
from cordee.tenancy.models import Membership, User, Workspace
from cordee.wins.kudos_selectors import kudos_counts, kudos_started

# code -> (label, the normalisation rule), English message ids translated when shown
PARTS: dict[str, tuple[Any, Any]] = {
    "sla_marketing": (
        gettext_lazy("Marketing SLA compliance"),
        gettext_lazy("Commitments kept ÷ commitments judged, in %, as is."),
    ),
    "sla_sales": (
        gettext_lazy("Sales SLA compliance"),
        gettext_lazy("Commitments kept ÷ commitments due, in %, as is."),
    ),
    "acceptance": (
        gettext_lazy("Acceptance rate"),
        gettext_lazy("SALs ÷ MQLs decided, in %, as is."),
    ),
    "feedback_latency": (
        gettext_lazy("Feedback acknowledgement time"),
        gettext_lazy(
            "Median business days to acknowledge L against the feedback SLA target T: 100 when "
            "L ≤ T, falling linearly to 0 at 3T."
        ),
    ),
    "feedback_closure": (
        gettext_lazy("Feedback closure rate"),
        gettext_lazy("Items closed with an answer ÷ items raised, in %, as is."),
    ),
    "shared_goals": (
        gettext_lazy("Shared-goal attainment"),
        gettext_lazy(
            "Mean over the shared goals whose period holds the month of min(actual ÷ target, "
            "1) × 100 (target ÷ actual where lower is better)."
        ),
    ),
    "campaigns_approved": (
        gettext_lazy("Campaigns approved before launch"),
        gettext_lazy(
            "Campaigns launched in the month approved by sales before launch ÷ campaigns "
            "launched, in %."
        ),
    ),
    "rituals": (
        gettext_lazy("Ritual participation"),
        gettext_lazy(
            "Mean of the marketing and sales attendance rates at the committee meetings held "
            "in the month."
        ),
    ),
    "kudos": (
        gettext_lazy("Cross-side kudos"),
        gettext_lazy(
            "100 × min(1, cross-side kudos of the month ÷ (0.5 × active members)): one for "
            "every two members is full marks; left out until the workspace's first kudos."
        ),
    ),
    "diagnostic_gap": (
        gettext_lazy("Diagnostic gap"),
        gettext_lazy(
            "100 − 100 × g ÷ 80, g the gap between the two sides' diagnostic totals (20–100 "
            "scale) of the closed wave for the month."
        ),
    ),
}

KPI_KEYS = (
    "marketing_sla_compliance",
    "sales_sla_compliance",
    "acceptance_rate",
    "feedback_closure_rate",
    "feedback_acknowledgement_latency",
)


@dataclass(frozen=True)
class IndexPart:
    code: str  # e.g. "sla_marketing", "acceptance", "kudos", "diagnostic_gap"
    label: str  # in the reader's language
    raw: str  # the measured value, written with its numerator and denominator
    value: float | None  # normalised 0–100; None: missing this month (left out)
    weight: float  # the weight set (default or RevOps')
    effective_weight: float  # after renormalising over the parts present (0 when missing)
    contribution: float | None  # value × effective weight (points of the index)
    rule: str = ""  # the normalisation rule, in the reader's language
    numerator: float | None = None  # what the raw value divides (None: not a ratio)
    denominator: float | None = None


@dataclass(frozen=True)
class IndexResult:
    workspace: Workspace
    pod: Pod | None
    month: dt.date  # its first day
    parts: list[IndexPart] = field(default_factory=list)
    score: float | None = None  # 0–100; None when no part could be measured
    missing: list[str] = field(default_factory=list)  # codes of the parts left out


# -- reading the request ---------------------------------------------------------------------------


def month_read(workspace: Workspace, text: object) -> dt.date:
    """``2026-11`` (default: the current month of the workspace calendar), up to the current
    month; a 422 naming ``month`` otherwise."""
    current = workspace.today().replace(day=1)
    if text in (None, ""):
        return current
    message = _("Give a month as 2026-11, up to the current month.")
    match = re.fullmatch(r"(\d{4})-(\d{2})", str(text).strip())
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 2000:
        raise ValidationFailed(message, field_errors={"month": [message]})
    month = dt.date(int(match[1]), int(match[2]), 1)
    if month > current:
        raise ValidationFailed(message, field_errors={"month": [message]})
    return month


def months_read(text: object) -> int:
    """How many months a trend covers: 1 to 24 (default 12); a 422 naming ``months``."""
    if text in (None, ""):
        return 12
    value = str(text).strip()
    if not value.isdigit() or not 1 <= int(value) <= 24:
        message = _("Give a number of months from 1 to 24.")
        raise ValidationFailed(message, field_errors={"months": [message]})
    return int(value)


def pod_read(workspace: Workspace, pod_id: object) -> Pod | None:
    """The pod of that id in the workspace (None: the whole workspace); another workspace's
    pod, or none, is a 404."""
    if pod_id in (None, ""):
        return None
    text = str(pod_id).strip()
    pod = (
        Pod.objects.filter(workspace=workspace, pk=int(text)).first()
        if text.isdigit() and len(text) <= 12
        else None
    )
    if pod is None:
        raise NotFound(_("No such pod in this workspace."))
    return pod


# -- the weights -----------------------------------------------------------------------------------


def index_weights(workspace: Workspace) -> dict[str, int]:
    """The workspace's weights of every part: a RevOps admin's, else the documented defaults."""
    row = IndexWeights.objects.filter(workspace=workspace).first()
    stored = row.weights if row is not None else {}
    return {code: int(stored.get(code, default)) for code, default in maths.DEFAULT_WEIGHTS.items()}


# -- the index -------------------------------------------------------------------------------------


def index_month(workspace: Workspace, month: dt.date, *, pod: Pod | None = None) -> IndexResult:
    """The index of the month holding ``month`` for the workspace or ``pod``."""
    return _index_months(workspace, [month.replace(day=1)], pod)[0]


def index_trend(
    workspace: Workspace, end_month: dt.date, *, months: int = 12, pod: Pod | None = None
) -> list[IndexResult]:
    """The index of each of the ``months`` months up to ``end_month``, oldest first."""
    first = end_month.replace(day=1)
    wanted = []
    for back in range(months - 1, -1, -1):
        y, m = divmod(first.year * 12 + first.month - 1 - back, 12)
        wanted.append(dt.date(y, m + 1, 1))
    return _index_months(workspace, wanted, pod)


def _reader(workspace: Workspace) -> Actor:
    """Nobody in particular: the index reads the workspace's, sides' and pods' numbers only."""
    return Actor(user=User(), workspace=workspace, role="")


def _members(workspace: Workspace, pod: Pod | None) -> int:
    active = Membership.objects.filter(workspace=workspace, is_active=True)
    if pod is None:
        return active.count()
    return PodMember.objects.filter(pod=pod, user_id__in=active.values("user_id")).count()


def _shared_goals(
    reader: Actor, pod: Pod | None, first: dt.date, last: dt.date
) -> list[tuple[Goal, maths.GoalReading]]:
    """The shared goals of the scope whose period overlaps [first, last], with their reading."""
    rows = Goal.objects.filter(
        workspace=reader.workspace, period_start__lte=last, period_end__gte=first
    ).order_by("period_start", "id")
    if pod is not None:
        rows = rows.filter(scope=f"pod:{pod.pk}")
    else:
        rows = rows.exclude(scope__startswith="person:")
    chosen = [
        g
        for g in rows
        if g.kpi in catalogue.BY_KEY and goals.is_shared(catalogue.BY_KEY[g.kpi], g.scope)
    ]
    progress = goals.goals_progress(actor=reader, goals=chosen) if chosen else {}
    out = []
    for goal in chosen:
        actual = progress[goal.pk].actual
        out.append(
            (
                goal,
                maths.GoalReading(
                    actual=None if actual is None else float(actual),
                    target=float(goal.target),
                    lower_is_better=catalogue.BY_KEY[goal.kpi].lower_is_better,
                ),
            )
        )
    return out


def _number(value: float | int | Fraction | Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    rounded = round(float(value), places)
    if rounded == int(rounded):
        return formats.number_format(int(rounded), 0)
    return formats.number_format(rounded, places)


@dataclass(frozen=True)
class _Measure:
    value: float | None
    raw: str
    numerator: float | None = None
    denominator: float | None = None


def _rate(kpi: catalogue.KpiValue, words: Callable[[str, str], str]) -> _Measure:
    n, d = kpi.numerator or 0, kpi.denominator or 0
    return _Measure(maths.rate_score(n, d), words(_number(n), _number(d)), n, d)


def _index_months(
    workspace: Workspace, months: list[dt.date], pod: Pod | None
) -> list[IndexResult]:
    reader = _reader(workspace)
    periods = [plan_period(f"{m:%Y-%m}", workspace.fiscal_year_start_month) for m in months]
    scope = (
        kpis.Scope("pod", f"pod:{pod.pk}", pod=pod)
        if pod is not None
        else kpis.Scope("workspace", "workspace")
    )
    values = kpis.kpi_reports(actor=reader, pairs=[(scope, p) for p in periods], keys=KPI_KEYS)
    target = acknowledge_within_days(workspace)
    shared = _shared_goals(reader, pod, periods[0].start, periods[-1].end)
    members = _members(workspace, pod)
    weights = index_weights(workspace)
    return [
        _result(
            workspace,
            pod,
            period,
            _measures(
                reader, pod, period, values[(scope.key, period.key)], target, shared, members
            ),
            weights,
        )
        for period in periods
    ]


def _measures(
    reader: Actor,
    pod: Pod | None,
    period: PlanPeriod,
    kpi: dict[str, catalogue.KpiValue],
    target: int,
    shared: list[tuple[Goal, maths.GoalReading]],
    members: int,
) -> dict[str, _Measure]:
    workspace = reader.workspace
    out = {
        "sla_marketing": _rate(
            kpi["marketing_sla_compliance"],
            lambda n, d: _("%(kept)s of %(judged)s commitments kept") % {"kept": n, "judged": d},
        ),
        "sla_sales": _rate(
            kpi["sales_sla_compliance"],
            lambda n, d: _("%(kept)s of %(due)s commitments kept") % {"kept": n, "due": d},
        ),
        "acceptance": _rate(
            kpi["acceptance_rate"],
            lambda n, d: (
                _("%(sals)s accepted of %(decided)s MQLs decided") % {"sals": n, "decided": d}
            ),
        ),
        "feedback_closure": _rate(
            kpi["feedback_closure_rate"],
            lambda n, d: (
                _("%(closed)s of %(items)s items closed with an answer") % {"closed": n, "items": d}
            ),
        ),
    }
    latency = kpi["feedback_acknowledgement_latency"].value
    out["feedback_latency"] = _Measure(
        maths.latency_score(None if latency is None else float(latency), target),
        _("median %(days)s business days (target %(target)s)")
        % {"days": _number(latency), "target": _number(target)}
        if latency is not None
        else _("no item acknowledged (target %(target)s business days)")
        % {"target": _number(target)},
        None if latency is None else float(latency),
        float(target),
    )
    out["shared_goals"] = _goals_measure(
        [r for g, r in shared if g.period_start <= period.start and g.period_end >= period.end]
    )
    approved = approved_before_launch_rate(workspace, period, pod.pk if pod is not None else None)
    a_n, a_d = approved.numerator, approved.denominator
    out["campaigns_approved"] = _Measure(
        maths.rate_score(a_n, a_d),
        _("%(approved)s of %(launched)s campaigns launched approved before launch")
        % {"approved": a_n, "launched": a_d},
        a_n,
        a_d,
    )
    attendance = participation_read(
        reader, period=period.key, pod=pod.pk if pod is not None else None
    ).numbers.attendance
    mk, sa = attendance["marketing"], attendance["sales"]
    out["rituals"] = _Measure(
        maths.attendance_score([(mk.numerator, mk.denominator), (sa.numerator, sa.denominator)]),
        _(
            "marketing %(m_present)s of %(m_expected)s present, sales %(s_present)s of "
            "%(s_expected)s present"
        )
        % {
            "m_present": mk.numerator,
            "m_expected": mk.denominator,
            "s_present": sa.numerator,
            "s_expected": sa.denominator,
        },
    )  # a mean of two rates: no one numerator and denominator (the words give both)
    kudos = kudos_counts(
        workspace, period.start, period.end, pod_id=pod.pk if pod is not None else None
    )
    out["kudos"] = _Measure(
        maths.kudos_score(kudos.cross_side, members, started=kudos_started(workspace, period.end)),
        _("%(kudos)s cross-side kudos for %(members)s active members")
        % {"kudos": kudos.cross_side, "members": members},
        kudos.cross_side,
        members,
    )
    found = period_gap(
        workspace, period.start, period.end, pod_id=pod.pk if pod is not None else None
    )
    out["diagnostic_gap"] = (
        _Measure(
            maths.gap_score(found[1]),
            _("gap of %(gap)s points between the sides (wave “%(wave)s”)")
            % {"gap": _number(found[1]), "wave": found[0].title},
            found[1],
            maths.GAP_MAX,
        )
        if found is not None
        else _Measure(None, _("no closed wave with both sides shown for this month"))
    )
    return out


def _goals_measure(readings: list[maths.GoalReading]) -> _Measure:
    score, counted = maths.goals_score(readings)
    if score is None:
        return _Measure(None, _("no shared goal with an actual for this month"))
    raw = ngettext(
        "%(n)s shared goal, mean attainment %(mean)s %%",
        "%(n)s shared goals, mean attainment %(mean)s %%",
        counted,
    ) % {"n": counted, "mean": _number(score, 1)}
    attained = sum(a for r in readings if (a := maths.goal_attainment(r)) is not None)
    return _Measure(score, raw, attained, counted)


def _result(
    workspace: Workspace,
    pod: Pod | None,
    period: PlanPeriod,
    measures: dict[str, _Measure],
    weights: dict[str, int],
) -> IndexResult:
    combined = maths.composite({c: m.value for c, m in measures.items()}, weights)
    parts = []
    for weighed in combined.parts:
        measure = measures[weighed.code]
        label, rule = PARTS[weighed.code]
        parts.append(
            IndexPart(
                code=weighed.code,
                label=str(label),
                raw=measure.raw,
                value=weighed.value,
                weight=weighed.weight,
                effective_weight=weighed.effective_weight,
                contribution=weighed.contribution,
                rule=str(rule),
                numerator=None if measure.numerator is None else float(measure.numerator),
                denominator=None if measure.denominator is None else float(measure.denominator),
            )
        )
    return IndexResult(
        workspace=workspace,
        pod=pod,
        month=period.start,
        parts=parts,
        score=combined.score,
        missing=combined.missing,
    )
