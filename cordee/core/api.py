"""API plumbing shared by every router: authentication, the actor, one error shape.

Authentication: a personal token (``Authorization: Bearer cdt_…``), scoped to the
workspace it was made in; or the browser session, with the workspace named by the
``X-Cordee-Workspace`` header (its slug) — CSRF-checked like any session write.

Every error answers ``{"error": {"code": …, "message": …, "fields": {name: [messages]}}}``,
and bad input is always a 4xx: the body is parsed here (decimals kept exact), ids are
bounded to what the database can hold, strings refuse NUL characters (PostgreSQL would
raise), choices are closed lists, and unknown fields are refused rather than ignored.
"""

import datetime as dt
import json
import math
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core import signals
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import timezone
from django.utils.log import log_response
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Field, NinjaAPI, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import SimpleRateThrottle
from pydantic import (
    ValidationInfo,
    create_model,
    field_validator,
)

from cordee.core import twofactor
from cordee.core.actor import Actor, actor_for
from cordee.core.errors import DomainError
from cordee.core.records import record_create, record_delete, record_get, record_list, record_update
from cordee.core.schemas import (
    MAX_ID,
    PathId,
    document_refused_nulls,
    refuse_control_characters,
)
from cordee.core.text import control_character_message
from cordee.core.validation import refuses_null
from cordee.tenancy.models import ApiToken, Membership

# -- authentication ----------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        row = (
            ApiToken.objects.select_related("user", "workspace")
            .filter(key_hash=ApiToken.hash_secret(token), revoked_at__isnull=True)
            .first()
        )
        if row is None or not row.user.is_active:
            return None
        membership = Membership.objects.filter(
            workspace=row.workspace, user=row.user, is_active=True
        ).first()
        if membership is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
            type(row).objects.filter(pk=row.pk).update(last_used_at=now)
        actor = Actor(
            user=row.user,
            workspace=row.workspace,
            role=membership.role,
            token_id=row.pk,
            token_name=row.name,
        )
        request.actor = actor  # type: ignore[attr-defined]
        return actor


class WorkspaceSessionAuth(SessionAuth):
    """The signed-in browser session, in the workspace named by ``X-Cordee-Workspace``."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        user = super().authenticate(request, key)
        if not user or twofactor.pending(request):
            return None  # a session still owing its second factor is not signed in here
        slug = request.headers.get("X-Cordee-Workspace") or request.session.get("workspace_slug")
        if not slug:
            return None
        try:
            actor = actor_for(user, slug)
        except DomainError:
            return None
        if twofactor.setup_required(request, actor):
            return None  # an admin who must set up two-factor sign-in first
        request.actor = actor  # type: ignore[attr-defined]
        return actor


# -- rate limit --------------------------------------------------------------------------------


class TokenRateThrottle(SimpleRateThrottle):
    """``settings.API_RATE_LIMIT`` requests ("600/min") per API token — or per person, for a
    signed-in session — counted in the shared cache; beyond, ninja answers 429 with
    ``Retry-After`` (the seconds until the oldest counted request leaves the window) in the one
    error shape (``install_error_handlers``). Set on the whole API in ``config/api.py``.

    Ninja keeps one instance per API and stores a request's history on it; here that state is
    per thread, so two threads of one process never read each other's counts. The rate is read
    on every request, so a changed setting applies at once."""

    scope = "token"
    cache_format = "api-rate:%(ident)s"

    def __init__(self) -> None:
        self._state = threading.local()

    def get_cache_key(self, request: HttpRequest) -> str | None:
        actor = getattr(request, "auth", None)
        if not isinstance(actor, Actor):
            return None  # an incoming webhook has its own key and limits
        return self.cache_format % {
            "ident": f"token-{actor.token_id}" if actor.token_id else f"user-{actor.user.pk}"
        }

    def allow_request(self, request: HttpRequest) -> bool:
        rate = getattr(settings, "API_RATE_LIMIT", "") or None
        if rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)

    # the attributes SimpleRateThrottle sets per request, kept per thread
    key = property(lambda self: self._state.key, lambda self, v: setattr(self._state, "key", v))
    history = property(
        lambda self: self._state.history, lambda self, v: setattr(self._state, "history", v)
    )
    now = property(lambda self: self._state.now, lambda self, v: setattr(self._state, "now", v))
    num_requests = property(
        lambda self: self._state.num_requests,
        lambda self, v: setattr(self._state, "num_requests", v),
    )
    duration = property(
        lambda self: self._state.duration, lambda self, v: setattr(self._state, "duration", v)
    )


def current_actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


# -- input: parsing and common types -----------------------------------------------------------


class MalformedBody(ValueError):
    """The request body is not a JSON document (ninja turns any parser error into a 400)."""


class ApiParser(Parser):
    """JSON with exact decimals: ``1234567.89`` is read as ``Decimal``, never through float."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            return json.loads(request.body, parse_float=Decimal)  # type: ignore[no-any-return]
        except json.JSONDecodeError as exc:
            raise MalformedBody(
                _("The request body is not valid JSON (line %(line)s, column %(column)s).")
                % {"line": exc.lineno, "column": exc.colno}
            ) from exc
        except UnicodeDecodeError as exc:
            raise MalformedBody(_("The request body is not UTF-8 text.")) from exc


