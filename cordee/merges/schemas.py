"""Input and output schemas of the merges API."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from cordee.core.schemas import Id, InSchema

Side = Literal["survivor", "loser"]


class MergeIn(InSchema):
    kind: Literal["contact", "account"]
    survivor: Id = Field(description="The record that stays")
    loser: Id = Field(description="The record merged into it, then deleted")
    choices: dict[str, Side] = Field(
        default_factory=dict,
        description=(
            "Field → the record whose value is kept. A field left out keeps the survivor's "
            "value, or the loser's where the survivor has none."
        ),
    )


class MergeChoiceOut(Schema):
    kept_from: Side
    survivor: str
    loser: str


class MergeOut(Schema):
    id: int
    kind: str
    survivor_id: int | None
    survivor_label: str
    loser_id: int
    loser_label: str
    loser_snapshot: dict[str, Any]
    choices: dict[str, MergeChoiceOut] = Field(description="The fields where the two differed")
    moved: dict[str, int] = Field(description="Rows moved to the survivor, per kind of row")
    moved_text: list[str]
    actor_id: int | None
    at: dt.datetime


class DuplicateOut(Schema):
    id: int
    label: str
    reasons: list[str] = Field(description="email, person, domain or name")
    why: str
