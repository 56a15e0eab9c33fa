from __future__ import annotations

import hmac
import sys
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language as django_set_language

from cordee.core import health, metrics
from cordee.core.api import unexpected_error_answer
from cordee.core.selectors import user_memberships
from cordee.core.twofactor import two_factor_exempt
from cordee.core.web import SESSION_WORKSPACE_KEY


@two_factor_exempt
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and ``make run``. The cause of a
    failure is logged, not shown to whoever asks."""
    if health.database_check() != "ok":
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": connection.vendor})


@two_factor_exempt
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and every queue's worker was seen alive lately; 503
    naming the failed checks otherwise."""
    checks = health.readiness()
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


@two_factor_exempt
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus metrics for a caller sending ``Authorization: Bearer <METRICS_TOKEN>``; not
    there at all (404) while no token is configured."""
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        response = HttpResponse(status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    return HttpResponse(metrics.exposition(), content_type="text/plain; version=0.0.4")


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's ``handler500``. A database that cannot be reached (restarting, connection
    dropped) is a 503 the client may retry, not a crash; the API answers its one error shape.
    Rendered without the request: the context processors would query the database."""
    body, status = unexpected_error_answer(sys.exc_info()[1])
    if request.path_info.startswith("/api/"):
        response: HttpResponse = JsonResponse(body, status=status)
    else:
        page = loader.render_to_string("503.html" if status == 503 else "500.html")
        response = HttpResponse(page, status=status)
    if status == 503:
        response["Retry-After"] = "5"
    return response


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
