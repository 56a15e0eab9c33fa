"""REST endpoints of merges: merge two contacts or accounts, read a merge, a record's
duplicates."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from cordee.core.api import current_actor
from cordee.core.schemas import PathId
from cordee.merges import schemas, selectors, services
from cordee.merges.models import Merge
from cordee.merges.moves import moved_words

router = Router(tags=["Merges"])


def merge_out(merge: Merge) -> dict[str, Any]:
    return {
        "id": merge.pk,
        "kind": merge.kind,
        "survivor_id": merge.survivor_contact_id or merge.survivor_account_id,
        "survivor_label": merge.survivor_label,
        "loser_id": merge.loser_id,
        "loser_label": merge.loser_label,
        "loser_snapshot": merge.loser_snapshot,
        "choices": {
            name: {"kept_from": c["from"], "survivor": c["survivor"], "loser": c["loser"]}
            for name, c in merge.choices.items()
        },
        "moved": merge.moved,
        "moved_text": moved_words(merge.moved),
        "actor_id": merge.actor_id,
        "at": merge.at,
    }


@router.post("/merges", response={201: schemas.MergeOut}, operation_id="merge_create")
def merge_create(request: HttpRequest, payload: schemas.MergeIn) -> Any:
    """Merge `loser` into `survivor` (two contacts or two accounts): the chosen values are
    written on the survivor, every related row (leads, touches, activities, tasks, comments;
    for accounts: contacts, opportunities, feedback…) moves to it, the loser is deleted, and the
    merge is kept. Managers and RevOps (`record.merge`). A record already merged away: 409,
    saying into which record."""
    merge = services.merge_records(
        actor=current_actor(request),
        kind=payload.kind,
        survivor_id=payload.survivor,
        loser_id=payload.loser,
        choices=payload.choices,
    )
    return 201, merge_out(merge)


@router.get("/merges/{int:pk}", response=schemas.MergeOut, operation_id="merge_get")
def merge_get(request: HttpRequest, pk: PathId) -> Any:
    """A merge: the merged record's fields as they were, the values chosen, the rows moved."""
    return merge_out(selectors.merge_get(actor=current_actor(request), pk=pk))


def _duplicates(request: HttpRequest, kind: str, pk: int) -> list[dict[str, Any]]:
    found = selectors.duplicates_of(actor=current_actor(request), kind=kind, pk=pk)
    return [
        {"id": d.record.pk, "label": str(d.record), "reasons": list(d.reasons), "why": d.why}
        for d in found
    ]


@router.get(
    "/contacts/{int:pk}/duplicates",
    response=list[schemas.DuplicateOut],
    operation_id="contact_duplicates",
)
def contact_duplicates(request: HttpRequest, pk: PathId) -> Any:
    """Contacts that look like this one: same e-mail, or same first and last name (accents and
    case ignored) at the same account."""
    return _duplicates(request, "contact", pk)


@router.get(
    "/accounts/{int:pk}/duplicates",
    response=list[schemas.DuplicateOut],
    operation_id="account_duplicates",
)
def account_duplicates(request: HttpRequest, pk: PathId) -> Any:
    """Accounts that look like this one: same website domain, or same name (accents, case,
    spaces and punctuation ignored)."""
    return _duplicates(request, "account", pk)
