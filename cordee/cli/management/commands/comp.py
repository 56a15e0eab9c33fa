"""``cordee comp compute --plan PLAN.json --credits CREDITS.csv --metrics METRICS.csv --period
LABEL``: the variable-pay statements of a period, from files alone (no database).

``cordee comp …`` skips Django's start-up (``cordee/__main__.py``), like ``cordee attribution``;
``python -m cordee.cli.management.commands.comp …`` does the same, and Django's loader still
finds ``Command`` (imported only when asked for). A bad file or plan: the error names the file,
the line and the column (the JSON path for the plan), exit status 2.

Output (``--format json``, the default)::

    {"period": LABEL, "statements": [{"person", "lines": [{"component", "attainment",
     "payout", "deal_id" (clawback lines only), "kind" (advance and true-up lines only:
     "advance" or "true_up")}], "total"}]}

amounts as strings with two decimals, attainments cut to four (null for the other kinds and the
true-ups), for every participant with a component on the period's kind or an advance on it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

from cordee.cli.file_command import command_class, file_main

HELP = "Variable pay: compute the statements of a period from a plan, credits and metrics files."
BAD_INPUT = 2


def add_arguments(parser: Any) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    compute = sub.add_parser("compute", help="The statements of a period.")
    compute.add_argument("--plan", required=True, type=Path)
    compute.add_argument("--credits", required=True, type=Path)
    compute.add_argument("--metrics", required=True, type=Path)
    compute.add_argument("--period", required=True, help="2026-05, 2026-Q2 or 2026.")
    compute.add_argument("--format", choices=["json", "table"], default="json")
    compute.add_argument(
        "--first-month",
        type=int,
        default=1,
        choices=range(1, 13),
        metavar="1-12",
        help="The month the fiscal year starts in (default 1: January).",
    )


def compute(opts: dict[str, Any]) -> Any:
    """The statements; ``ValueError`` names the file (and line, column or JSON path)."""
    from cordee.analytics.comp import MetricMissingError, Payouts, period_parse
    from cordee.analytics.comp_io import credits_read, metrics_read, plan_read

    try:
        period_parse(opts["period"], opts["first_month"])
    except ValueError as error:
        raise ValueError(f"--period: {error}") from None
    plan = plan_read(opts["plan"])
    credits = credits_read(opts["credits"])
    metrics = metrics_read(opts["metrics"], opts["first_month"])
    try:
        return Payouts(plan, credits, metrics, opts["first_month"]).statements(opts["period"])
    except MetricMissingError as error:  # a shared metric the period needs
        raise ValueError(f"{opts['metrics']}: {error}") from None
    except ValueError as error:  # a period before the plan's year
        raise ValueError(f"--period: {error}") from None


def render(label: str, statements: list[Any], output: str) -> str:
    from cordee.analytics.comp import period_parse

    label = period_parse(label).label
    if output == "json":
        import json

        data = {"period": label, "statements": [s.as_dict() for s in statements]}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    rows = [("person", "component", "attainment", "payout", "deal")]
    for s in statements:
        for line in s.as_dict()["lines"]:
            rows.append(
                (
                    s.person,
                    f"{line['component']} ({line['kind']})"
                    if "kind" in line
                    else line["component"],
                    line["attainment"] or "",
                    line["payout"],
                    line.get("deal_id", ""),
                )
            )
        rows.append((s.person, "total", "", s.as_dict()["total"], ""))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    out = [
        "  ".join(
            cell.rjust(w) if i in (2, 3) else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ).rstrip()
        for row in rows
    ]
    return "\n".join(out) + "\n"


def _run(opts: dict[str, Any]) -> str:
    return render(opts["period"], compute(opts), opts["format"])


def main(argv: list[str] | None = None, stdout: TextIO | None = None) -> int:
    """The command without Django: ``python -m cordee.cli.management.commands.comp``."""
    return file_main("cordee comp", HELP, add_arguments, _run, BAD_INPUT, argv, stdout)


def _command_class() -> type:
    return command_class(HELP, add_arguments, _run, BAD_INPUT)


def __getattr__(name: str) -> Any:
    """Django's command loader asks for ``Command``: only then is Django imported."""
    if name == "Command":
        command = _command_class()
        globals()["Command"] = command
        return command
    raise AttributeError(name)


if __name__ == "__main__":
    sys.exit(main())
