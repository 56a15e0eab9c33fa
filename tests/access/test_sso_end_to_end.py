"""Single sign-on end to end, against a real OpenID Connect provider (django-oauth-toolkit)
started in a second process: Cordée's login → the provider's authorize endpoint → its login
form → its consent page → Cordée's callback, which fetches the discovery document, exchanges the
code (PKCE) for tokens, checks the ID token against the provider's keys and reads the userinfo
endpoint — all over HTTP between the two processes. Nothing of the protocol is mocked.

The browser's side is played by ``requests`` on the provider and Django's test client on
Cordée, each following the other's redirects."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from cordee.core.models import AuditEntry
from cordee.tenancy.models import Membership, User

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "cordee-test-client"
CLIENT_SECRET = "a-secret-only-these-tests-know"
CALLBACK = "http://testserver/oidc/callback/"
PASSWORD = "provider-password"
USERS = [
    # in two mapped groups: the map's first entry that matches wins (revops before sales)
    {"username": "ana", "email": "Ana.Lefevre@Example.fr", "first_name": "Ana",
     "last_name": "Lefèvre", "groups": ["cordee-sales", "cordee-revops"]},
    {"username": "sam", "email": "sam.roux@example.fr", "first_name": "Sam",
     "last_name": "Roux", "groups": ["cordee-sales", "staff"]},
    {"username": "una", "email": "una.petit@example.fr", "first_name": "Una",
     "last_name": "Petit", "groups": ["staff", "cordee-interns"]},
    # bob is already in Acme (a sales rep); his groups now say marketing
    {"username": "bob", "email": "bob@example.fr", "first_name": "Bob",
     "last_name": "Test", "groups": ["cordee-marketing"]},
]  # fmt: skip


@pytest.fixture(scope="module")
def provider():
    """The provider's issuer URL, while its process runs (ended after the module)."""
    config = {
        "redirect_uri": CALLBACK,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "users": [{**u, "password": PASSWORD} for u in USERS],
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", json.dumps(config)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        if not line:
            process.wait(timeout=10)
            pytest.fail("the OpenID provider did not start:\n" + process.stderr.read())  # type: ignore[union-attr]
        yield json.loads(line)["issuer"]
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(settings, provider, personas):
    settings.OIDC_ISSUER = provider
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Acme ID"
    settings.OIDC_WORKSPACE = "acme"
    settings.OIDC_ROLE_MAP = (
        "cordee-revops=revops_admin, cordee-sales=sales_rep, cordee-marketing=marketer"
    )
    return personas


class _Forms(HTMLParser):
    """The forms of a page: their action and their inputs' names and values."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": {}})
        elif tag == "input" and self.forms and a.get("name") and a.get("type") != "submit":
            self.forms[-1]["fields"][a["name"]] = a.get("value") or ""


def _forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _sign_in_at_provider(cordee: Client, username: str) -> requests.Response:
    """From Cordée's login page to the provider's answer (a redirect to Cordée's callback)."""
    login_page = cordee.get(reverse("login"))
    assert re.search(r'id="sso-sign-in"[^>]*>[^<]*Acme ID<', login_page.content.decode())
    start = cordee.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    browser = requests.Session()
    # the provider asks who we are
    page = browser.get(start["Location"], timeout=10)
    assert urlsplit(page.url).path == "/accounts/login/", page.url
    form = _forms(page.text)[0]["fields"]
    page = browser.post(
        page.url,
        data={**form, "username": username, "password": PASSWORD},
        timeout=10,
    )
    # …then whether Cordée may know it: the consent page
    assert urlsplit(page.url).path == "/o/authorize/", page.text[:500]
    consent = _forms(page.text)[0]["fields"]
    assert consent["client_id"] == CLIENT_ID and "nonce" in consent
    answer = browser.post(
        page.url, data={**consent, "allow": "Authorize"}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(CALLBACK)
    return answer


def _callback(cordee: Client, answer: requests.Response):
    parts = urlsplit(answer.headers["Location"])
    return cordee.get(f"{parts.path}?{parts.query}")


def test_sign_in_creates_the_person_with_the_first_mapped_role(sso):
    cordee = Client()
    cordee.cookies["django_language"] = "en"
    back = _callback(cordee, _sign_in_at_provider(cordee, "ana"))
    assert back.status_code == 302 and back["Location"] == reverse("home")
    user = User.objects.get(email="ana.lefevre@example.fr")  # matched normalized
    assert (user.first_name, user.last_name) == ("Ana", "Lefèvre")
    assert not user.has_usable_password()
    membership = Membership.objects.get(user=user, workspace=sso.acme)
    assert membership.role == "revops_admin" and membership.is_active
    # signed in: the workspace opens
    assert cordee.get(reverse("workspace_home", args=["acme"])).status_code == 200
    entry = AuditEntry.objects.get(target="membership", target_id=membership.pk)
    assert (entry.action, entry.by, entry.by_label) == ("create", "rule", "sso")
    # a session of single sign-on ends with the account
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert cordee.get(reverse("workspace_home", args=["acme"])).status_code == 302
    assert entry.after == {"user": user.pk, "role": "revops_admin", "is_active": True}


def test_a_second_sign_in_follows_the_groups_and_audits_the_role_change(sso):
    cordee = Client()
    assert Membership.objects.get(user=sso.bob, workspace=sso.acme).role == "sales_rep"
    back = _callback(cordee, _sign_in_at_provider(cordee, "bob"))
    assert back.status_code == 302
    membership = Membership.objects.get(user=sso.bob, workspace=sso.acme)
    assert membership.role == "marketer"
    entry = AuditEntry.objects.get(target="membership", target_id=membership.pk)
    assert (entry.action, entry.before, entry.after) == (
        "update",
        {"role": "sales_rep"},
        {"role": "marketer"},
    )
    assert User.objects.filter(email="bob@example.fr").count() == 1  # the same person


def test_groups_that_map_to_no_role_are_refused_without_a_membership(sso):
    cordee = Client()
    cordee.cookies["django_language"] = "en"
    refused = _callback(cordee, _sign_in_at_provider(cordee, "una"))
    assert refused.status_code == 403
    text = refused.content.decode()
    assert "Signing in with Acme ID did not work" in text
    assert "none of the groups that give a role" in text
    assert not User.objects.filter(email="una.petit@example.fr").exists()
    assert not Membership.objects.filter(user__email="una.petit@example.fr").exists()
    assert cordee.get(reverse("workspace_home", args=["acme"])).status_code == 302  # to login


def test_a_deactivated_membership_stays_refused(sso):
    Membership.objects.filter(user=sso.bob, workspace=sso.acme).update(is_active=False)
    cordee = Client()
    cordee.cookies["django_language"] = "fr"
    refused = _callback(cordee, _sign_in_at_provider(cordee, "bob"))
    assert refused.status_code == 403
    assert "Votre accès à cet espace de travail a pris fin" in refused.content.decode()
    membership = Membership.objects.get(user=sso.bob, workspace=sso.acme)
    assert (membership.is_active, membership.role) == (False, "sales_rep")


def test_a_forged_answer_is_not_accepted(sso):
    """A code the provider never gave, with a state of this session: the token endpoint
    refuses it and nobody is signed in."""
    cordee = Client()
    answer = _sign_in_at_provider(cordee, "sam")
    parts = urlsplit(answer.headers["Location"])
    query = "&".join(
        "code=not-a-code" if p.startswith("code=") else p for p in parts.query.split("&")
    )
    response = cordee.get(f"{parts.path}?{query}")
    assert response.status_code == 502
    assert not User.objects.filter(email="sam.roux@example.fr").exists()


def test_the_login_page_offers_no_provider_when_none_is_configured(db):
    page = Client().get(reverse("login"))
    assert "sso-sign-in" not in page.content.decode()
    assert Client().get(reverse("oidc_authentication_init"))["Location"] == reverse("login")


def test_two_factor_sign_in_still_applies_after_the_provider(sso):
    TOTPDevice.objects.create(user=sso.bob, name="app", confirmed=True)
    cordee = Client()
    back = _callback(cordee, _sign_in_at_provider(cordee, "bob"))
    assert back.status_code == 302
    page = cordee.get(reverse("workspace_home", args=["acme"]))
    assert page.status_code == 302 and page["Location"].startswith(reverse("two_factor_verify"))
