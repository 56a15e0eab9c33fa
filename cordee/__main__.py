"""The ``cordee`` command: every Django management command, plus ``run``, ``worker``, ``demo``.

``cordee run`` serves the app and starts the background worker beside it; Ctrl-C stops both.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cordee.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "cordee"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
