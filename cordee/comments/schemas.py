"""Input and output schemas of the comments API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from cordee.core.schemas import InSchema

Text = Annotated[
    str,
    Field(
        min_length=1,
        max_length=5000,
        description="The text; mention a member with `@[Name](user id)`",
    ),
]


class CommentIn(InSchema):
    text: Text


class CommentPatch(InSchema):
    text: Text


class MentionOut(Schema):
    id: int
    name: str


class CommentOut(Schema):
    id: int
    record: str
    record_id: int
    author_id: int
    author_name: str
    text: str = Field(description="The text with its mention tokens; empty once deleted")
    text_plain: str = Field(description="The text with mentions as @Name; empty once deleted")
    mentioned: list[MentionOut]
    created_at: dt.datetime
    edited_at: dt.datetime | None
    deleted_at: dt.datetime | None
    deleted_by_id: int | None
    deleted_by_name: str
    revisions_count: int
    can_edit: bool
    can_delete: bool

    @staticmethod
    def resolve_record(obj: Any) -> str:
        return str(obj.kind)

    @staticmethod
    def resolve_text(obj: Any) -> str:
        return str(obj.body)

    @staticmethod
    def resolve_text_plain(obj: Any) -> str:
        return str(obj.text)


class CommentRevisionOut(Schema):
    text: str
    written_at: dt.datetime
    replaced_at: dt.datetime
    replaced_by_name: str


class MentionableOut(Schema):
    id: int
    name: str
    token: str = Field(description="What to insert in a comment's text to mention this member")
