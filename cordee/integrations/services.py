"""Outgoing webhooks: emit an event to every subscription, deliver with a signature, retry
with exponential backoff (the task backend never retries by itself)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cordee.core.scheduler import retention_cutoff
from cordee.integrations.delivery import deliver_webhook
from cordee.integrations.models import (
    DeliveryStatus,
    IncomingRequest,
    WebhookDelivery,
    WebhookFormat,
    WebhookSubscription,
)
from cordee.tenancy.models import Workspace


def webhook_payload(
    fmt: str, *, event: str, text: str, data: dict[str, Any], url: str = ""
) -> dict[str, Any]:
    """The body for one format: Slack (``text``), Teams (MessageCard) or Cordée's signed JSON."""
    if fmt == WebhookFormat.SLACK:
        return {"text": f"{text} <{url}|↗>" if url else text}
    if fmt == WebhookFormat.TEAMS:
        card: dict[str, Any] = {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": text[:120],
            "text": text,
        }
        if url:
            card["potentialAction"] = [
                {"@type": "OpenUri", "name": "Cordée", "targets": [{"os": "default", "uri": url}]}
            ]
        return card
    return {"event": event, "text": text, "url": url, "data": data}


def webhook_subscribers(
    *, workspace_id: int, event: str, pod_ids: Iterable[int] | None = None
) -> list[WebhookSubscription]:
    """The workspace's active subscriptions to ``event``: THE routing per pod. A subscription
    naming pods carries only the events of those pods (``pod_ids``: the pods an event concerns);
    one naming none carries every event, the workspace's and every pod's."""
    concerned = set(pod_ids or ())
    rows = WebhookSubscription.objects.filter(
        workspace_id=workspace_id, is_active=True
    ).prefetch_related("pods")
    return [
        s
        for s in rows
        if event in (s.events or [])
        and (not (routed := {p.pk for p in s.pods.all()}) or routed & concerned)
    ]


def webhook_emit(
    *,
    workspace: Workspace,
    event: str,
    text: str,
    data: dict[str, Any],
    url: str = "",
    subscriptions: list[WebhookSubscription] | None = None,
    at: dt.datetime | None = None,
    pod_ids: Iterable[int] | None = None,
) -> list[WebhookDelivery]:
    """Queue one delivery per active subscription to ``event``; deliveries start after commit.
    Callers announcing many events at once pass the ``subscriptions`` they read once; ``at`` is
    when the event happened (default: now; kept as the creation time when history is replayed);
    ``pod_ids``: the pods the event concerns, for the subscriptions routed to some pods."""
    at = at or timezone.now()
    if subscriptions is None:
        subscriptions = webhook_subscribers(workspace_id=workspace.pk, event=event, pod_ids=pod_ids)
    deliveries = [
        WebhookDelivery(
            workspace=workspace,
            subscription=s,
            event=event,
            payload=webhook_payload(s.format, event=event, text=text, data=data, url=url),
            next_attempt_at=at,
            created_at=at,
        )
        for s in subscriptions
    ]
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        transaction.on_commit(partial(deliver_webhook.enqueue, delivery.pk))
    return deliveries


def logs_prune(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete the incoming requests received more than the retention ago (their idempotency
    keys go with them: a key replayed later is a new request) and the outgoing deliveries
    created before it that are finished (delivered or failed; pending ones still have attempts
    to make). The retention is the workspace's ``log_retention_days``, or the instance's
    ``LOG_RETENTION_DAYS`` for a workspace that keeps the default. Returns how many of each
    were deleted."""
    now = now or timezone.now()
    chosen = dict(
        Workspace.objects.filter(log_retention_days__isnull=False).values_list(
            "pk", "log_retention_days"
        )
    )
    by_days: dict[int, list[int]] = {}
    for workspace_id, days in chosen.items():
        by_days.setdefault(int(days or 0), []).append(workspace_id)
    scopes = [(~Q(workspace_id__in=list(chosen)), retention_cutoff(now))]
    scopes += [
        (Q(workspace_id__in=ids), now - dt.timedelta(days=days)) for days, ids in by_days.items()
    ]
    requests = deliveries = 0
    for scope, older_than in scopes:
        requests += IncomingRequest.objects.filter(scope, received_at__lt=older_than).delete()[0]
        deliveries += WebhookDelivery.objects.filter(
            scope,
            created_at__lt=older_than,
            status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED],
        ).delete()[0]
    return {"incoming_requests": requests, "webhook_deliveries": deliveries}
