"""Is the feedback loop closing? Permission-scoped reads of its numbers (see
``analytics.feedback_health``) for the workspace and each pod, and of the top themes and
competitors month by month, shared by the API and the loop-health page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.analytics import feedback_health
from cordee.core.actor import Actor
from cordee.core.business_time import from_epoch
from cordee.core.charts import chart_spec
from cordee.core.errors import NotFound, ValidationFailed
from cordee.feedback.models import CLOSED_STATUSES, FeedbackItem
from cordee.feedback.sla import MOVE_FIELDS, AckTerms, acknowledge_terms, epochs
from cordee.people.models import Pod, PodMember
from cordee.tenancy.models import Membership
from cordee.tenancy.roles import Role

REP_ROLES = (Role.SDR, Role.SALES_REP)


def window_start(workspace_tz: str, now: dt.datetime, months: int) -> dt.datetime:
    """The first instant of the calendar month ``months − 1`` months before ``now``'s."""
    local = timezone.localtime(now, ZoneInfo(workspace_tz))
    index = local.year * 12 + local.month - 1 - (months - 1)
    return dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=ZoneInfo(workspace_tz))


def calendar_months(start: dt.datetime, end: dt.datetime, workspace_tz: str) -> float:
    """The length of [start, end) in calendar months of the workspace's time zone: whole months
    count 1, a partial month its share of that month's length (March 1 → April 1 is 1.0)."""
    tz = ZoneInfo(workspace_tz)
    total = 0.0
    cursor = start
    while cursor < end:
        local = timezone.localtime(cursor, tz)
        first = dt.datetime(local.year, local.month, 1, tzinfo=tz)
        index = local.year * 12 + local.month
        following = dt.datetime(index // 12, index % 12 + 1, 1, tzinfo=tz)
        stop = min(following, end)
        total += (stop - cursor).total_seconds() / (following - first).total_seconds()
        cursor = stop
    return total


@dataclass(frozen=True)
class Waiting:
    """An item of the set past its acknowledgement due instant, still waiting."""

    item: FeedbackItem
    due_at: dt.datetime


@dataclass(frozen=True)
class HealthReport:
    pod: Pod | None
    start: dt.datetime
    end: dt.datetime
    numbers: feedback_health.LoopHealth
    acknowledge_within_days: int
    waiting: list[Waiting]


def _reps(workspace_id: int, pod: Pod | None) -> set[int]:
    reps = set(
        Membership.objects.filter(
            workspace_id=workspace_id, is_active=True, role__in=REP_ROLES
        ).values_list("user_id", flat=True)
    )
    if pod is not None:
        reps &= set(PodMember.objects.filter(pod=pod).values_list("user_id", flat=True))
    return reps


def period_items(
    *, actor: Actor, start: dt.datetime, end: dt.datetime, pod: Pod | None = None
) -> QuerySet[FeedbackItem]:
    """The set every loop-health number counts: the items raised in [start, end) (of the pod),
    each duplicate once — with the item it was merged into, so merged items are left out."""
    rows = FeedbackItem.objects.filter(
        workspace=actor.workspace,
        submitted_at__gte=start,
        submitted_at__lt=end,
        merged_into__isnull=True,
    )
    return rows.filter(pod=pod) if pod is not None else rows


def loop_health(
    *,
    actor: Actor,
    pod_id: int | None = None,
    months: int = 3,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> HealthReport:
    """The loop's numbers for the workspace or one pod (see ``analytics.feedback_health``) over
    the items raised in [start, end) (``period_items``): by default the last ``months``
    calendar months up to now. Durations are in business days of the workspace calendar; the
    commitment is judged as of ``now``."""
    pod = None
    if pod_id is not None:
        pod = Pod.objects.filter(workspace=actor.workspace, pk=pod_id).first()
        if pod is None:
            raise NotFound(_("Pod not found."))
    now = now or timezone.now()
    end = end or now
    start = start or window_start(actor.workspace.time_zone, end, months)
    data = list(
        period_items(actor=actor, start=start, end=end, pod=pod)
        .order_by("submitted_at", "pk")
        .values_list("pk", "submitted_at", *MOVE_FIELDS, "status", "author_id")
    )
    reps = _reps(actor.workspace.pk, pod)
    terms = acknowledge_terms(actor.workspace, min([start, *(r[1] for r in data)]), now)
    submitted = epochs([r[1] for r in data])
    moves = [epochs([r[2 + k] for r in data]) for k in range(len(MOVE_FIELDS))]
    numbers = feedback_health.loop_health(
        clock=terms.clock,
        now=int(now.timestamp()),
        business_day=terms.business_day,
        within_days=terms.days,
        months=calendar_months(start, end, actor.workspace.time_zone),
        submitted_at=submitted,
        acknowledged_at=moves[0],
        first_response_at=moves[1],
        closed_at=moves[2],
        closed=np.asarray([r[5] in CLOSED_STATUSES for r in data], dtype=bool),
        by_rep=np.asarray([r[6] in reps for r in data], dtype=bool),
        reps=len(reps),
    )
    return HealthReport(
        pod=pod,
        start=start,
        end=end,
        numbers=numbers,
        acknowledge_within_days=terms.days,
        waiting=_waiting(terms, now, submitted, feedback_health.first_move(*moves), data),
    )


def _waiting(
    terms: AckTerms,
    now: dt.datetime,
    submitted: feedback_health.IntArray,
    moved: feedback_health.IntArray,
    data: list[Any],
) -> list[Waiting]:
    """The set's items past their due instant with no move yet, the longest overdue first."""
    clocks = feedback_health.acknowledge_clocks(
        clock=terms.clock,
        now=int(now.timestamp()),
        submitted_at=submitted,
        acknowledged_at=moved,
        business_seconds=terms.business_seconds,
    )
    late = np.flatnonzero(clocks.waiting)
    items = FeedbackItem.objects.select_related("owner").in_bulk([data[i][0] for i in late])
    return [Waiting(items[data[i][0]], from_epoch(int(clocks.due[i]))) for i in late]


def loop_health_by_pod(*, actor: Actor, months: int = 3) -> list[HealthReport]:
    """The workspace's numbers first, then each pod's, over the same period."""
    end = timezone.now()
    start = window_start(actor.workspace.time_zone, end, months)
    reports = [loop_health(actor=actor, start=start, end=end, now=end)]
    for pod in Pod.objects.filter(workspace=actor.workspace).order_by("name"):
        reports.append(loop_health(actor=actor, pod_id=pod.pk, start=start, end=end, now=end))
    return reports


@dataclass(frozen=True)
class TopOverTime:
    dimension: str  # "theme" or "competitor"
    months: list[str]  # "YYYY-MM", oldest first
    series: list[tuple[int, str, list[int]]]  # (id, label, count per month)


def top_over_time(
    *,
    actor: Actor,
    dimension: str = "theme",
    months: int = 6,
    k: int = 5,
    pod_id: int | None = None,
    now: dt.datetime | None = None,
) -> TopOverTime:
    """The ``k`` themes (or competitors) with the most items over the last ``months`` calendar
    months, with their count per month (the workspace's time zone)."""
    if dimension not in ("theme", "competitor"):
        raise ValidationFailed(
            _("Invalid value for filter “%(name)s”.") % {"name": "dimension"},
            field_errors={
                "dimension": [_("Choose one of: %(choices)s.") % {"choices": "theme, competitor"}]
            },
        )
    now = now or timezone.now()
    tz = actor.workspace.zone
    start = window_start(actor.workspace.time_zone, now, months)
    rows = FeedbackItem.objects.filter(
        workspace=actor.workspace, submitted_at__gte=start, **{f"{dimension}__isnull": False}
    )
    if pod_id is not None:
        rows = rows.filter(pod_id=pod_id)
    data = list(
        rows.values_list(
            "submitted_at",
            f"{dimension}_id",
            f"{dimension}__" + ("label" if dimension == "theme" else "name"),
        )
    )
    keys = sorted({r[1] for r in data})
    labels = {r[1]: r[2] for r in data}
    position = {key: i for i, key in enumerate(keys)}
    first = start.year * 12 + start.month - 1

    def month_index(value: dt.datetime) -> int:
        local = value.astimezone(tz)
        return local.year * 12 + local.month - 1 - first

    table = feedback_health.counts_by_period(
        np.asarray([month_index(r[0]) for r in data], dtype=np.int64),
        np.asarray([position[r[1]] for r in data], dtype=np.int64),
        months,
        len(keys),
    )
    names = [f"{(first + i) // 12:04d}-{(first + i) % 12 + 1:02d}" for i in range(months)]
    return TopOverTime(
        dimension=dimension,
        months=names,
        series=[
            (keys[j], str(labels[keys[j]]), [int(x) for x in table[:, j]])
            for j in feedback_health.top_keys(table, k)
        ],
    )


def top_over_time_chart(top: TopOverTime) -> dict[str, Any]:
    """A Vega-Lite spec (stacked bars per month) for ``core.charts`` to render as SVG."""
    values = [
        {"month": month, "label": label, "items": counts[i]}
        for _id, label, counts in top.series
        for i, month in enumerate(top.months)
    ]
    return chart_spec(
        values,
        mark="bar",
        width=480,
        height=200,
        encoding={
            "x": {"field": "month", "type": "ordinal", "title": None},
            "y": {"field": "items", "type": "quantitative", "title": None},
            # one legend entry a line: theme labels are sentences, side by side they shrink the chart
            "color": {
                "field": "label",
                "type": "nominal",
                "title": None,
                "legend": {"orient": "bottom", "columns": 1, "labelLimit": 420},
            },
        },
    )
