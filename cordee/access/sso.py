"""Sign-in through the company's identity provider with OpenID Connect (mozilla-django-oidc):
the authentication backend and the two views (to the provider, and back).

Configured only from the environment (``cordee/config/settings.py`` reads it; every variable is
in docs/deployment.md): the provider's ``OIDC_ISSUER`` (its discovery document,
``<issuer>/.well-known/openid-configuration``, gives the endpoints, fetched once per process) or
the four endpoints themselves, the client's id and secret, the workspace SSO users join and the
map from the provider's groups to Cordée roles. Unconfigured, nothing here answers (the login
page offers no button, the two URLs are 404, the backend never authenticates).

The flow is the authorization code flow with PKCE, a nonce and a state; the ID token's
signature (the provider's keys), issuer, audience and expiry are checked; the claims are the ID
token's and the userinfo endpoint's together. What the claims grant is decided by
``services.sso_sign_in``; a refusal is shown on a page of its own, with its reason.
"""

from __future__ import annotations

from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from cordee.access.oidc import Refusal, configured, provider_name, setting
from cordee.access.services import SsoRefused, sso_sign_in
from cordee.core.twofactor import two_factor_exempt

# -- the authentication backend ----------------------------------------------------------------


class Backend(OIDCAuthenticationBackend):
    """Authenticates the provider's callback only (a password sign-in passes it by)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # settings are read at sign-in (not at start-up: the provider may be unconfigured)
        self.UserModel = get_user_model()

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return setting(attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if request is None or "nonce" not in kwargs or not configured():
            return None
        self.OIDC_OP_TOKEN_ENDPOINT = setting("OIDC_OP_TOKEN_ENDPOINT")
        self.OIDC_OP_USER_ENDPOINT = setting("OIDC_OP_USER_ENDPOINT")
        self.OIDC_OP_JWKS_ENDPOINT = setting("OIDC_OP_JWKS_ENDPOINT", None)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        return super().authenticate(request, **kwargs)

    def get_user(self, user_id: Any) -> Any:
        """As a password's session: a deactivated account is signed out at its next request
        (mozilla-django-oidc's own ``get_user`` does not check)."""
        return ModelBackend.get_user(self, user_id)

    def _verify_jws(self, payload: Any, key: Any) -> dict[str, Any]:
        """The ID token's signature, and that it is for this client, from this issuer, unexpired
        (the library checks only the signature and the nonce)."""
        header = jwt.get_unverified_header(payload)
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("The ID token is not signed with OIDC_SIGN_ALGO.")
        issuer = settings.OIDC_ISSUER or None
        try:
            return jwt.decode(  # type: ignore[no-any-return]
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=issuer,
                options={"require": ["exp", "iat", "aud", "sub"]},
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token refused: {exc}") from exc

    def verify_token(self, token: Any, **kwargs: Any) -> Any:
        payload = super().verify_token(token, **kwargs)
        self.id_claims = payload
        return payload

    def get_userinfo(self, access_token: Any, id_token: Any, payload: Any) -> dict[str, Any]:
        """The ID token's claims completed (and overridden) by the userinfo endpoint's."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The userinfo endpoint answered for another subject.")
        return {**payload, **userinfo}

    def get_or_create_user(self, access_token: Any, id_token: Any, payload: Any) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        try:
            return sso_sign_in(claims=claims)
        except SsoRefused as exc:
            self.request.sso_refusal = Refusal(exc.reason)  # type: ignore[attr-defined]
            return None


# -- the two views -----------------------------------------------------------------------------


def _refused(request: HttpRequest, refusal: Refusal, status: int = 403) -> HttpResponse:
    return render(
        request,
        "access/sso_refused.html",
        {"provider": provider_name(), "message": refusal.message(), "code": refusal.code},
        status=status,
    )


class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (with state, nonce and PKCE challenge)."""

    def __init__(self, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not configured():
            return redirect("login")  # single sign-on is off on this server
        try:
            self.OIDC_OP_AUTH_ENDPOINT = setting("OIDC_OP_AUTHORIZATION_ENDPOINT")
        except (requests.RequestException, ValueError, KeyError, SuspiciousOperation):
            return _refused(request, Refusal("provider"), status=502)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)  # type: ignore[no-any-return]


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: sign in, or a page saying why not."""

    @staticmethod
    def get_settings(attr: str, *args: Any) -> Any:
        return setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not configured():
            return redirect("login")  # single sign-on is off on this server
        try:
            return super().get(request)  # type: ignore[no-any-return]
        except requests.RequestException:
            return _refused(request, Refusal("provider"), status=502)

    def login_failure(self) -> HttpResponse:
        refusal = getattr(self.request, "sso_refusal", None) or Refusal("provider")
        return _refused(self.request, refusal)


authenticate_view = two_factor_exempt(AuthenticateView.as_view())
callback_view = two_factor_exempt(CallbackView.as_view())
