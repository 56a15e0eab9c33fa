from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils import translation

from cordee.core import twofactor
from cordee.core.text import control_character, without_control_characters


class QueryTextMiddleware:
    """A page's query (``?q=``, filters) loses its control characters before any view reads it:
    a pasted ``%00`` searches for the rest instead of failing on PostgreSQL (which refuses NUL in
    a query) or in an export. The API judges its own query (``core.api.QuerySchema``: a 422
    naming the parameter)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith("/api/") and any(
            control_character(name + "".join(values), multiline=False)
            for name, values in request.GET.lists()
        ):
            cleaned = QueryDict(mutable=True)
            for name, values in request.GET.lists():
                cleaned.setlist(
                    without_control_characters(name),
                    [without_control_characters(v) for v in values],
                )
            request.GET = QueryDict(cleaned.urlencode())  # immutable, as Django's own
        return self.get_response(request)


class UserLanguageMiddleware:
    """Use the signed-in person's chosen language when no explicit choice (cookie) was made."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "language", "")
            and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        ):
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class TwoFactorMiddleware:
    """A session signed in but still owing its second factor reaches only the code page (and
    sign-out, the language switch, the sign-in pages): every other page redirects there. The
    API answers for itself (its session authentication refuses a pending session; tokens are
    not concerned)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponse | None:
        if getattr(view_func, "two_factor_exempt", False):
            return None
        if request.path_info.startswith("/api/") or not twofactor.pending(request):
            return None
        url = reverse(twofactor.VERIFY_URL_NAME)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
