"""Input and output schemas of the saved views API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from cordee.core.schemas import Id, InSchema
from cordee.lists.pages import LIST_KINDS

Kind = Literal[LIST_KINDS]  # type: ignore[valid-type]
ViewName = Annotated[str, Field(min_length=1, max_length=80)]
Params = Annotated[
    dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=200)]],
    Field(
        max_length=30,
        description="The list's query: `q`, `sort` and its filters (as `GET /<kind>` takes them)",
    ),
]
Columns = Annotated[
    list[Annotated[str, Field(max_length=80)]],
    Field(max_length=40, description="Column keys in order; empty for the list's default columns"),
]
PageSize = Literal[25, 50, 100]
Sharing = Literal["private", "pod", "workspace"]


class SavedViewIn(InSchema):
    kind: Kind
    name: ViewName
    params: Params = Field(default_factory=dict)
    columns: Columns = Field(default_factory=list)
    page_size: PageSize = 25
    visibility: Sharing = "private"
    pod: Id | None = Field(None, description="The pod it is shared with (visibility `pod`)")


class SavedViewPatch(InSchema):
    name: ViewName | None = None
    params: Params | None = None
    columns: Columns | None = None
    page_size: PageSize | None = None
    visibility: Sharing | None = None
    pod: Id | None = None


class SavedViewOut(Schema):
    id: int
    kind: str
    name: str
    owner_id: int
    owner_name: str
    visibility: str
    pod_id: int | None
    params: dict[str, str]
    columns: list[str]
    page_size: int
    is_default: bool = Field(description="The view the list opens on for you")
    can_edit: bool = Field(description="You may update, share, rename or delete it")
    created_at: dt.datetime
    updated_at: dt.datetime


class ListDefaultIn(InSchema):
    kind: Kind
    view: Id | None = Field(None, description="A view of this list; null for every row")


class ListDefaultOut(Schema):
    kind: str
    view: int | None


class ViewColumnOut(Schema):
    key: str
    label: str


class ViewRecordsOut(Schema):
    view: int
    columns: list[ViewColumnOut]
    items: list[dict[str, Any]] = Field(description="`id` and one value per column key")
    count: int
