from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from cordee.core.selectors import user_memberships
from cordee.core.twofactor import two_factor_exempt
from cordee.core.web import SESSION_WORKSPACE_KEY

logger = logging.getLogger(__name__)


@two_factor_exempt
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and ``make run``."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # a probe wants a status, not a trace; anyone may call it: the error
        # text (host names, user names) goes to the log only
        logger.exception("Health check: the database cannot be reached")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


def home(request: HttpRequest) -> HttpResponse:
    """Signed in: the last workspace used, else the first one; signed out: the login page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    memberships = list(user_memberships(user=request.user))  # type: ignore[arg-type]
    if not memberships:
        return render(request, "core/no_workspace.html", status=200)
    slugs = [m.workspace.slug for m in memberships]
    last = request.session.get(SESSION_WORKSPACE_KEY)
    slug = last if last in slugs else slugs[0]
    return redirect("workspace_home", slug=slug)


@two_factor_exempt
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language``; a signed-in person's choice is also kept on their profile."""
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        request.user.language_keep(request.POST.get("language", ""))  # type: ignore[union-attr]
    return response


class LoginView(auth_views.LoginView):
    """The password sign-in. A person with a two-factor device is then asked for a code (the
    middleware of ``core.twofactor`` sends them on); the company's identity provider, when
    configured, is offered beside it (``sso_provider``, from ``cordee.access``)."""

    template_name = "registration/login.html"
    redirect_authenticated_user = True

    @classmethod
    def as_view(cls, **initkwargs: Any) -> Any:
        return two_factor_exempt(super().as_view(**initkwargs))
