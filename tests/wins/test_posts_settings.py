"""The wall's threshold: the service (RevOps, audited), the API and the settings page; a post's
journey through the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cordee.core.errors import PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.wins.models import PostKind, WallSettings, WinPost
from cordee.wins.posts import posts_scan, wall_settings_set
from tests.fixtures.api import error_fields
from tests.wins.test_posts import _lock, make_journey


def test_revops_sets_the_threshold_and_it_is_audited(personas):
    wall_settings_set(actor=personas.actor("rita"), threshold=Decimal("10000"))
    assert WallSettings.objects.get(workspace=personas.acme).threshold == Decimal("10000")
    entry = AuditEntry.objects.get(workspace=personas.acme, target="wall-settings")
    assert entry.action == "update"
    assert entry.after == {"threshold": "10000"}


def test_only_revops_sets_the_threshold(personas):
    with pytest.raises(PermissionDenied):
        wall_settings_set(actor=personas.actor("dave"), threshold=Decimal("1"))


@pytest.mark.parametrize("value", ["-1", "10.001", "abc"])
def test_a_threshold_must_be_an_amount(personas, value):
    with pytest.raises(ValidationFailed) as raised:
        wall_settings_set(actor=personas.actor("rita"), threshold=value)
    assert set(raised.value.field_errors) == {"threshold"}


def test_the_api_reads_and_sets_the_threshold(personas, api_as):
    assert api_as("bob").get("wins/settings").json() == {"threshold": "0", "currency": "EUR"}
    answer = api_as("rita")._call("put", "wins/settings", {"threshold": "12500.50"})
    assert answer.status_code == 200, answer.content
    assert Decimal(answer.json()["threshold"]) == Decimal("12500.50")
    assert api_as("dave")._call("put", "wins/settings", {"threshold": "1"}).status_code == 403
    refused = api_as("rita")._call("put", "wins/settings", {"threshold": "-5"})
    assert refused.status_code == 422
    assert "threshold" in error_fields(refused)
    assert api_as("carol").get("wins/settings").json()["threshold"] == "0"  # Globex's own


def test_the_api_tells_a_posts_journey(personas, api_as):
    j = make_journey(personas)
    _lock(personas.acme, "linear")
    posts_scan(personas.acme, now=dt.datetime(2026, 4, 11, tzinfo=dt.UTC))
    post = WinPost.objects.get(kind=PostKind.DEAL_WON)
    body = api_as("erin").get(f"wins/posts/{post.pk}/journey").json()
    assert body["locked"] is True
    assert len(body["lines"]) == 7
    shares = {c["id"]: Decimal(c["share"]) for c in body["campaigns"]}
    assert shares == {j["a"].pk: Decimal("0.666667"), j["b"].pk: Decimal("0.333333")}
    assert api_as("carol").get(f"wins/posts/{post.pk}/journey").status_code == 404


def test_the_settings_page_saves_the_threshold(personas, client):
    client.force_login(personas.rita)
    url = "/w/acme/wins/settings/"
    assert client.get(url, secure=True).status_code == 200
    answer = client.post(url, {"threshold": "8000"}, secure=True)
    assert answer.status_code == 302
    assert WallSettings.objects.get(workspace=personas.acme).threshold == Decimal("8000")
    assert client.post(url, {"threshold": "-1"}, secure=True).status_code == 422


def test_the_settings_page_is_revops_only(personas, client):
    client.force_login(personas.dave)
    assert client.get("/w/acme/wins/settings/", secure=True).status_code == 403
    client.force_login(personas.carol)
    assert client.get("/w/acme/wins/settings/", secure=True).status_code == 404
