"""Field types and base schemas every app's API schemas share."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from cordee.core.api import CountryCode, Id


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
