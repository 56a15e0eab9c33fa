"""Funnel metrics for the pages and the API: stage-to-stage conversion and median time in stage by
cohort (month of MQL, source, campaign, pod), pipeline created and won per source, and the lead
velocity rate.

The stage history is read in a few column queries (never lead by lead), turned into NumPy arrays
of MQL cycles and handed to the pure functions of ``cordee.analytics.funnel``. The result is a
snapshot cached under the funnel's version: pages and API read it until a lead moves (or
``SNAPSHOT_AGE`` passes), they do not scan the history on every load.

- **MQL cycle**: one entry into MQL and what followed until the lead's next entry into MQL (a
  recycled lead that comes back is a new MQL, as in the SLA contracts). Its SAL, SQL and Won are
  the first entries into those stages during the cycle.
- **Period**: the MQL's date, from ``start`` to ``end`` inclusive, in the workspace time zone.
- **Dimensions**: ``month`` (of the MQL), ``source`` (the lead's source channel), ``campaign``
  (the lead's source campaign, where it originated), ``pod`` (the pod the cycle was routed to:
  its first assignment to a pod at or after the MQL; the lead's pod when it has none).
- **Pipeline**: the opportunities created in the period, by source (marketing / sales / partner),
  in the workspace currency; opportunities in another currency are left out and counted.
- **Too recent**: a cohort whose middle MQL is younger than the median time from MQL to a stage
  has its rate into that stage marked "too recent", not shown as 0 %. The medians come from the
  workspace's own history: every MQL cycle that entered in the ``MEDIAN_HISTORY`` (365 days) up
  to the period's end and then entered the stage (``cordee.analytics.funnel``).
- **Lead velocity rate**: per *complete* calendar month of the period, against the month before;
  a month counts once it has ended (before today) and the period covers its last day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cordee.analytics import funnel as engine
from cordee.core.actor import Actor
from cordee.core.columns import float_columns, ints, latest_at_or_before
from cordee.core.errors import ValidationFailed
from cordee.crm.models import Channel
from cordee.funnel.models import (
    Lead,
    LeadAssignment,
    LeadDecision,
    LeadStageChange,
    Opportunity,
    OpportunitySource,
    OpportunityStage,
    Stage,
)
from cordee.funnel.reports import snapshot
from cordee.funnel.sla import DecisionRows, LeadRows, decision_rows
from cordee.funnel.version import funnel_version
from cordee.people.models import Pod
from cordee.tenancy.models import Workspace

DIMENSIONS = ("month", "source", "campaign", "pod")
DEFAULT_MONTHS = 12
SNAPSHOT_AGE = dt.timedelta(minutes=15)
MEDIAN_HISTORY = dt.timedelta(days=365)  # the cycles the medians to each stage come from
_CODES: dict[str, int] = {Stage.MQL: 0, Stage.SAL: 1, Stage.SQL: 2, Stage.WON: 3}


# -- the request: a dimension and a period ------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: dt.date  # first day of MQL, inclusive
    end: dt.date  # last day of MQL, inclusive


def _months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` before ``day``'s month."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def local_today(workspace: Workspace) -> dt.date:
    return workspace.today()


def default_period(workspace: Workspace, end: dt.date | None = None) -> Period:
    """The last 12 calendar months, the current one included (so far)."""
    end = end or local_today(workspace)
    return Period(_months_back(end, DEFAULT_MONTHS - 1), end)


def _date(value: object, name: str, errors: dict[str, list[str]]) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[name] = [_("Enter a date as YYYY-MM-DD.")]
        return None


def metrics_request(
    workspace: Workspace, *, by: object = None, start: object = None, end: object = None
) -> tuple[str, Period]:
    """The dimension and the period asked for, defaults filled in; a 422 naming the field for
    an unknown dimension, a date that is not one, or a period that ends before it starts."""
    errors: dict[str, list[str]] = {}
    by = by or "month"
    if by not in DIMENSIONS:
        errors["by"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(DIMENSIONS)}]
    first = _date(start, "from", errors)
    last = _date(end, "to", errors)
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    period = default_period(workspace, last)
    if first is not None:
        period = Period(first, last or max(local_today(workspace), first))
    if period.end < period.start:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={"to": [_("The end of the period comes before its start.")]},
        )
    return str(by), period


# -- the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MetricsRow:
    key: str  # month "2026-03", channel code, campaign id, pod id; "" when the lead has none
    label: str
    mqls: int
    sal: int
    sql: int
    won: int
    median_days_mql_to_sal: float | None
    median_days_sal_to_sql: float | None
    median_days_sql_to_won: float | None
    too_recent: tuple[
        str, ...
    ] = ()  # later stages ("sal", "sql", "won") the cohort is too young for

    @property
    def mql_to_sal(self) -> float | None:
        return self.sal / self.mqls if self.mqls else None

    @property
    def sal_to_sql(self) -> float | None:
        return self.sql / self.sal if self.sal else None

    @property
    def sql_to_won(self) -> float | None:
        return self.won / self.sql if self.sql else None

    @property
    def mql_to_won(self) -> float | None:
        return self.won / self.mqls if self.mqls else None


# each rate of a row, and the stage whose entry it counts (a rate is too recent with its stage)
RATE_STAGES = (
    ("mql_to_sal", "sal"),
    ("sal_to_sql", "sql"),
    ("sql_to_won", "won"),
    ("mql_to_won", "won"),
)


@dataclass(frozen=True)
class PipelineRow:
    source: str
    label: str
    created: Decimal
    won: Decimal
    opportunities: int
    won_opportunities: int


@dataclass(frozen=True)
class VelocityPoint:
    month: str  # "2026-03"
    label: str
    mqls: int
    previous_mqls: int
    lvr: float | None


@dataclass(frozen=True)
class FunnelMetrics:
    by: str
    period: Period
    currency: str
    rows: tuple[MetricsRow, ...]
    total: MetricsRow
    pipeline: tuple[PipelineRow, ...]
    velocity: tuple[VelocityPoint, ...]
    other_currencies: tuple[str, ...]  # currencies of the opportunities left out
    other_currency_count: int
    computed_at: dt.datetime
    # median days from MQL to "sal", "sql", "won" over the cycles since ``history_start``
    median_days_to: dict[str, float | None]
    history_start: dt.date

    @property
    def last_month(self) -> VelocityPoint | None:
        """The latest complete month of the period."""
        return self.velocity[-1] if self.velocity else None


# -- reading the history ------------------------------------------------------------------------


def _midnight(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=tz)


def _month_keys(first: dt.date, last: dt.date, tz: ZoneInfo) -> tuple[list[str], np.ndarray]:
    """The months from ``first``'s to ``last``'s, and the epoch of each one's first instant (plus
    the start of the month after), local midnight — DST-correct."""
    keys, starts = [], []
    month = first.replace(day=1)
    while month <= last:
        keys.append(month.strftime("%Y-%m"))
        starts.append(_midnight(month, tz).timestamp())
        month = _months_back(month, -1)
    starts.append(_midnight(month, tz).timestamp())
    return keys, np.array(starts, dtype=np.float64)


def _first_per_cycle(
    rows: np.ndarray, cycle: np.ndarray, values: np.ndarray, cohort: np.ndarray, fill: Any
) -> np.ndarray:
    """For each cohort cycle (an index into the event arrays), ``values`` at the first of
    ``rows`` (in event order) that belongs to it; ``fill`` where none does."""
    out = np.full(len(cohort), fill, dtype=values.dtype)
    if not len(rows) or not len(cohort):
        return out
    owners, first = np.unique(cycle, return_index=True)
    pos = np.clip(np.searchsorted(cohort, owners), 0, len(cohort) - 1)
    found = cohort[pos] == owners
    out[pos[found]] = values[rows[first[found]]]
    return out


def _cycles(
    workspace: Workspace, start: dt.datetime, end: dt.datetime, history: dt.datetime
) -> tuple[QuerySet[Any], dict[str, np.ndarray], dict[str, float | None]]:
    """One query: every main-path entry since ``start`` or ``history`` (a range of the
    (workspace, to_stage, at) index), in time order per lead. Each MQL entry before ``end``
    opens a cycle: those from ``start`` are the cohorts, those from ``history`` give the median
    time to each stage. The rows of leads without a cycle are dropped here, in NumPy — not by a
    ``lead_id IN (subquery)`` that PostgreSQL may run as a nested loop when its statistics are
    stale."""
    mqls = LeadStageChange.objects.filter(
        workspace=workspace, to_stage=Stage.MQL, at__gte=start, at__lt=end
    )
    stages = sorted(_CODES, key=_CODES.__getitem__)
    e_lead, at, e_stage = float_columns(
        LeadStageChange.objects.filter(
            workspace=workspace, to_stage__in=stages, at__gte=min(start, history)
        ).order_by("lead_id", "at", "id"),
        ("lead_id", "at", "to_stage"),
        instants=("at",),
        codes={"to_stage": stages},
    )
    lead = ints(e_lead)
    code = (e_stage - 1).astype(np.int8)  # the position in ``stages`` is the stage's code
    index = np.arange(len(lead))
    is_mql = code == 0
    # the MQL entry that opened each row's cycle: the latest MQL row so far, of the same lead
    opener = np.maximum.accumulate(np.where(is_mql, index, -1)) if len(lead) else index
    in_cycle = opener >= 0
    in_cycle[in_cycle] = lead[opener[in_cycle]] == lead[in_cycle]
    cycles = np.flatnonzero(is_mql & (at < end.timestamp()))
    stage_at = {}
    for name, c in (("sal", 1), ("sql", 2), ("won", 3)):
        rows = np.flatnonzero((code == c) & in_cycle)
        stage_at[name] = _first_per_cycle(rows, opener[rows], at, cycles, np.nan)
    mine = at[cycles] >= start.timestamp()
    past = at[cycles] >= history.timestamp()
    medians = engine.median_days_to_stages(
        at[cycles][past], stage_at["sal"][past], stage_at["sql"][past], stage_at["won"][past]
    )
    arrays = {
        "events_lead": lead,
        "events_at": at,
        "is_mql": is_mql,
        "cohort": cycles[mine],
        "lead": lead[cycles[mine]],
        "mql": at[cycles[mine]],
        **{name: values[mine] for name, values in stage_at.items()},
    }
    return mqls, arrays, medians


def _lead_values(mqls: QuerySet[Any], lead: np.ndarray, *fields: str) -> list[np.ndarray]:
    """Columns of the cohort's leads (one query, joined from their MQL entries), aligned with
    ``lead``."""
    rows = list(
        mqls.order_by("lead_id").values_list("lead_id", *(f"lead__{name}" for name in fields))
    )
    ids = np.array([r[0] for r in rows], dtype=np.int64)
    pos = np.clip(np.searchsorted(ids, lead), 0, max(len(ids) - 1, 0))
    columns = []
    for i in range(len(fields)):
        column = np.array([r[i + 1] for r in rows] or [None], dtype=object)
        columns.append(column[pos] if len(lead) else np.array([], dtype=object))
    return columns


def leads_now(
    workspace: Workspace, lead: np.ndarray, leads_read: LeadRows | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Each of ``lead``'s pod (0: none) and owner (-1: none) now, aligned with ``lead``: from
    ``leads_read`` (every lead, read by the caller) or the rows of the leads' id span (two
    index ranges), not ``IN`` a list of every lead id — composing and planning a list of
    hundreds of thousands of ids costs more than reading the few rows of the span that are not
    asked for."""
    if not len(lead):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if leads_read is None:
        ids, pod_col, owner_col = float_columns(
            Lead.objects.filter(
                workspace=workspace, pk__gte=int(lead.min()), pk__lte=int(lead.max())
            ).order_by("pk"),
            ("pk", "pod_id", "owner_id"),
        )
        leads_read = LeadRows(ints(ids), np.zeros(0), ints(owner_col), ints(pod_col))
    ids = leads_read.id
    if not len(ids):
        return np.zeros(len(lead), dtype=np.int64), np.full(len(lead), -1, dtype=np.int64)
    pos = np.clip(np.searchsorted(ids, lead), 0, len(ids) - 1)
    found = ids[pos] == lead
    owner = np.where(leads_read.owner[pos] == 0, -1, leads_read.owner[pos])
    return np.where(found, leads_read.pod[pos], 0), np.where(found, owner, -1)


