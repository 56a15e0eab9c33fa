"""The demo's links to other tools, and what they carried over its last days.

One outgoing webhook (the team's chat channel, told of SLA breaches and won deals) and one
incoming endpoint (the website's forms). The webhook points at a host name that never resolves
(``.invalid``, answered without asking any resolver): its deliveries fail and are retried
exactly as the delivery code does it, each attempt at the time it would have been made, so the
admin page shows a realistic log of failures rather than an empty one — and the demo sends
nothing anywhere.

The breaches the recent history reveals are announced as the five-minute check would have
announced them: each at the first check after it fell due, to its people and to the webhook.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.records import record_create
from cordee.crm.models import Campaign, Channel
from cordee.funnel.models import SlaBreach
from cordee.funnel.notify import SlaBreachAnnouncer
from cordee.integrations.delivery import webhook_deliver
from cordee.integrations.models import DeliveryStatus, WebhookDelivery, WebhookEvent, WebhookFormat
from cordee.integrations.records import INCOMING, WEBHOOKS
from cordee.tenancy.models import Membership, Workspace
from cordee.tenancy.roles import Role

WEBHOOK_URL = "https://chat.cordee-demo.invalid/hooks/ventes"  # never resolves: nothing is sent
CHECK_EVERY = dt.timedelta(minutes=5)  # the worker's SLA check (funnel.jobs.check_slas)
WEBHOOK_CHECKS = 10  # the checks whose breaches the webhook carried (a log of a few days)


def add_connections(workspace: Workspace, at: dt.datetime) -> None:
    """The webhook and the endpoint, configured by the RevOps admin through the record specs at
    ``at`` (when the audit log says they were)."""
    admin = (
        Membership.objects.select_related("user")
        .filter(workspace=workspace, role=Role.REVOPS_ADMIN)
        .first()
    )
    if admin is None:
        return
    actor = Actor(user=admin.user, workspace=workspace, role=Role.REVOPS_ADMIN)
    with audit.as_of(at):
        _configure(actor, workspace)


def _configure(actor: Actor, workspace: Workspace) -> None:
    record_create(
        actor=actor,
        spec=WEBHOOKS,
        data={
            "name": "Canal #marketing-ventes",
            "url": WEBHOOK_URL,
            "format": WebhookFormat.SLACK,
            "events": [WebhookEvent.SLA_BREACH, WebhookEvent.DEAL_WON],
            "is_active": True,
        },
    )
    seo = Campaign.objects.filter(workspace=workspace, channel=Channel.SEO).order_by("id").first()
    record_create(
        actor=actor,
        spec=INCOMING,
        data={
            "name": "Formulaires du site web",
            "source_system": "webflow",
            "default_campaign": seo.pk if seo else None,
            "accept_bearer": False,
            "is_active": True,
        },
    )


class _AnnouncedBy(SlaBreachAnnouncer):
    """The announcer as it ran at ``until``: only the breaches detected by then."""

    def __init__(self, workspace_id: int, until: dt.datetime) -> None:
        super().__init__(workspace_id)
        self.until = until

    def pending(self) -> QuerySet[Any]:
        return super().pending().filter(detected_at__lte=self.until)


def _next_check(at: dt.datetime) -> dt.datetime:
    step = int(CHECK_EVERY.total_seconds())
    seconds = -(-int(at.timestamp()) // step) * step
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def connect_and_announce(workspace: Workspace, *, now: dt.datetime) -> None:
    """Announce the breaches waiting to be, each at the check after it fell due; the webhook and
    the endpoint are configured before the last ``WEBHOOK_CHECKS`` of those checks (so the
    webhook's log holds a few deliveries, whatever the demo's size). Then make the delivery
    attempts that fell before ``now``, as the delivery code makes them (later ones stay queued)."""
    detected = SlaBreach.objects.filter(
        workspace=workspace, notified_at__isnull=True, silent=False
    ).values_list("detected_at", flat=True)
    checks = sorted({min(_next_check(at), now) for at in detected})
    connect_before = max(len(checks) - WEBHOOK_CHECKS, 0)
    for i, check in enumerate(checks):
        if i == connect_before:
            add_connections(workspace, check)
        _AnnouncedBy(workspace.pk, check).announce(check)
    if not checks:
        add_connections(workspace, now)
    for delivery_id, first in (
        WebhookDelivery.objects.filter(workspace=workspace, status=DeliveryStatus.PENDING)
        .order_by("created_at", "id")
        .values_list("id", "next_attempt_at")
    ):
        at = first
        while at is not None and at <= now:
            delivery = webhook_deliver(delivery_id=delivery_id, now=at)
            at = delivery.next_attempt_at if delivery.status == DeliveryStatus.PENDING else None