class QuerySchema(Schema):
    """Query parameters: control characters refused (``core.text``; a tab or a line break in a
    search is only a space)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        return refuse_control_characters(cls, value, info, multiline=True)


class Pagination(LimitOffsetPagination):
    """``?limit=&offset=`` answered as ``{"items": [...], "count": n}``; limit at most 500."""

    class Input(Schema):
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=MAX_ID // 2)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=500, **kwargs)


# -- one error shape ---------------------------------------------------------------------------


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _loc_name(loc: list[Any]) -> str:
    """A field's name as errors give it: ``owner``, ``shares[1].person`` (an item of a list)."""
    name = ""
    for p in loc:
        if p in ("body", "query", "path", "payload", "data", "filters", "ninja_pagination"):
            continue
        name += f"[{p}]" if isinstance(p, int) and name else (f".{p}" if name else str(p))
    return name or "__all__"


def _pydantic_message(err: Mapping[str, Any]) -> str:
    """A translated message for the pydantic errors a client can cause; pydantic's own text
    (English) only for the rare rest."""
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind == "control_character":
        return control_character_message(str(ctx.get("code", "")))
    messages: dict[str, Callable[[], str]] = {
        "missing": lambda: _("This field is required."),
        "extra_forbidden": lambda: _("This field cannot be set."),
        "int_parsing": lambda: _("Enter a whole number."),
        "int_type": lambda: _("Enter a whole number."),
        "int_from_float": lambda: _("Enter a whole number."),
        "decimal_parsing": lambda: _("Enter a number."),
        "decimal_type": lambda: _("Enter a number."),
        "decimal_max_digits": lambda: (
            _("Enter at most %(n)s digits in total.") % {"n": ctx.get("max_digits")}
        ),
        "decimal_max_places": lambda: (
            _("Enter at most %(n)s decimal places.") % {"n": ctx.get("decimal_places")}
        ),
        "finite_number": lambda: _("Enter a finite number."),
        "string_type": lambda: _("Enter a text value."),
        "string_too_short": lambda: (
            _("Enter at least %(n)s characters.") % {"n": ctx.get("min_length")}
        ),
        "string_too_long": lambda: (
            _("Enter at most %(n)s characters.") % {"n": ctx.get("max_length")}
        ),
        "string_pattern_mismatch": lambda: _("This value does not have the expected format."),
        "bool_parsing": lambda: _("Enter true or false."),
        "bool_type": lambda: _("Enter true or false."),
        "date_parsing": lambda: _("Enter a date as YYYY-MM-DD."),
        "date_from_datetime_parsing": lambda: _("Enter a date as YYYY-MM-DD."),
        "date_type": lambda: _("Enter a date as YYYY-MM-DD."),
        "datetime_parsing": lambda: _("Enter a date and time (ISO 8601)."),
        "datetime_from_date_parsing": lambda: _("Enter a date and time (ISO 8601)."),
        "datetime_type": lambda: _("Enter a date and time (ISO 8601)."),
        "timezone_aware": lambda: _("Give the time zone offset, e.g. 2026-05-04T09:30:00+02:00."),
        "list_type": lambda: _("Enter a list."),
        "dict_type": lambda: _("Enter an object."),
        "model_type": lambda: _("Enter an object."),
        "model_attributes_type": lambda: _("Enter an object."),
        "greater_than_equal": lambda: (
            _("Enter a value greater than or equal to %(n)s.") % {"n": ctx.get("ge")}
        ),
        "less_than_equal": lambda: (
            _("Enter a value less than or equal to %(n)s.") % {"n": ctx.get("le")}
        ),
        "enum": lambda: _("Choose one of: %(choices)s.") % {"choices": _choices(ctx)},
        "literal_error": lambda: _("Choose one of: %(choices)s.") % {"choices": _choices(ctx)},
    }
    factory = messages.get(kind)
    return factory() if factory else str(err.get("msg", ""))


