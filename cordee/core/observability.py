"""Request ids and request metrics: the middlewares every request goes through, and the logging
filter that puts the request id in every log record (text or JSON, ``LOG_FORMAT``).

An ``X-Request-ID`` sent by a proxy is kept when it looks like an id (letters, digits, ``.``,
``_``, ``-``; at most 64 characters), otherwise one is made; either way it is answered in the
response's ``X-Request-ID`` header and written in each log line of the request."""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from cordee.core import metrics

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def request_id() -> str:
    """The id of the request being served in this thread, ``-`` outside a request."""
    return _request_id.get()


class RequestIdMiddleware:
    """First of the middlewares: every later log line of the request carries its id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        rid = given if _VALID_ID.match(given) else uuid.uuid4().hex
        request.request_id = rid  # type: ignore[attr-defined]
        token = _request_id.set(rid)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = rid
        return response


class RequestMetricsMiddleware:
    """Counts requests by view and status and times them (``/metrics``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match is not None and match.view_name else "unresolved"
        metrics.request_observe(
            view=view,
            method=request.method or "",
            status=response.status_code,
            seconds=time.perf_counter() - started,
        )
        return response


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (``-`` outside a request). Django logs an error
    answer after the middlewares returned: its record names the request, which keeps the id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or request_id()
        return True
