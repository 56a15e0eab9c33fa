"""Outgoing webhooks never reach the server's own network (issue 15): loopback, private,
link-local and multicast destinations are refused when a webhook is saved and again at each
delivery (the host's addresses as resolved then, every one of them), redirects are not
followed, the instance may allow-list networks and hosts, and a refusal is logged as a code,
never with what answered.

No test here sends a byte off this machine: ``no_traffic_off_loopback`` refuses (and records)
every connection to any other address, so that code which forgot the rule fails here instead
of reaching 10.x or the metadata service."""

from __future__ import annotations

import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from cordee.integrations.delivery import webhook_deliver
from cordee.integrations.destinations import DestinationRefused, destination_resolve
from cordee.integrations.models import WebhookDelivery, WebhookSubscription
from cordee.integrations.services import webhook_emit
from tests.fixtures.api import error_fields


class Receiver:
    """A server on 127.0.0.1 answering every POST with ``status`` (and ``location``)."""

    def __init__(self, status: int = 200, location: str = "") -> None:
        self.requests: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(self.path)
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self) -> None:  # a followed redirect arrives as a GET
                receiver.requests.append(f"GET {self.path}")
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()


@pytest.fixture
def receiver():
    made: list[Receiver] = []

    def make(status: int = 200, location: str = "") -> Receiver:
        made.append(Receiver(status, location))
        return made[-1]

    yield make
    for r in made:
        r.server.shutdown()


@pytest.fixture(autouse=True)
def no_traffic_off_loopback(monkeypatch):
    """Every TCP connection attempted, as (host, port); any but to 127.0.0.1 is refused."""
    attempts: list[tuple[str, int]] = []
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6):
            attempts.append((address[0], address[1]))
            if address[0] != "127.0.0.1":
                raise ConnectionRefusedError(111, "refused by the test")
        real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return attempts


@pytest.fixture
def resolving(monkeypatch):
    """``resolving({"hooks.example.test": ["127.0.0.1"]})``: those names resolve to those
    addresses (the others as usual)."""
    real = socket.getaddrinfo

    def install(names: dict[str, list[str]]) -> None:
        def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
            if host in names:
                return [
                    (
                        socket.AF_INET6 if ":" in ip else socket.AF_INET,
                        socket.SOCK_STREAM,
                        socket.IPPROTO_TCP,
                        "",
                        (ip, int(port)),
                    )
                    for ip in names[host]
                ]
            return real(host, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    return install


def _delivery(personas, url: str) -> WebhookDelivery:
    # as a row saved before the check existed (or typed as a host name): straight to the table
    WebhookSubscription.objects.create(
        workspace=personas.acme, name="Hook", url=url, events=["sla.breach"]
    )
    (delivery,) = webhook_emit(workspace=personas.acme, event="sla.breach", text="x", data={})
    return delivery


def _refused(delivery: WebhookDelivery, host: str) -> None:
    """Failed at once, logged as refused naming the host typed, nothing of any answer kept."""
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 1, None)
    assert (delivery.last_error_code, delivery.last_error_params) == ("refused", {"host": host})
    assert (delivery.last_status_code, delivery.last_error) == (None, "")


# -- at delivery ----------------------------------------------------------------------------------


def test_a_webhook_to_loopback_is_refused_and_nothing_is_sent(
    personas, receiver, no_traffic_off_loopback
):
    r = receiver()
    delivery = webhook_deliver(delivery_id=_delivery(personas, f"http://127.0.0.1:{r.port}/").pk)
    _refused(delivery, "127.0.0.1")
    assert r.requests == [] and no_traffic_off_loopback == []


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("http://10.20.30.40/hook", "10.20.30.40"),  # private
        ("http://192.168.1.1:8080/admin", "192.168.1.1"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),  # cloud metadata
        ("http://[::1]:8000/hook", "::1"),
        ("http://[::ffff:10.0.0.1]/hook", "::ffff:10.0.0.1"),  # IPv4 inside IPv6
        ("http://0.0.0.0:8000/hook", "0.0.0.0"),
        ("http://239.1.2.3/hook", "239.1.2.3"),  # multicast
    ],
)
def test_internal_addresses_are_refused_without_connecting(
    personas, no_traffic_off_loopback, url, host
):
    delivery = webhook_deliver(delivery_id=_delivery(personas, url).pk)
    _refused(delivery, host)
    assert no_traffic_off_loopback == []


def test_a_host_name_resolving_to_loopback_is_refused(
    personas, receiver, resolving, no_traffic_off_loopback
):
    r = receiver()
    resolving({"hooks.example.test": ["127.0.0.1"]})
    delivery = webhook_deliver(
        delivery_id=_delivery(personas, f"http://hooks.example.test:{r.port}/x").pk
    )
    _refused(delivery, "hooks.example.test")
    assert r.requests == [] and no_traffic_off_loopback == []


