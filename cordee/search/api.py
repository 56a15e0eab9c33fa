"""Find anything, for API clients: the same search as the page."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router
from pydantic import Field

from cordee.core.api import current_actor
from cordee.search import schemas, selectors

router = Router(tags=["Search"])


@router.get("/search", response=list[schemas.SearchHitOut], operation_id="search")
def search(
    request: HttpRequest,
    q: Annotated[str, Field(max_length=200)],
    kind: Query[list[schemas.SearchKind] | None] = None,  # type: ignore[type-arg]
    limit: Annotated[int, Field(ge=1, le=selectors.MAX_LIMIT)] = selectors.LIMIT,
) -> Any:
    """Leads, contacts, accounts, opportunities, campaigns and feedback items whose words start
    with every word of ``q`` (accents and case ignored), best first: an exact name, then a name
    that starts with the words, then a match in the other words. ``kind`` (repeatable) narrows
    the kinds. Only records of the token's workspace."""
    hits = selectors.search(current_actor(request), q, kind, limit=limit)
    return [
        {"kind": h.kind, "id": h.id, "title": h.title, "detail": h.detail, "url": h.url}
        for h in hits
    ]
