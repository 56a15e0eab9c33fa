"""Permission-scoped reads of the field-feedback loop, shared by the API and the pages.

Every member reads the workspace's feedback (it is shared by design); the functions below
filter on ``actor.workspace`` and answer 404 for another workspace's item.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.analytics import feedback_health as health
from cordee.analytics import similarity as sim
from cordee.core.actor import Actor
from cordee.core.charts import chart_spec
from cordee.core.errors import NotFound, ValidationFailed
from cordee.feedback.models import (
    CLOSED_STATUSES,
    TRANSITIONS,
    Competitor,
    FeedbackItem,
    FeedbackKind,
    FeedbackResponse,
    FeedbackSettings,
    FeedbackSlaBreach,
    FeedbackStatus,
    FeedbackStatusChange,
    FeedbackTheme,
    FeedbackVote,
)
from cordee.feedback.themes import similarity_space
from cordee.people.models import Pod, PodMember
from cordee.tenancy.models import Membership, User
from cordee.tenancy.roles import Role

REP_ROLES = (Role.SDR, Role.SALES_REP)
SORTS: dict[str, tuple[str, ...]] = {
    "-submitted": ("-submitted_at", "-id"),
    "submitted": ("submitted_at", "id"),
    "-votes": ("-votes_count", "-submitted_at", "-id"),
    "due": ("due_on", "-submitted_at", "-id"),
    "status": ("status", "-submitted_at", "-id"),
}
FILTERS = (
    "kind",
    "status",
    "competitor",
    "pod",
    "campaign",
    "author",
    "owner",
    "theme",
    "max_age_days",
    "min_age_days",
    "q",
    "merged",
)


def feedback_items(*, actor: Actor) -> QuerySet[FeedbackItem]:
    """The workspace's items with what a list shows: links, ``votes_count``,
    ``responses_count``."""
    return (
        FeedbackItem.objects.filter(workspace=actor.workspace)
        .select_related("author", "owner", "competitor", "pod", "campaign", "theme")
        .annotate(
            votes_count=Count("votes", distinct=True),
            responses_count=Count("responses", distinct=True),
        )
    )


def _int(params: Mapping[str, str], name: str) -> int | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    if not raw.lstrip("-").isdigit() or abs(int(raw)) > 2**62:
        raise ValidationFailed(
            _("Invalid value for filter “%(name)s”.") % {"name": name},
            field_errors={name: [_("“%(value)s” is not valid here.") % {"value": raw}]},
        )
    return int(raw)


def _choice(params: Mapping[str, str], name: str, allowed: list[str]) -> list[str]:
    raw = (params.get(name) or "").strip()
    if not raw:
        return []
    values = [v for v in raw.split(",") if v]
    bad = [v for v in values if v not in allowed]
    if bad:
        raise ValidationFailed(
            _("Invalid value for filter “%(name)s”.") % {"name": name},
            field_errors={name: [_("“%(value)s” is not valid here.") % {"value": bad[0]}]},
        )
    return values


def _filtered(
    actor: Actor, qs: QuerySet[FeedbackItem], params: Mapping[str, str], skip: str = ""
) -> QuerySet[FeedbackItem]:
    """Apply the inbox filters (all but ``skip``, for facet counts)."""
    now = timezone.now()
    if skip != "kind" and (kinds := _choice(params, "kind", FeedbackKind.values)):
        qs = qs.filter(kind__in=kinds)
    if skip != "status" and (statuses := _choice(params, "status", FeedbackStatus.values)):
        qs = qs.filter(status__in=statuses)
    for name in ("competitor", "pod", "campaign", "theme"):
        if skip == name:
            continue
        raw = (params.get(name) or "").strip()
        if raw == "none":
            qs = qs.filter(**{f"{name}__isnull": True})
        elif (value := _int(params, name)) is not None:
            qs = qs.filter(**{f"{name}_id": value})
    for name in ("author", "owner"):
        raw = (params.get(name) or "").strip()
        if raw == "me":
            qs = qs.filter(**{name: actor.user})
        elif raw == "none":
            qs = qs.filter(**{f"{name}__isnull": True})
        elif (value := _int(params, name)) is not None:
            qs = qs.filter(**{f"{name}_id": value})
    if (days := _int(params, "max_age_days")) is not None:
        qs = qs.filter(submitted_at__gte=now - dt.timedelta(days=days))
    if (days := _int(params, "min_age_days")) is not None:
        qs = qs.filter(submitted_at__lt=now - dt.timedelta(days=days))
    if (params.get("merged") or "").strip().lower() not in ("1", "true", "yes", "include"):
        qs = qs.filter(merged_into__isnull=True)
    query = (params.get("q") or "").strip()
    for term in query.split()[:10]:
        qs = qs.filter(Q(title__icontains=term) | Q(text__icontains=term))
    return qs


def feedback_list(
    *, actor: Actor, params: Mapping[str, str] | None = None
) -> QuerySet[FeedbackItem]:
    """The inbox: filters ``kind`` and ``status`` (comma-separated lists), ``competitor``,
    ``pod``, ``campaign``, ``theme`` (an id or ``none``), ``author``/``owner`` (an id, ``me`` or
    ``none``), ``max_age_days``/``min_age_days`` (submitted within / more than N days ago),
    ``q`` (title and text), ``merged=include`` (merged items are hidden otherwise) and ``sort``
    (``-submitted`` (default), ``submitted``, ``-votes``, ``due``, ``status``)."""
    params = params or {}
    qs = _filtered(actor, feedback_items(actor=actor), params)
    sort = (params.get("sort") or "-submitted").strip()
    if sort not in SORTS:
        raise ValidationFailed(
            _("Invalid value for filter “%(name)s”.") % {"name": "sort"},
            field_errors={
                "sort": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(SORTS)}]
            },
        )
    return qs.order_by(*SORTS[sort])


@dataclass(frozen=True)
class Facet:
    value: str
    label: str
    count: int


def inbox_counts(
    *, actor: Actor, params: Mapping[str, str] | None = None
) -> dict[str, list[Facet]]:
    """For each filter of the inbox (status, kind, pod, competitor, campaign), its values with
    how many items each would show given the *other* filters (facet counts). One query each."""
    params = params or {}
    base = FeedbackItem.objects.filter(workspace=actor.workspace)
    result: dict[str, list[Facet]] = {}
    for name, choices in (("status", FeedbackStatus.choices), ("kind", FeedbackKind.choices)):
        counts = dict(
            _filtered(actor, base, params, skip=name)
            .values_list(name)
            .annotate(n=Count("id"))
            .values_list(name, "n")
        )
        result[name] = [Facet(str(v), str(label), counts.get(v, 0)) for v, label in choices]
    for name, label_field in (
        ("pod", "pod__name"),
        ("competitor", "competitor__name"),
        ("campaign", "campaign__name"),
    ):
        rows = (
            _filtered(actor, base, params, skip=name)
            .filter(**{f"{name}__isnull": False})
            .values_list(f"{name}_id", label_field)
            .annotate(n=Count("id"))
            .order_by(label_field)
        )
        result[name] = [Facet(str(pk), str(label), n) for pk, label, n in rows]
    return result


def feedback_get(*, actor: Actor, pk: int) -> FeedbackItem:
    """One item of the actor's workspace (with ``votes_count``), or 404."""
    item = feedback_items(actor=actor).filter(pk=pk).first()
    if item is None:
        raise NotFound(_("Feedback item not found."))
    return item