def _choices(ctx: Mapping[str, Any]) -> str:
    """Pydantic's expected values ("'fr' or 'en'", in English) as a list without words."""
    return ", ".join(v for v in re.split(r",\s*|\s+or\s+", str(ctx.get("expected", ""))) if v)


def schema_errors(errors: Iterable[Mapping[str, Any]]) -> dict[str, list[str]]:
    """Pydantic's errors as the API answers them: translated messages by field name."""
    fields: dict[str, list[str]] = {}
    for err in errors:
        fields.setdefault(_loc_name(list(err.get("loc", []))), []).append(_pydantic_message(err))
    return fields


def _too_large() -> dict[str, Any]:
    return error_body(
        "too_large",
        _("The request body is too large; at most %(size)s MB.")
        % {"size": f"{settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 1024 / 1024:g}"},
    )


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(
            request, error_body(exc.code, exc.message, exc.field_errors), status=exc.status
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body(
                "validation_error", _("Some fields are not valid."), schema_errors(exc.errors)
            ),
            status=422,
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request,
            error_body(
                "unauthorized",
                _("Authentication required: a valid API token or a signed-in session."),
            ),
            status=401,
        )

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, error_body("not_found", _("Not found.")), status=404)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return api.create_response(request, _too_large(), status=413)

    @api.exception_handler(MultiPartParserError)
    def bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        return api.create_response(request, _unreadable_multipart(), status=400)

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # ninja adds Retry-After (the same whole seconds) to this response
        seconds = math.ceil(exc.wait or 1)
        message = ngettext(
            "Too many requests with this token: wait %(seconds)s second and retry.",
            "Too many requests with this token: wait %(seconds)s seconds and retry.",
            seconds,
        ) % {"seconds": seconds}
        return api.create_response(request, error_body("rate_limited", message), status=429)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, RequestDataTooBig):  # ninja wraps what the body parser raised
            return api.create_response(request, _too_large(), status=413)
        if isinstance(cause, MultiPartParserError):
            return api.create_response(request, _unreadable_multipart(), status=400)
        if isinstance(cause, MalformedBody):
            return api.create_response(
                request,
                error_body(
                    "validation_error",
                    _("The request body could not be read."),
                    {"body": [str(cause)]},
                ),
                status=422,
            )
        code = {
            400: "bad_request",
            404: "not_found",
            403: "forbidden",
            409: "conflict",
            405: "method_not_allowed",
        }.get(exc.status_code, "error")
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        """Any other exception: the documented error shape, never Django's HTML page, and
        nothing of the exception told to the client — 503 with Retry-After when the database
        cannot be reached (``unexpected_error_answer``). Logged (with its trace) as Django logs
        a 500, and signalled as Django does (the test client re-raises it)."""
        body, status = unexpected_error_answer(exc)
        response = api.create_response(request, body, status=status)
        if status == 503:
            response["Retry-After"] = "5"
        signals.got_request_exception.send(sender=None, request=request)
        log_response(
            "Internal Server Error: %s" if status == 500 else "Service Unavailable: %s",
            request.path,
            response=response,
            request=request,
            exception=exc,
        )
        return response


def unexpected_error_answer(exc: BaseException | None) -> tuple[dict[str, Any], int]:
    """THE answer to an exception nothing handled: a database that cannot be reached
    (restarting, connection dropped) is a 503 the client may retry, anything else a 500."""
    if isinstance(exc, OperationalError | InterfaceError):
        message = _("Cordée is unavailable for a moment. Please try again shortly.")
        return error_body("unavailable", message), 503
    return error_body("server_error", _("Something went wrong on our side; try again later.")), 500


def _unreadable_multipart() -> dict[str, Any]:
    message = _("The multipart body could not be read (a boundary is required).")
    return error_body("bad_request", message, {"body": [message]})


