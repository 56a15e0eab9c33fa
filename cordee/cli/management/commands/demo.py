"""``cordee demo``: load the demo workspace (*Altitude Logiciels*, slug ``demo``)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.core.commands import add_language_argument, speaking
from cordee.demo import DEMO_PASSWORD, DEMO_SLUG, demo_logins
from cordee.demo.builder import build_demo

# the names of demo_counts()' keys, in the run's language
COUNT_LABELS = {
    "accounts": gettext_lazy("accounts"),
    "contacts": gettext_lazy("contacts"),
    "campaigns": gettext_lazy("campaigns"),
    "leads": gettext_lazy("leads"),
    "stage changes": gettext_lazy("stage changes"),
    "touchpoints": gettext_lazy("touchpoints"),
    "opportunities": gettext_lazy("opportunities"),
    "people": gettext_lazy("people"),
}


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
        add_language_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["scale"] <= 0:
            raise CommandError(_("--scale must be positive."))
        with speaking(opts["language"]):
            self._load(opts)

    def _load(self, opts: dict[str, Any]) -> None:
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
                _(
                    "The demo workspace '%(slug)s' already exists: nothing to do (use --reset to "
                    "rebuild it)."
                )
                % {"slug": DEMO_SLUG}
            )
            return
        summary = ", ".join(
            f"{formats.number_format(n, force_grouping=True)} {COUNT_LABELS.get(what, what)}"
            for what, n in result.counts.items()
        )
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo workspace '%(slug)s' loaded in %(seconds)s s: %(summary)s.")
                % {
                    "slug": DEMO_SLUG,
                    "seconds": formats.number_format(result.seconds, 1),
                    "summary": summary,
                }
            )
        )
        if opts["verbosity"] >= 1:
            self.stdout.write(
                _("Logins (password for all: %(password)s):") % {"password": DEMO_PASSWORD}
            )
            for role, email in demo_logins():
                self.stdout.write(f"  {role:<20} {email}")
