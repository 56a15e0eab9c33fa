"""Language switch, money formatting, the profile's tokens."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from cordee.core.templatetags.cordee import format_money
from cordee.tenancy.models import ApiToken
from tests import factories as f

# these tests read English strings; the French pages have their own test (tests/i18n)
pytestmark = pytest.mark.usefixtures("english_pages")


def test_switching_language_changes_the_page_language_and_is_remembered(client, personas):
    client.force_login(personas.bob)
    assert 'lang="fr"' in client.get("/w/acme/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/w/acme/"})
    assert response.status_code == 302
    assert response["Location"] == "/w/acme/"
    page = client.get("/w/acme/")
    assert 'lang="en"' in page.content.decode()
    assert page["Content-Language"] == "en"
    personas.bob.refresh_from_db()
    assert personas.bob.language == "en"


def test_the_login_page_offers_the_language_switch(client):
    html = client.get("/login/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert 'lang="en"' in client.get("/login/").content.decode()


def test_logging_in_through_the_form_lands_in_the_workspace(client, personas):
    response = client.post(
        "/login/", {"username": "bob@example.fr", "password": "password"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/w/acme/"


def test_money_is_localised_in_the_workspace_currency():
    with translation.override("fr"):
        assert format_money(Decimal("24000"), "EUR") == "24\u00a0000,00\u00a0€"
    with translation.override("en"):
        assert format_money(Decimal("24000"), "EUR") == "€24,000.00"


def test_an_opportunity_shows_its_amount_as_money(client, personas):
    opportunity = f.OpportunityFactory(workspace=personas.acme, amount=Decimal("24000.00"))
    client.force_login(personas.erin)
    client.cookies["django_language"] = "fr"
    html = client.get(f"/w/acme/opportunities/{opportunity.pk}/").content.decode()
    assert "24\u00a0000,00\u00a0€" in html
    client.cookies["django_language"] = "en"
    html = client.get(f"/w/acme/opportunities/{opportunity.pk}/").content.decode()
    assert "€24,000.00" in html


def test_a_token_secret_is_shown_once_then_revoked(client, personas):
    client.force_login(personas.alice)
    response = client.post("/w/acme/profile/", {"name": "Import nocturne"}, follow=True)
    token = ApiToken.objects.get(user=personas.alice)
    html = response.content.decode()
    secret_start = token.key_prefix
    assert "it will not be shown again" in html and secret_start in html
    assert "it will not be shown again" not in client.get("/w/acme/profile/").content.decode()
    client.post(f"/w/acme/profile/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_nobody_revokes_someone_elses_token(client, personas):
    from cordee.people.services import api_token_create

    token, _secret = api_token_create(actor=personas.actor("bob"), name="Bob's")
    client.force_login(personas.alice)
    assert client.post(f"/w/acme/profile/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_profile_saves_the_language_preference(client, personas):
    client.force_login(personas.alice)
    client.post("/w/acme/profile/", {"language": "en"})
    personas.alice.refresh_from_db()
    assert personas.alice.language == "en"