def _routed_pods(
    workspace: Workspace, start: dt.datetime, a: dict[str, np.ndarray], now: np.ndarray
) -> np.ndarray:
    """The pod each cohort cycle was routed to: its first assignment to a pod at or after the MQL
    entry (and before the lead's next one); the lead's pod ``now`` when the cycle has none."""
    a_lead_col, a_at_col, a_pod_col = float_columns(
        LeadAssignment.objects.filter(
            workspace=workspace, pod__isnull=False, at__gte=start
        ).order_by("lead_id", "at", "id"),
        ("lead_id", "at", "pod_id"),
        instants=("at",),
    )
    pods = np.zeros(len(a["cohort"]), dtype=np.int64)
    if len(a_lead_col):
        # (lead, second) as one sortable integer: lead ids < 2^30, epochs < 2^33
        def key(lead: np.ndarray, at: np.ndarray) -> np.ndarray:
            return (lead.astype(np.int64) << 33) | np.floor(at).astype(np.int64)

        mql_rows = np.flatnonzero(a["is_mql"])
        mql_keys = key(a["events_lead"][mql_rows], a["events_at"][mql_rows])
        a_lead, a_pod = ints(a_lead_col), ints(a_pod_col)
        p = np.searchsorted(mql_keys, key(a_lead, a_at_col), "right")
        p -= 1
        ok = p >= 0
        ok[ok] = a["events_lead"][mql_rows[p[ok]]] == a_lead[ok]
        rows = np.flatnonzero(ok)
        pods = _first_per_cycle(rows, mql_rows[p[rows]], a_pod, a["cohort"], 0)
    missing = pods == 0
    pods[missing] = now[missing]
    return pods