@dataclass
class FeedbackDetail:
    item: FeedbackItem
    status_changes: list[FeedbackStatusChange]
    responses: list[FeedbackResponse]
    voters: list[User]
    authors: list[User]  # the item's author and those of the items merged into it
    merged_items: list[FeedbackItem]
    has_voted: bool
    can_triage: bool
    can_vote: bool
    next_statuses: list[tuple[str, str]] = field(default_factory=list)


def feedback_detail(*, actor: Actor, pk: int) -> FeedbackDetail:
    """Everything an item's page shows: history, answers, voters, authors, merged items, and
    what the actor may do."""
    item = feedback_get(actor=actor, pk=pk)
    merged = list(
        FeedbackItem.objects.filter(merged_into=item).select_related("author").order_by("id")
    )
    authors: dict[int, User] = {}
    for source in [item, *merged]:
        if source.author:
            authors.setdefault(source.author.pk, source.author)
    voters = [v.user for v in FeedbackVote.objects.filter(item=item).select_related("user")]
    can_triage = actor.can("feedback.triage") and item.merged_into_id is None
    return FeedbackDetail(
        item=item,
        status_changes=list(FeedbackStatusChange.objects.filter(item=item).select_related("actor")),
        responses=list(
            FeedbackResponse.objects.filter(item=item).select_related("author", "campaign")
        ),
        voters=voters,
        authors=list(authors.values()),
        merged_items=merged,
        has_voted=any(v.pk == actor.user.pk for v in voters),
        can_triage=can_triage,
        can_vote=actor.can("feedback.vote") and item.author_id != actor.user.pk,
        next_statuses=[
            (s, str(FeedbackStatus(s).label))
            for s in FeedbackStatus.values
            if can_triage and s in TRANSITIONS[item.status]
        ],
    )


