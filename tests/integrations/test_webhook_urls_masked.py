"""A webhook's URL is a bearer secret (issue 15): RevOps reads it whole; every other member sees
only its scheme and host, on the API's list and detail, the pages and the CSV export, and cannot
find it by searching."""

from __future__ import annotations

import pytest
from django.test import Client

from cordee.integrations.models import WebhookSubscription
from cordee.integrations.selectors import url_masked, webhooks_shown

SLACK = "https://hooks.slack.com/services/T0CORDEE/B0SALES/xoxbSecretPart42"
MASKED = "https://hooks.slack.com/…"


@pytest.fixture
def hook(personas):
    return WebhookSubscription.objects.create(
        workspace=personas.acme, name="Canal ventes", url=SLACK, events=["deal.won"]
    )


def _page(user, path: str, **params: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/w/acme/settings/webhooks/{path}", params)
    assert response.status_code == 200
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


def test_a_sales_rep_reads_only_the_start_of_the_url_on_the_api(personas, hook, api_as):
    bob = api_as("bob")
    listed = bob.get("webhooks")
    one = bob.get(f"webhooks/{hook.pk}")
    assert (listed.status_code, one.status_code) == (200, 200)
    assert [h["url"] for h in listed.json()["items"]] == [MASKED]
    assert one.json()["url"] == MASKED
    assert "T0CORDEE" not in listed.content.decode() + one.content.decode()


def test_revops_reads_the_whole_url_on_the_api(personas, hook, api_as):
    rita = api_as("rita")
    assert [h["url"] for h in rita.get("webhooks").json()["items"]] == [SLACK]
    assert rita.get(f"webhooks/{hook.pk}").json()["url"] == SLACK


def test_a_sales_rep_reads_only_the_start_of_the_url_on_the_pages_and_the_csv(personas, hook):
    for path in ("", f"{hook.pk}/", "export/"):
        shown = _page(personas.bob, path)
        assert "Canal ventes" in shown, path
        assert MASKED in shown, path
        assert "T0CORDEE" not in shown and "xoxbSecretPart42" not in shown, path


def test_revops_reads_the_whole_url_on_the_pages_and_the_csv(personas, hook):
    for path in ("", f"{hook.pk}/", "export/"):
        assert SLACK in _page(personas.rita, path), path


def test_a_url_cannot_be_found_by_searching_for_part_of_it(personas, hook):
    # a search that matches would tell a sales rep the URL one character at a time
    assert "Canal ventes" not in _page(personas.bob, "", q="T0CORDEE")
    assert "Canal ventes" in _page(personas.bob, "", q="ventes")


def test_a_masked_webhook_cannot_be_saved_over_the_real_url(personas, hook):
    (row,) = webhooks_shown(personas.actor("bob"), WebhookSubscription.objects.all())
    assert row.url == MASKED
    with pytest.raises(ValueError):
        row.save()
    hook.refresh_from_db()
    assert hook.url == SLACK


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "https://outlook.office.com/webhook/abc@def/IncomingWebhook/1/2",
            "https://outlook.office.com/…",
        ),
        (
            "https://user:password@hooks.example.com:8443/x?token=1",
            "https://hooks.example.com:8443/…",
        ),
        ("http://[2001:db8::1]/hook", "http://[2001:db8::1]/…"),
        ("not a url", "…"),
    ],
)
def test_the_mask_keeps_the_scheme_and_host_only(url, shown):
    assert url_masked(url) == shown


def test_the_audit_log_of_webhooks_is_read_by_revops_only(personas, api_as):
    # the log keeps what changed, URL included: its one reader is RevOps (audit.read)
    body = {"name": "Canal", "url": SLACK, "events": ["deal.won"]}
    assert api_as("rita").post("webhooks", body).status_code == 201
    assert api_as("bob").get("audit", {"target": "webhooks"}).status_code == 403
    (entry,) = api_as("rita").get("audit", {"target": "webhooks"}).json()["items"]
    assert entry["after"]["url"] == SLACK
