"""The home page per role: GET /api/v1/me/home — the blocks the page prints, from the same
``home.home_read`` (schemas named ``Home…``: unique in the OpenAPI document)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from cordee.alignment.home import Home, home_read
from cordee.core.api import current_actor

router = Router(tags=["The home page per role"])


class HomeItemOut(Schema):
    kind: str
    title: str
    url: str
    detail: str
    due_at: dt.datetime | None
    due_on: dt.date | None
    clock: str
    late: bool


class HomeBlockOut(Schema):
    code: str
    title: str
    count: int
    items: list[HomeItemOut]
    see_all: str
    value: str
    empty: str


class HomeOut(Schema):
    """``needs``: what needs the person now, per their role (each block: how many, the first
    items, where to see them all); ``together``: the wins feed and the alignment index."""

    role: str
    needs: list[HomeBlockOut]
    together: list[HomeBlockOut]


def home_out(home: Home) -> dict[str, Any]:
    return dataclasses.asdict(home)


@router.get("/me/home", response=HomeOut, operation_id="me_home")
def me_home(request: HttpRequest) -> Any:
    """What needs me now in this workspace, for my role; then the wins and the index."""
    return home_out(home_read(current_actor(request)))
