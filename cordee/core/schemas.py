"""Field types and base schemas every app's API schemas share."""

from __future__ import annotations

import datetime as dt
import types
import typing
from collections.abc import Callable, Iterable
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal

import annotated_types
from django.http import Http404
from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)
from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from cordee.core.codes import country_code, currency_code
from cordee.core.text import SINGLE_LINE_MAX, first_control_character

# Ids are bounded to a signed 64-bit integer: a larger number is a 422, not an overflow.
MAX_ID = 2**63 - 1


Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def _path_id(value: int) -> int:
    if not 1 <= value <= MAX_ID:
        raise Http404  # no such row, as for any id nobody has; not a lookup the database refuses
    return value


# The id in a path (``/accounts/{int:pk}``): one no row can have (0, beyond 64 bits) is a 404.
PathId = Annotated[
    int,
    AfterValidator(_path_id),
    WithJsonSchema({"type": "integer", "minimum": 1, "maximum": MAX_ID}),
]


def _money_out(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


# Money leaves the API as a string ("1234567.89") so no JSON client rounds it through a float.
MoneyOut = Annotated[
    Decimal,
    PlainSerializer(_money_out, return_type=str, when_used="always"),
    WithJsonSchema({"type": "string", "format": "decimal", "examples": ["1234567.89"]}),
]


MoneyIn = Annotated[
    Decimal,
    Field(ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False),
    WithJsonSchema(
        {
            "anyOf": [{"type": "string", "format": "decimal"}, {"type": "number"}],
            "examples": ["1234567.89"],
        }
    ),
]


def _code(rule: Callable[[str], str]) -> BeforeValidator:
    """A code read by its ``core.codes`` rule, as the pages and the imports read it."""

    def read(value: Any) -> Any:
        if not isinstance(value, str):
            return value  # the str type says what is wrong
        try:
            return rule(value)
        except ValueError as exc:
            raise PydanticCustomError("code", str(exc)) from None

    return BeforeValidator(read)


Currency = Annotated[
    str,
    _code(currency_code),
    WithJsonSchema(
        {"type": "string", "pattern": "^[A-Za-z]{3}$", "description": "ISO 4217 code, e.g. EUR"}
    ),
]


CountryCode = Annotated[
    str,
    _code(country_code),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": "^([A-Za-z]{2})?$",
            "description": "ISO 3166-1 alpha-2 code, e.g. FR",
        }
    ),
]


def _max_lengths(annotation: Any) -> list[int]:
    """The maximum lengths a type annotation declares (``Text200 | None`` → [200])."""
    found: list[int] = []
    if typing.get_origin(annotation) is Annotated:
        for meta in annotation.__metadata__:
            found += _metadata_lengths(meta.metadata if isinstance(meta, FieldInfo) else [meta])
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            found += _max_lengths(arg)
    return found


def _metadata_lengths(metadata: list[Any]) -> list[int]:
    return [m.max_length for m in metadata if isinstance(m, annotated_types.MaxLen)]


def is_single_line(field: FieldInfo) -> bool:
    """A short text (a name, a title, a code): no tab or line break (``core.text``)."""
    lengths = _metadata_lengths(field.metadata) + _max_lengths(field.annotation)
    return bool(lengths) and max(lengths) <= SINGLE_LINE_MAX


def refuse_control_characters(
    schema: type[Schema], value: Any, info: ValidationInfo, *, multiline: bool = False
) -> Any:
    """``core.text``'s rule for one field of ``schema``: a ``control_character`` error (its
    ``code`` named) when the value holds a character it may not."""
    field = schema.model_fields.get(info.field_name or "")
    multiline = multiline or field is None or not is_single_line(field)
    code = first_control_character(value, multiline=multiline)
    if code:
        raise PydanticCustomError("control_character", "control character {code}", {"code": code})
    return value


class TextSchema(Schema):
    """Every text of the request is checked by ``core.text`` (control characters refused)."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_control_characters(cls, value: Any, info: ValidationInfo) -> Any:
        return refuse_control_characters(cls, value, info)


class InSchema(TextSchema):
    """Base of every request body: unknown fields are refused, control characters too."""

    model_config = ConfigDict(extra="forbid")


def _without_null(prop: dict[str, Any]) -> None:
    """``prop`` (a property's JSON schema) made not nullable, in place: optional still (a PATCH
    may leave it out), but ``null`` is not one of its values."""
    variants = [v for v in prop.get("anyOf", ()) if v != {"type": "null"}]
    if "anyOf" in prop:
        del prop["anyOf"]
        if len(variants) == 1:
            prop.update({k: v for k, v in variants[0].items() if k not in prop})
        else:
            prop["anyOf"] = variants
    if prop.get("default", 0) is None:
        del prop["default"]


def document_refused_nulls(schema: type[Schema], names: Iterable[str]) -> None:
    """Document the fields ``names`` of the request body ``schema`` as not nullable.

    A PATCH body types every field ``X | None = None`` so that a field may be left out; the
    services then refuse ``null`` for a field that cannot hold it (``core.validation``'s
    ``null_errors``: a 422 naming the field). The OpenAPI document says so: such a field is
    optional but never ``null``.
    """
    refused = sorted(set(names) & set(schema.model_fields))
    if not refused:
        return
    earlier = schema.model_config.get("json_schema_extra")

    def extra(json_schema: dict[str, Any], cls: type[Any]) -> None:
        if callable(earlier):
            earlier(json_schema, cls)  # type: ignore[call-arg]
        properties = json_schema.get("properties", {})
        for name in refused:
            alias = schema.model_fields[name].alias or name
            if alias in properties:
                _without_null(properties[alias])

    schema.model_config = {**schema.model_config, "json_schema_extra": extra}


def choice_field(choices: type[Enum], *, blank: bool = False) -> Any:
    """A closed list of a model's choices (plus ``""`` where the field may be blank)."""
    values = tuple(str(c.value) for c in choices)
    return Literal[("", *values) if blank else values]


Name = Annotated[str, Field(min_length=1, max_length=200)]
Text40 = Annotated[str, Field(max_length=40)]
Text80 = Annotated[str, Field(max_length=80)]
Text120 = Annotated[str, Field(max_length=120)]
Text150 = Annotated[str, Field(max_length=150)]
Text200 = Annotated[str, Field(max_length=200)]
Text254 = Annotated[str, Field(max_length=254)]
Text300 = Annotated[str, Field(max_length=300)]
SourceSystem = Text40
ExternalId = Annotated[str | None, Field(max_length=120)]
Country = CountryCode
UserId = Annotated[Id, Field(description="User id of an active member of the workspace")]


class SyncedOut(Schema):
    source_system: str
    external_id: str | None
    created_at: dt.datetime
    updated_at: dt.datetime


# -- accounts ----------------------------------------------------------------------------------
