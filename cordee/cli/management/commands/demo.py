"""``cordee demo``: load the demo workspace (*Altitude Logiciels*, slug ``demo``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cordee.demo import DEMO_PASSWORD, DEMO_SLUG, demo_logins
from cordee.demo.builder import build_demo


class Command(BaseCommand):
    help = (
        "Load the demo workspace: a French B2B software vendor with 14 months of shared funnel "
        "history. --size small (~2,000 leads, seconds) or large (~1M leads and 10M touchpoints, "
        "for benchmarks). Does nothing if the demo exists, unless --reset."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--size", choices=["small", "large"], default="small")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--reset", action="store_true", help="Delete the demo workspace and rebuild it."
        )
        # Hidden: multiply the number of accounts (tests and benchmarks).
        parser.add_argument("--scale", type=float, default=1.0, help=argparse.SUPPRESS)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["scale"] <= 0:
            raise CommandError("--scale must be positive.")
        result = build_demo(
            size=opts["size"],
            seed=opts["seed"],
            scale=opts["scale"],
            reset=opts["reset"],
            progress=getattr(self.stderr, "_out", sys.stderr),
            log=self.stdout.write,
        )
        if not result.created:
            self.stdout.write(
                f"The demo workspace '{DEMO_SLUG}' already exists: nothing to do "
                "(use --reset to rebuild it)."
            )
            return
        summary = ", ".join(f"{n:,} {what}" for what, n in result.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo workspace '{DEMO_SLUG}' loaded in {result.seconds:.1f} s: {summary}."
            )
        )
        if opts["verbosity"] >= 1:
            self.stdout.write(f"Logins (password for all: {DEMO_PASSWORD}):")
            for role, email in demo_logins():
                self.stdout.write(f"  {role:<20} {email}")
