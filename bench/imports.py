"""Benchmark: `cordee import` of contact rows on PostgreSQL vs a per-row ORM ``save()`` and vs a
raw ``COPY`` of the same file (the floor).

    python bench/imports.py [--rows 1000000] [--baseline-rows 50000] [--out bench/results/imports.md]
                            [--database cordee_bench]

Creates its own database (``--database``, ``cordee_bench`` by default, as the ``cordee`` role), migrates it, generates a
HubSpot-like contacts CSV (e-mail, names, job title, phone, country, company), and measures in
the same run:
- the importer end to end (detect, read and validate, match, one write transaction), on all rows
  (first import, the same file again, then the file with every job title changed: every row
  rewritten) and on the baseline's subset, with and without the refresh of the search documents that
  follows the write (``index`` in the job's report);
- the per-row baseline on the first ``--baseline-rows`` rows: ``csv`` reading, the company looked
  up once per name (cached), then ``Contact(...).save()`` per row — once in autocommit (what a
  naive script does) and once inside one transaction (its best case);
- ``COPY … FROM STDIN (FORMAT csv)`` of the same file into a table of text columns: the floor;
- the database's own floor for writing these contacts into Cordée's tables: that ``COPY``, then
  one ``INSERT … SELECT`` into ``crm_contact`` (its indexes and constraints, checked at once; no
  validation, no company), and with the search documents of the same rows (their generated
  ``tsvector`` columns and two GIN indexes) — what any importer of these rows must have
  PostgreSQL do, rolled back afterwards.
Drops the database afterwards. The machine is shared: quote the ratios.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench import report

COLUMNS = [
    "Record ID",
    "First Name",
    "Last Name",
    "Email",
    "Job Title",
    "Phone Number",
    "Country/Region",
    "Company Name",
]


def generate(path: Path, rows: int, companies: int = 5000, changed: bool = False) -> None:
    """``changed``: the same contacts, each with another job title (a re-import that updates
    every row)."""
    titles = ["Directrice marketing", "Responsable achats", "CTO", "DAF", "Chargé d'affaires"]
    if changed:
        titles = [f"{title} (senior)" for title in titles]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for i in range(rows):
            writer.writerow(
                [
                    100000 + i,
                    "Amélie" if i % 2 else "Jérôme",
                    f"Durand-{i}",
                    f"contact{i}@entreprise{i % companies}.fr",
                    titles[i % len(titles)],
                    f"+33 1 {i % 100:02d} {i % 97:02d} {i % 89:02d} {i % 83:02d}",
                    "France" if i % 3 else "FR",
                    f"Entreprise {i % companies} SAS",
                ]
            )


def _baseline(path: Path, workspace, rows: int, atomic: bool) -> float:
    from django.db import transaction

    from cordee.crm.models import Account, Contact

    started = time.perf_counter()
    accounts: dict[str, Account] = {}
    with (
        path.open(encoding="utf-8") as handle,
        transaction.atomic(durable=False) if atomic else _null(),
    ):
        reader = csv.DictReader(handle)
        for n, row in enumerate(reader):
            if n >= rows:
                break
            name = row["Company Name"]
            if name not in accounts:
                accounts[name], _created = Account.objects.get_or_create(
                    workspace=workspace, name=name
                )
            Contact(
                workspace=workspace,
                first_name=row["First Name"],
                last_name=row["Last Name"],
                email=row["Email"],
                job_title=row["Job Title"],
                phone=row["Phone Number"],
                country="FR",
                account=accounts[name],
                source_system="hubspot",
                external_id=row["Record ID"],
            ).save()
    return time.perf_counter() - started


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None


def _importer(path: Path, workspace) -> tuple[float, dict]:
    from cordee.dataio.imports.runner import import_job_run
    from cordee.dataio.imports.services import import_job_create

    started = time.perf_counter()
    job = import_job_create(
        actor=None, workspace=workspace, kind="contacts", filename=path.name, path=str(path)
    )
    job = import_job_run(job_id=job.pk)
    elapsed = time.perf_counter() - started
    assert job.status == "succeeded", job.report.get("message")
    return elapsed, {
        **job.report,
        "seconds": {"detect": job.detected["seconds"], **job.report["seconds"]},
    }


def _copy_file(cursor, path: Path, table: str, temporary: bool = False) -> None:
    """A table of text columns, one per column of the file, and the file ``COPY``'d into it."""
    columns = ", ".join(f"c{i} text" for i in range(len(COLUMNS)))
    kind = "TEMPORARY TABLE" if temporary else "TABLE"
    cursor.execute(f"CREATE {kind} {table} ({columns})")
    with (
        path.open("rb") as handle,
        cursor.cursor.copy(f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)") as copy,
    ):
        while chunk := handle.read(1 << 20):
            copy.write(chunk)


def _copy(path: Path) -> float:
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        _copy_file(cursor, path, "bench_copy")
    return time.perf_counter() - started


