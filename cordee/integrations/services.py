"""Outgoing webhooks: emit an event to every subscription, deliver with a signature, retry
with exponential backoff (the task backend never retries by itself)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from cordee.integrations.models import (
    DeliveryStatus,
    IncomingRequest,
    WebhookDelivery,
    WebhookFormat,
    WebhookSubscription,
)
from cordee.people.models import Workspace

MAX_ATTEMPTS = 6
BASE_DELAY = dt.timedelta(seconds=30)
TIMEOUT_SECONDS = 10


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


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


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
) -> list[WebhookDelivery]:
    """Queue one delivery per active subscription to ``event``; deliveries start after commit.
    Callers announcing many events at once pass the ``subscriptions`` they read once."""
    if subscriptions is None:
        subscriptions = webhook_subscribers(workspace_id=workspace.pk, event=event)
    deliveries = [
        WebhookDelivery(
            workspace=workspace,
            subscription=s,
            event=event,
            payload=webhook_payload(s.format, event=event, text=text, data=data, url=url),
            next_attempt_at=timezone.now(),
        )
        for s in subscriptions
    ]
    WebhookDelivery.objects.bulk_create(deliveries)
    from cordee.integrations.tasks import deliver_webhook

    for delivery in deliveries:
        transaction.on_commit(partial(deliver_webhook.enqueue, delivery.pk))
    return deliveries


def webhook_deliver(*, delivery_id: int, now: dt.datetime | None = None) -> WebhookDelivery:
    """One attempt. 2xx → delivered; otherwise retried after 30 s × 2^(attempt−1), up to
    ``MAX_ATTEMPTS``, then failed. Returns the delivery as it now stands."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    body = json.dumps(delivery.payload, ensure_ascii=False).encode()
    request = urllib.request.Request(
        delivery.subscription.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Cordee-Webhooks/1",
            "X-Cordee-Event": delivery.event,
            "X-Cordee-Delivery": str(delivery.pk),
            "X-Cordee-Signature": signature(delivery.subscription.secret, body),
        },
    )
    delivery.attempts += 1
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            delivery.last_status_code = response.status
            delivery.last_error = ""
        ok = 200 <= (delivery.last_status_code or 0) < 300
    except urllib.error.HTTPError as exc:
        delivery.last_status_code, delivery.last_error, ok = exc.code, str(exc.reason)[:300], False
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        delivery.last_status_code, delivery.last_error, ok = None, str(exc)[:300], False
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.DELIVERED,
            now,
            None,
        )
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.next_attempt_at = now + BASE_DELAY * (2 ** (delivery.attempts - 1))
    delivery.save()
    if delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at:
        from cordee.integrations.tasks import deliver_webhook

        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return delivery


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
