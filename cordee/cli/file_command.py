"""A command that works on files alone, with two entry points sharing its options and output:
``cordee <name> …`` (the Django management command) and ``python -m …`` / ``cordee <name>``
short-circuited by ``cordee.__main__`` (no settings, no apps, no database: about a second
less per run). ``cordee attribution`` and ``cordee comp`` are such commands.

Django is imported only when its command loader asks the module for ``Command``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, TextIO

Run = Callable[[dict[str, Any]], str]  # the options → the output; ValueError: bad input


def file_main(
    prog: str,
    help_text: str,
    add_arguments: Callable[[Any], None],
    run: Run,
    bad_input: int,
    argv: list[str] | None = None,
    stdout: TextIO | None = None,
) -> int:
    """Runs the command without Django: a bad input prints ``error: …`` and returns
    ``bad_input``."""
    parser = argparse.ArgumentParser(prog=prog, description=help_text)
    add_arguments(parser)
    opts = vars(parser.parse_args(argv))
    try:
        output = run(opts)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return bad_input
    (stdout or sys.stdout).write(output)
    return 0


def command_class(
    help_text: str, add_arguments: Callable[[Any], None], run: Run, bad_input: int
) -> type:
    """The Django management command of the same options and output."""
    from django.core.management.base import BaseCommand, CommandError

    class Command(BaseCommand):
        help = help_text
        requires_system_checks: list[str] = []

        def add_arguments(self, parser: Any) -> None:
            add_arguments(parser)

        def handle(self, *args: Any, **opts: Any) -> None:
            try:
                output = run(opts)
            except ValueError as exc:
                raise CommandError(str(exc), returncode=bad_input) from exc
            self.stdout.write(output, ending="")

    return Command
