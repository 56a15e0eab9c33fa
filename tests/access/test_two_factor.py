"""Two-factor sign-in: turning it on with a code from the app, signing in with a TOTP code or a
recovery code (once), throttled wrong codes, turning it off, the session API, and a workspace
that requires it of its RevOps admins. The codes are computed from the device's secret with
django-otp's own TOTP function (RFC 6238), independently of the code under test."""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cordee.core.models import AuditEntry
from cordee.people.services import api_token_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("english_pages")


def _code(secret_b32: str, offset: int = 0) -> str:
    key = b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    return f"{totp(key, t0=-offset * 30):06d}"


def _page(client: Client) -> str:
    return reverse("two_factor", args=["acme"])


def _turn_on(client: Client) -> tuple[str, list[str]]:
    """Through the pages: begin, read the key shown, confirm with its code; the secret and the
    recovery codes shown once."""
    client.post(_page(client), {"action": "begin"})
    page = client.get(_page(client)).content.decode()
    assert "<svg" in page  # the QR code, inline
    secret = re.search(r'id="totp-secret"[^>]*>([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    done = client.post(_page(client), {"action": "confirm", "code": _code(secret)})
    assert done.status_code == 302
    page = client.get(_page(client)).content.decode()
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)
    return secret, codes


@pytest.fixture
def alice_on(client, personas):
    """Alice with two-factor sign-in turned on through the pages; then a fresh client."""
    client.force_login(personas.alice)
    secret, codes = _turn_on(client)
    device = TOTPDevice.objects.get(user=personas.alice)
    # a new sign-in may not reuse the code just given (replay): start from a clean time step
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return secret, codes


def _password_sign_in(personas, next_url: str = "") -> tuple[Client, object]:
    client = Client()
    client.cookies["django_language"] = "en"
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    response = client.post(
        url, {"username": "alice@example.fr", "password": PASSWORD, "next": next_url}
    )
    return client, response


def test_turning_on_shows_a_qr_code_the_key_and_ten_recovery_codes_once(client, personas):
    client.force_login(personas.alice)
    assert "Two-factor sign-in is off" in client.get(_page(client)).content.decode()
    secret, codes = _turn_on(client)
    assert len(secret) == 32  # 20 bytes in base 32
    assert len(codes) == 10 and len(set(codes)) == 10
    device = TOTPDevice.objects.get(user=personas.alice)
    assert device.confirmed
    assert sorted(
        StaticToken.objects.filter(device__user=personas.alice).values_list("token", flat=True)
    ) == sorted(codes)
    # shown once: the next visit lists how many are left, not the codes
    page = client.get(_page(client)).content.decode()
    assert "10 recovery codes left." in page and codes[0] not in page
    entry = AuditEntry.objects.get(target="two_factor", action="enable")
    assert (entry.user, entry.before, entry.after) == (
        personas.alice,
        {"two_factor": False},
        {"two_factor": True},
    )


def test_a_wrong_code_does_not_turn_it_on(client, personas):
    client.force_login(personas.alice)
    client.post(_page(client), {"action": "begin"})
    response = client.post(_page(client), {"action": "confirm", "code": "000000"})
    assert response.status_code == 422
    assert "This code is not valid" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=personas.alice, confirmed=True).exists()


def test_sign_in_asks_for_the_code_before_any_page(personas, alice_on):
    secret, _codes = alice_on
    home = reverse("workspace_home", args=["acme"])
    client, response = _password_sign_in(personas, next_url=home)
    # after the password, every page sends to the code page (keeping where one was going)
    assert response.status_code == 302
    blocked = client.get(home)
    assert blocked.status_code == 302 and blocked["Location"].startswith(
        reverse("two_factor_verify")
    )
    assert client.get(reverse("profile", args=["acme"])).status_code == 302
    # the session API refuses too
    api = client.get("/api/v1/me", HTTP_X_CORDEE_WORKSPACE="acme")
    assert api.status_code == 401
    code_page = client.get(blocked["Location"])
    assert code_page.status_code == 200 and "Enter your code" in code_page.content.decode()
    done = client.post(reverse("two_factor_verify"), {"code": _code(secret), "next": home})
    assert done.status_code == 302 and done["Location"] == home
    assert client.get(home).status_code == 200
    assert client.get("/api/v1/me", HTTP_X_CORDEE_WORKSPACE="acme").status_code == 200


def test_an_api_token_is_not_asked_for_a_code(personas, alice_on):
    token_client = Client()
    token_client.force_login(personas.alice)
    created = token_client.post(
        "/api/v1/tokens",
        {"name": "script"},
        content_type="application/json",
        HTTP_X_CORDEE_WORKSPACE="acme",
    )
    # a fresh sign-in owes its code: make the token from a verified session instead
    assert created.status_code == 401
    _token, secret = api_token_create(actor=personas.actor("alice"), name="script")
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200


