"""Single sign-on's configuration and rules, read from the settings (the environment).

``configured()`` says whether it is on; ``role_for`` is THE rule from the provider's groups to a
Cordée role; ``Refusal`` words why a sign-in was refused; ``setting`` gives mozilla-django-oidc
an endpoint, from the provider's discovery document when only ``OIDC_ISSUER`` is set."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, SuspiciousOperation
from django.utils.translation import gettext as _
from mozilla_django_oidc.utils import import_from_settings

from cordee.tenancy.roles import Role

# the endpoint settings mozilla-django-oidc reads, and their names in a discovery document
_DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
_discovery_cache: dict[str, dict[str, Any]] = {}
_discovery_lock = threading.Lock()


def configured() -> bool:
    """Single sign-on is on: a client id, and an issuer or the endpoints."""
    explicit = all(getattr(settings, name, "") for name in _DISCOVERED)
    return bool(settings.OIDC_RP_CLIENT_ID) and bool(settings.OIDC_ISSUER or explicit)


def provider_name() -> str:
    """What the login button names: ``OIDC_PROVIDER_NAME``, else the provider's host name."""
    if settings.OIDC_PROVIDER_NAME:
        return str(settings.OIDC_PROVIDER_NAME)
    url = settings.OIDC_ISSUER or settings.OIDC_OP_AUTHORIZATION_ENDPOINT
    return urlsplit(url).hostname or url


def role_map() -> list[tuple[str, str]]:
    """``OIDC_ROLE_MAP`` ("group=role,group=role…") as (group, role) pairs, in written order.

    Raises ``ImproperlyConfigured`` on an entry without "=" or a role Cordée does not have."""
    pairs: list[tuple[str, str]] = []
    for entry in str(settings.OIDC_ROLE_MAP or "").split(","):
        entry = entry.strip()
        if not entry:
            continue
        group, sep, role = entry.rpartition("=")
        group, role = group.strip(), role.strip()
        if not sep or not group:
            raise ImproperlyConfigured(f"OIDC_ROLE_MAP: {entry!r} is not group=role.")
        if role not in Role.values:
            raise ImproperlyConfigured(
                f"OIDC_ROLE_MAP: {role!r} is not a role (one of {', '.join(Role.values)})."
            )
        pairs.append((group, role))
    return pairs


def role_for(groups: list[str]) -> str | None:
    """THE rule: the role of the first ``OIDC_ROLE_MAP`` entry (in the order written) whose
    group the person is in; None when no group of theirs is mapped. Write the most privileged
    entries first: a person in both "cordee-revops" and "cordee-sales" gets whichever comes
    first in the map."""
    held = set(groups)
    for group, role in role_map():
        if group in held:
            return role
    return None


def groups_of(claims: dict[str, Any]) -> list[str]:
    """The person's groups from the ``OIDC_GROUPS_CLAIM`` claim: a list, or one string with
    the groups separated by commas or spaces."""
    value = claims.get(settings.OIDC_GROUPS_CLAIM)
    if value is None:
        return []
    if isinstance(value, str):
        return [g for g in value.replace(",", " ").split() if g]
    if isinstance(value, list | tuple):
        return [str(g) for g in value]
    return []


@dataclass(frozen=True)
class Refusal:
    """Why a sign-in through the provider was refused: a code, worded when shown."""

    code: str  # no_role | inactive | email_unverified | no_email | no_workspace | provider

    def message(self) -> str:
        name = provider_name()
        messages = {
            "no_role": _(
                "Your account at %(provider)s is in none of the groups that give a role in "
                "Cordée, so no access was created. Ask your administrator to add you to one."
            ),
            "inactive": _(
                "Your access to this workspace has ended. Ask a RevOps admin if this is a mistake."
            ),
            "email_unverified": _(
                "%(provider)s has not confirmed your e-mail address, so Cordée cannot match it "
                "to an account."
            ),
            "no_email": _("%(provider)s did not give your e-mail address."),
            "no_workspace": _(
                "Single sign-on is not fully set up on this server (its workspace does not "
                "exist). Tell your administrator."
            ),
            "provider": _(
                "%(provider)s could not be reached or did not complete the sign-in. Try again, "
                "or sign in with your password."
            ),
        }
        return messages.get(self.code, messages["provider"]) % {"provider": name}


def discovery() -> dict[str, Any]:
    """The provider's discovery document (fetched once per process and issuer)."""
    issuer = settings.OIDC_ISSUER
    with _discovery_lock:
        document = _discovery_cache.get(issuer)
    if document is None:
        response = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
        )
        response.raise_for_status()
        document = response.json()
        if str(document.get("issuer", "")).rstrip("/") != issuer:
            raise SuspiciousOperation("The discovery document names another issuer.")
        with _discovery_lock:
            _discovery_cache[issuer] = document
    return document


def setting(attr: str, *default: Any) -> Any:
    """A mozilla-django-oidc setting; an endpoint not set explicitly comes from discovery."""
    if attr in _DISCOVERED and not getattr(settings, attr, "") and settings.OIDC_ISSUER:
        return discovery()[_DISCOVERED[attr]]
    return import_from_settings(attr, *default)