def _cohort_keys(
    workspace: Workspace,
    by: str,
    mqls: QuerySet[Any],
    start: dt.datetime,
    a: dict[str, np.ndarray],
    tz: ZoneInfo,
    period: Period,
) -> tuple[list[str], dict[str, str]]:
    """The cohort key of every cycle, and the names to show for the keys (campaigns, pods)."""
    if by == "month":
        keys, starts = _month_keys(period.start, period.end, tz)
        which = np.clip(np.searchsorted(starts, a["mql"], side="right") - 1, 0, len(keys) - 1)
        return [keys[int(i)] for i in which], {}
    if by == "source":
        (channel,) = _lead_values(mqls, a["lead"], "source_channel")
        return [str(c or "") for c in channel], {}
    if by == "campaign":
        ids, names = _lead_values(mqls, a["lead"], "source_campaign_id", "source_campaign__name")
        keys = [str(i) if i else "" for i in ids]
        return keys, {k: str(n) for k, n in zip(keys, names, strict=True) if k}

    pods = _routed_pods(workspace, start, a, leads_now(workspace, a["lead"])[0])
    pod_names = dict(Pod.objects.filter(workspace=workspace).values_list("id", "name"))
    keys = [str(int(p)) if p else "" for p in pods]
    return keys, {k: str(pod_names.get(int(k), "")) for k in set(keys) if k}


