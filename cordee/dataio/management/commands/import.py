"""``cordee import FILE --kind K --workspace SLUG [--mapping FILE] [--dry-run] [--keep-good-rows]
[--rejected-out FILE]``: import a CSV or XLSX export here and now, with a progress line.

Exits with 0 when the file was imported (or the dry run found no bad row), 1 when rows were
rejected (with ``--keep-good-rows`` the good rows are written and it still exits 1), 2 when the
file could not be read. ``cordee import --list --workspace SLUG`` shows recent imports.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cordee.core.errors import DomainError
from cordee.dataio.imports.runner import import_job_run
from cordee.dataio.imports.services import (
    import_job_copy_rejected,
    import_job_create,
    import_jobs_reap,
)
from cordee.dataio.models import ImportJob, ImportKind, ImportStatus
from cordee.tenancy.models import Workspace


class Command(BaseCommand):
    help = "Import a CSV or XLSX export (HubSpot, Salesforce or plain) into a workspace."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", nargs="?", help="the CSV or XLSX file")
        parser.add_argument("--kind", choices=ImportKind.values)
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--mapping", help='JSON file: {"column": "field", …} (overrides)')
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument(
            "--keep-good-rows", action="store_true", help="write the good rows, reject the others"
        )
        parser.add_argument("--rejected-out", help="write the rejected rows (with reasons) here")
        parser.add_argument("--list", action="store_true", help="list recent imports and exit")

    def handle(self, *args: Any, **opts: Any) -> None:
        workspace = Workspace.objects.filter(slug=opts["workspace"]).first()
        if workspace is None:
            raise CommandError(f"--workspace: no workspace '{opts['workspace']}'.")
        if opts["list"]:
            self._list(workspace)
            return
        if not opts["file"] or not opts["kind"]:
            raise CommandError("Give a FILE and --kind.")
        mapping = None
        if opts["mapping"]:
            try:
                with open(opts["mapping"], encoding="utf-8") as handle:
                    mapping = json.load(handle)
            except (OSError, ValueError) as exc:
                raise CommandError(f"--mapping: {exc}") from exc
            if not isinstance(mapping, dict):
                raise CommandError('--mapping: expected a JSON object {"column": "field"}.')
        try:
            job = import_job_create(
                actor=None,
                workspace=workspace,
                kind=opts["kind"],
                filename=opts["file"],
                path=opts["file"],
                mapping=mapping,
                dry_run=opts["dry_run"],
                keep_good_rows=opts["keep_good_rows"],
            )
        except DomainError as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.field_errors.items())
            self.stderr.write(f"{exc.message} {details}".strip())
            sys.exit(2)
        fmt = job.detected["format"]
        self.stdout.write(
            f"job {job.pk}: {job.rows_total} rows, {job.source_system}, {fmt['file_type']}"
            + (
                f" {fmt['encoding']} separator {fmt['delimiter']!r}"
                if fmt["file_type"] == "csv"
                else ""
            )
        )
        for column, field in job.mapping.items():
            self.stdout.write(f"  {column} → {field}")
        for column, info in job.detected.get("dates", {}).items():
            if column in job.mapping:
                self.stdout.write(f"  dates in {column}: {info['reason']}")
        started = time.monotonic()
        job = import_job_run(job_id=job.pk, progress=self._progress)
        self._summary(job, time.monotonic() - started)
        if opts["rejected_out"] and job.rejected_file:
            import_job_copy_rejected(job=job, destination=opts["rejected_out"])
            self.stdout.write(f"rejected rows written to {opts['rejected_out']}")
        if job.status != ImportStatus.SUCCEEDED or job.errors_count:
            sys.exit(1)

    def _progress(self, job: ImportJob, phase: str, done: int, total: int) -> None:
        self.stdout.write(f"{phase} {done}/{total} rows, {job.errors_count} rejected")
        self.stdout.flush()

    def _summary(self, job: ImportJob, seconds: float) -> None:
        report = job.report
        self.stdout.write(f"{job.status}: {report.get('message', '')} ({seconds:.1f} s)")
        for error in report.get("errors", [])[:50]:
            column = f" [{error['column']}]" if error["column"] else ""
            self.stdout.write(f"  line {error['line']}{column}: {error['reason']}")
        if report.get("errors_total", 0) > 50:
            self.stdout.write(f"  … {report['errors_total'] - 50} more")
        for merge in report.get("merges", [])[:20]:
            self.stdout.write(
                f"  line {merge['line']} merged into line {merge['into']} ({merge['key']})"
            )
        for warning in report.get("warnings", [])[:20]:
            self.stdout.write(f"  line {warning['line']}: {warning['reason']}")

    def _list(self, workspace: Workspace) -> None:
        jobs = ImportJob.objects.filter(workspace=workspace).order_by("-created_at", "-id")[:20]
        import_jobs_reap(job_ids=[j.pk for j in jobs])
        for job in ImportJob.objects.filter(pk__in=[j.pk for j in jobs]).order_by(
            "-created_at", "-id"
        ):
            self.stdout.write(
                f"{job.pk}\t{job.status}\t{job.kind}\t{job.rows_done}/{job.rows_total}\t"
                f"{job.errors_count} rejected\t{job.original_name}"
            )
