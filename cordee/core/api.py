"""API plumbing shared by every router: authentication, the actor, one error shape.

Authentication: a personal token (``Authorization: Bearer cdt_…``), scoped to the
workspace it was made in; or the browser session, with the workspace named by the
``X-Cordee-Workspace`` header (its slug) — CSRF-checked like any session write.

Every error answers ``{"error": {"code": …, "message": …, "fields": {name: [messages]}}}``.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Router, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer, SessionAuth
from pydantic import create_model

from cordee.core.actor import Actor, actor_for
from cordee.core.errors import DomainError


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Actor | None:
        from cordee.people.models import ApiToken, Membership

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
        actor = Actor(user=row.user, workspace=row.workspace, role=membership.role)
        request.actor = actor  # type: ignore[attr-defined]
        return actor


class WorkspaceSessionAuth(SessionAuth):
    """The signed-in browser session, in the workspace named by ``X-Cordee-Workspace``."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Actor | None:
        user = super().authenticate(request, key)
        if not user:
            return None
        slug = request.headers.get("X-Cordee-Workspace") or request.session.get("workspace_slug")
        if not slug:
            return None
        try:
            actor = actor_for(user, slug)
        except DomainError:
            return None
        request.actor = actor  # type: ignore[attr-defined]
        return actor


def current_actor(request: HttpRequest) -> Actor:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def error_body(
    code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _loc_name(loc: list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "data")]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(
            request, error_body(exc.code, exc.message, exc.field_errors), status=exc.status
        )

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_loc_name(list(err.get("loc", []))), []).append(
                str(err.get("msg", ""))
            )
        return api.create_response(
            request,
            error_body("validation_error", _("Some fields are not valid."), fields),
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

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        code = {404: "not_found", 403: "forbidden", 409: "conflict", 405: "method_not_allowed"}.get(
            exc.status_code, "error"
        )
        return api.create_response(request, error_body(code, str(exc)), status=exc.status_code)


# -- CRUD routes from a RecordSpec -------------------------------------------------------------

_FILTER_TYPES: dict[str, Any] = {
    "int": int,
    "date": "date",
    "bool": bool,
    "str": str,
    "choice": str,
}


def filter_schema(spec: Any) -> type[Schema]:
    """A query-parameter schema from ``spec.filters`` so filters appear in the OpenAPI document."""
    import datetime as dt

    fields: dict[str, Any] = {"q": (str | None, Field(None, description="Search text"))}
    for flt in spec.filters:
        py_type = dt.date if flt.kind == "date" else _FILTER_TYPES[flt.kind]
        fields[flt.name] = (py_type | None, Field(None, description=str(flt.label)))
    if spec.orderings:
        fields["sort"] = (
            str | None,
            Field(None, description="One of: " + ", ".join(spec.orderings)),
        )
    return create_model(f"{spec.model.__name__}Filters", __base__=Schema, **fields)


def _data(schema: Any, exclude_unset: bool = False) -> dict[str, Any]:
    return dict(schema.model_dump(exclude_unset=exclude_unset))


def register_crud(
    router: Router,
    spec: Any,
    *,
    out: type[Schema],
    create_in: type[Schema],
    update_in: type[Schema],
    create: Any = None,
) -> None:
    """Add list / create / read / update / delete operations for ``spec`` to ``router``.

    Reads go through ``record_list``/``record_get`` and writes through the record services
    (or ``create`` when the kind has its own creation service), exactly as the pages do.
    """
    from cordee.core.records import (
        record_create,
        record_delete,
        record_get,
        record_list,
        record_update,
    )

    name = spec.model.__name__.lower()
    tag = (
        spec.verbose_name_plural.capitalize()
        if isinstance(spec.verbose_name_plural, str)
        else spec.key
    )
    Filters = filter_schema(spec)
    create_service = create or (
        lambda *, actor, data: record_create(actor=actor, spec=spec, data=data)
    )

    @router.get(
        f"/{spec.key}",
        response=list[out],  # type: ignore[valid-type]
        tags=[tag],
        operation_id=f"{name}_list",
        summary=f"List {spec.key}",
    )
    @paginate(LimitOffsetPagination)
    def list_view(request: HttpRequest, filters: Query[Filters]) -> Any:  # type: ignore[valid-type]
        params = {
            k: v.isoformat() if hasattr(v, "isoformat") else str(v)
            for k, v in _data(filters).items()
            if v is not None
        }
        return record_list(actor=current_actor(request), spec=spec, params=params)

    @router.post(
        f"/{spec.key}",
        response={201: out},
        tags=[tag],
        operation_id=f"{name}_create",
        summary=f"Create a {name}",
    )
    def create_view(request: HttpRequest, payload: create_in) -> Any:  # type: ignore[valid-type]
        return 201, create_service(
            actor=current_actor(request), data=_data(payload, exclude_unset=True)
        )

    @router.get(
        f"/{spec.key}/{{int:pk}}",
        response=out,
        tags=[tag],
        operation_id=f"{name}_get",
        summary=f"Read a {name}",
    )
    def get_view(request: HttpRequest, pk: int) -> Any:
        return record_get(actor=current_actor(request), spec=spec, pk=pk)

    @router.patch(
        f"/{spec.key}/{{int:pk}}",
        response=out,
        tags=[tag],
        operation_id=f"{name}_update",
        summary=f"Change a {name}",
    )
    def update_view(request: HttpRequest, pk: int, payload: update_in) -> Any:  # type: ignore[valid-type]
        actor = current_actor(request)
        instance = record_get(actor=actor, spec=spec, pk=pk)
        return record_update(
            actor=actor, spec=spec, instance=instance, data=_data(payload, exclude_unset=True)
        )

    @router.delete(
        f"/{spec.key}/{{int:pk}}",
        response={204: None},
        tags=[tag],
        operation_id=f"{name}_delete",
        summary=f"Delete a {name}",
    )
    def delete_view(request: HttpRequest, pk: int) -> Any:
        actor = current_actor(request)
        record_delete(actor=actor, spec=spec, instance=record_get(actor=actor, spec=spec, pk=pk))
        return 204, None
