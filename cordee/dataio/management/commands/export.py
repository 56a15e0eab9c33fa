"""``cordee export --workspace SLUG --format csv|parquet --out FILE.zip``: the whole workspace.

Run by the instance's operator (shell access), so every registered table is written — the
capability checks of the page apply to people, not to the operator. It prints in one language:
``--language``, else the workspace's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cordee.core.commands import add_language_argument, speaking
from cordee.core.errors import DomainError
from cordee.dataio.exports.workspace import workspace_export_write
from cordee.tenancy.models import Workspace


class Command(BaseCommand):
    help = "Export a whole workspace: a zip with one CSV or Parquet file per table."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--format", choices=("csv", "parquet"), default="csv")
        parser.add_argument("--out", required=True, help="the zip file to write")
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        with speaking(options["language"], workspace):
            if workspace is None:
                raise CommandError(
                    _("No workspace with the slug %(slug)s.") % {"slug": repr(options["workspace"])}
                )
            out = Path(options["out"]).expanduser().resolve()
            try:
                manifest = workspace_export_write(out, workspace=workspace, fmt=options["format"])
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            rows = sum(t["rows"] for t in manifest["tables"].values())
            self.stdout.write(
                _("%(path)s: %(tables)s tables, %(rows)s rows (%(format)s)")
                % {
                    "path": out,
                    "tables": len(manifest["tables"]),
                    "rows": rows,
                    "format": options["format"],
                }
            )