def test_one_internal_address_among_a_hosts_addresses_refuses_it(resolving):
    resolving({"mixed.example.test": ["8.8.8.8", "10.0.0.7"]})
    with pytest.raises(DestinationRefused):
        destination_resolve("https://mixed.example.test/hook")


def test_a_redirect_is_not_followed_even_to_the_metadata_service(
    personas, receiver, settings, no_traffic_off_loopback
):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.1"]
    r = receiver(302, location="http://169.254.169.254/latest/meta-data/")
    delivery = webhook_deliver(delivery_id=_delivery(personas, f"http://127.0.0.1:{r.port}/").pk)
    # a failed attempt with its status, retried like any other
    assert (delivery.status, delivery.last_status_code, delivery.last_error_code) == (
        "pending",
        302,
        "redirect",
    )
    assert r.requests == ["/"]
    assert no_traffic_off_loopback == [("127.0.0.1", r.port)]


def test_the_instance_allow_list_lets_a_network_through(personas, receiver, settings):
    r = receiver()
    url = f"http://127.0.0.1:{r.port}/in"
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.0.0.0/8"]  # another network: still refused
    _refused(webhook_deliver(delivery_id=_delivery(personas, url).pk), "127.0.0.1")
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.0.0.0/8", "127.0.0.0/8"]
    (again,) = webhook_emit(workspace=personas.acme, event="sla.breach", text="y", data={})
    delivered = webhook_deliver(delivery_id=again.pk)
    assert (delivered.status, delivered.last_status_code, r.requests) == ("delivered", 200, ["/in"])


def test_an_allow_listed_host_name_is_reached_at_the_address_checked(
    personas, receiver, resolving, settings, no_traffic_off_loopback
):
    r = receiver()
    resolving({"hooks.internal": ["127.0.0.1"]})
    settings.WEBHOOK_ALLOWED_NETWORKS = ["hooks.internal"]
    delivery = webhook_deliver(
        delivery_id=_delivery(personas, f"http://hooks.internal:{r.port}/h").pk
    )
    assert (delivery.status, r.requests) == ("delivered", ["/h"])
    assert no_traffic_off_loopback == [("127.0.0.1", r.port)]


def test_the_log_says_refused_in_the_readers_language_without_any_answer(personas):
    # (up to 4 s when it is the first page a test process renders: the URL map and templates load)
    delivery = webhook_deliver(delivery_id=_delivery(personas, "http://10.0.0.9:22/").pk)
    client = Client()
    client.force_login(personas.rita)
    with translation.override("en"):
        page = client.get(
            f"/w/acme/settings/webhooks/{delivery.subscription_id}/", HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
    assert "Refused: 10.0.0.9 is an address of the server’s own network" in page
    assert "Connection refused" not in page and "Errno" not in page


# -- when a webhook is saved ----------------------------------------------------------------------


REFUSED_URLS = [
    "http://127.0.0.1:8000/hook",
    "http://10.1.2.3/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://localhost:8080/hook",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_the_api_refuses_an_internal_address_naming_the_url_field(personas, api_as, url):
    body = {"name": "Hook", "url": url, "events": ["deal.won"]}
    response = api_as("rita").post("webhooks", body)
    assert response.status_code == 422
    (message,) = error_fields(response)["url"]
    assert "réseau propre au serveur" in message  # the instance speaks French
    assert not WebhookSubscription.objects.exists()


def test_the_api_refuses_a_scheme_other_than_http(personas, api_as):
    body = {"name": "Hook", "url": "ftp://files.example.com/x", "events": ["deal.won"]}
    response = api_as("rita").post("webhooks", body)
    assert response.status_code == 422
    assert "url" in error_fields(response)


def test_the_api_creates_a_public_webhook_and_an_allow_listed_one(personas, api_as, settings):
    rita = api_as("rita")
    body = {"name": "Slack", "url": "https://hooks.slack.com/services/T0/B0/x", "events": []}
    assert rita.post("webhooks", body).status_code == 422  # no event: a field error
    body["events"] = ["deal.won"]
    created = rita.post("webhooks", body)
    assert created.status_code == 201
    assert created.json()["url"] == "https://hooks.slack.com/services/T0/B0/x"
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    internal = {"name": "Intranet", "url": "http://10.1.2.3/hook", "events": ["deal.won"]}
    assert rita.post("webhooks", internal).status_code == 201


def test_the_form_refuses_an_internal_address_on_the_url_field(personas):
    client = Client()
    client.force_login(personas.rita)
    response = client.post(
        "/w/acme/settings/webhooks/new/",
        {
            "name": "Hook",
            "url": "http://169.254.169.254/latest/",
            "format": "json",
            "events": ["deal.won"],
            "is_active": "on",
        },
    )
    assert response.status_code == 422
    assert "169.254.169.254" in response.context["form"].errors["url"][0]
    assert not WebhookSubscription.objects.exists()