def _table_floor(path: Path, workspace_id: int, documents: bool) -> float:
    """The ``COPY``, then the rows written into ``crm_contact`` (and, ``documents``, their search
    documents, folded by SQL's ``lower``: the file holds plain names) in one transaction whose
    constraints are checked at once; rolled back."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        _copy_file(cursor, path, "bench_floor", temporary=True)  # rolled back with the rest
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        insert = (
            "INSERT INTO crm_contact (created_at, updated_at, source_system, external_id, "
            "first_name, last_name, email, job_title, phone, country, workspace_id) "
            "SELECT now(), now(), 'hubspot', c0, c1, c2, lower(c3), c4, c5, left(upper(c6), 2), %s "
            "FROM bench_floor RETURNING id, first_name, last_name, email, job_title, phone"
        )
        if documents:
            cursor.execute(
                f"WITH c AS ({insert}) INSERT INTO search_searchdocument (kind, object_id, "
                "title, title_key, body, body_key, workspace_id) SELECT 'contact', id, "
                "first_name || ' ' || last_name, lower(first_name || ' ' || last_name), "
                "concat_ws(' ', email, job_title, phone), "
                "lower(concat_ws(' ', email, job_title, phone)), %s FROM c",
                [workspace_id, workspace_id],
            )
        else:
            cursor.execute(insert.split(" RETURNING")[0], [workspace_id])
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def run(
    rows: int,
    baseline_rows: int,
    out: Path | None,
    database: str = "cordee_bench",
    template: str | None = None,
) -> str:
    """The benchmark's table. ``template``: a migrated database to copy instead of migrating a
    new one from nothing (the suite passes its test database's copy; `cordee migrate` then only
    checks that nothing is left to apply)."""
    workdir = Path(os.environ.get("TMPDIR", "/tmp")) / f"{database}-files"
    workdir.mkdir(parents=True, exist_ok=True)
    full, subset = workdir / f"contacts-{rows}.csv", workdir / f"contacts-{baseline_rows}.csv"
    changed = workdir / f"contacts-{rows}-changed.csv"
    generate(full, rows)
    generate(changed, rows, changed=True)
    generate(subset, baseline_rows)
    report.postgres_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    copied = f' TEMPLATE "{template}"' if template else ""
    report.postgres_admin(f'CREATE DATABASE "{database}" OWNER cordee{copied}')
    url = f"postgres://cordee:cordee@127.0.0.1:5432/{database}"
    env = {**os.environ, "DATABASE_URL": url, "CORDEE_TESTING": "1"}
    env.pop("CORDEE_TEST_DB_NAME", None)
    try:
        subprocess.run(
            [str(Path(sys.executable).with_name("cordee")), "migrate", "-v0"], env=env, check=True
        )
        code = f"from bench.imports import _measure; _measure({rows}, {baseline_rows}, {str(full)!r}, {str(subset)!r}, {str(out) if out else ''!r})"
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
        full.unlink(missing_ok=True)
        subset.unlink(missing_ok=True)
        changed.unlink(missing_ok=True)


def _measure(rows: int, baseline_rows: int, full: str, subset: str, out: str) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cordee.config.settings")
    django.setup()
    from django.db import connection

    from cordee.tenancy.models import Workspace

    assert connection.vendor == "postgresql"
    spaces = {
        n: Workspace.objects.create(name=n, slug=n) for n in ("full", "subset", "auto", "atomic")
    }

    def step(name: str, seconds: float) -> float:
        print(f"{name}: {seconds:.3f} s", file=sys.stderr, flush=True)  # survives an interruption
        return seconds

    floor = step("copy", _copy(Path(full)))
    into_contacts = step(
        "copy + insert into crm_contact", _table_floor(Path(full), spaces["auto"].pk, False)
    )
    with_documents = step(
        "copy + insert with search documents", _table_floor(Path(full), spaces["auto"].pk, True)
    )
    imported, report_full = _importer(Path(full), spaces["full"])
    step("import", imported)
    imported_subset, _report = _importer(Path(subset), spaces["subset"])
    step("import subset", imported_subset)
    atomic = step(
        "save() one transaction",
        _baseline(Path(subset), spaces["atomic"], baseline_rows, atomic=True),
    )
    auto = step(
        "save() autocommit", _baseline(Path(subset), spaces["auto"], baseline_rows, atomic=False)
    )
    reimported, report_again = _importer(Path(full), spaces["full"])
    step("re-import", reimported)
    updated, report_updated = _importer(Path(full.replace(".csv", "-changed.csv")), spaces["full"])
    step("re-import, every row changed", updated)

    def rate(n: int, seconds: float) -> str:
        return f"{n / seconds:,.0f}"

    ours = rows / imported
    index = report_full["seconds"].get("index", 0.0)
    index_again = report_again["seconds"].get("index", 0.0)
    index_updated = report_updated["seconds"].get("index", 0.0)
    lines = [
        "# Contact import on PostgreSQL vs per-row ORM save() vs raw COPY",
        "",
        f"- command: `python bench/imports.py --rows {rows} --baseline-rows {baseline_rows}`",
        f"- commit: {report.commit_and_state()}; database: PostgreSQL {connection.pg_version // 10000}; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"- file: {rows:,} HubSpot-like contact rows, 8 columns, 5,000 companies ({Path(full).stat().st_size / 1e6:.0f} MB)",
        "- machine: 2 shared cores (other jobs were running): compare the ratios, not the seconds",
        "",
        "| measure | rows | seconds | rows/s | importer's speed ÷ this |",
        "|---|---:|---:|---:|---:|",
        f"| raw `COPY` of the file into text columns (the floor) | {rows:,} | {floor:.2f} | {rate(rows, floor)} | {ours / (rows / floor):.2f}× |",
        f"| the same `COPY`, then `INSERT … SELECT` into `crm_contact` (its indexes; the database's floor for these rows) | {rows:,} | {into_contacts:.2f} | {rate(rows, into_contacts)} | {ours / (rows / into_contacts):.2f}× |",
        f"| the same, with the rows' search documents (their `tsvector`s and GIN indexes) | {rows:,} | {with_documents:.2f} | {rate(rows, with_documents)} | {ours / (rows / with_documents):.2f}× |",
        f"| **`cordee import`**, first import (creates 5,000 accounts) | {rows:,} | {imported:.2f} | {rate(rows, imported)} | 1.0× |",
        f"| `cordee import` of the same file again (all updates) | {rows:,} | {reimported:.2f} | {rate(rows, reimported)} | {ours / (rows / reimported):.2f}× |",
        f"| `cordee import` of the file with every job title changed (all rows rewritten) | {rows:,} | {updated:.2f} | {rate(rows, updated)} | {ours / (rows / updated):.2f}× |",
        f"| first import without its search refresh (`index`, after the commit) | {rows:,} | {imported - index:.2f} | {rate(rows, imported - index)} | {ours / (rows / (imported - index)):.2f}× |",
        f"| again, without its search refresh | {rows:,} | {reimported - index_again:.2f} | {rate(rows, reimported - index_again)} | {ours / (rows / (reimported - index_again)):.2f}× |",
        f"| every row changed, without its search refresh | {rows:,} | {updated - index_updated:.2f} | {rate(rows, updated - index_updated)} | {ours / (rows / (updated - index_updated)):.2f}× |",
        f"| `cordee import` on the baseline's subset | {baseline_rows:,} | {imported_subset:.2f} | {rate(baseline_rows, imported_subset)} | {ours / (baseline_rows / imported_subset):.2f}× |",
        f"| per-row `save()`, autocommit (naive script) | {baseline_rows:,} | {auto:.2f} | {rate(baseline_rows, auto)} | **{ours / (baseline_rows / auto):.1f}×** |",
        f"| per-row `save()` inside one transaction | {baseline_rows:,} | {atomic:.2f} | {rate(baseline_rows, atomic)} | **{ours / (baseline_rows / atomic):.1f}×** |",
        "",
        "Importer phases, first import (s): "
        + ", ".join(f"{k} {v}" for k, v in report_full["seconds"].items()),
        "; again: " + ", ".join(f"{k} {v}" for k, v in report_again["seconds"].items()),
        "; every row changed: "
        + ", ".join(f"{k} {v}" for k, v in report_updated["seconds"].items()),
        "",
        f"Against the floor (`COPY`): first import {imported / floor:.1f}×, again {reimported / floor:.1f}×, "
        f"every row changed {updated / floor:.1f}×; without the search refresh "
        f"{(imported - index) / floor:.1f}×, {(reimported - index_again) / floor:.1f}× and "
        f"{(updated - index_updated) / floor:.1f}×",
        "",
        f"The database's own floor for these rows, against the `COPY`: into `crm_contact` "
        f"{into_contacts / floor:.1f}×, with their search documents {with_documents / floor:.1f}×",
        "",
        f"Raw timings (s): copy {floor:.3f}; copy + insert {into_contacts:.3f}; with documents {with_documents:.3f}; import {imported:.3f}; re-import {reimported:.3f}; re-import changed {updated:.3f}; import subset {imported_subset:.3f}; "
        f"save() autocommit {auto:.3f}; save() one transaction {atomic:.3f}",
        "",
    ]
    print(report.save(lines, Path(out) if out else None))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline-rows", type=int, default=50_000)
    parser.add_argument("--out", type=Path, default=report.RESULTS / "imports.md")
    parser.add_argument(
        "--database",
        default="cordee_bench",
        help="the database created (and dropped) for the run: one of your own",
    )
    args = parser.parse_args(argv)
    print(run(args.rows, args.baseline_rows, args.out, args.database))


if __name__ == "__main__":
    main()
