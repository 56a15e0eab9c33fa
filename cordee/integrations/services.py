"""Outgoing webhooks: emit an event to every subscription, deliver with a signature, retry
with exponential backoff (the task backend never retries by itself)."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

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


def webhook_subscribers(*, workspace_id: int, event: str) -> list[WebhookSubscription]:
    """The workspace's active subscriptions to ``event``."""
    return [
        s
        for s in WebhookSubscription.objects.filter(workspace_id=workspace_id, is_active=True)
        if event in (s.events or [])
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
) -> list[WebhookDelivery]:
    """Queue one delivery per active subscription to ``event``; deliveries start after commit.
    Callers announcing many events at once pass the ``subscriptions`` they read once; ``at`` is
    when the event happened (default: now; kept as the creation time when history is replayed)."""
    at = at or timezone.now()
    if subscriptions is None:
        subscriptions = webhook_subscribers(workspace_id=workspace.pk, event=event)
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


def logs_prune(*, older_than: dt.datetime) -> dict[str, int]:
    """Delete the incoming requests received before ``older_than`` (their idempotency keys go
    with them: a key replayed later is a new request) and the outgoing deliveries created before
    it that are finished (delivered or failed; pending ones still have attempts to make).
    Returns how many of each were deleted."""
    requests, _ = IncomingRequest.objects.filter(received_at__lt=older_than).delete()
    deliveries, _ = WebhookDelivery.objects.filter(
        created_at__lt=older_than,
        status__in=[DeliveryStatus.DELIVERED, DeliveryStatus.FAILED],
    ).delete()
    return {"incoming_requests": requests, "webhook_deliveries": deliveries}
