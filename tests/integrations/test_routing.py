"""Webhooks routed per pod: written through the API and the page (RevOps), and a win of pod A
reaching the webhook routed to A, not the one routed to B; an unrouted webhook gets both."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client

from cordee.core.models import AuditEntry
from cordee.funnel.models import OpportunityStage
from cordee.integrations.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from cordee.wins.posts import posts_scan
from tests import factories as f
from tests.fixtures.api import error_fields

HOOK = "https://hooks.example.com/"


def _hook(ws, name, pods=()):
    hook = WebhookSubscription.objects.create(
        workspace=ws, name=name, url=HOOK + name, events=[WebhookEvent.WIN_POSTED]
    )
    hook.pods.set(pods)
    return hook


def test_a_win_reaches_the_webhooks_routed_to_its_pod_and_the_unrouted_ones(
    personas, django_capture_on_commit_callbacks
):
    ws = personas.acme
    a, b = f.PodFactory(workspace=ws, name="A"), f.PodFactory(workspace=ws, name="B")
    to_a, to_b, everything = _hook(ws, "a", [a]), _hook(ws, "b", [b]), _hook(ws, "all")
    for pod in (a, b):
        f.OpportunityFactory(
            workspace=ws,
            pod=pod,
            owner=personas.bob,
            amount=Decimal("20000"),
            stage=OpportunityStage.WON,
            close_date=dt.date(2026, 4, 1),
        )
    with django_capture_on_commit_callbacks(execute=True):
        posts_scan(ws, now=dt.datetime(2026, 4, 1, 18, tzinfo=ws.zone))
    got = {
        hook: sorted(
            d.payload["data"]["pod_id"] for d in WebhookDelivery.objects.filter(subscription=hook)
        )
        for hook in (to_a, to_b, everything)
    }
    assert got == {to_a: [a.pk], to_b: [b.pk], everything: sorted([a.pk, b.pk])}


def test_the_api_routes_a_webhook_to_pods(personas, api_as):
    ws = personas.acme
    a = f.PodFactory(workspace=ws, name="A")
    theirs = f.PodFactory(workspace=personas.globex, name="G")
    rita = api_as("rita")
    body = {"name": "Pod A", "url": HOOK + "a", "events": ["win.posted"], "pods": [a.pk]}
    created = rita.post("webhooks", body)
    assert created.status_code == 201, created.content
    assert created.json()["pods"] == [a.pk]
    pk = created.json()["id"]
    assert rita.get(f"webhooks/{pk}").json()["pods"] == [a.pk]
    assert AuditEntry.objects.filter(target="webhooks", target_id=pk, action="update").exists()
    refused = rita.patch(f"webhooks/{pk}", {"pods": [theirs.pk]})
    assert refused.status_code == 422
    assert "pods" in error_fields(refused)
    assert rita.patch(f"webhooks/{pk}", {"pods": []}).json()["pods"] == []
    assert api_as("dave").post("webhooks", body).status_code == 403
    listed = rita.get("webhooks").json()
    assert [w["pods"] for w in listed["items"]] == [[]]


def test_the_page_routes_a_webhook_to_pods(personas):
    ws = personas.acme
    a, b = f.PodFactory(workspace=ws, name="A"), f.PodFactory(workspace=ws, name="B")
    client = Client()
    client.force_login(personas.rita)
    response = client.post(
        "/w/acme/settings/webhooks/new/",
        {
            "name": "Pods",
            "url": HOOK + "pods",
            "format": "json",
            "events": ["win.posted"],
            "pods": [a.pk, b.pk],
            "is_active": "on",
        },
        secure=True,
    )
    assert response.status_code == 302, response.content
    hook = WebhookSubscription.objects.get(name="Pods")
    assert set(hook.pods.values_list("pk", flat=True)) == {a.pk, b.pk}
    page = client.get(f"/w/acme/settings/webhooks/{hook.pk}/edit/", secure=True)
    assert page.status_code == 200
    assert f'value="{a.pk}"' in page.content.decode()
    detail = client.get(f"/w/acme/settings/webhooks/{hook.pk}/", secure=True).content.decode()
    assert "A, B" in detail
