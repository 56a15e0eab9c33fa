from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from cordee.access import oidc


class AccessConfig(AppConfig):
    """Sign-in: two-factor (django-otp) and single sign-on (OpenID Connect)."""

    name = "cordee.access"
    label = "access"

    def ready(self) -> None:
        checks.register(_sso_settings_check, checks.Tags.security)


def _sso_settings_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Single sign-on configured half-way is reported when the server starts."""
    if not oidc.configured():
        return []
    errors: list[checks.CheckMessage] = []
    try:
        if not oidc.role_map():
            errors.append(
                checks.Error("OIDC_ROLE_MAP is empty: nobody could sign in.", id="cordee.E101")
            )
    except ImproperlyConfigured as exc:
        errors.append(checks.Error(str(exc), id="cordee.E102"))
    if not settings.OIDC_WORKSPACE:
        errors.append(
            checks.Error("OIDC_WORKSPACE (the slug SSO users join) is not set.", id="cordee.E103")
        )
    if not settings.OIDC_RP_CLIENT_SECRET:
        errors.append(checks.Error("OIDC_CLIENT_SECRET is not set.", id="cordee.E104"))
    return errors