# -- the error responses in the OpenAPI document ---------------------------------------------


class ErrorDetailOut(Schema):
    code: str = Field(..., description="validation_error, not_found, forbidden, conflict…")
    message: str
    fields: dict[str, list[str]] = Field(..., description="Messages by field name")


class ErrorOut(Schema):
    """Every error the API answers, whatever its status."""

    error: ErrorDetailOut


_ERROR_STATUSES: dict[str, str] = {
    "400": "The request could not be read (e.g. a multipart body without a boundary)",
    "401": "No valid API token or signed-in session",
    "403": "The caller's role may not do this",
    "404": "No such record in the caller's workspace",
    "409": "Someone changed the record meanwhile, or it conflicts with another",
    "413": "The request body is larger than the instance accepts",
    "422": "A field, a query parameter or the body is not valid (named in ``fields``)",
    "429": "Too many requests with this token (API_RATE_LIMIT); Retry-After gives the seconds",
    "500": "An unexpected error (logged on the server)",
}
_WRITES = {"post", "put", "patch", "delete"}


def error_responses_document(document: dict[str, Any]) -> dict[str, Any]:
    """Declare the one error shape (``ErrorOut``) on every operation of ``document``, for the
    statuses that operation can answer: all of them 401 and 429 (when authenticated: the rate
    limit counts tokens and people), 403, 404, 422 and 500; those with a body 400 and 413;
    writes 409. A status an operation already declares is kept."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    ref_template = "#/components/schemas/{model}"
    error_schema = ErrorOut.model_json_schema(ref_template=ref_template)
    components.update(error_schema.pop("$defs", {}))
    components["ErrorOut"] = error_schema
    for operations in document.get("paths", {}).values():
        for method, operation in operations.items():
            statuses = {"403", "404", "422", "500"}
            if operation.get("security", document.get("security")):
                statuses |= {"401", "429"}
            if "requestBody" in operation:
                statuses |= {"400", "413"}
            if method in _WRITES:
                statuses.add("409")
            # ninja keys its own responses by int: one kind of key, or JSON would repeat one
            responses = {str(k): v for k, v in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for status in sorted(statuses - set(responses)):
                responses[status] = {
                    "description": _ERROR_STATUSES[status],
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                    },
                }
    return document


# -- CRUD routes from a RecordSpec -------------------------------------------------------------


def _filter_type(flt: Any) -> Any:
    if flt.kind == "date":
        return dt.date
    if flt.kind == "int":
        return Annotated[int, Field(ge=-MAX_ID, le=MAX_ID)]
    if flt.kind == "bool":
        return bool
    if flt.kind == "choice" and flt.choices and not callable(flt.choices):
        return Literal[tuple(str(value) for value, _label in flt.choices)]  # type: ignore[valid-type]
    return Annotated[str, Field(max_length=200)]


def filter_schema(spec: Any) -> type[Schema]:
    """A query-parameter schema from ``spec.filters`` so filters appear in the OpenAPI document.

    Choices and sort keys are closed lists: an unknown value is a 422 naming the parameter.
    """
    fields: dict[str, Any] = {
        "q": (Annotated[str, Field(max_length=200)] | None, Field(None, description="Search text"))
    }
    for flt in spec.filters:
        fields[flt.name] = (_filter_type(flt) | None, Field(None, description=str(flt.label)))
    if spec.orderings:
        fields["sort"] = (
            Literal[tuple(spec.orderings)] | None,  # type: ignore[valid-type]
            Field(None, description="One of: " + ", ".join(spec.orderings)),
        )
    return create_model(f"{spec.model.__name__}Filters", __base__=QuerySchema, **fields)


def filter_params(filters: Schema) -> dict[str, str]:
    """The query schema back to the plain strings ``record_list`` parses."""
    params: dict[str, str] = {}
    for key, value in filters.model_dump().items():
        if value is None:
            continue
        if isinstance(value, bool):
            params[key] = "true" if value else "false"
        elif isinstance(value, dt.date):
            params[key] = value.isoformat()
        else:
            params[key] = str(value)
    return params


def _data(schema: Any, exclude_unset: bool = False) -> dict[str, Any]:
    return dict(schema.model_dump(exclude_unset=exclude_unset))


CreateService = Callable[..., Any]  # (*, actor, data) -> instance
UpdateService = Callable[..., Any]  # (*, actor, instance, data) -> instance
ListSelector = Callable[..., QuerySet[Any]]  # (*, actor, params) -> queryset
GetSelector = Callable[..., Any]  # (*, actor, pk) -> instance


def register_crud(
    router: Router,
    spec: Any,
    *,
    out: type[Schema],
    create_in: type[Schema],
    update_in: type[Schema],
    create: CreateService | None = None,
    update: UpdateService | None = None,
    list_selector: ListSelector | None = None,
    get_selector: GetSelector | None = None,
) -> None:
    """Add list / create / read / update / delete operations for ``spec`` to ``router``.

    Reads go through ``record_list``/``record_get`` and writes through the record services,
    exactly as the pages do. A kind with its own creation or update service passes it as
    ``create``/``update``; a kind whose output needs more than ``spec.select_related``
    (annotations, prefetches) passes selectors built on ``record_list``/``record_get``.
    Written rows are answered as ``get_selector`` reads them, so the output is the same.
    """

    name = spec.model.__name__.lower()
    tag = str(spec.model._meta.verbose_name_plural).capitalize()
    Filters = filter_schema(spec)

    def _create(*, actor: Actor, data: dict[str, Any]) -> Any:
        return record_create(actor=actor, spec=spec, data=data)

    def _update(*, actor: Actor, instance: Any, data: dict[str, Any]) -> Any:
        return record_update(actor=actor, spec=spec, instance=instance, data=data)

    def _list(*, actor: Actor, params: dict[str, str]) -> QuerySet[Any]:
        return record_list(actor=actor, spec=spec, params=params)

    def _get(*, actor: Actor, pk: int) -> Any:
        return record_get(actor=actor, spec=spec, pk=pk)

    create_service = create or _create
    update_service = update or _update
    list_rows = list_selector or _list
    get_row = get_selector or _get

    def _answer(actor: Actor, instance: Any) -> Any:
        return get_row(actor=actor, pk=instance.pk) if get_selector else instance

    # the record services refuse null for a field that cannot hold it (``null_errors``)
    document_refused_nulls(
        update_in,
        (
            n
            for n in update_in.model_fields
            if n not in spec.null_fills and refuses_null(spec.model, n)
        ),
    )

    @router.get(
        f"/{spec.key}",
        response=list[out],  # type: ignore[valid-type]
        tags=[tag],
        operation_id=f"{name}_list",
        summary=f"List {spec.key}",
    )
    @paginate(Pagination)
    def list_view(request: HttpRequest, filters: Query[Filters]) -> Any:  # type: ignore[valid-type]
        return list_rows(actor=current_actor(request), params=filter_params(filters))

    @router.post(
        f"/{spec.key}",
        response={201: out},
        tags=[tag],
        operation_id=f"{name}_create",
        summary=f"Create a {name}",
    )
    def create_view(request: HttpRequest, payload: create_in) -> Any:  # type: ignore[valid-type]
        actor = current_actor(request)
        instance = create_service(actor=actor, data=_data(payload, exclude_unset=True))
        return 201, _answer(actor, instance)

    @router.get(
        f"/{spec.key}/{{int:pk}}",
        response=out,
        tags=[tag],
        operation_id=f"{name}_get",
        summary=f"Read a {name}",
    )
    def get_view(request: HttpRequest, pk: PathId) -> Any:
        return get_row(actor=current_actor(request), pk=pk)

    @router.patch(
        f"/{spec.key}/{{int:pk}}",
        response=out,
        tags=[tag],
        operation_id=f"{name}_update",
        summary=f"Change a {name}",
    )
    def update_view(request: HttpRequest, pk: PathId, payload: update_in) -> Any:  # type: ignore[valid-type]
        actor = current_actor(request)
        instance = record_get(actor=actor, spec=spec, pk=pk)
        instance = update_service(
            actor=actor, instance=instance, data=_data(payload, exclude_unset=True)
        )
        return _answer(actor, instance)

    @router.delete(
        f"/{spec.key}/{{int:pk}}",
        response={204: None},
        tags=[tag],
        operation_id=f"{name}_delete",
        summary=f"Delete a {name}",
    )
    def delete_view(request: HttpRequest, pk: PathId) -> Any:
        actor = current_actor(request)
        record_delete(actor=actor, spec=spec, instance=record_get(actor=actor, spec=spec, pk=pk))
        return 204, None