@dataclass(frozen=True)
class CohortCycles:
    """The MQL cycles of a period's cohorts, one element per cycle, as the metrics count them:
    epoch seconds of the MQL and of the first SAL, SQL and Won of the cycle (NaN: not entered),
    the pod each cycle was routed to (0: none) and its lead's owner now (-1: none) when asked
    for."""

    lead: np.ndarray
    mql: np.ndarray
    sal: np.ndarray
    sql: np.ndarray
    won: np.ndarray
    pod: np.ndarray | None
    owner_now: np.ndarray | None = None


def cohort_cycles(
    workspace: Workspace,
    period: Period,
    *,
    pods: bool = False,
    owners: bool = False,
    leads_read: LeadRows | None = None,
) -> CohortCycles:
    """The cycles whose MQL falls in ``period`` (workspace time zone) — the ones every row of
    ``compute_funnel_metrics`` counts, for a caller that needs them cycle by cycle (the
    planner, the KPIs)."""
    tz = workspace.zone
    start = _midnight(period.start, tz)
    end = _midnight(period.end + dt.timedelta(days=1), tz)
    _mqls, a, _medians = _cycles(workspace, start, end, start)
    pod_now, owner_now = (
        leads_now(workspace, a["lead"], leads_read) if pods or owners else (None, None)
    )
    return CohortCycles(
        lead=a["lead"],
        mql=a["mql"],
        sal=a["sal"],
        sql=a["sql"],
        won=a["won"],
        pod=_routed_pods(workspace, start, a, pod_now) if pod_now is not None and pods else None,
        owner_now=owner_now if owners else None,
    )


@dataclass(frozen=True)
class CycleDecisions:
    """Sales' decision on each cycle's MQL, aligned with the cycles."""

    rejected: np.ndarray  # bool
    decided: np.ndarray  # epoch seconds of the decision (NaN: none)


