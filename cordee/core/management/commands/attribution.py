"""``cordee attribution --input FILE --model M``: attribute conversions (or value) to channels."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cordee.analytics.attribution import MODELS, attribute
from cordee.analytics.journeys_io import InputError, read_paths, read_touchpoints


class Command(BaseCommand):
    help = "Multi-touch attribution of a CSV or Parquet file of touchpoints or aggregated paths."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--input", required=True, type=Path)
        parser.add_argument("--model", required=True, choices=MODELS)
        parser.add_argument(
            "--input-format", choices=["touchpoints", "paths"], default="touchpoints"
        )
        parser.add_argument("--half-life-days", type=float, default=7.0)
        parser.add_argument("--by", choices=["channel"], default="channel")
        parser.add_argument("--format", choices=["json", "csv", "table"], default="json")
        parser.add_argument(
            "--value", action="store_true", help="Attribute the value instead of conversions."
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["model"] == "time_decay" and opts["input_format"] == "paths":
            raise CommandError(
                "--model time_decay needs timestamps: it cannot read --input-format paths."
            )
        try:
            reader = read_paths if opts["input_format"] == "paths" else read_touchpoints
            journeys = reader(opts["input"])
            result = attribute(
                journeys,
                opts["model"],
                use_value=opts["value"],
                half_life_days=opts["half_life_days"],
            )
        except (InputError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        data = result.as_dict()
        if opts["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        elif opts["format"] == "csv":
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            header = ["channel", "credit"] + (
                ["removal_effect"] if result.removal_effects is not None else []
            )
            writer.writerow(header)
            for i, channel in enumerate(result.channels):
                extra = (
                    [f"{result.removal_effects[i]:.12g}"]
                    if result.removal_effects is not None
                    else []
                )
                writer.writerow([channel, f"{result.credits[i]:.12g}", *extra])
            self.stdout.write(buffer.getvalue(), ending="")
        else:
            width = max([len(c) for c in result.channels] + [7])
            self.stdout.write(f"{'channel':<{width}}  {'credit':>14}  {'share':>7}")
            total = result.credits.sum() or 1.0
            for channel, credit in sorted(
                zip(result.channels, result.credits, strict=True), key=lambda x: -x[1]
            ):
                self.stdout.write(f"{channel:<{width}}  {credit:>14.4f}  {credit / total:>7.1%}")
