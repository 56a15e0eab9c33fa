"""``cordee backup FILE``: the whole instance — database and uploaded files — in one file
(see ``cordee.administration.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from cordee.administration.backup import BackupError, backup_write
from cordee.core.commands import add_language_argument, speaking


class Command(BaseCommand):
    help = (
        "Back up the instance: the database (SQLite's online backup, or pg_dump) and the "
        "uploaded files, with a manifest of every table's row count and checksum, in one "
        ".tar.gz file. Safe while Cordée runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file to write (e.g. cordee-2026-12-05.tar.gz)")
        parser.add_argument(
            "--include-secret-key",
            action="store_true",
            help="also keep the secret key generated in the var directory (keep the file safe)",
        )
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with speaking(options["language"]):
            out = Path(options["file"]).expanduser().resolve()
            try:
                manifest = backup_write(out, include_secret_key=options["include_secret_key"])
            except BackupError as exc:
                raise CommandError(str(exc)) from exc
            rows = sum(t["rows"] for t in manifest["tables"].values())
            files = sum(d["files"] for d in manifest["files"].values())
            self.stdout.write(
                _("%(path)s: %(tables)s tables, %(rows)s rows, %(files)s files (%(vendor)s).")
                % {
                    "path": out,
                    "tables": len(manifest["tables"]),
                    "rows": rows,
                    "files": files,
                    "vendor": manifest["vendor"],
                }
            )
            if not manifest["secret_key"]:
                self.stdout.write(_("The secret key is not in the backup: keep it separately."))
