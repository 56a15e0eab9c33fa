"""Delivering one outgoing webhook: the signed POST, its retries with back-off, and the task that
makes each attempt (it re-enqueues itself until delivered or out of attempts)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
import urllib.request

from django.utils import timezone
from django_tasks import task

from cordee.integrations.models import (
    DeliveryStatus,
    WebhookDelivery,
)

MAX_ATTEMPTS = 6


BASE_DELAY = dt.timedelta(seconds=30)


TIMEOUT_SECONDS = 10


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


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
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return delivery


@task()
def deliver_webhook(delivery_id: int) -> str:
    return str(webhook_deliver(delivery_id=delivery_id).status)
