"""The ``cordee`` command: every Django management command, plus ``run``, ``worker``, ``demo``;
``attribution`` and ``comp`` run without starting Django.

``cordee run`` serves the app and starts the background worker beside it; Ctrl-C stops both.
"""

from __future__ import annotations

import os
import sys

from cordee.cli.management.commands.attribution import main as attribution
from cordee.cli.management.commands.comp import main as comp


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    args[0] = "cordee"
    if args[1:2] == ["attribution"]:
        # works on files alone: skip Django's start-up (about a second) for the data team

        sys.exit(attribution(args[2:]))
    if args[1:2] == ["comp"]:
        sys.exit(comp(args[2:]))  # variable pay from files alone, likewise
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cordee.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
