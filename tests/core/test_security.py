"""HTTP security: the headers every page carries (Content-Security-Policy without inline code,
frame-ancestors, Referrer-Policy, nosniff), HSTS and secure cookies in production (Django's
deployment check, run on the real settings), and the API's rate limit per token."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from cordee.people.services import api_token_create
from tests.fixtures.api import ApiClient, error_fields

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def test_every_page_forbids_inline_code_framing_and_sniffing(personas):
    client = Client()
    client.force_login(personas.rita)
    for path in ("/login/", "/w/acme/", "/w/acme/leads/", "/w/acme/members/"):
        response = (Client() if path == "/login/" else client).get(path)
        assert response.status_code == 200, path
        policy = _directives(response["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"], path
        assert policy["style-src"] == ["'self'"], path  # no 'unsafe-inline', no hash, no nonce
        script = policy["script-src"]
        assert "'self'" in script and not {"'unsafe-inline'", "'unsafe-eval'"} & set(script)
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script_style_or_handler(personas):
    """What the policy refuses is not in the pages either (the browser test sees the rest)."""
    client = Client()
    client.force_login(personas.rita)
    html = client.get("/w/acme/").content.decode()
    assert "<style" not in html and " style=" not in html
    assert "hx-on" not in html and "onchange=" not in html
    # htmx is told not to add its own <style> nor to evaluate code
    assert '"includeIndicatorStyles": false' in html and '"allowEval": false' in html
    for tag in html.split("<script")[1:]:
        assert tag.split(">", 1)[0].count(" src=") == 1, tag[:120]  # every script is a file


def _production_env(tmp_path: Path) -> dict[str, str]:
    """The environment of a production process: DEBUG off, a real key, HTTPS."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "CORDEE_TESTING",
            "DEBUG",
            "SECURE_COOKIES",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",  # the test suite's, refused in deployment
        }
    }
    env.update(
        {
            "SECRET_KEY": "k" * 20 + "9Xq!vZ2#pL7@rT4$wN8%yB3^mC6&hJ1*dF5(gS0)" + "z" * 10,
            "ALLOWED_HOSTS": "cordee.example.com",
            "CORDEE_VAR_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "PYTHONPATH": str(ROOT),
        }
    )
    return env


def test_the_deployment_check_is_clean_with_production_settings(tmp_path):
    """``cordee check --deploy`` on the real settings module, as production runs it: DEBUG
    off, a real key, HTTPS. (A subprocess — 2 to 10 s, most of it importing the project on a
    busy machine — because the settings' defaults are computed once per process.)"""
    result = subprocess.run(
        [sys.executable, "-m", "cordee", "check", "--deploy", "--fail-level", "WARNING"],
        env=_production_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


# what Django's SecurityMiddleware does to a plain-HTTP request, with the settings of the process
_PLAIN_HTTP = """
import django, json
django.setup()
from django.conf import settings
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
security = SecurityMiddleware(lambda request: None)
answers = {}
for path in ("/healthz", "/readyz", "/metrics", "/login/", "/metrics/x"):
    answer = security.process_request(RequestFactory().get(path, HTTP_HOST="cordee.example.com"))
    answers[path] = answer and [answer.status_code, answer["Location"]]
print(json.dumps({"redirect": settings.SECURE_SSL_REDIRECT, "answers": answers}))
"""


def test_production_redirects_pages_to_https_but_not_the_probes_nor_the_metrics(tmp_path):
    """With production settings every page moves to HTTPS, but the probes and the Prometheus
    scraper, which come in plain HTTP from inside the network, are answered there."""
    result = subprocess.run(
        [sys.executable, "-c", _PLAIN_HTTP],
        env={**_production_env(tmp_path), "DJANGO_SETTINGS_MODULE": "cordee.config.settings"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["redirect"] is True
    assert seen["answers"] == {
        "/healthz": None,
        "/readyz": None,
        "/metrics": None,
        "/login/": [301, "https://cordee.example.com/login/"],
        "/metrics/x": [301, "https://cordee.example.com/metrics/x"],
    }


def test_metrics_in_plain_http_behind_the_https_redirect_still_want_the_token(db, settings):
    """The exemption lets the scraper in over HTTP; the token is still checked there."""
    settings.METRICS_TOKEN = "scrape-me"
    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()
        refused = client.get("/metrics")
        wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer not-it")
        scraped = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-me")
    assert refused.status_code == 401 and wrong.status_code == 401
    assert scraped.status_code == 200
    assert "cordee_http_requests_total" in scraped.content.decode()


# -- the API's rate limit ------------------------------------------------------------------------


@pytest.fixture
def tokens(personas):
    cache.clear()
    make = lambda name: ApiClient(  # noqa: E731
        {"Authorization": f"Bearer {api_token_create(actor=personas.actor(name), name='t')[1]}"}
    )
    yield make
    cache.clear()


@override_settings(API_RATE_LIMIT="3/min")
def test_a_token_past_its_limit_gets_429_with_retry_after(tokens):
    bob = tokens("bob")
    assert [bob.get("me").status_code for _ in range(3)] == [200, 200, 200]
    response = bob.get("me")
    assert response.status_code == 429
    assert error_fields(response) == {}
    assert response.json()["error"]["code"] == "rate_limited"
    # the window is a minute and the first request was just now: about 60 s to wait
    assert 55 <= int(response["Retry-After"]) <= 60
    assert response["Retry-After"] in response.json()["error"]["message"]


@override_settings(API_RATE_LIMIT="3/min")
def test_other_tokens_keep_their_own_count(tokens):
    bob, bobs_other, alice = tokens("bob"), tokens("bob"), tokens("alice")
    for _ in range(3):
        bob.get("me")
    assert bob.get("me").status_code == 429
    assert bobs_other.get("me").status_code == 200  # a token, not a person, is counted
    assert alice.get("me").status_code == 200


@override_settings(API_RATE_LIMIT="2/min")
def test_a_signed_in_session_is_limited_per_person(tokens, personas):
    client = Client()
    client.force_login(personas.bob)
    session = ApiClient({"X-Cordee-Workspace": "acme"}, client=client)
    assert [session.get("me").status_code for _ in range(3)] == [200, 200, 429]
    assert tokens("bob").get("me").status_code == 200


@override_settings(API_RATE_LIMIT="")
def test_no_limit_when_none_is_set(tokens):
    bob = tokens("bob")
    assert {bob.get("me").status_code for _ in range(5)} == {200}


def test_over_https_pages_redirect_but_the_probes_answer_in_plain_http(db):
    """Load balancers and orchestrators probe in plain HTTP behind the TLS proxy: /healthz and
    /readyz answer there (readiness 503 here: no worker runs), every page moves to HTTPS."""
    from django.test import Client, override_settings

    with override_settings(SECURE_SSL_REDIRECT=True):
        client = Client()
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 503
        page = client.get("/login/")
    assert page.status_code == 301 and page["Location"] == "https://testserver/login/"
