"""Outgoing webhooks end to end: the worker delivers, a receiver checks the signature the way
docs/webhooks.md tells it to, failures come back with growing delays; every event is declared."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cordee.integrations.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from cordee.integrations.services import webhook_emit
from cordee.integrations.views import WebhookForm


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    """These receivers listen on 127.0.0.1, which webhooks refuse unless the instance allows it."""
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]


def verify(secret: str, body: bytes, header: str) -> bool:
    """The receiver's check, as docs/webhooks.md shows it."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


class CheckingReceiver:
    """A local server that accepts only requests signed with ``secret``; it fails the first
    ``failures`` signed requests with a 503."""

    def __init__(self, secret: str, failures: int = 0) -> None:
        self.secret, self.failures = secret, failures
        self.accepted: list[dict[str, Any]] = []
        self.answers: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if not verify(receiver.secret, body, self.headers.get("X-Cordee-Signature", "")):
                    status = 401
                elif receiver.failures:
                    receiver.failures -= 1
                    status = 503
                else:
                    status = 200
                    receiver.accepted.append(json.loads(body))
                receiver.answers.append(status)
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receivers():
    made: list[CheckingReceiver] = []

    def make(secret: str, failures: int = 0) -> CheckingReceiver:
        made.append(CheckingReceiver(secret, failures))
        return made[-1]

    yield make
    for r in made:
        r.server.shutdown()


def _run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, stdout=io.StringIO())


# the worker closes its database connection between tasks: no test transaction around it
@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_with_backoff_until_the_receiver_accepts(
    personas, receivers, django_capture_on_commit_callbacks
):
    sub = WebhookSubscription.objects.create(
        workspace=personas.acme, name="Hook", url="http://x", events=["deal.won"]
    )
    receiver = receivers(sub.secret, failures=2)
    sub.url = receiver.url
    sub.save()
    with django_capture_on_commit_callbacks(execute=True):
        (delivery,) = webhook_emit(
            workspace=personas.acme, event="deal.won", text="Gagné", data={"opportunity_id": 7}
        )
    start = timezone.now()
    _run_worker()  # first attempt: 503; the retry is queued 30 s later, not run now
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, receiver.answers) == ("pending", 1, [503])
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert dt.timedelta(seconds=29) < retry.run_after - start < dt.timedelta(seconds=40)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # 30 s later
    before = timezone.now()
    _run_worker()  # second attempt: 503 again; the delay doubles to 60 s
    retry = DBTaskResult.objects.filter(status="READY").get()
    assert dt.timedelta(seconds=59) < retry.run_after - before < dt.timedelta(seconds=70)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())
    _run_worker()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 3)
    assert receiver.answers == [503, 503, 200]
    assert receiver.accepted == [
        {"event": "deal.won", "text": "Gagné", "url": "", "data": {"opportunity_id": 7}}
    ]


def test_a_receiver_checking_signatures_refuses_a_wrong_secret(personas, receivers):
    from cordee.integrations.delivery import webhook_deliver

    receiver = receivers("the-receivers-idea-of-the-secret")
    WebhookSubscription.objects.create(
        workspace=personas.acme, name="Hook", url=receiver.url, events=["sla.breach"]
    )
    (delivery,) = webhook_emit(workspace=personas.acme, event="sla.breach", text="x", data={})
    result = webhook_deliver(delivery_id=delivery.pk)
    assert (result.status, result.last_status_code) == ("pending", 401)
    assert WebhookDelivery.objects.get().attempts == 1


def test_every_event_of_the_issue_is_declared_and_offered(personas):
    assert set(WebhookEvent.values) >= {"lead.mql", "sla.breach", "feedback.answered", "deal.won"}
    form = WebhookForm(actor=personas.actor("rita"))
    offered = {value for value, _label in form.fields["events"].choices}
    assert offered == set(WebhookEvent.values)
