"""``cordee restore FILE``: put back a backup made by ``cordee backup`` — the database and the
uploaded files replaced, then every table checked against the backup's manifest (see
``cordee.administration.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from cordee.administration.backup import (
    BackupError,
    backup_manifest,
    backup_restore,
    restore_check,
)
from cordee.core.commands import add_language_argument, speaking


class Command(BaseCommand):
    help = (
        "Restore a backup made by `cordee backup`: replaces the whole database and the uploaded "
        "files, then checks every table against the backup. Stop Cordée (server and workers) "
        "first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with speaking(options["language"]):
            path = Path(options["file"]).expanduser().resolve()
            try:
                manifest = backup_manifest(path)
                restore_check(manifest, connection)
                if not options["yes"] and not self._confirmed(manifest):
                    raise CommandError(_("Nothing restored."))
                result = backup_restore(path)
            except BackupError as exc:
                raise CommandError(str(exc)) from exc
            if result["differences"]:
                raise CommandError(
                    _("The restored data differ from the backup:")
                    + "\n"
                    + "\n".join(result["differences"])
                )
            rows = sum(t["rows"] for t in manifest["tables"].values())
            self.stdout.write(
                _("Restored %(path)s (%(created)s): %(tables)s tables and %(rows)s rows checked.")
                % {
                    "path": path,
                    "created": manifest["created_at"],
                    "tables": len(manifest["tables"]),
                    "rows": rows,
                }
            )
            if result["pending"]:
                self.stdout.write(
                    _(
                        "The backup's schema is older than this version's: run `cordee migrate` "
                        "(%(count)s migrations to apply)."
                    )
                    % {"count": len(result["pending"])}
                )

    def _confirmed(self, manifest: dict[str, Any]) -> bool:
        self.stdout.write(
            _(
                "This replaces the whole database (%(database)s) and the uploaded files by the "
                "backup of %(created)s (Cordée %(version)s)."
            )
            % {
                "database": connection.settings_dict["NAME"],
                "created": manifest["created_at"],
                "version": manifest.get("cordee", "?"),
            }
        )
        try:
            answer = input(_("Type “yes” to restore: "))
        except EOFError:
            return False
        return answer.strip().lower() in {"yes", _("yes").lower()}
