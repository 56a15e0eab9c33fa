"""Benchmark: the progress of every goal of the demo workspace (``funnel.goals.goals_progress``)
vs one plain SQL group-by over the same rows, in the same run (issue 16: at most 3× that floor,
and a query count that does not grow with the number of goals).

    DATABASE_URL=postgres://… python bench/goals_progress.py [--repeat 3] [--goals 500]

In one transaction rolled back at the end, the script creates goals spread over KPIs of the
catalogue (counts, money, rates, a duration), scopes (the workspace, both sides, each pod, each
member: ``person:<user id>``) and fiscal periods (the months, quarters and year of the current
fiscal year and the previous one), then times ``goals_progress`` as a RevOps admin reads it
(wall time, median of ``--repeat`` runs after one warm-up) and counts its queries:

- the headline: ``--goals`` goals drawn over every scope × period;
- the query count: 50, 100, 250 and 500 goals over the *same* 25 (scope, period) pairs (more
  KPIs per pair; every KPI of the list from 50 goals on), which must not grow with the goals.

The floor is ONE SQL statement (psycopg cursor, no ORM) grouping the rows the KPIs read, from
the first day of the earliest period (previous periods of the pace included) on: the main-path
lead stage changes by month, stage and the lead's owner; the opportunities created or closed by
month, stage and owner (count and Σ amount); the sales activities on leads (the SLA clocks'
touches) by month and actor. A narrower floor without the touches is timed too and quoted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench import report

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cordee.config.settings")
os.environ.setdefault("CORDEE_TESTING", "1")

KPIS = (
    "mqls_created",
    "sals",
    "acceptance_rate",
    "sqls",
    "pipeline_created",
    "revenue_won",
    "deals_won",
    "win_rate",
    "median_sales_cycle",
    "sales_sla_compliance",
)
ADDITIVE = ("mqls_created", "sals", "sqls", "pipeline_created", "revenue_won", "deals_won")
SIZES = (50, 100, 250, 500)
PAIRS = 25  # the (scope, period) pairs of the query-count sizes


def _floor_sql(with_touches: bool) -> str:
    from django.db import connection

    from cordee.funnel.models import Lead, LeadStageChange, Opportunity, Touchpoint

    def month(column: str, zoned: bool = True) -> str:
        if connection.vendor != "postgresql":  # SQLite: the smoke test (tests/bench), in UTC
            return f"strftime('%%Y-%%m', {column})"
        return (
            f"date_trunc('month', {column} AT TIME ZONE %(tz)s)"
            if zoned
            else (f"date_trunc('month', {column})")
        )

    parts = [
        f"SELECT 'stage' AS kind, {month('c.at')} AS month, c.to_stage AS what, "
        f"l.owner_id AS who, count(*) AS n, NULL AS amount "
        f"FROM {LeadStageChange._meta.db_table} c JOIN {Lead._meta.db_table} l ON l.id = c.lead_id "
        f"WHERE c.workspace_id = %(ws)s AND c.at >= %(start)s "
        f"AND c.to_stage IN ('mql', 'sal', 'sql', 'won') GROUP BY 2, 3, 4",
        f"SELECT 'opportunity', {month('coalesce(o.close_date, o.created_on)', zoned=False)}, "
        f"o.stage, o.owner_id, count(*), sum(o.amount) FROM {Opportunity._meta.db_table} o "
        f"WHERE o.workspace_id = %(ws)s AND (o.created_on >= %(day)s OR o.close_date >= %(day)s) "
        f"GROUP BY 2, 3, 4",
    ]
    if with_touches:
        parts.append(
            f"SELECT 'touch', {month('t.occurred_at')}, '', t.actor_id, count(*), NULL "
            f"FROM {Touchpoint._meta.db_table} t WHERE t.workspace_id = %(ws)s "
            f"AND t.is_sales_activity AND t.lead_id IS NOT NULL AND t.occurred_at >= %(start)s "
            f"GROUP BY 2, 4"
        )
    return " UNION ALL ".join(parts)


def _floor(sql: str, params: dict[str, Any]) -> tuple[float, int]:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = len(cursor.fetchall())
    return time.perf_counter() - started, rows


def _scopes(workspace: Any) -> list[str]:
    from cordee.people.models import Pod
    from cordee.tenancy.models import Membership

    pods = Pod.objects.filter(workspace=workspace).order_by("id").values_list("id", flat=True)
    people = (
        Membership.objects.filter(workspace=workspace, is_active=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    return [
        "workspace",
        "side:marketing",
        "side:sales",
        *(f"pod:{p}" for p in pods),
        *(f"person:{u}" for u in people),
    ]


def _periods(workspace: Any) -> list[Any]:
    from cordee.analytics import planning

    today = workspace.today()
    first = workspace.fiscal_year_start_month
    year = today.year if today.month >= first else today.year - 1
    keys = []
    for y in (year - 1, year):
        keys += [str(y), *(f"{y}-Q{q}" for q in range(1, 5))]
        keys += [
            f"{y + (first - 1 + m) // 12:04d}-{(first - 1 + m) % 12 + 1:02d}" for m in range(12)
        ]
    out = []
    for key in keys:  # the key as a goal keeps it (plan_period names a year "FY2026")
        period = planning.plan_period(key, first)
        out.append(planning.PlanPeriod(key, period.start, period.end))
    return out


def _goals(
    workspace: Any,
    pairs: list[tuple[str, Any]],
    count: int,
    *,
    same: bool = False,
    kpis: tuple[str, ...] = KPIS,
) -> list[Any]:
    """``count`` goals over ``pairs`` in turn, the KPIs of the list in turn (saved). With
    ``same`` (the query-count sizes), each pair's first goal is a count or
    money (its pace reads the 4 previous periods), its second the next KPI of the list in turn,
    then the KPIs in turn: from ``2 × len(pairs)`` goals on (if that covers the list) the
    (scope, period) pairs and the KPIs computed are the same."""
    from decimal import Decimal

    from cordee.funnel.models import Goal

    goals = []
    for i in range(count):
        scope, period = pairs[i % len(pairs)]
        if not same:
            kpi = kpis[i % len(kpis)]
        elif i < len(pairs):
            kpi = ADDITIVE[i % len(ADDITIVE)]
        elif i < 2 * len(pairs):
            kpi = KPIS[i % len(KPIS)]
        else:
            kpi = KPIS[(i // len(pairs) + i) % len(KPIS)]
        goals.append(
            Goal(
                workspace=workspace,
                kpi=kpi,
                scope=scope,
                period=period.key,
                period_start=period.start,
                period_end=period.end,
                target=Decimal("0.5") if kpi.endswith(("rate", "compliance")) else Decimal(100),
            )
        )
    return Goal.objects.bulk_create(goals)


def _time(actor: Any, goals: list[Any], repeat: int) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cordee.funnel.goals import goals_progress

    with CaptureQueriesContext(connection) as queries:  # the warm-up run counts the queries
        goals_progress(actor=actor, goals=goals)
    timings = []
    for _i in range(repeat):
        started = time.perf_counter()
        goals_progress(actor=actor, goals=goals)
        timings.append(time.perf_counter() - started)
    return timings, len(queries.captured_queries)


def run(repeat: int, count: int, sizes: tuple[int, ...], out: Path | None) -> str:
    import django

    django.setup()
    from django.db import connection, transaction

    from cordee.analytics import goals as goal_maths
    from cordee.analytics import planning
    from cordee.core.actor import Actor
    from cordee.funnel.goals import history_start
    from cordee.funnel.models import LeadStageChange
    from cordee.tenancy.models import Membership, Workspace
    from cordee.tenancy.roles import Role

    workspace = Workspace.objects.get(slug="demo")
    admin = (
        Membership.objects.select_related("user")
        .filter(workspace=workspace, role=Role.REVOPS_ADMIN, is_active=True)
        .order_by("user_id")
        .first()
    )
    assert admin is not None, "the demo has a RevOps admin"
    actor = Actor(user=admin.user, workspace=workspace, role=admin.role)
    scopes, periods = _scopes(workspace), _periods(workspace)
    every = [(s, p) for s in scopes for p in periods]
    rng = random.Random(16)
    drawn = rng.sample(every, min(count, len(every)))
    fixed = rng.sample(every, PAIRS)

    # the floor reads from the first day any period of the pace needs (not before the data)
    first_day = min(p.start for p in periods)
    for p in list(periods):
        for key in goal_maths.previous_keys(p.key):
            first_day = min(
                first_day, planning.plan_period(key, workspace.fiscal_year_start_month).start
            )
    data_start = history_start(workspace) or first_day
    first_day = max(first_day, data_start)
    start = dt.datetime.combine(first_day, dt.time(0), tzinfo=workspace.zone)
    params = {"ws": workspace.pk, "tz": str(workspace.zone), "start": start, "day": first_day}
    stage_changes = LeadStageChange.objects.filter(workspace=workspace, at__gte=start).count()

    rows: list[tuple[str, int, int, list[float], int]] = []
    floors: list[float] = []
    narrow: list[float] = []
    floor_rows = 0
    with transaction.atomic():
        headline = _goals(workspace, drawn, count)
        for _i in range(repeat + 1):
            seconds, floor_rows = _floor(_floor_sql(True), params)
            floors.append(seconds)
            narrow.append(_floor(_floor_sql(False), params)[0])
        floors, narrow = floors[1:], narrow[1:]  # the first run warms the cache
        timings, queries = _time(actor, headline, repeat)
        rows.append(("every scope × period", len(drawn), len(headline), timings, queries))
        # the same pairs without the sales SLA KPI: its clocks (every governed lead's and its
        # sales touches since the first period) are most of the time above
        plain = _goals(workspace, drawn, count, kpis=tuple(k for k in KPIS if "sla" not in k))
        timings, queries = _time(actor, plain, repeat)
        rows.append(("every scope × period, no SLA KPI", len(drawn), len(plain), timings, queries))
        for size in sizes:
            goals = _goals(workspace, fixed, size, same=True)
            timings, queries = _time(actor, goals, repeat)
            rows.append((f"the same {PAIRS} (scope, period)", PAIRS, size, timings, queries))
        transaction.set_rollback(True)

    floor, floor_narrow = statistics.median(floors), statistics.median(narrow)
    lines = [
        "# Goals progress vs one plain SQL group-by",
        "",
        f"- command: `DATABASE_URL=… python bench/goals_progress.py --repeat {repeat} --goals {count}`",
        f"- commit: {report.commit_and_state()}; database: {connection.vendor}; "
        f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- workspace: {len(scopes)} scopes ({', '.join(scopes[:3])}, {len(scopes) - 3} pods "
        f"and people) × {len(periods)} fiscal periods ({periods[0].key} … {periods[-1].key}); "
        f"KPIs: {', '.join(KPIS)}",
        f"- rows from {first_day} on: {stage_changes:,} lead stage changes; the floor's "
        f"group-by returns {floor_rows:,} groups",
        "- floor: ONE SQL statement (psycopg cursor, no ORM): main-path lead stage changes by "
        "month × stage × lead owner, UNION ALL opportunities created or closed by month × stage "
        "× owner (count, Σ amount), UNION ALL sales activities on leads by month × actor (the "
        "SLA clocks' touches); the narrow floor leaves the touches out",
        f"- goals_progress: wall time as a RevOps admin, median of {repeat} runs after a warm-up "
        "run whose queries are counted (CaptureQueriesContext)",
        "",
        "| measure | (scope, period) pairs | goals | seconds (median) | ratio to the floor | "
        "queries |",
        "|---|---:|---:|---:|---:|---:|",
        f"| floor: one SQL group-by (stage changes, opportunities, sales touches) | | | "
        f"{floor:.3f} | 1.0× | 1 |",
        f"| narrow floor: stage changes and opportunities only | | | {floor_narrow:.3f} | "
        f"{floor_narrow / floor:.1f}× | 1 |",
    ]
    for label, pairs, goals_count, timings, queries in rows:
        seconds = statistics.median(timings)
        lines.append(
            f"| goals_progress, {label} | {pairs} | {goals_count} | {seconds:.3f} | "
            f"{seconds / floor:.1f}× ({seconds / floor_narrow:.1f}× the narrow floor) | "
            f"{queries} |"
        )
    lines += [
        "",
        f"Raw floor timings: {', '.join(f'{s:.3f}' for s in floors)}",
        f"Raw narrow floor timings: {', '.join(f'{s:.3f}' for s in narrow)}",
        *(
            f"Raw goals_progress timings ({label}, {g} goals): "
            + ", ".join(f"{s:.3f}" for s in timings)
            for label, _p, g, timings, _q in rows
        ),
        "",
    ]
    return report.save(lines, out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--goals", type=int, default=500)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--out", type=Path, default=report.RESULTS / "goals_progress.md")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",") if s)
    print(run(args.repeat, args.goals, sizes, args.out))


if __name__ == "__main__":
    main()
