"""Incoming webhooks: form tools and marketing automation post new leads and touchpoints.

These two operations are not called with a person's API token: the endpoint's own secret signs
each request (or is sent as a bearer token when the endpoint allows it). See docs/webhooks.md.
"""

from __future__ import annotations

import json
from typing import Any

import pydantic
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyHeader

from cordee.core.errors import ValidationFailed
from cordee.dataio.incoming import receiving
from cordee.dataio.incoming.schemas import (
    IncomingLeadIn,
    IncomingOut,
    IncomingTouchpointIn,
)
from cordee.integrations import incoming

router = Router(tags=["Incoming webhooks"])


class IncomingSignature(APIKeyHeader):
    """``X-Cordee-Signature: sha256=<HMAC-SHA256 of "<X-Cordee-Timestamp>.<raw body>">`` (or
    ``Authorization: Bearer <secret>`` when the endpoint accepts it)."""

    param_name = incoming.SIGNATURE_HEADER

    def __call__(self, request: HttpRequest) -> Any:
        key = request.resolver_match.kwargs.get("key", "") if request.resolver_match else ""
        return incoming.incoming_authenticate(key=key, headers=request.headers, body=request.body)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover
        return None  # __call__ does the work: it needs the raw body, not only the header


def _inline(schema: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema with its ``$defs`` inlined (the request body is documented by hand)."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/$defs/"):
                return walk(dict(defs[ref.removeprefix("#/$defs/")]))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)  # type: ignore[no-any-return]


def _body_doc(schema: type[pydantic.BaseModel]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": _inline(schema.model_json_schema())}},
        },
        "parameters": [
            {
                "name": incoming.TIMESTAMP_HEADER,
                "in": "header",
                "required": False,
                "schema": {"type": "string"},
                "description": "Unix time in seconds, signed with the body",
            },
            {
                "name": incoming.IDEMPOTENCY_HEADER,
                "in": "header",
                "required": False,
                "schema": {"type": "string", "maxLength": 200},
                "description": "A repeat answers the first answer and writes nothing",
            },
        ],
    }


def _parser(schema: type[pydantic.BaseModel]) -> Any:
    """Parse and validate the raw body: a 422 naming each bad field, like every endpoint."""

    def parse(body: bytes) -> dict[str, Any]:
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ValidationFailed(
                _("The request body could not be read."),
                field_errors={"body": [_("The request body is not valid JSON.")]},
            ) from exc
        try:
            return schema.model_validate(data).model_dump()
        except pydantic.ValidationError as exc:
            errors = [
                {**err, "loc": ("body", *err["loc"])} for err in exc.errors(include_url=False)
            ]
            raise NinjaValidationError(errors) from exc  # type: ignore[arg-type]

    return parse


def _answer(request: HttpRequest, response: HttpResponse, kind: str, schema: Any) -> Any:
    result = receiving.incoming_receive(
        endpoint=request.auth,  # type: ignore[attr-defined]
        kind=kind,
        body=request.body,
        idempotency_key=request.headers.get(incoming.IDEMPOTENCY_HEADER),
        parse=_parser(schema),
    )
    if result.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(result.status, result.body)


@router.post(
    "/incoming/{key}/leads",
    auth=IncomingSignature(),
    response={201: IncomingOut},
    operation_id="incoming_lead",
    summary="Receive a lead (form submission)",
    openapi_extra=_body_doc(IncomingLeadIn),
)
def incoming_lead(request: HttpRequest, response: HttpResponse, key: str) -> Any:
    return _answer(request, response, "lead", IncomingLeadIn)


@router.post(
    "/incoming/{key}/touchpoints",
    auth=IncomingSignature(),
    response={201: IncomingOut},
    operation_id="incoming_touchpoint",
    summary="Receive a touchpoint",
    openapi_extra=_body_doc(IncomingTouchpointIn),
)
def incoming_touchpoint(request: HttpRequest, response: HttpResponse, key: str) -> Any:
    return _answer(request, response, "touchpoint", IncomingTouchpointIn)
