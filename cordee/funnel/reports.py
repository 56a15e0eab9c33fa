"""Funnel and SLA reports for the dashboards: a few aggregate queries and the vectorised SLA
clocks, shaped as rows for tables and charts."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core.business_time import local_dates
from cordee.core.charts import BAR, LINE, chart_spec
from cordee.funnel.models import (
    DecisionKind,
    LeadDecision,
    LeadStageChange,
    SlaContract,
    Stage,
)
from cordee.funnel.sla import MarketingStatus, load_cycles, marketing_status
from cordee.people.models import Pod
from cordee.tenancy.models import Workspace

MAIN_PATH = (Stage.MQL, Stage.SAL, Stage.SQL, Stage.WON)
T = TypeVar("T")


@dataclass(frozen=True)
class Conversion:
    from_stage: str
    to_stage: str
    entered: int
    reached: int

    @property
    def rate(self) -> float | None:
        return self.reached / self.entered if self.entered else None

    @property
    def from_label(self) -> str:
        return str(Stage(self.from_stage).label)

    @property
    def to_label(self) -> str:
        return str(Stage(self.to_stage).label)


def conversions(workspace: Workspace, since: dt.datetime) -> list[Conversion]:
    """Of the leads that entered each main-path stage since ``since``, how many then reached the
    next one (at or after entering). Computed in the database from the stage history."""
    rows = []
    for a, b in itertools.pairwise(MAIN_PATH):
        reached = LeadStageChange.objects.filter(
            lead_id=OuterRef("lead_id"), to_stage=b, at__gte=OuterRef("at")
        )
        counts = (
            LeadStageChange.objects.filter(workspace=workspace, to_stage=a, at__gte=since)
            .annotate(went_on=Exists(reached))
            .aggregate(
                entered=Count("lead_id", distinct=True),
                reached=Count("lead_id", distinct=True, filter=Q(went_on=True)),
            )
        )
        rows.append(Conversion(a, b, counts["entered"] or 0, counts["reached"] or 0))
    return rows


SNAPSHOT_AGE = dt.timedelta(minutes=15)


def snapshot(
    workspace: Workspace,
    name: str,
    compute: Callable[[], T],
    *,
    max_age: dt.timedelta = SNAPSHOT_AGE,
    refresh: bool = False,
) -> T:
    """A report computed at most every ``max_age`` and shared by every web process: pages read
    it instead of scanning the history; the worker refreshes them in the background."""
    key = f"report:{workspace.pk}:{name}"
    value = None if refresh else cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, int(max_age.total_seconds()))
    return value  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Compliance:
    month: str
    pod: str
    clock: str
    due: int
    kept: int

    @property
    def rate(self) -> float | None:
        return self.kept / self.due if self.due else None


CLOCK_LABELS = {"first_touch": "First touch", "decision": "Decision", "attempts": "Attempts"}


def sla_compliance(
    workspace: Workspace, at: dt.datetime | None = None, *, months: int = 6
) -> list[Compliance]:
    """Share of sales commitments kept, by month of MQL and pod: for each clock whose due time
    has passed, kept = not breached."""
    at = at or timezone.now()
    cycles = load_cycles(workspace, at, lookback=dt.timedelta(days=31 * months))
    if cycles is None:
        return []
    tz = workspace.zone
    now = int(at.timestamp())
    pod_names = dict(Pod.objects.filter(workspace=workspace).values_list("id", "name"))
    month = np.datetime_as_string(local_dates(cycles.mql_at, tz), unit="M")
    pod = np.array([pod_names.get(int(p), "") for p in cycles.pods])
    c = cycles.clocks
    rows: list[Compliance] = []
    for name, due, breached in (
        ("first_touch", c.first_touch_due, c.first_touch_breached),
        ("decision", c.decision_due, c.decision_breached),
        ("attempts", c.attempts_due, c.attempts_breached),
    ):
        passed = due < now
        for m in sorted(set(month[passed])):
            for p in sorted(set(pod[passed & (month == m)])):
                mask = passed & (month == m) & (pod == p)
                rows.append(
                    Compliance(str(m), str(p), name, int(mask.sum()), int((mask & ~breached).sum()))
                )
    return rows


def compliance_chart_spec(rows: list[Compliance]) -> dict[str, Any]:
    """Monthly share of first touches in time, one line per pod (the headline sales commitment)."""
    values = [
        {"month": r.month, "pod": r.pod or _("No pod"), "rate": r.rate, "n": r.due}
        for r in rows
        if r.clock == "first_touch" and r.rate is not None
    ]
    return chart_spec(
        values,
        mark=LINE,
        width=520,
        height=220,
        encoding={
            "x": {"field": "month", "type": "ordinal", "title": _("Month of MQL")},
            "y": {
                "field": "rate",
                "type": "quantitative",
                "title": _("First touches in time"),
                "axis": {"format": ".0%"},
                "scale": {"domain": [0, 1]},
            },
            "color": {"field": "pod", "type": "nominal", "title": _("Pod")},
            "tooltip": [
                {"field": "month", "title": _("Month of MQL")},
                {"field": "pod", "title": _("Pod")},
                {"field": "rate", "format": ".0%", "title": _("First touches in time")},
                {"field": "n", "title": _("Clocks due")},
            ],
        },
    )


REJECTION_GROUPS = {
    "channel": "lead__source_channel",
    "campaign": "lead__source_campaign__name",
    "pod": "lead__pod__name",
}


@dataclass(frozen=True)
class RejectionSummary:
    group: str
    decided: int
    rejected: int
    top_reason: str

    @property
    def rate(self) -> float | None:
        """Rejection rate = rejected ÷ MQLs decided (PRODUCT.md)."""
        return self.rejected / self.decided if self.decided else None


def rejection_summary(workspace: Workspace, since: dt.datetime, by: str) -> list[RejectionSummary]:
    """Per channel, campaign or pod: decisions taken since ``since``, how many were rejections,
    the rejection rate and the most frequent reason; highest rate first."""
    field = REJECTION_GROUPS[by]
    decided: dict[str, int] = defaultdict(int)
    rejected: dict[str, int] = defaultdict(int)
    reasons: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for group, kind, reason, n in (
        LeadDecision.objects.filter(workspace=workspace, decided_at__gte=since)
        .values_list(field, "kind", "reason__label")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = group or "—"
        decided[key] += n
        if kind == DecisionKind.REJECT:
            rejected[key] += n
            reasons[key][reason or "—"] += n
    rows = [
        RejectionSummary(
            group=key,
            decided=decided[key],
            rejected=rejected[key],
            top_reason=max(reasons[key].items(), key=lambda kv: (kv[1], kv[0]))[0]
            if reasons[key]
            else "",
        )
        for key in decided
    ]
    return sorted(rows, key=lambda r: (-(r.rate or 0), r.group))


def rejections(workspace: Workspace, since: dt.datetime, by: str) -> list[dict[str, Any]]:
    """Rejections since ``since`` counted by reason and by ``by``: channel, campaign or pod."""
    field = REJECTION_GROUPS[by]
    rows = (
        LeadDecision.objects.filter(
            workspace=workspace, kind=DecisionKind.REJECT, decided_at__gte=since
        )
        .values("reason__label", field)
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    return [
        {"reason": r["reason__label"] or "—", "group": r[field] or "—", "n": r["n"]} for r in rows
    ]


def rejections_chart_spec(rows: list[dict[str, Any]], group_title: str) -> dict[str, Any]:
    return chart_spec(
        rows,
        mark=BAR,
        width=640,
        height={"step": 24},
        encoding={
            "y": {"field": "group", "type": "nominal", "title": group_title, "sort": "-x"},
            "x": {"field": "n", "type": "quantitative", "title": _("Rejections"), "stack": "zero"},
            "color": {"field": "reason", "type": "nominal", "title": _("Reason")},
            "tooltip": [
                {"field": "group", "title": group_title},
                {"field": "reason", "title": _("Reason")},
                {"field": "n", "title": _("Rejections")},
            ],
        },
    )


# -- the dashboards' snapshots: one definition, read by the pages, refreshed by the worker -------

BOARD_WINDOW = dt.timedelta(days=180)
RECENT_CONTRACTS = dt.timedelta(days=92)


def conversions_snapshot(workspace: Workspace, *, refresh: bool = False) -> list[Conversion]:
    return snapshot(
        workspace,
        "conversions",
        lambda: conversions(workspace, timezone.now() - BOARD_WINDOW),
        refresh=refresh,
    )


def compliance_snapshot(workspace: Workspace, *, refresh: bool = False) -> list[Compliance]:
    return snapshot(workspace, "sla_compliance", lambda: sla_compliance(workspace), refresh=refresh)


def marketing_snapshot(
    workspace: Workspace, *, refresh: bool = False
) -> dict[int, MarketingStatus]:
    """Marketing's side of every signed contract of the last quarter and the current one."""

    def compute() -> dict[int, MarketingStatus]:
        now = timezone.now()
        recent = SlaContract.objects.filter(
            workspace=workspace, period_end__gte=workspace.today(now) - RECENT_CONTRACTS
        )
        return {c.pk: marketing_status(c, now) for c in recent if c.is_signed}

    # v2: each status carries its contract's commitment (``volume_state``)
    return snapshot(workspace, "marketing_status:v2", compute, refresh=refresh)


