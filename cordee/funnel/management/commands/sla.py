"""``cordee sla check [--at ISO-8601] [--workspace SLUG]``: detect SLA breaches as of an instant."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

from cordee.funnel.sla import sla_check_marketing, sla_check_workspace
from cordee.tenancy.models import Workspace


def parse_instant(value: str, time_zone: str) -> dt.datetime:
    """ISO 8601; a time without offset is read in the workspace's time zone."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--at: '{value}' is not an ISO 8601 date-time.") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(time_zone))
    return parsed


class Command(BaseCommand):
    help = "SLA contracts: `check` detects breaches of both sides as of an instant (default: now)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", choices=["check"])
        parser.add_argument(
            "--at", help="ISO 8601 instant; without offset, the workspace's time zone"
        )
        parser.add_argument("--workspace", help="slug of one workspace (default: all)")

    def handle(self, *args: Any, **opts: Any) -> None:
        workspaces = Workspace.objects.all()
        if opts["workspace"]:
            workspaces = workspaces.filter(slug=opts["workspace"])
            if not workspaces.exists():
                raise CommandError(f"--workspace: no workspace '{opts['workspace']}'.")
        for workspace in workspaces:
            at = (
                parse_instant(opts["at"], workspace.time_zone)
                if opts["at"]
                else dt.datetime.now(dt.UTC)
            )
            result = sla_check_workspace(workspace, at)
            result.new.update(sla_check_marketing(workspace, at))
            detail = ", ".join(f"{k}={v}" for k, v in sorted(result.new.items())) or "none"
            self.stdout.write(
                f"{workspace.slug}: checked {result.leads_checked} leads as of {at.isoformat()}; "
                f"new breaches: {detail}"
            )
