"""``cordee sla check [--at ISO-8601] [--workspace SLUG]``: detect SLA breaches as of an instant."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.utils import formats
from django.utils.translation import gettext as _

from cordee.core.commands import add_language_argument, speaking
from cordee.funnel.models import BreachKind
from cordee.funnel.sla import sla_check_marketing, sla_check_workspace
from cordee.tenancy.models import Workspace


def parse_instant(value: str, time_zone: str) -> dt.datetime:
    """ISO 8601; a time without offset is read in the workspace's time zone."""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("--at: '%(value)s' is not an ISO 8601 date-time.") % {"value": value}
        ) from exc
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
        add_language_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        workspaces = Workspace.objects.all()
        if opts["workspace"]:
            workspaces = workspaces.filter(slug=opts["workspace"])
            if not workspaces.exists():
                raise CommandError(
                    _("--workspace: no workspace '%(slug)s'.") % {"slug": opts["workspace"]}
                )
        for workspace in workspaces:
            with speaking(opts["language"], workspace):
                self._check(workspace, opts)

    def _check(self, workspace: Workspace, opts: dict[str, Any]) -> None:
        at = (
            parse_instant(opts["at"], workspace.time_zone)
            if opts["at"]
            else dt.datetime.now(dt.UTC)
        )
        result = sla_check_workspace(workspace, at)
        result.new.update(sla_check_marketing(workspace, at))
        detail = ", ".join(
            f"{BreachKind(k).label if k in BreachKind.values else k} {v}"
            for k, v in sorted(result.new.items())
        ) or _("none")
        self.stdout.write(
            _("%(slug)s: checked %(leads)s leads as of %(at)s; new breaches: %(detail)s")
            % {
                "slug": workspace.slug,
                "leads": result.leads_checked,
                "at": formats.date_format(at.astimezone(workspace.zone), "SHORT_DATETIME_FORMAT"),
                "detail": detail,
            }
        )
