"""``cordee import FILE --kind K --workspace SLUG [--mapping FILE] [--dry-run] [--keep-good-rows]
[--rejected-out FILE]``: import a CSV or XLSX export here and now, with a progress line.

Exits with 0 when the file was imported (or the dry run found no bad row), 1 when rows were
rejected (with ``--keep-good-rows`` the good rows are written and it still exits 1), 2 when the
file could not be read. ``cordee import --list --workspace SLUG`` shows recent imports.
Everything it prints is in one language: ``--language``, else the workspace's.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from cordee.core.commands import add_language_argument, speaking
from cordee.core.errors import DomainError
from cordee.dataio.imports.runner import import_job_run
from cordee.dataio.imports.services import (
    import_job_copy_rejected,
    import_job_create,
    import_jobs_reap,
)
from cordee.dataio.imports.words import report_words, words
from cordee.dataio.models import ImportJob, ImportKind, ImportPhase, ImportStatus
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
        add_language_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        workspace = Workspace.objects.filter(slug=opts["workspace"]).first()
        with speaking(opts["language"], workspace) as self.language:
            if workspace is None:
                raise CommandError(
                    _("--workspace: no workspace '%(slug)s'.") % {"slug": opts["workspace"]}
                )
            self._handle(workspace, opts)

    def _handle(self, workspace: Workspace, opts: dict[str, Any]) -> None:
        if opts["list"]:
            self._list(workspace)
            return
        if not opts["file"] or not opts["kind"]:
            raise CommandError(_("Give a FILE and --kind."))
        mapping = None
        if opts["mapping"]:
            try:
                with open(opts["mapping"], encoding="utf-8") as handle:
                    mapping = json.load(handle)
            except (OSError, ValueError) as exc:
                raise CommandError(_("--mapping: %(error)s") % {"error": exc}) from exc
            if not isinstance(mapping, dict):
                raise CommandError(_('--mapping: expected a JSON object {"column": "field"}.'))
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
        what = {
            "id": job.pk,
            "rows": job.rows_total,
            "source": job.get_source_system_display(),
            "type": fmt["file_type"],
        }
        if fmt["file_type"] == "csv":
            line = _(
                "import %(id)s: %(rows)s rows, %(source)s, %(type)s %(encoding)s, separator %(delimiter)s"
            )
            what.update(encoding=fmt["encoding"], delimiter=repr(fmt["delimiter"]))
        else:
            line = _("import %(id)s: %(rows)s rows, %(source)s, %(type)s")
        self.stdout.write(line % what)
        for column, field in job.mapping.items():
            self.stdout.write(f"  {column} → {field}")
        for column, info in job.detected.get("dates", {}).items():
            if column in job.mapping:
                self.stdout.write(
                    "  "
                    + _("dates in %(column)s: %(reason)s")
                    % {"column": column, "reason": words(info["reason"])}
                )
        started = time.monotonic()
        job = import_job_run(job_id=job.pk, progress=self._progress)
        self._summary(job, time.monotonic() - started)
        if opts["rejected_out"] and job.rejected_file:
            import_job_copy_rejected(job=job, destination=opts["rejected_out"])
            self.stdout.write(
                _("rejected rows written to %(path)s") % {"path": opts["rejected_out"]}
            )
        if job.status != ImportStatus.SUCCEEDED or job.errors_count:
            sys.exit(1)

    def _progress(self, job: ImportJob, phase: str, done: int, total: int) -> None:
        with translation.override(self.language):  # the import itself runs in the workspace's
            label = ImportPhase(phase).label if phase in ImportPhase.values else phase
            self.stdout.write(
                _("%(phase)s: %(done)s/%(total)s rows, %(rejected)s rejected")
                % {"phase": label, "done": done, "total": total, "rejected": job.errors_count}
            )
        self.stdout.flush()

    def _summary(self, job: ImportJob, seconds: float) -> None:
        report = report_words(job.report)  # written in this run's language
        self.stdout.write(
            _("%(status)s: %(message)s (%(seconds)s s)")
            % {
                "status": job.get_status_display(),
                "message": report.get("message", ""),
                "seconds": f"{seconds:.1f}",
            }
        )
        for error in report.get("errors", [])[:50]:
            self.stdout.write("  " + _said_on_line(error))
        if report.get("errors_total", 0) > 50:
            self.stdout.write("  " + _("… %(n)s more") % {"n": report["errors_total"] - 50})
        for merge in report.get("merges", [])[:20]:
            self.stdout.write(
                "  "
                + _("line %(line)s merged into line %(into)s (%(key)s)")
                % {"line": merge["line"], "into": merge["into"], "key": merge["key"]}
            )
        for warning in report.get("warnings", [])[:20]:
            self.stdout.write("  " + _said_on_line(warning))

    def _list(self, workspace: Workspace) -> None:
        jobs = ImportJob.objects.filter(workspace=workspace).order_by("-created_at", "-id")[:20]
        import_jobs_reap(job_ids=[j.pk for j in jobs])
        for job in ImportJob.objects.filter(pk__in=[j.pk for j in jobs]).order_by(
            "-created_at", "-id"
        ):
            # tab-separated for scripts: the status and kind stay codes
            rejected = _("%(n)s rejected") % {"n": job.errors_count}
            self.stdout.write(
                f"{job.pk}\t{job.status}\t{job.kind}\t{job.rows_done}/{job.rows_total}\t"
                f"{rejected}\t{job.original_name}"
            )


def _said_on_line(entry: dict[str, Any]) -> str:
    """An error or a warning of the report: its line, its column when it has one, its reason."""
    if entry.get("column"):
        return _("line %(line)s [%(column)s]: %(reason)s") % entry
    return _("line %(line)s: %(reason)s") % entry