def cycle_decisions(
    workspace: Workspace, cycles: CohortCycles, decisions_read: DecisionRows | None = None
) -> CycleDecisions:
    """Each cycle's decision: the one on the same lead whose ``mql_at`` is the cycle's opening
    MQL instant, to the millisecond (a decision names the MQL it decides). ``decisions_read``:
    decisions the caller read (at least those of the cycles' MQLs), not read again."""
    n = len(cycles.lead)
    rejected, decided = np.zeros(n, dtype=bool), np.full(n, np.nan)
    if not n:
        return CycleDecisions(rejected, decided)
    if decisions_read is None:
        first = dt.datetime.fromtimestamp(float(cycles.mql.min()), tz=dt.UTC)
        last = dt.datetime.fromtimestamp(float(cycles.mql.max()), tz=dt.UTC)
        decisions_read = decision_rows(
            LeadDecision.objects.filter(
                workspace=workspace,
                mql_at__gte=first - dt.timedelta(seconds=1),
                mql_at__lte=last + dt.timedelta(seconds=1),
            )
        )
    d = decisions_read
    if not len(d.lead):
        return CycleDecisions(rejected, decided)
    d_ms, c_ms = np.round(d.mql * 1000), np.round(cycles.mql * 1000)
    found = latest_at_or_before(d.lead, d_ms, cycles.lead, c_ms)
    hit = found >= 0
    hit[hit] = d_ms[found[hit]] == c_ms[hit]
    rows = found[hit]
    rejected[hit] = d.reject[rows]
    decided[hit] = d.decided[rows]
    return CycleDecisions(rejected, decided)


def _row(
    row: engine.CohortRow, key: str, label: str, now: float, medians: dict[str, float | None]
) -> MetricsRow:
    return MetricsRow(
        key=key,
        label=label,
        mqls=row.mqls,
        sal=row.sal,
        sql=row.sql,
        won=row.won,
        median_days_mql_to_sal=row.median_days_mql_to_sal,
        median_days_sal_to_sql=row.median_days_sal_to_sql,
        median_days_sql_to_won=row.median_days_sql_to_won,
        too_recent=engine.too_recent_stages(row.middle_mql_at, now, medians),
    )


def _pipeline(
    workspace: Workspace, period: Period
) -> tuple[tuple[PipelineRow, ...], tuple[str, ...], int]:
    opportunities = list(
        Opportunity.objects.filter(
            workspace=workspace, created_on__gte=period.start, created_on__lte=period.end
        ).values_list("source", "amount", "stage", "currency")
    )
    mine = [o for o in opportunities if (o[3] or workspace.currency) == workspace.currency]
    others = sorted({o[3] for o in opportunities} - {workspace.currency, ""})
    sums = engine.pipeline_by_source(
        [o[0] for o in mine], [o[1] for o in mine], [o[2] == OpportunityStage.WON for o in mine]
    )
    counts: dict[str, list[int]] = {}
    for source, _amount, stage, _currency in mine:
        n = counts.setdefault(source, [0, 0])
        n[0] += 1
        n[1] += stage == OpportunityStage.WON
    rows = tuple(
        PipelineRow(source, source, created, won, counts[source][0], counts[source][1])
        for source, (created, won) in sums.items()
    )
    return rows, tuple(others), len(opportunities) - len(mine)


def _last_complete_month(period: Period, today: dt.date) -> dt.date:
    """The first day of the latest month that has ended before ``today`` and whose last day the
    period covers."""
    month = period.end.replace(day=1)
    month_end = _months_back(month, -1) - dt.timedelta(days=1)
    if month_end > period.end or month_end >= today:
        month = _months_back(month, 1)
    return month


def _velocity(
    workspace: Workspace, period: Period, tz: ZoneInfo, today: dt.date
) -> tuple[VelocityPoint, ...]:
    """MQL entries per complete calendar month of the period, and each month's LVR against the
    month before."""
    first = _months_back(period.start, 1)
    last = _last_complete_month(period, today)
    if last < period.start.replace(day=1):
        return ()
    keys, starts = _month_keys(first, last, tz)
    entries = LeadStageChange.objects.filter(
        workspace=workspace,
        to_stage=Stage.MQL,
        at__gte=dt.datetime.fromtimestamp(starts[0], tz=dt.UTC),
        at__lt=dt.datetime.fromtimestamp(starts[-1], tz=dt.UTC),
    )
    (at,) = float_columns(entries.order_by(), ("at",), ("at",))
    counts = np.bincount(np.searchsorted(starts, at, side="right") - 1, minlength=len(keys))
    monthly = [int(n) for n in counts[: len(keys)]]
    rates = engine.lead_velocity_series(monthly)
    return tuple(
        VelocityPoint(keys[i + 1], keys[i + 1], monthly[i + 1], monthly[i], rate)
        for i, rate in enumerate(rates)
    )