@dataclass(frozen=True)
class SimilarItem:
    item: FeedbackItem
    score: float


def similar_to(
    *,
    actor: Actor,
    text: str,
    k: int = 5,
    exclude_id: int | None = None,
    engine: sim.Engine | None = None,
) -> list[SimilarItem]:
    """The ``k`` open-or-closed threads most similar to ``text`` (as someone types), best
    first, above the engine's grouping threshold. Item vectors come from the background; only
    the typed text is embedded here."""

    text = " ".join(text.split())[:1000]
    if len(text) < 3:
        return []
    ids, space = similarity_space(actor.workspace.pk, engine)
    if not ids:
        return []
    scores = sim.similarities(space.rows, space.project(text))
    ranked = sim.top_k(scores, k + 1, space.threshold)
    wanted = [(ids[i], s) for i, s in ranked if ids[i] != exclude_id][:k]
    items = feedback_items(actor=actor).in_bulk([pk for pk, _s in wanted])
    return [SimilarItem(items[pk], round(s, 4)) for pk, s in wanted if pk in items]


def themes(*, actor: Actor, limit: int = 50) -> QuerySet[FeedbackTheme]:
    """The workspace's themes, largest first, with ``open_count`` and ``votes_count``."""
    return FeedbackTheme.objects.filter(workspace=actor.workspace).annotate(
        open_count=Count(
            "items",
            filter=Q(items__merged_into__isnull=True) & ~Q(items__status__in=CLOSED_STATUSES),
            distinct=True,
        ),
        votes_count=Count("items__votes", distinct=True),
    )[:limit]


def competitors(*, actor: Actor, active_only: bool = False) -> QuerySet[Competitor]:
    qs = Competitor.objects.filter(workspace=actor.workspace)
    return qs.filter(is_active=True) if active_only else qs


def feedback_settings(*, actor: Actor) -> FeedbackSettings:
    """The workspace's SLA terms (the defaults when never set)."""
    return FeedbackSettings.objects.filter(workspace=actor.workspace).first() or FeedbackSettings(
        workspace=actor.workspace
    )


def sla_breaches(*, actor: Actor) -> QuerySet[FeedbackSlaBreach]:
    return FeedbackSlaBreach.objects.filter(workspace=actor.workspace).select_related(
        "item", "item__owner"
    )


