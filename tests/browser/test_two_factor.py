"""Two-factor sign-in in a real browser, wide and narrow: turn it on from the profile (the QR
code, the key, the code from the app computed here from the key shown), keep the recovery
codes, sign out, sign in again and give a code."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.browser.conftest import WIDTHS, check_and_shoot, log_in, open_page

pytestmark = pytest.mark.browser


def _code(secret: str) -> str:
    secret = secret.replace(" ", "")
    return f"{totp(b32decode(secret + '=' * (-len(secret) % 8))):06d}"


@pytest.mark.parametrize("width", list(WIDTHS))
def test_turn_on_then_sign_in_with_a_code(browser, live_server, personas, width):
    watched = open_page(browser, width)
    page = watched.page
    base = live_server.url
    try:
        log_in(watched, base, "rita@example.fr")
        page.goto(f"{base}/w/acme/profile/")
        page.click("#two-factor a.button")
        page.wait_for_url("**/profile/two-factor/")
        page.click("form:has(input[value=begin]) button")
        page.wait_for_selector(".qr svg")
        check_and_shoot(watched, "two-factor-set-up", width)
        secret = page.locator("#totp-secret").inner_text()
        page.fill("input[name=code]", _code(secret))
        page.click("form:has(input[value=confirm]) button")
        page.wait_for_selector(".recovery-codes li")
        assert page.locator(".recovery-codes li").count() == 10
        check_and_shoot(watched, "two-factor-recovery-codes", width)

        # a new sign-in: the code page comes first
        page.context.clear_cookies()
        TOTPDevice.objects.filter(user=personas.rita).update(last_t=-1)  # a new time step
        page.goto(f"{base}/login/")
        page.fill("input[name=username]", "rita@example.fr")
        page.fill("input[name=password]", "password")
        page.click("button[type=submit].button--primary")
        page.wait_for_url("**/login/two-factor/**")
        check_and_shoot(watched, "two-factor-code", width)
        page.fill("input[name=code]", _code(secret))
        page.click("form[action$='/login/two-factor/'] button[type=submit]")
        page.wait_for_url(f"{base}/w/acme/")
        watched.assert_clean("two-factor")
    finally:
        page.context.close()
