"""The import pipeline: detect → read and validate (no transaction) → group and match (reads
only) → one short write transaction of bulk statements.

Safety: every rejected row is reported with its line, column and reason; a dry run stops before
writing; by default a file with any rejected row writes nothing; with ``keep_good_rows`` the good
rows are written together. The job's final status is written in the same transaction as the
rows, so a process killed at any point leaves the tables as they were and a RUNNING job that
readers mark failed (``services.import_jobs_reap``).

Locking: on SQLite the write transaction holds the database's single write lock; it contains
only bulk INSERT … ON CONFLICT statements of rows prepared beforehand (≈ 1–2 s per 10 000
contacts here), so other users' writes wait inside their busy timeout rather than fail. Writing
in several committed chunks would free the lock between chunks but break all-or-nothing and
leave half an import behind a killed process; we chose atomicity (see docs/imports.md).
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.spreadsheet import csv_writer
from cordee.crm.models import Account
from cordee.dataio.imports import columnar, reading
from cordee.dataio.imports.duplicates import CHECKED_ROWS, duplicate_warnings
from cordee.dataio.imports.kinds import staged as staged_contacts
from cordee.dataio.imports.rows import Group, Row, RowError
from cordee.dataio.imports.validation import RowReader, formats_used
from cordee.dataio.imports.values import (
    text,
)
from cordee.dataio.imports.words import Text, stored
from cordee.dataio.imports.words import later as _
from cordee.dataio.models import ImportJob as Model
from cordee.dataio.models import ImportPhase, ImportStatus, import_storage
from cordee.search.services import documents_refresh_since

if TYPE_CHECKING:
    from cordee.dataio.models import ImportJob

STALE_AFTER = dt.timedelta(minutes=30)
PROGRESS_EVERY = 5000
MAX_REPORTED = 1000
ANALYZE_AFTER = 10_000  # new rows after which PostgreSQL's statistics are refreshed
COLUMNAR = True  # read the files that allow it column by column (``columnar``); tests compare


class ImportFailed(Exception):
    """An import that stopped for a reason given to the user (already in the job's report)."""


Progress = Callable[["ImportJob", str, int, int], None]


# -- the run ---------------------------------------------------------------------------------


def _save_progress(job: ImportJob, **changes: Any) -> None:
    changes.setdefault("heartbeat_at", timezone.now())
    Model.objects.filter(pk=job.pk).update(**changes)
    for name, value in changes.items():
        setattr(job, name, value)


def run(job: ImportJob, *, progress: Progress | None = None) -> None:
    # Millions of small dicts and no reference cycles: the cyclic garbage collector would only
    # rescan them again and again (measured: a sixth of the CPU time of a 100,000-row import).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _run(job, progress)
    finally:
        if collecting:
            gc.enable()


def _run(job: ImportJob, progress: Progress | None) -> None:
    started = time.perf_counter()
    notify = progress or (lambda *_args: None)
    fmt = reading.SourceFormat.from_dict(job.detected["format"])
    reader = RowReader(job)
    handler = reader.handler
    total = job.rows_total
    _save_progress(job, phase=ImportPhase.VALIDATING)
    notify(job, ImportPhase.VALIDATING, 0, total)
    good: list[Row] = []
    errors: list[RowError] = []
    rejected_lines: set[int] = set()
    done = 0

    def reading_tick(n: int) -> None:
        _save_progress(job, rows_done=n)
        notify(job, ImportPhase.VALIDATING, n, total)

    # column by column when the file allows it (``columnar``), else record by record
    columns = columnar.read(job, fmt, reader, reading_tick) if COLUMNAR else None
    if columns is not None:
        done = columns.rows
        errors.extend(columns.errors)
        rejected_lines.update(columns.rejected_lines)
        _save_progress(job, rows_done=done, errors_count=len(rejected_lines))
        notify(job, ImportPhase.VALIDATING, done, total)
    else:
        for done, (line, cells) in enumerate(reading.records(job.source_file_path(), fmt), start=1):
            values, row_errors = reader.read(line, cells)
            if row_errors:
                errors.extend(row_errors)
                rejected_lines.add(line)
            else:
                good.append(Row(line, values))
            if done % PROGRESS_EVERY == 0:
                _save_progress(job, rows_done=done, errors_count=len(rejected_lines))
                notify(job, ImportPhase.VALIDATING, done, total)
    total = max(total, done)
    read_seconds = time.perf_counter() - started

    staged = None
    if columns is not None and staged_contacts.applies(job.kind, columns):
        staged = staged_contacts.StagedContacts(handler, columns)
    try:
        _check_and_write(
            job,
            fmt,
            reader,
            notify,
            started,
            read_seconds,
            done,
            total,
            good,
            errors,
            rejected_lines,
            columns,
            staged,
        )
    finally:
        if staged is not None:
            staged.close()


def _check_and_write(
    job: ImportJob,
    fmt: reading.SourceFormat,
    reader: RowReader,
    notify: Progress,
    started: float,
    read_seconds: float,
    done: int,
    total: int,
    good: list[Row],
    errors: list[RowError],
    rejected_lines: set[int],
    columns: columnar.Columns | None,
    staged: staged_contacts.StagedContacts | None,
) -> None:
    handler = reader.handler
    if staged is not None:
        # every id and e-mail given once: each row is a record; matched and written in SQL
        staged.stage()
        merges: list[dict[str, Any]] = []
        rejections = staged.prepare()
        # only the rows that make new contacts can make duplicates (``duplicates``): none in a
        # re-import of known contacts
        assert columns is not None
        if not staged.updated:
            first_rows = columns.rows_list(0, CHECKED_ROWS)
        else:
            first_rows = columns.rows_of_lines(staged.created_lines(CHECKED_ROWS))
        if first_rows:
            handler.warnings.extend(
                duplicate_warnings(job.workspace, job.kind, first_rows, reader.column_of)
            )
        for line, reason in rejections:
            errors.append(RowError(line, "", reason))
            rejected_lines.add(line)
        created, updated, history_rows = staged.created, staged.updated, 0
        writing = created + updated

        def write(tick: Callable[[int], None]) -> dict[str, int]:
            assert staged is not None
            return staged.write(tick)
    else:
        if columns is not None:
            good = columns.rows_list()
        groups, merges, conflicts = group_rows(good, handler.keys, handler.describe_key)
        for error in conflicts:
            errors.append(error)
            rejected_lines.add(error.line)
        rejected = handler.prepare(groups)  # matching against the database: reads only
        # rows that look like other records: warned about, written all the same — of a contacts
        # file, the rows that make new contacts (a contact found again is no duplicate)
        checked = good
        if job.kind == "contacts":
            creating = {line for g in groups if g.pk is None for line in g.lines}
            checked = [row for row in good if row.line in creating]
        handler.warnings.extend(
            duplicate_warnings(job.workspace, job.kind, checked, reader.column_of)
        )
        rejected += _same_record_twice(groups, {id(g) for g, _reason in rejected})
        for group, reason in rejected:
            for line in group.lines:
                errors.append(RowError(line, "", reason))
                rejected_lines.add(line)
        rejected_groups = {id(g) for g, _reason in rejected}
        groups = [g for g in groups if id(g) not in rejected_groups]
        created = sum(1 for g in groups if g.pk is None)
        updated = sum(1 for g in groups if g.pk is not None)
        history_rows = handler.history_to_write(groups)
        writing = len(groups)

        def write(tick: Callable[[int], None]) -> dict[str, int]:
            return handler.write(groups, tick)

    errors.sort(key=lambda e: (e.line, e.column))
    _save_progress(job, rows_done=done, errors_count=len(rejected_lines), rows_total=total)
    check_seconds = time.perf_counter() - started - read_seconds

    report: dict[str, Any] = {
        "rows": done,
        "rejected": len(rejected_lines),
        "errors": [e.as_dict() for e in errors[:MAX_REPORTED]],
        "errors_total": len(errors),
        "merged": len(merges),
        "merges": merges[:MAX_REPORTED],
        "warnings": [w.as_dict() for w in handler.warnings[:MAX_REPORTED]],
        "created": created,
        "updated": updated,
        "history_rows": history_rows,
        "accounts_created": handler.accounts_to_create(),
        "dates": formats_used(job)[0],
        "numbers": formats_used(job)[1],
    }
    rejected_name = ""
    if rejected_lines:
        rejected_name = _write_rejected(job, fmt, errors)

    def finish(status: str, message: Text, seconds: dict[str, float]) -> None:
        report["message"] = stored(message)
        report["seconds"] = {k: round(v, 3) for k, v in seconds.items()}
        _save_progress(
            job,
            status=status,
            phase=ImportPhase.DONE,
            report=report,
            finished_at=timezone.now(),
            rejected_file=rejected_name,
        )

    timings = {"read": read_seconds, "check": check_seconds}
    if job.dry_run:
        finish(
            ImportStatus.SUCCEEDED if not rejected_lines else ImportStatus.FAILED,
            _(
                "Dry run: %(rows)s rows read, %(rejected)s rejected, %(created)s would be created "
                "and %(updated)s updated. Nothing was written."
            )
            % {
                "rows": done,
                "rejected": len(rejected_lines),
                "created": report["created"],
                "updated": report["updated"],
            },
            timings,
        )
        return
    if rejected_lines and not job.keep_good_rows:
        finish(
            ImportStatus.FAILED,
            _(
                "%(rejected)s of %(rows)s rows were rejected, so nothing was written. Fix them, or "
                "keep the good rows."
            )
            % {"rejected": len(rejected_lines), "rows": done},
            timings,
        )
        return

    _save_progress(job, phase=ImportPhase.WRITING)
    notify(job, ImportPhase.WRITING, 0, writing)
    write_started = time.perf_counter()
    write_started_at = timezone.now()

    with transaction.atomic():
        written = write(lambda n: notify(job, ImportPhase.WRITING, n, writing))
        report["history_rows"] = written.get("history_rows", 0)
        report["accounts_created"] = written.get("accounts_created", 0)
        timings["write"] = time.perf_counter() - write_started
        report["seconds"] = {k: round(v, 3) for k, v in timings.items()}
        report["message"] = stored(
            _("%(created)s created, %(updated)s updated, %(merged)s merged, %(rejected)s rejected.")
            % {
                "created": report["created"],
                "updated": report["updated"],
                "merged": report["merged"],
                "rejected": len(rejected_lines),
            }
        )
        # the final status commits with the rows: a killed process can never leave a job
        # "succeeded" without its rows, nor rows without a "succeeded" job
        Model.objects.filter(pk=job.pk).update(
            status=ImportStatus.SUCCEEDED,
            phase=ImportPhase.DONE,
            report=report,
            rows_done=done,
            finished_at=timezone.now(),
            heartbeat_at=timezone.now(),
            rejected_file=rejected_name,
        )
        _audit(job, report)
    if report["created"] >= ANALYZE_AFTER:
        _refresh_statistics(handler.model, job.kind)
    # bulk_create sends no signal: the search documents of every record the import wrote
    # (a lead import also writes contacts and accounts), after its transaction
    indexing = time.perf_counter()
    documents_refresh_since(workspace_id=job.workspace_id, since=write_started_at)
    # the search documents' refresh, after the rows' transaction: in the report all the same
    report["seconds"]["index"] = round(time.perf_counter() - indexing, 3)
    Model.objects.filter(pk=job.pk).update(report=report)
    notify(job, ImportPhase.DONE, writing, writing)


audit.audit_kind_register("imports", Model._meta.verbose_name, Model)


def _audit(job: Model, report: dict[str, Any]) -> None:
    """One audit entry per import (not one per row): the job, its file and what it wrote, by
    the person who started it (the system for ``cordee import`` on the server)."""
    user = job.created_by
    audit.audit_write(
        actor=Actor(user=user, workspace=job.workspace, role="") if user else None,
        workspace=job.workspace,
        action="import",
        target="imports",
        target_id=job.pk,
        target_label=str(job),
        after={
            "kind": job.kind,
            "file": job.original_name,
            "created": report["created"],
            "updated": report["updated"],
            "merged": report["merged"],
            "rejected": report["rejected"],
        },
    )


def _refresh_statistics(model: Any, kind: str) -> None:
    """After a large insert PostgreSQL's planner still believes the table is small and scans it
    whole for every batched lookup of the next import (measured: 10 minutes instead of 20 s
    to match 1M rows); autovacuum would fix it only later."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    tables = {model._meta.db_table, Account._meta.db_table}
    with connection.cursor() as cursor:
        for table in sorted(tables):
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def group_rows(
    rows: Iterable[Row],
    keys: Callable[[dict[str, Any]], tuple[Any, Any]],
    describe: Callable[[str, Any], Text],
) -> tuple[list[Group], list[dict[str, Any]], list[RowError]]:
    """Rows sharing a key are one record: later non-empty values win (file order), except the
    external id, which stays the first one seen. A row whose
    external id is another row's and whose natural key (e-mail…) is a third row's is rejected."""
    groups: list[Group] = []
    by_ext: dict[Any, Group] = {}
    by_nat: dict[Any, Group] = {}
    merges: list[dict[str, Any]] = []
    conflicts: list[RowError] = []
    for row in rows:
        ext, nat = keys(row.values)
        first = by_ext.get(ext) if ext is not None else None
        second = by_nat.get(nat) if nat is not None else None
        if first is not None and second is not None and first is not second:
            conflicts.append(
                RowError(
                    row.line,
                    "",
                    _(
                        "Its %(ext)s is that of line %(a)s but its %(nat)s is that of line %(b)s: "
                        "they cannot both be this record."
                    )
                    % {
                        "ext": describe("ext", ext),
                        "a": first.lines[0],
                        "nat": describe("nat", nat),
                        "b": second.lines[0],
                    },
                )
            )
            continue
        group = first or second
        if group is None:
            group = Group([row.line], row.values)
            groups.append(group)
        else:
            key = describe("ext", ext) if first is not None else describe("nat", nat)
            merges.append({"line": row.line, "into": group.lines[0], "key": stored(key)})
            group.lines.append(row.line)
            kept_id = group.values.get("external_id")
            group.values.update(row.values)
            if kept_id:  # the record keeps the identity it was first seen with
                group.values["external_id"] = kept_id
        if ext is not None:
            by_ext.setdefault(ext, group)
        if nat is not None:
            by_nat.setdefault(nat, group)
    return groups, merges, conflicts


def _same_record_twice(groups: list[Group], rejected: set[int]) -> list[tuple[Group, Text]]:
    """Two records of the file that found the same existing record (one by its external id,
    the other by its e-mail): the later one is rejected rather than silently merged."""
    seen: dict[int, Group] = {}
    twice: list[tuple[Group, Text]] = []
    for group in groups:
        if group.pk is None or id(group) in rejected:
            continue
        first = seen.setdefault(group.pk, group)
        if first is not group:
            twice.append(
                (
                    group,
                    _("Lines %(a)s and %(b)s both match the existing record #%(id)s.")
                    % {"a": first.lines[0], "b": group.lines[0], "id": group.pk},
                )
            )
    return twice


def _write_rejected(job: ImportJob, fmt: reading.SourceFormat, errors: list[RowError]) -> str:
    """A CSV of every rejected row as it was in the file, with its line and reasons first."""

    reasons: dict[int, list[str]] = {}
    for error in errors:  # a file: written once, in the language of the run
        label = f"{error.column}: {error.reason}" if error.column else str(error.reason)
        reasons.setdefault(error.line, []).append(label)
    buffer = io.StringIO()
    delimiter = fmt.delimiter if fmt.file_type == "csv" else ","
    writer = csv_writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([_("line"), _("reasons"), *fmt.header])
    for line, cells in reading.records(job.source_file_path(), fmt):
        if line in reasons:
            writer.writerow([line, " | ".join(reasons[line]), *(text(c) for c in cells)])
    name = f"rejected/job-{job.pk}-{timezone.now():%Y%m%d%H%M%S}.csv"
    storage = import_storage()
    return storage.save(name, ContentFile(("\ufeff" + buffer.getvalue()).encode("utf-8")))