def answers_for(*, actor: Actor, since: dt.datetime | None = None) -> QuerySet[FeedbackResponse]:
    """Answers to what the actor raised (or backed, or saw merged), newest first."""
    mine = Q(item__author=actor.user) | Q(item__votes__user=actor.user)
    mine |= Q(item__merged_items__author=actor.user)
    qs = FeedbackResponse.objects.filter(Q(workspace=actor.workspace) & mine)
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return qs.select_related("item", "author", "campaign").distinct().order_by("-created_at", "-id")


# -- loop health -------------------------------------------------------------------------------


def _epoch(values: list[dt.datetime | None]) -> np.ndarray:
    return np.asarray(
        [int(v.timestamp()) if v is not None else health.NEVER for v in values], dtype=np.int64
    )


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
class HealthReport:
    pod: Pod | None
    start: dt.datetime
    end: dt.datetime
    numbers: health.LoopHealth
    acknowledge_within_days: int
    open_breaches: int


def _reps(workspace_id: int, pod: Pod | None) -> set[int]:
    reps = set(
        Membership.objects.filter(
            workspace_id=workspace_id, is_active=True, role__in=REP_ROLES
        ).values_list("user_id", flat=True)
    )
    if pod is not None:
        reps &= set(PodMember.objects.filter(pod=pod).values_list("user_id", flat=True))
    return reps


def loop_health(
    *,
    actor: Actor,
    pod_id: int | None = None,
    months: int = 3,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> HealthReport:
    """The loop's numbers for the workspace or one pod (see ``analytics.feedback_health``) over
    [start, end): by default the last ``months`` calendar months up to now."""
    pod = None
    if pod_id is not None:
        pod = Pod.objects.filter(workspace=actor.workspace, pk=pod_id).first()
        if pod is None:
            raise NotFound(_("Pod not found."))
    end = end or timezone.now()
    start = start or window_start(actor.workspace.time_zone, end, months)
    span_months = calendar_months(start, end, actor.workspace.time_zone)
    rows = FeedbackItem.objects.filter(
        workspace=actor.workspace, submitted_at__gte=start, submitted_at__lt=end
    )
    if pod is not None:
        rows = rows.filter(pod=pod)
    data = list(
        rows.values_list(
            "submitted_at",
            "acknowledged_at",
            "first_response_at",
            "status",
            "merged_into_id",
            "author_id",
        )
    )
    reps = _reps(actor.workspace.pk, pod)
    numbers = health.loop_health(
        # whole seconds: the rows are already in [start, end); keep them all in
        start=math.floor(start.timestamp()),
        end=math.ceil(end.timestamp()) + 1,
        months=span_months,
        submitted_at=_epoch([r[0] for r in data]),
        acknowledged_at=_epoch([r[1] for r in data]),
        first_response_at=_epoch([r[2] for r in data]),
        closed=np.asarray([r[3] in CLOSED_STATUSES for r in data], dtype=bool),
        merged=np.asarray([r[4] is not None for r in data], dtype=bool),
        by_rep=np.asarray([r[5] in reps for r in data], dtype=bool),
        reps=len(reps),
    )
    breaches = FeedbackSlaBreach.objects.filter(
        workspace=actor.workspace, item__acknowledged_at__isnull=True
    )
    if pod is not None:
        breaches = breaches.filter(item__pod=pod)
    return HealthReport(
        pod=pod,
        start=start,
        end=end,
        numbers=numbers,
        acknowledge_within_days=feedback_settings(actor=actor).acknowledge_within_days,
        open_breaches=breaches.count(),
    )


def loop_health_by_pod(*, actor: Actor, months: int = 3) -> list[HealthReport]:
    """The workspace's numbers first, then each pod's."""
    end = timezone.now()
    start = window_start(actor.workspace.time_zone, end, months)
    reports = [loop_health(actor=actor, start=start, end=end)]
    for pod in Pod.objects.filter(workspace=actor.workspace).order_by("name"):
        reports.append(loop_health(actor=actor, pod_id=pod.pk, start=start, end=end))
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

    table = health.counts_by_period(
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
            for j in health.top_keys(table, k)
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
