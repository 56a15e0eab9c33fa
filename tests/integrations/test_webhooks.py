"""Outgoing webhooks against a real local receiver: signature, formats, retries with backoff."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cordee.integrations.delivery import MAX_ATTEMPTS, webhook_deliver
from cordee.integrations.models import WebhookDelivery, WebhookSubscription
from cordee.integrations.services import webhook_emit


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    """These receivers listen on 127.0.0.1, which webhooks refuse unless the instance allows it."""
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]


class Receiver:
    """A local HTTP server answering with the queued statuses, recording what it got."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.requests: list[tuple[dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def receiver():
    servers: list[Receiver] = []

    def make(statuses: list[int]) -> Receiver:
        servers.append(Receiver(statuses))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


def _subscribe(personas, url, fmt="json"):
    return WebhookSubscription.objects.create(
        workspace=personas.acme, name="Hook", url=url, format=fmt, events=["sla.breach"]
    )


def test_delivery_is_signed_with_the_subscription_secret(
    personas, receiver, django_capture_on_commit_callbacks
):
    r = receiver([200])
    sub = _subscribe(personas, r.url)
    with django_capture_on_commit_callbacks(execute=False):
        (delivery,) = webhook_emit(
            workspace=personas.acme, event="sla.breach", text="Retard", data={"lead_id": 1}
        )
    delivery = webhook_deliver(delivery_id=delivery.pk)
    headers, body = r.requests[0]
    expected = "sha256=" + hmac.new(sub.secret.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Cordee-Signature"] == expected
    assert headers["X-Cordee-Event"] == "sla.breach"
    assert json.loads(body) == {
        "event": "sla.breach",
        "text": "Retard",
        "url": "",
        "data": {"lead_id": 1},
    }
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)


def test_slack_and_teams_payloads(personas, receiver):
    r = receiver([200, 200])
    _subscribe(personas, r.url, "slack")
    _subscribe(personas, r.url, "teams")
    for d in webhook_emit(
        workspace=personas.acme, event="sla.breach", text="Retard", data={}, url="https://x/l/1"
    ):
        webhook_deliver(delivery_id=d.pk)
    bodies = sorted(
        (json.loads(b) for _, b in r.requests), key=lambda b: "text" not in b or "@type" in b
    )
    assert bodies[0] == {"text": "Retard <https://x/l/1|↗>"}
    assert bodies[1]["@type"] == "MessageCard" and bodies[1]["text"] == "Retard"


def test_failures_are_retried_with_exponential_backoff_then_delivered(personas, receiver):
    r = receiver([500, 503])
    _subscribe(personas, r.url)
    (delivery,) = webhook_emit(workspace=personas.acme, event="sla.breach", text="x", data={})
    t0 = timezone.now()
    first = webhook_deliver(delivery_id=delivery.pk, now=t0)
    assert (first.status, first.attempts, first.last_status_code) == ("pending", 1, 500)
    assert first.next_attempt_at == t0 + dt.timedelta(seconds=30)
    second = webhook_deliver(delivery_id=delivery.pk, now=t0 + dt.timedelta(seconds=31))
    assert second.next_attempt_at == t0 + dt.timedelta(seconds=31 + 60)
    queued = DBTaskResult.objects.filter(
        task_path__endswith="deliver_webhook", run_after__isnull=False
    )
    assert queued.count() == 2
    third = webhook_deliver(delivery_id=delivery.pk)
    assert (third.status, third.attempts, len(r.requests)) == ("delivered", 3, 3)


def test_an_unreachable_receiver_fails_after_the_last_attempt(personas):
    _subscribe(personas, "http://127.0.0.1:9/unreachable")
    (delivery,) = webhook_emit(workspace=personas.acme, event="sla.breach", text="x", data={})
    for _ in range(MAX_ATTEMPTS):
        result = webhook_deliver(delivery_id=delivery.pk)
    assert (result.status, result.attempts, result.next_attempt_at) == (
        "failed",
        MAX_ATTEMPTS,
        None,
    )
    assert result.last_error
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == "failed"


def test_events_go_only_to_subscribers_of_that_workspace(personas):
    _subscribe(personas, "http://127.0.0.1:9/x")
    WebhookSubscription.objects.create(
        workspace=personas.globex, name="Other", url="http://127.0.0.1:9/y", events=["sla.breach"]
    )
    WebhookSubscription.objects.create(
        workspace=personas.acme, name="Wins", url="http://127.0.0.1:9/z", events=["deal.won"]
    )
    deliveries = webhook_emit(workspace=personas.acme, event="sla.breach", text="x", data={})
    assert [d.subscription.name for d in deliveries] == ["Hook"]
