"""REST endpoints of comments: a record's thread, post, edit, delete, history, and the members
one may mention."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router
from pydantic import Field

from cordee.comments import mentions, schemas, selectors, services
from cordee.core.api import current_actor
from cordee.core.schemas import PathId

router = Router(tags=["Comments"])


def _thread_endpoints(kind: str, plural: str) -> None:
    """``GET`` and ``POST /<plural>/{pk}/comments``: one pair per kind of record."""

    @router.get(
        f"/{plural}/{{int:pk}}/comments",
        response=list[schemas.CommentOut],
        operation_id=f"{kind}_comment_list",
    )
    def comment_list(request: HttpRequest, pk: PathId) -> Any:
        """The record's comments, oldest first; a deleted one keeps its place, without its
        text."""
        return selectors.comments_on(actor=current_actor(request), kind=kind, record_id=pk)

    @router.post(
        f"/{plural}/{{int:pk}}/comments",
        response={201: schemas.CommentOut},
        operation_id=f"{kind}_comment_create",
    )
    def comment_create(request: HttpRequest, pk: PathId, payload: schemas.CommentIn) -> Any:
        """Comment on the record (every member who reads it may). Each member mentioned with
        `@[Name](user id)` gets a notification."""
        actor = current_actor(request)
        comment = services.comment_post(actor=actor, kind=kind, record_id=pk, body=payload.text)
        return 201, selectors.comment_get(actor=actor, pk=comment.pk)


for _kind, _plural in selectors.PLURALS.items():
    _thread_endpoints(_kind, _plural)


@router.get(
    "/comments/mentionable",
    response=list[schemas.MentionableOut],
    operation_id="comment_mentionable",
)
def comment_mentionable(request: HttpRequest, q: Annotated[str, Field(max_length=80)] = "") -> Any:
    """Members whose name or e-mail starts with ``q`` (accents and case ignored), with the token
    that mentions them."""
    users = selectors.mentionable(actor=current_actor(request), prefix=q)
    return [
        {"id": u.pk, "name": str(u), "token": mentions.mention_token(u.pk, str(u))} for u in users
    ]


@router.get("/comments/{int:pk}", response=schemas.CommentOut, operation_id="comment_read")
def comment_read(request: HttpRequest, pk: PathId) -> Any:
    return selectors.comment_get(actor=current_actor(request), pk=pk)


@router.patch("/comments/{int:pk}", response=schemas.CommentOut, operation_id="comment_update")
def comment_update(request: HttpRequest, pk: PathId, payload: schemas.CommentPatch) -> Any:
    """Edit your own comment; the previous text is kept in its history. A member mentioned for
    the first time is notified."""
    actor = current_actor(request)
    services.comment_edit(actor=actor, comment_id=pk, body=payload.text)
    return selectors.comment_get(actor=actor, pk=pk)


@router.delete("/comments/{int:pk}", response=schemas.CommentOut, operation_id="comment_delete")
def comment_delete(request: HttpRequest, pk: PathId) -> Any:
    """Delete a comment (its author or a manager): it shows as deleted, by whom and when; its
    text stays in the history."""
    actor = current_actor(request)
    services.comment_delete(actor=actor, comment_id=pk)
    return selectors.comment_get(actor=actor, pk=pk)


@router.get(
    "/comments/{int:pk}/revisions",
    response=list[schemas.CommentRevisionOut],
    operation_id="comment_revisions",
)
def comment_revisions(request: HttpRequest, pk: PathId) -> Any:
    """The texts the comment had before each edit (and before its deletion), oldest first."""
    return selectors.comment_history(actor=current_actor(request), pk=pk)
