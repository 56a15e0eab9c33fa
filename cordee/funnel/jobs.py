"""Periodic work of the funnel, run by the worker's scheduler."""

from __future__ import annotations

import datetime as dt

from cordee.core.scheduler import periodic


@periodic(every=dt.timedelta(minutes=5))
def check_slas() -> None:
    from cordee.funnel.notify import breaches_notify
    from cordee.funnel.sla import sla_check

    sla_check()
    breaches_notify()


@periodic(every=dt.timedelta(hours=6))
def rescore_leads() -> None:
    """Engagement decays with time: rescore open leads, promoting those that cross the threshold."""
    from cordee.funnel.scoring import leads_rescore
    from cordee.people.models import Workspace

    for workspace in Workspace.objects.all():
        leads_rescore(workspace=workspace)


@periodic(every=dt.timedelta(minutes=10))
def refresh_report_snapshots() -> None:
    """Recompute the dashboards' reports so that pages read them instead of the history."""
    from cordee.funnel.reports import refresh_snapshots
    from cordee.people.models import Workspace

    for workspace in Workspace.objects.all():
        refresh_snapshots(workspace)
