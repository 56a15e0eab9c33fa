"""The monthly sending of the executive report through the outgoing webhooks, as a link.

When: from the first business day of a month (the workspace's calendar: its business hours,
public holidays and added days off), once that day's first working window has opened, the
previous month's report goes out — once (a ``ReportSending`` row per workspace or pod and
month). A scheduler down that day sends it on the next working day of the month it runs.

To whom (``integrations.services.webhook_subscribers``, THE routing rule, read once): the
workspace's report goes to the subscriptions to ``report.monthly`` routed to no pod; a pod's
report goes to the subscriptions routed to that pod. A pod's report is sent "on request": only
when a subscription names the pod — a pod nobody subscribed for gets none, and a subscription
routed to no pod gets the workspace's report only (not one per pod). Nothing is recorded when
nobody subscribed, so a subscription made later in the month still gets that month's sending.

The message is in the workspace's language: a short line with the month and the index, and the
link to the report's page (absolute, under ``CORDEE_BASE_URL``; its PDF in the data)."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cordee.alignment.index import index_month
from cordee.alignment.models import ReportSending
from cordee.analytics.calendar import add_months
from cordee.funnel.sla import workspace_calendar
from cordee.integrations.models import WebhookEvent, WebhookSubscription
from cordee.integrations.services import webhook_emit, webhook_subscribers
from cordee.people.mail import absolute_url, working_day_begun
from cordee.people.models import Pod
from cordee.people.services import speaking_to
from cordee.tenancy.models import Workspace


def first_business_day(workspace: Workspace, month: dt.date) -> dt.date | None:
    """The first working day of the month holding ``month`` on the workspace's calendar (None
    for a calendar without one that month)."""
    calendar = workspace_calendar(workspace)
    day = month.replace(day=1)
    public = calendar.public_holidays([day.year])
    while day.month == month.month:
        if calendar.is_working_day(day, public):
            return day
        day += dt.timedelta(days=1)
    return None


def month_due(workspace: Workspace, now: dt.datetime | None = None) -> dt.date | None:
    """The month whose report is due now (its first day): the previous month, from the first
    business day of this one once its working day has begun; None before, and for a workspace
    created after that month."""
    now = now or timezone.now()
    today = workspace.today(now)
    first = first_business_day(workspace, today)
    if first is None or today < first or not working_day_begun(workspace, now):
        return None
    previous = add_months(today.replace(day=1), -1)
    if workspace.today(workspace.created_at) >= today.replace(day=1):
        return None  # the workspace did not exist during that month
    return previous


def report_link(workspace: Workspace, month: dt.date, pod: Pod | None, name: str) -> str:
    """An absolute link to the report's page (``name``: report_month) or PDF (report_pdf)."""
    path = reverse(name, args=[workspace.slug, f"{month:%Y-%m}"])
    return absolute_url(path + (f"?pod={pod.pk}" if pod else ""))


def _text(workspace: Workspace, month: dt.date, pod: Pod | None, score: float | None) -> str:
    """The chat line, in the active language."""
    words = {
        "month": formats.date_format(month, "YEAR_MONTH_FORMAT"),
        "workspace": workspace.name,
        "pod": pod.name if pod else "",
        "score": f"{score:.0f}" if score is not None else "",
    }
    if pod is None:
        line = _("The executive report of %(month)s for %(workspace)s is ready.") % words
    else:
        line = _("The executive report of %(month)s for the pod %(pod)s is ready.") % words
    if score is None:
        return f"{line} {_('Alignment index: not measured.')}"
    return f"{line} {_('Alignment index: %(score)s / 100.') % words}"


def report_send(
    *,
    workspace: Workspace,
    month: dt.date,
    pod: Pod | None,
    subscriptions: list[WebhookSubscription],
) -> bool:
    """Send the month's report of the workspace or ``pod`` to ``subscriptions`` once; False
    when it was sent already (or there is nobody to send it to)."""
    if not subscriptions:
        return False
    with transaction.atomic():
        # the unique constraints make it once: a second scheduler waits on the first's row,
        # then finds it (the workspace's own report has its own constraint, NULLs differing)
        try:
            with transaction.atomic():
                ReportSending.objects.create(workspace=workspace, pod=pod, month=month)
        except IntegrityError:
            return False
        score = index_month(workspace, month, pod=pod).score
        url = report_link(workspace, month, pod, "report_month")
        with speaking_to(workspace):  # chat tools speak to everyone: the workspace's language
            text = _text(workspace, month, pod, score)
        webhook_emit(
            workspace=workspace,
            event=WebhookEvent.REPORT_MONTHLY,
            text=text,
            data={
                "month": f"{month:%Y-%m}",
                "workspace": workspace.slug,
                "pod": {"id": pod.pk, "name": pod.name} if pod else None,
                "index": None if score is None else f"{score:.1f}",
                "url": url,
                "pdf": report_link(workspace, month, pod, "report_pdf"),
            },
            url=url,
            subscriptions=subscriptions,
        )
    return True


def monthly_reports_send(*, workspace: Workspace, now: dt.datetime | None = None) -> int:
    """Send the reports due now for the workspace (its own, and each subscribed pod's); returns
    how many were sent."""
    month = month_due(workspace, now)
    if month is None:
        return 0
    pods = {p.pk: p for p in Pod.objects.filter(workspace=workspace)}
    subscriptions = webhook_subscribers(
        workspace_id=workspace.pk, event=WebhookEvent.REPORT_MONTHLY, pod_ids=list(pods)
    )
    routed = {s.pk: {p.pk for p in s.pods.all()} for s in subscriptions}
    sent = int(
        report_send(
            workspace=workspace,
            month=month,
            pod=None,
            subscriptions=[s for s in subscriptions if not routed[s.pk]],
        )
    )
    for pk, pod in sorted(pods.items()):
        sent += report_send(
            workspace=workspace,
            month=month,
            pod=pod,
            subscriptions=[s for s in subscriptions if pk in routed[s.pk]],
        )
    return sent


def monthly_reports_send_all(*, now: dt.datetime | None = None) -> int:
    """Every workspace's reports due now."""
    sent = 0
    for workspace in Workspace.objects.order_by("pk"):
        sent += monthly_reports_send(workspace=workspace, now=now)
    return sent
