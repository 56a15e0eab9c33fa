"""Benchmark: a bulk reassignment of 100,000 leads through Cordée's service vs a single SQL
``UPDATE`` of the same rows, and vs that UPDATE plus an ``INSERT … SELECT`` of the history rows.

    python bench/bulk_reassign.py [--rows 100000] [--repeat 3] [--out bench/results/bulk_reassign.md]

Creates its own PostgreSQL database (``cordee_bench_bulk``, as the ``cordee`` role), migrates it,
writes ``--rows`` leads (with their contacts) in one workspace, and measures in the same run,
each step moving every lead to the other of two owners (so each changes every row), with a
``VACUUM ANALYZE`` of the tables before each:

- the floor: one ``UPDATE crm_lead SET owner_id = …`` of the rows;
- the floor with history: that UPDATE and one ``INSERT … SELECT`` of a ``LeadAssignment`` per
  row, in one transaction;
- the alternative to INSERT…SELECT: the history rows built in Python and ``bulk_create``d in
  batches of 5,000 (then the UPDATE);
- ``funnel.services.leads_reassign`` given the leads as a queryset (one INSERT…SELECT, one UPDATE);
- ``leads_reassign`` given the 100,000 ids (what a bulk job's batches pass: 20,000 per statement);
- a bulk job end to end (``bulk_job_start`` on "all matching", run in batches of 1,000 with its
  progress saved after each, and the previous owners kept for the undo).

The target (issue 13): at most 5× the single UPDATE, history included. Drops the database
afterwards. The machine is shared: quote the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench import report

TARGET = 5.0


def _leads(rows: int) -> tuple[object, object, object]:
    """A workspace with ``rows`` leads owned by its first manager; (workspace, first, second)."""
    from django.utils import timezone

    from cordee.crm.models import Contact
    from cordee.funnel.models import Lead
    from cordee.tenancy.models import Membership, User, Workspace

    workspace = Workspace.objects.create(name="Bench bulk", slug="bench-bulk")
    owners = []
    for name in ("alix", "basile"):
        user = User.objects.create_user(email=f"{name}@bench.cordee.fr", password=None)
        Membership.objects.create(workspace=workspace, user=user, role="revops_admin")
        owners.append(user)
    now = timezone.now()
    batch = 5000
    for start in range(0, rows, batch):
        n = min(batch, rows - start)
        contacts = Contact.objects.bulk_create(
            Contact(workspace=workspace, first_name="Léa", last_name=f"Martin-{start + i}")
            for i in range(n)
        )
        Lead.objects.bulk_create(
            Lead(workspace=workspace, contact=c, owner=owners[0], stage_entered_at=now)
            for c in contacts
        )
    return workspace, owners[0], owners[1]


def _vacuum() -> None:
    from django.db import connection

    if connection.vendor == "postgresql" and not connection.in_atomic_block:  # (a test's is)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE crm_lead")
            cursor.execute("VACUUM ANALYZE crm_leadassignment")


def _floor(workspace_id: int, to_owner: int) -> float:
    from django.db import connection, transaction

    _vacuum()
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE crm_lead SET owner_id = %s, updated_at = %s WHERE workspace_id = %s",
            [to_owner, dt.datetime.now(dt.UTC), workspace_id],
        )
    return time.perf_counter() - started


def _floor_with_history(workspace_id: int, to_owner: int, actor: int) -> float:
    from django.db import connection, transaction

    _vacuum()
    now = dt.datetime.now(dt.UTC)
    jsonb = "%s" if connection.vendor == "sqlite" else "CAST(%s AS jsonb)"
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO crm_leadassignment (workspace_id, lead_id, from_owner_id, pod_id, "
            "to_owner_id, at, actor_id, rule, reason, reason_code, reason_params) "
            f"SELECT workspace_id, id, owner_id, pod_id, %s, %s, %s, '', '', 'bulk', {jsonb} "
            "FROM crm_lead WHERE workspace_id = %s",
            [to_owner, now, actor, "{}", workspace_id],
        )
        cursor.execute(
            "UPDATE crm_lead SET owner_id = %s, updated_at = %s WHERE workspace_id = %s",
            [to_owner, now, workspace_id],
        )
    return time.perf_counter() - started


def _bulk_create_history(workspace_id: int, to_owner: int, actor: int) -> float:
    """The alternative not taken: the history rows built in Python and written with
    ``bulk_create`` in batches of 5,000, then the UPDATE."""
    from django.db import transaction

    from cordee.funnel.models import Lead, LeadAssignment

    _vacuum()
    now = dt.datetime.now(dt.UTC)
    started = time.perf_counter()
    with transaction.atomic():
        rows = Lead.objects.filter(workspace_id=workspace_id).values_list(
            "pk", "owner_id", "pod_id"
        )
        LeadAssignment.objects.bulk_create(
            (
                LeadAssignment(
                    workspace_id=workspace_id,
                    lead_id=pk,
                    from_owner_id=owner,
                    pod_id=pod,
                    to_owner_id=to_owner,
                    at=now,
                    actor_id=actor,
                    reason_code="bulk",
                )
                for pk, owner, pod in rows.iterator(chunk_size=5000)
            ),
            batch_size=5000,
        )
        Lead.objects.filter(workspace_id=workspace_id).update(owner_id=to_owner, updated_at=now)
    return time.perf_counter() - started


def measure(rows: int, repeat: int, out: Path | None) -> str:
    """Every measurement, on the current database (the script's own on PostgreSQL; the test
    database in the untimed test)."""
    from django.db import connection
    from django.test.utils import override_settings

    from cordee.bulk.services import bulk_job_start
    from cordee.core.actor import Actor
    from cordee.funnel.models import Lead, LeadAssignment
    from cordee.funnel.services import leads_reassign

    def step(name: str, seconds: float) -> float:
        print(f"{name}: {seconds:.3f} s", file=sys.stderr, flush=True)  # survives an interruption
        return seconds

    started = time.perf_counter()
    workspace, first, second = _leads(rows)
    step("setup", time.perf_counter() - started)
    actor = Actor(user=first, workspace=workspace, role="revops_admin")  # type: ignore[arg-type]
    ids = list(Lead.objects.filter(workspace=workspace).values_list("pk", flat=True))
    current = first

    def other() -> object:
        return second if current is first else first

    def timed(name: str, run: Callable[[object], None]) -> float:
        nonlocal current
        target = other()
        _vacuum()
        began = time.perf_counter()
        run(target)
        seconds = step(name, time.perf_counter() - began)
        assert Lead.objects.filter(workspace=workspace, owner=target).count() == rows, name
        current = target
        return seconds

    results: dict[str, list[float]] = {
        k: [] for k in ("update", "history", "bulk_create", "qs", "ids", "job")
    }
    for _round in range(repeat):
        results["update"].append(timed("UPDATE", lambda to: _floor(workspace.pk, to.pk)))  # type: ignore[attr-defined]
        results["history"].append(
            timed(
                "UPDATE + INSERT…SELECT",
                lambda to: _floor_with_history(workspace.pk, to.pk, first.pk),
            )  # type: ignore[attr-defined]
        )
        results["bulk_create"].append(
            timed(
                "bulk_create history + UPDATE",
                lambda to: _bulk_create_history(workspace.pk, to.pk, first.pk),  # type: ignore[attr-defined]
            )
        )
        before = LeadAssignment.objects.filter(workspace=workspace).count()
        results["qs"].append(
            timed(
                "service (queryset)",
                lambda to: leads_reassign(
                    actor=actor,
                    leads=Lead.objects.filter(workspace=workspace),
                    to_owner=to,  # type: ignore[arg-type]
                ),
            )
        )
        assert LeadAssignment.objects.filter(workspace=workspace).count() == before + rows
        results["ids"].append(
            timed("service (ids)", lambda to: leads_reassign(actor=actor, leads=ids, to_owner=to))  # type: ignore[arg-type]
        )

        def job(to: object) -> None:
            with override_settings(BULK_INLINE_MAX=10**9):
                done = bulk_job_start(
                    actor=actor,
                    kind="leads",
                    action="reassign",
                    params={},
                    args={"to_owner": to.pk},  # type: ignore[attr-defined]
                )
            assert done.changed == rows, done.skipped

        results["job"].append(timed("bulk job end to end", job))

    median = {k: statistics.median(v) for k, v in results.items()}
    floor = median["update"]

    def ratio(key: str) -> str:
        return f"{median[key] / floor:.2f}×"

    engine = (
        f"PostgreSQL {connection.pg_version // 10000}"
        if connection.vendor == "postgresql"
        else connection.vendor
    )
    verdict = (
        "met" if median["qs"] / floor <= TARGET and median["ids"] / floor <= TARGET else "MISSED"
    )
    lines = [
        "# Bulk reassignment of leads: Cordée's service vs a single SQL UPDATE",
        "",
        f"- command: `python bench/bulk_reassign.py --rows {rows} --repeat {repeat}`",
        f"- commit: {report.commit_and_state()}; database: {engine}; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- {rows:,} leads in one workspace, every one changing owner at each step; "
        f"median of {repeat} rounds, `VACUUM ANALYZE` before each step",
        "- machine: 2 shared cores (other jobs were running): compare the ratios, not the seconds",
        f"- target (issue 13): the service ≤ {TARGET:.0f}× the single UPDATE, history rows included: **{verdict}**",
        "",
        "| measure | history rows | seconds (median) | ÷ single UPDATE |",
        "|---|---:|---:|---:|",
        f"| one SQL `UPDATE` of the rows (the floor) | 0 | {floor:.3f} | 1.00× |",
        f"| `UPDATE` + `INSERT … SELECT` of the history, one transaction (second reference) | {rows:,} | {median['history']:.3f} | {ratio('history')} |",
        f"| history built in Python, `bulk_create` in batches of 5,000, + `UPDATE` (the alternative not taken) | {rows:,} | {median['bulk_create']:.3f} | {ratio('bulk_create')} |",
        f"| **`leads_reassign`**, the leads as a queryset | {rows:,} | {median['qs']:.3f} | **{ratio('qs')}** |",
        f"| **`leads_reassign`**, {rows:,} ids (batches of 20,000) | {rows:,} | {median['ids']:.3f} | **{ratio('ids')}** |",
        f'| bulk job end to end ("all matching", batches of 1,000, progress and undo data saved) | {rows:,} | {median["job"]:.3f} | {ratio("job")} |',
        "",
        "Every round (s): "
        + "; ".join(f"{k} " + ", ".join(f"{x:.3f}" for x in v) for k, v in results.items()),
        "",
    ]
    return report.save(lines, out)


def run(rows: int, repeat: int, out: Path | None, database: str = "cordee_bench_bulk") -> str:
    report.postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    report.postgres_admin(f'CREATE DATABASE "{database}" OWNER cordee')
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://cordee:cordee@127.0.0.1:5432/{database}",
        "CORDEE_TESTING": "1",
    }
    env.pop("CORDEE_TEST_DB_NAME", None)
    try:
        subprocess.run(
            [str(Path(sys.executable).with_name("cordee")), "migrate", "-v0"], env=env, check=True
        )
        code = (
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'cordee.config.settings'); django.setup(); from bench.bulk_reassign import measure; "
            f"print(measure({rows}, {repeat}, {str(out) if out else None!r} and __import__('pathlib').Path({str(out)!r})))"
        )
        done = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[1],
        )
        return done.stdout
    finally:
        report.postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, default=report.RESULTS / "bulk_reassign.md")
    args = parser.parse_args(argv)
    print(run(args.rows, args.repeat, args.out))


if __name__ == "__main__":
    main()
