"""Reads of the administration pages: what the settings would mean (the next days off, the due
time of an MQL arriving now) and the instance's workspaces with their sizes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import translation
from django.utils.translation import gettext as _

from cordee.administration.services import instance_admin_require
from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.dataio.exports.workspace import workspace_row_count
from cordee.funnel.sla import FirstTouchDue, first_touch_due, workspace_calendar
from cordee.tenancy.models import Membership, Workspace

HOLIDAYS_SHOWN = 6


@dataclass(frozen=True)
class DayOff:
    day: dt.date
    name: str
    added: bool  # one of the workspace's added days, not a public holiday


@dataclass(frozen=True)
class SettingsPreview:
    days_off: list[DayOff]
    worked: list[DayOff]  # public holidays the workspace works, in the same span
    due: FirstTouchDue | None
    arrival: dt.datetime
    no_working_time: bool = False


def settings_preview(
    *, actor: Actor, workspace: Workspace, at: dt.datetime, span_days: int = 366
) -> SettingsPreview:
    """What ``workspace``'s calendar (its settings, saved or not) makes of the coming year —
    the next days off, public or added — and when an MQL arriving at ``at`` is due for its
    first touch under the contract that would govern it (``funnel.sla.first_touch_due``)."""
    actor.require("workspace.write")
    calendar = workspace_calendar(workspace)
    today = workspace.today(at)
    last = today + dt.timedelta(days=span_days)
    years = list(range(today.year, last.year + 1))
    public = calendar.public_holidays(years)
    language = translation.get_language() or "en"
    names = calendar.public_holiday_names(years, language) if public else {}
    days_off: list[DayOff] = []
    worked: list[DayOff] = []
    day = today
    while day <= last and len(days_off) < HOLIDAYS_SHOWN:
        if day in calendar.extra_holidays:
            days_off.append(DayOff(day, _("Added day off"), added=True))
        elif day in public:
            entry = DayOff(day, names.get(day, ""), added=False)
            (worked if day in calendar.worked_holidays else days_off).append(entry)
        day += dt.timedelta(days=1)
    try:
        due = first_touch_due(workspace, at)
        blocked = False
    except ValueError:  # no working time at all in the months ahead
        due, blocked = None, True
    return SettingsPreview(days_off, worked, due, at, no_working_time=blocked)


# -- the instance's workspaces --------------------------------------------------------------------


@dataclass(frozen=True)
class WorkspaceRow:
    workspace: Workspace
    members: int
    rows: int  # rows of every table its export holds (records, settings, history…)


def instance_workspaces(*, user: Any) -> list[WorkspaceRow]:
    """Every workspace of the instance, with its active members and its rows."""
    instance_admin_require(user)
    members = dict(
        Membership.objects.filter(is_active=True, user__is_active=True)
        .values_list("workspace_id")
        .annotate(n=Count("id"))
        .values_list("workspace_id", "n")
    )
    return [
        WorkspaceRow(w, members.get(w.pk, 0), workspace_row_count(w.pk))
        for w in Workspace.objects.order_by("name")
    ]


def instance_workspace_row(*, user: Any, workspace: Workspace) -> WorkspaceRow:
    instance_admin_require(user)
    members = Membership.objects.filter(
        workspace=workspace, is_active=True, user__is_active=True
    ).count()
    return WorkspaceRow(workspace, members, workspace_row_count(workspace.pk))


def instance_workspace(*, user: Any, workspace_id: int) -> Workspace:
    instance_admin_require(user)
    workspace = Workspace.objects.filter(pk=workspace_id).first()
    if workspace is None:
        raise NotFound(_("No such workspace."))
    return workspace
