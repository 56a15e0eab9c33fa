"""The ``cordee`` command: every Django management command, plus ``run``, ``worker``, ``demo``;
``attribution`` runs without starting Django.

``cordee run`` serves the app and starts the background worker beside it; Ctrl-C stops both.
"""

from __future__ import annotations

import os
import sys

from cordee.cli.management.commands.attribution import main as attribution


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    args[0] = "cordee"
    if args[1:2] == ["attribution"]:
        # works on files alone: skip Django's start-up (about a second) for the data team

        sys.exit(attribution(args[2:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cordee.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
