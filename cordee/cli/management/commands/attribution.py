"""``cordee attribution --input FILE --model M``: attribute conversions (or value) to channels.

Two entry points share the options and the output:

- ``cordee attribution …`` — the Django management command (what the docs show);
- ``python -m cordee.cli.management.commands.attribution …`` — the same command without
  starting Django (no settings, no apps, no database): about a second less per run, for scripts
  and large files.

Nothing heavy is imported at module level: NumPy and Arrow when a file is read, Django only when
Django asks for ``Command`` (a module ``__getattr__``), never Ibis or the app.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from cordee.cli.file_command import command_class, file_main

MODELS = ("first", "last", "linear", "position", "time_decay", "markov", "shapley")
HELP = "Multi-touch attribution of a CSV or Parquet file of touchpoints or aggregated paths."


def add_arguments(parser: Any) -> None:
    parser.add_argument("--input", required=True, type=Path)
    parser.add_argument("--model", required=True, choices=MODELS)
    parser.add_argument("--input-format", choices=["touchpoints", "paths"], default="touchpoints")
    parser.add_argument("--half-life-days", type=float, default=7.0)
    parser.add_argument("--by", choices=["channel"], default="channel")
    parser.add_argument("--format", choices=["json", "csv", "table"], default="json")
    parser.add_argument(
        "--value", action="store_true", help="Attribute the value instead of conversions."
    )


def attribute_file(opts: dict[str, Any]) -> Any:
    """Read the file and run the model; ``ValueError`` (``InputError`` included) names the
    problem."""
    from cordee.analytics.attribution import attribute
    from cordee.analytics.journeys_io import read_paths, read_touchpoints

    if opts["model"] == "time_decay" and opts["input_format"] == "paths":
        raise ValueError(
            "--model time_decay needs timestamps: it cannot read --input-format paths."
        )
    reader = read_paths if opts["input_format"] == "paths" else read_touchpoints
    return attribute(
        reader(opts["input"]),
        opts["model"],
        use_value=opts["value"],
        half_life_days=opts["half_life_days"],
    )


def render(result: Any, output: str) -> str:
    """The result as JSON, CSV or an aligned table (one string, ending with a newline)."""
    if output == "json":
        import json

        return json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n"
    if output == "csv":
        import io

        from cordee.core.spreadsheet import csv_writer

        buffer = io.StringIO()
        writer = csv_writer(buffer)
        has_effects = result.removal_effects is not None
        writer.writerow(["channel", "credit"] + (["removal_effect"] if has_effects else []))
        for i, channel in enumerate(result.channels):
            extra = [f"{result.removal_effects[i]:.12g}"] if has_effects else []
            writer.writerow([channel, f"{result.credits[i]:.12g}", *extra])
        return buffer.getvalue()
    width = max([len(c) for c in result.channels] + [7])
    lines = [f"{'channel':<{width}}  {'credit':>14}  {'share':>7}"]
    total = result.credits.sum() or 1.0
    for channel, credit in sorted(
        zip(result.channels, result.credits, strict=True), key=lambda x: -x[1]
    ):
        lines.append(f"{channel:<{width}}  {credit:>14.4f}  {credit / total:>7.1%}")
    return "\n".join(lines) + "\n"


def _run(opts: dict[str, Any]) -> str:
    return render(attribute_file(opts), opts["format"])


def main(argv: list[str] | None = None, stdout: TextIO | None = None) -> int:
    """The command without Django: ``python -m cordee.cli.management.commands.attribution``."""
    return file_main("cordee attribution", HELP, add_arguments, _run, 1, argv, stdout)


def _command_class() -> type:
    return command_class(HELP, add_arguments, _run, 1)


def __getattr__(name: str) -> Any:
    """Django's command loader asks for ``Command``: only then is Django imported."""
    if name == "Command":
        command = _command_class()
        globals()["Command"] = command
        return command
    raise AttributeError(name)


if __name__ == "__main__":
    sys.exit(main())