def test_a_recovery_code_works_once(personas, alice_on):
    _secret, codes = alice_on
    client, _response = _password_sign_in(personas)
    first = client.post(reverse("two_factor_verify"), {"code": codes[0].upper()})
    assert first.status_code == 302
    assert client.get(reverse("workspace_home", args=["acme"])).status_code == 200
    again, _response = _password_sign_in(personas)
    refused = again.post(reverse("two_factor_verify"), {"code": codes[0]})
    assert refused.status_code == 422
    assert "This code is not valid" in refused.content.decode()
    assert StaticToken.objects.filter(device__user=personas.alice).count() == 9


def test_wrong_codes_are_throttled(personas, alice_on):
    secret, _codes = alice_on
    client, _response = _password_sign_in(personas)
    assert client.post(reverse("two_factor_verify"), {"code": "123456"}).status_code in (422, 429)
    # right after a wrong code, even the right one must wait (1 s, then 2 s, 4 s…)
    waiting = client.post(reverse("two_factor_verify"), {"code": _code(secret)})
    assert waiting.status_code == 429
    assert "Too many wrong codes. Wait" in waiting.content.decode()
    assert client.get(reverse("workspace_home", args=["acme"])).status_code == 302
    device = TOTPDevice.objects.get(user=personas.alice)
    assert device.throttling_failure_count == 1
    time.sleep(1.1)
    assert client.post(reverse("two_factor_verify"), {"code": _code(secret)}).status_code == 302


def test_recovery_codes_regenerated_replace_the_old_ones(personas, alice_on):
    _secret, old = alice_on
    client = Client()
    client.force_login(personas.alice)
    # a new sign-in: a code is owed first
    assert client.post(_page(client), {"action": "regenerate"}).status_code == 302
    assert StaticToken.objects.filter(token=old[0]).exists()
    client.post(reverse("two_factor_verify"), {"code": old[0]})
    client.post(_page(client), {"action": "regenerate"})
    new = re.findall(
        r"<li><code>([a-z2-7]{8})</code></li>", client.get(_page(client)).content.decode()
    )
    assert len(new) == 10 and not set(new) & set(old)
    assert not StaticToken.objects.filter(token__in=old).exists()
    assert (
        AuditEntry.objects.filter(target="two_factor", action="recovery_codes_regenerate").count()
        == 1
    )


def test_turning_off_needs_a_code(personas, alice_on):
    secret, codes = alice_on
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(personas.alice)
    client.post(reverse("two_factor_verify"), {"code": codes[1]})
    wrong = client.post(_page(client), {"action": "disable", "code": "000000"})
    assert wrong.status_code == 422
    assert TOTPDevice.objects.filter(user=personas.alice).exists()
    time.sleep(1.1)  # past the throttle of that wrong code
    off = client.post(_page(client), {"action": "disable", "code": _code(secret)})
    assert off.status_code == 302
    assert not TOTPDevice.objects.filter(user=personas.alice).exists()
    assert not StaticToken.objects.filter(device__user=personas.alice).exists()
    entry = AuditEntry.objects.get(target="two_factor", action="disable")
    assert entry.after == {"two_factor": False}
    # the next sign-in asks for no code
    client2, _r = _password_sign_in(personas)
    assert client2.get(reverse("workspace_home", args=["acme"])).status_code == 200


def test_an_admin_of_a_workspace_requiring_it_is_sent_to_set_it_up(client, personas):
    rita_api = Client()
    rita_api.force_login(personas.rita)
    patched = rita_api.patch(
        "/api/v1/workspace",
        {"require_two_factor_for_admins": True},
        content_type="application/json",
        HTTP_X_CORDEE_WORKSPACE="acme",
    )
    assert patched.status_code == 200 and patched.json()["require_two_factor_for_admins"] is True
    # rita, an admin without a device: every page (and the session API) sends her to set-up
    client.force_login(personas.rita)
    for url in (reverse("workspace_home", args=["acme"]), reverse("leads_list", args=["acme"])):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == _page(client)
    assert client.get("/api/v1/me", HTTP_X_CORDEE_WORKSPACE="acme").status_code == 401
    page = client.get(_page(client)).content.decode()
    assert "Acme requires RevOps admins to use two-factor sign-in" in page
    # others are not concerned
    client_b = Client()
    client_b.force_login(personas.bob)
    assert client_b.get(reverse("workspace_home", args=["acme"])).status_code == 200
    # once set up, she reaches everything; and she cannot turn it off
    secret, _codes = _turn_on(client)
    assert client.get(reverse("workspace_home", args=["acme"])).status_code == 200
    time.sleep(0)  # the code below is the next time step's (a code is never accepted twice)
    refused = client.post(_page(client), {"action": "disable", "code": _code(secret, offset=1)})
    assert refused.status_code == 302
    assert TOTPDevice.objects.filter(user=personas.rita, confirmed=True).exists()
