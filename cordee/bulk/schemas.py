"""Request and answer shapes of the bulk-jobs API (names unique across apps)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from cordee.core.schemas import InSchema


class BulkJobIn(InSchema):
    kind: str = Field(description="leads, contacts, accounts or opportunities")
    action: str = Field(
        description="reassign, pod (leads), stage (leads), campaign (leads, contacts) or delete"
    )
    ids: list[int] | None = Field(
        None, description="The rows to act on; leave out to act on every row matching `filters`"
    )
    filters: dict[str, str] = Field(
        default_factory=dict,
        description="The list's query parameters (q, and its filters) when `ids` is left out",
    )
    args: dict[str, Any] = Field(
        default_factory=dict,
        description='The action\'s arguments: {"to_owner": user id}, {"pod": pod id or null}, '
        '{"to_stage": stage}, {"campaign": campaign id}; none for delete',
    )


class BulkSkippedOut(Schema):
    code: str
    reason: str
    count: int


class BulkFailureOut(Schema):
    id: int
    code: str
    params: dict[str, Any]
    reason: str


class BulkJobOut(Schema):
    id: int
    kind: str
    action: str
    status: str
    total: int
    done: int
    changed: int
    failed: int
    percent: int
    skipped: list[BulkSkippedOut]
    failures: list[BulkFailureOut]
    created_at: dt.datetime
    finished_at: dt.datetime | None
    undo_until: dt.datetime | None
    undone_at: dt.datetime | None
    can_undo: bool
