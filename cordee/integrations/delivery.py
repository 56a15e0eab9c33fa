"""Delivering one outgoing webhook: the signed POST, its retries with back-off, and the task that
makes each attempt (it re-enqueues itself until delivered or out of attempts)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.client
import json
import socket
import ssl

from django.utils import timezone
from django_tasks import task

from cordee.integrations.destinations import (
    DestinationRefused,
    destination_post,
    destination_resolve,
)
from cordee.integrations.models import DeliveryError, DeliveryStatus, WebhookDelivery

MAX_ATTEMPTS = 6


BASE_DELAY = dt.timedelta(seconds=30)


TIMEOUT_SECONDS = 10


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def webhook_deliver(*, delivery_id: int, now: dt.datetime | None = None) -> WebhookDelivery:
    """One attempt. 2xx → delivered; otherwise retried after 30 s × 2^(attempt−1), up to
    ``MAX_ATTEMPTS``, then failed. A destination on the server's own network is refused and
    the delivery fails at once (see ``integrations.destinations``). Returns the delivery as it
    now stands."""
    now = now or timezone.now()
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    body = json.dumps(delivery.payload, ensure_ascii=False).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Cordee-Webhooks/1",
        "X-Cordee-Event": delivery.event,
        "X-Cordee-Delivery": str(delivery.pk),
        "X-Cordee-Signature": signature(delivery.subscription.secret, body),
    }
    delivery.attempts += 1
    ok, final = _attempt(delivery, body, headers)
    if ok:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.DELIVERED,
            now,
            None,
        )
    elif final or delivery.attempts >= MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
    else:
        delivery.next_attempt_at = now + BASE_DELAY * (2 ** (delivery.attempts - 1))
    delivery.save()
    if delivery.status == DeliveryStatus.PENDING and delivery.next_attempt_at:
        deliver_webhook.using(run_after=delivery.next_attempt_at).enqueue(delivery.pk)
    return delivery


def _attempt(delivery: WebhookDelivery, body: bytes, headers: dict[str, str]) -> tuple[bool, bool]:
    """Make the request and note its outcome on ``delivery`` as a code (+ params) and, for an
    allowed destination only, the answer's own words. Returns (delivered, no retry)."""
    delivery.last_status_code, delivery.last_error, delivery.last_error_params = None, "", {}
    try:
        destination = destination_resolve(delivery.subscription.url)
        answer = destination_post(destination, body=body, headers=headers, timeout=TIMEOUT_SECONDS)
    except DestinationRefused as exc:
        # nothing of the refused host's network is kept: not its address, not an error text
        delivery.last_error_code = DeliveryError.REFUSED
        delivery.last_error_params = {"host": exc.host}
        return False, True
    except socket.gaierror:
        delivery.last_error_code = DeliveryError.UNRESOLVED
        return False, False
    except TimeoutError:
        delivery.last_error_code = DeliveryError.TIMEOUT
        return False, False
    except ssl.SSLError as exc:
        delivery.last_error_code, delivery.last_error = DeliveryError.TLS, str(exc)[:300]
        return False, False
    except (OSError, http.client.HTTPException) as exc:
        delivery.last_error_code, delivery.last_error = DeliveryError.CONNECTION, str(exc)[:300]
        return False, False
    delivery.last_status_code = answer.status
    if 200 <= answer.status < 300:
        delivery.last_error_code = ""
        return True, False
    # a redirect is an answer like any other failure: following it could lead anywhere
    delivery.last_error_code = (
        DeliveryError.REDIRECT if 300 <= answer.status < 400 else DeliveryError.HTTP
    )
    delivery.last_error = answer.reason[:300]
    return False, False


@task()
def deliver_webhook(delivery_id: int) -> str:
    return str(webhook_deliver(delivery_id=delivery_id).status)