def compute_funnel_metrics(
    workspace: Workspace, by: str, period: Period, *, now: dt.datetime | None = None
) -> FunnelMetrics:
    """Everything the page and the API show, for one dimension and period (uncached), as of
    ``now`` (default: now)."""
    now = now or timezone.now()
    tz = workspace.zone
    start = _midnight(period.start, tz)
    end = _midnight(period.end + dt.timedelta(days=1), tz)
    history = end - MEDIAN_HISTORY
    mqls, a, medians = _cycles(workspace, start, end, history)
    keys, names = _cohort_keys(workspace, by, mqls, start, a, tz, period)
    stages = (a["mql"], a["sal"], a["sql"], a["won"])
    moment = now.timestamp()
    rows = [
        _row(r, r.cohort, names.get(r.cohort, r.cohort), moment, medians)
        for r in engine.conversion_by_cohort(keys, *stages)
    ]
    if by != "month":  # the largest cohorts first; "no campaign" (etc.) after its equals
        rows.sort(key=lambda r: (-r.mqls, not r.key, r.label, r.key))
    overall = engine.conversion_by_cohort(["*"] * len(keys), *stages)
    total = (
        _row(overall[0], "", "", moment, medians)
        if overall
        else MetricsRow("", "", 0, 0, 0, 0, None, None, None)
    )
    pipeline, others, left_out = _pipeline(workspace, period)
    return FunnelMetrics(
        by=by,
        period=period,
        currency=workspace.currency,
        rows=tuple(rows),
        total=total,
        pipeline=pipeline,
        velocity=_velocity(workspace, period, tz, local_today(workspace)),
        other_currencies=others,
        other_currency_count=left_out,
        computed_at=now,
        median_days_to=medians,
        history_start=history.astimezone(tz).date(),
    )


# -- labels in the reader's language, and the cached entry point ---------------------------------


def percent_text(value: float | None, digits: int = 0) -> str:
    """A ratio as a localised percentage rounded half up (2/3 → "67 %"); "—" when undefined."""
    if value is None:
        return "—"
    exact = (Decimal(repr(value)) * 100).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return f"{formats.number_format(exact, digits)} %"


def month_label(key: str) -> str:
    year, month = (int(x) for x in key.split("-"))
    return str(formats.date_format(dt.date(year, month, 1), "YEAR_MONTH_FORMAT"))


def dimension_titles() -> dict[str, str]:
    return {
        "month": _("Month of MQL"),
        "source": _("Source"),
        "campaign": _("Campaign"),
        "pod": _("Pod"),
    }


def _label(by: str, row: MetricsRow) -> str:
    if by == "month":
        return month_label(row.key)
    if by == "source":
        channels = dict(Channel.choices)
        return str(channels.get(row.key, row.key)) if row.key else _("No source")
    if not row.key:
        return _("No campaign") if by == "campaign" else _("No pod")
    return row.label


def labelled(metrics: FunnelMetrics) -> FunnelMetrics:
    """The cached, language-neutral result with its labels in the active language."""
    sources = dict(OpportunitySource.choices)
    return replace(
        metrics,
        rows=tuple(replace(r, label=_label(metrics.by, r)) for r in metrics.rows),
        total=replace(metrics.total, label=_("All MQLs")),
        pipeline=tuple(
            replace(p, label=str(sources.get(p.source, p.source))) for p in metrics.pipeline
        ),
        velocity=tuple(replace(v, label=month_label(v.month)) for v in metrics.velocity),
    )


def funnel_metrics(
    *, actor: Actor, by: str, period: Period, refresh: bool = False
) -> FunnelMetrics:
    """The metrics of the actor's workspace, from the snapshot while it is valid (same funnel
    version, younger than ``SNAPSHOT_AGE``). Every member may read them."""
    workspace = actor.workspace
    # v2: the snapshot carries the medians to each stage (a v1 one, pickled before, does not)
    name = f"funnel-metrics:v2:{funnel_version(workspace.pk)}:{by}:{period.start}:{period.end}"
    raw = snapshot(
        workspace,
        name,
        lambda: compute_funnel_metrics(workspace, by, period),
        max_age=SNAPSHOT_AGE,
        refresh=refresh,
    )
    return labelled(raw)


# -- CSV export of the table ---------------------------------------------------------------------