def refresh_snapshots(workspace: Workspace) -> None:
    conversions_snapshot(workspace, refresh=True)
    compliance_snapshot(workspace, refresh=True)
    marketing_snapshot(workspace, refresh=True)


@dataclass(frozen=True)
class StageExits:
    """Where the leads that entered ``stage`` since a date went next, and how long they stayed."""

    stage: str
    entered: int
    exits: dict[str, int]
    still_in: int
    median_days_in_stage: float | None


def stage_exits(workspace: Workspace, stage: str, since: dt.datetime) -> StageExits:
    """For every entry into ``stage`` since ``since``: the next history row of the same lead (its
    exit) — LEAD() over each lead's history in the database — and the time between the two."""
    from django.db.models import F, Window
    from django.db.models.functions import Lead as NextRow

    rows = (
        LeadStageChange.objects.filter(
            workspace=workspace,
            lead__in=LeadStageChange.objects.filter(
                workspace=workspace, to_stage=stage, at__gte=since
            ).values("lead_id"),
        )
        .annotate(
            next_stage=Window(
                NextRow("to_stage"),
                partition_by=[F("lead_id")],
                order_by=[F("at").asc(), F("id").asc()],
            ),
            next_at=Window(
                NextRow("at"), partition_by=[F("lead_id")], order_by=[F("at").asc(), F("id").asc()]
            ),
        )
        .values_list("to_stage", "at", "next_stage", "next_at")
    )
    exits: dict[str, int] = defaultdict(int)
    durations: list[float] = []
    entered = still_in = 0
    for to_stage, at, next_stage, next_at in rows:
        if to_stage != stage or at < since:
            continue
        entered += 1
        if next_stage is None:
            still_in += 1
            continue
        exits[next_stage] += 1
        durations.append((next_at - at).total_seconds() / 86400)
    median = float(np.median(durations)) if durations else None
    return StageExits(stage, entered, dict(exits), still_in, median)
