from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from cordee.access import oidc


def sso(request: HttpRequest) -> dict[str, Any]:
    """``sso_provider``: the identity provider's name when single sign-on is on (the login
    page offers it), else an empty string."""
    return {"sso_provider": oidc.provider_name() if oidc.configured() else ""}
