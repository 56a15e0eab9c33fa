"""Benchmark: `cordee sla check` over every open lead vs a plain SQL read of the columns it needs.

    DATABASE_URL=postgres://… python bench/sla_check.py [--repeat 3] [--out bench/results/sla_check.md]

The floor reads, with psycopg and no ORM, the same rows the check needs (leads in an MQL
cycle in the look-back window with their pod and account industry, the decisions, the sales
activities). Cordée's time is the whole check: reading, evaluating every business-hours clock
vectorised, and recording new breaches (none after the first run). Same data, same run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench import report

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cordee.config.settings")
os.environ.setdefault("CORDEE_TESTING", "1")


def _floor(workspace_id: int, lower: dt.datetime, at: dt.datetime) -> tuple[float, int]:
    from django.db import connection

    queries = [
        (
            "SELECT l.id, l.mql_at, l.owner_id, l.pod_id, a.industry FROM crm_lead l "
            "JOIN crm_contact c ON c.id = l.contact_id LEFT JOIN crm_account a ON a.id = c.account_id "
            "WHERE l.workspace_id = %s AND l.mql_at >= %s AND l.mql_at <= %s ORDER BY l.id",
            [workspace_id, lower, at],
        ),
        (
            "SELECT lead_id, mql_at, kind, decided_at FROM funnel_leaddecision WHERE workspace_id = %s AND mql_at >= %s",
            [workspace_id, lower],
        ),
        (
            "SELECT lead_id, actor_id, occurred_at FROM crm_touchpoint WHERE workspace_id = %s "
            "AND is_sales_activity AND lead_id IS NOT NULL AND occurred_at >= %s",
            [workspace_id, lower],
        ),
    ]
    started = time.perf_counter()
    rows = 0
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return time.perf_counter() - started, rows


def run(repeat: int, out: Path | None, lookback_days: int) -> str:
    import django

    django.setup()
    from django.db import connection
    from django.utils import timezone

    from cordee.funnel.models import Lead
    from cordee.funnel.sla import sla_check_workspace
    from cordee.tenancy.models import Workspace

    workspace = Workspace.objects.get(slug="demo")
    at = timezone.now()
    lookback = dt.timedelta(days=lookback_days)
    leads = Lead.objects.filter(workspace=workspace, mql_at__gte=at - lookback).count()
    floors, checks, first = [], [], None
    for i in range(repeat + 1):
        seconds, rows = _floor(workspace.pk, at - lookback, at)
        floors.append(seconds)
        started = time.perf_counter()
        result = sla_check_workspace(workspace, at, lookback=lookback)
        elapsed = time.perf_counter() - started
        if i == 0:
            first = (elapsed, result.total_new)
        else:
            checks.append(elapsed)
    floor, check = statistics.median(floors), statistics.median(checks)
    commit = report.commit()
    lines = [
        "# SLA check vs plain SQL read",
        "",
        f"- command: `DATABASE_URL=… python bench/sla_check.py --repeat {repeat} --lookback-days {lookback_days}`",
        f"- commit: {commit or 'unknown'}; database: {connection.vendor}; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- leads in the look-back window: {leads:,}; rows read by the floor: {rows:,}",
        "",
        "| measure | seconds (median) | ratio to the floor |",
        "|---|---:|---:|",
        f"| plain SQL read of the needed columns (psycopg, no ORM) | {floor:.3f} | 1.0× |",
        f"| `cordee sla check` (read + clocks + record), steady state | {check:.3f} | {check / floor:.1f}× |",
        f"| first check (records {first[1]:,} breaches) | {first[0]:.3f} | {first[0] / floor:.1f}× |"
        if first
        else "",
        "",
        f"Raw floor timings: {', '.join(f'{s:.3f}' for s in floors)}",
        f"Raw check timings: {', '.join(f'{s:.3f}' for s in checks)}",
        "",
    ]
    return report.save(lines, out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lookback-days", type=int, default=90)
    parser.add_argument("--out", type=Path, default=report.RESULTS / "sla_check.md")
    args = parser.parse_args(argv)
    print(run(args.repeat, args.out, args.lookback_days))


if __name__ == "__main__":
    main()
