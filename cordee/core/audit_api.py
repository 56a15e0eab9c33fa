"""``GET /api/v1/audit``: the audit log, read-only (``audit.read``, RevOps). No operation
writes, changes or deletes an entry."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from cordee.core import audit_log
from cordee.core.api import Pagination, QuerySchema, current_actor
from cordee.core.schemas import MAX_ID

router = Router(tags=["Audit log"])


class AuditFiltersIn(QuerySchema):
    user: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(
        None, description="A person's id: their changes and their API tokens'"
    )
    by: Literal["person", "token", "rule", "system"] | None = Field(
        None, description="Who acted: a person in the app, an API token, a rule, the system"
    )
    target: Annotated[str, Field(max_length=40)] | None = Field(
        None, description="A kind of target: sla-contracts, scoring-rules, leads, webhooks…"
    )
    target_id: Annotated[int, Field(ge=1, le=MAX_ID)] | None = Field(
        None, description="With `target`: one record's entries"
    )
    action: Annotated[str, Field(max_length=40)] | None = Field(
        None, description="create, update, delete, sign, withdraw, rotate, reassign, stage…"
    )
    since: dt.date | None = Field(None, description="From this day (the workspace's), inclusive")
    until: dt.date | None = Field(None, description="Until this day (the workspace's), inclusive")


class AuditChangeOut(Schema):
    name: str
    before: str
    after: str


class AuditEntryOut(Schema):
    id: int
    at: dt.datetime
    by: str = Field(description="person, token, rule or system")
    user_id: int | None
    by_label: str = Field(description="The person's name (and token's), or the rule's, then")
    token_id: int | None
    action: str
    target: str
    target_id: int | None
    target_label: str
    before: dict[str, Any] = Field(description="The changed fields' values before (JSON)")
    after: dict[str, Any] = Field(description="… and after; secrets never appear")
    text: str = Field(description="The entry in the request's language")
    changes: list[AuditChangeOut] = Field(description="Field by field, as the page shows them")

    @staticmethod
    def resolve_text(entry: Any) -> str:
        return audit_log.sentence(entry)

    @staticmethod
    def resolve_changes(entry: Any) -> list[dict[str, str]]:
        return [c.__dict__ for c in audit_log.changes(entry, ids_shown=None)]


@router.get(
    "/audit",
    response=list[AuditEntryOut],
    operation_id="audit_list",
    summary="The audit log, newest first",
)
@paginate(Pagination)
def audit_list(request: HttpRequest, filters: Query[AuditFiltersIn]) -> Any:
    """Who changed what, when, before and after; filters as query parameters."""
    actor = current_actor(request)
    params = {k: str(v) for k, v in filters.model_dump().items() if v is not None}
    entries = audit_log.audit_entries(
        actor=actor, filters=audit_log.AuditFilters.from_params(params)
    )
    return entries
