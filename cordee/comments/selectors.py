"""Permission-scoped reads of comments: a record's thread, one comment's history, the members
one may mention. Every member who may read a record reads its comments."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Model, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cordee.comments import mentions
from cordee.comments.models import RECORD_FIELDS, Comment, CommentRevision
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, PermissionDenied
from cordee.core.records import RecordSpec, record_get
from cordee.core.selectors import workspace_users
from cordee.crm import records as crm_records
from cordee.feedback.selectors.inbox import feedback_get
from cordee.funnel import records as funnel_records
from cordee.tenancy.models import User

_SPECS: dict[str, RecordSpec] = {
    "lead": funnel_records.LEADS,
    "contact": crm_records.CONTACTS,
    "account": crm_records.ACCOUNTS,
    "opportunity": funnel_records.OPPORTUNITIES,
    "campaign": crm_records.CAMPAIGNS,
}
# kind -> the plural its pages and endpoints are under: /w/acme/leads/12/, /api/v1/leads/12
PLURALS = {
    "lead": "leads",
    "contact": "contacts",
    "account": "accounts",
    "opportunity": "opportunities",
    "campaign": "campaigns",
    "feedback": "feedback",
}


def record_for_comments(*, actor: Actor, kind: str, record_id: int) -> Model:
    """The record a thread belongs to, read as its own pages read it: 404 for an unknown kind
    and for another workspace's record."""
    if kind == "feedback":
        return feedback_get(actor=actor, pk=record_id)
    if kind not in _SPECS:
        raise NotFound(_("Comments are not kept on this kind of record."))
    return record_get(actor=actor, spec=_SPECS[kind], pk=record_id)  # type: ignore[no-any-return]


def record_url(*, actor: Actor, kind: str, record_id: int) -> str:
    return reverse(f"{PLURALS[kind]}_detail", args=[actor.workspace.slug, record_id])


def member_names(*, actor: Actor, ids: Iterable[int]) -> dict[int, str]:
    """id -> name of those of ``ids`` who are active members of the workspace (one query)."""
    wanted = set(ids)
    if not wanted:
        return {}
    return {u.pk: str(u) for u in workspace_users(actor=actor).filter(pk__in=wanted)}


@dataclass(frozen=True)
class CommentView:
    """One comment as people see it. A deleted comment keeps its text for the history, but no
    one reads it in the thread: ``text`` and ``html`` are empty."""

    comment: Comment
    id: int
    kind: str
    record_id: int
    author_id: int
    author_name: str
    body: str
    text: str
    html: SafeString
    mentioned: list[dict[str, Any]]
    created_at: dt.datetime
    edited_at: dt.datetime | None
    deleted_at: dt.datetime | None
    deleted_by_id: int | None
    deleted_by_name: str
    revisions_count: int
    can_edit: bool
    can_delete: bool
    can_read_history: bool


def _can_moderate(actor: Actor, comment: Comment) -> bool:
    return comment.author_id == actor.user.pk or actor.can("comment.moderate")


def comment_view(*, actor: Actor, comment: Comment, names: dict[int, str]) -> CommentView:
    deleted = comment.is_deleted
    mine = comment.author_id == actor.user.pk
    revisions = int(getattr(comment, "revisions_count", 0))
    return CommentView(
        comment=comment,
        id=comment.pk,
        kind=comment.kind,
        record_id=comment.record_id,
        author_id=comment.author_id,
        author_name=str(comment.author),
        body="" if deleted else comment.body,
        text="" if deleted else mentions.as_text(comment.body, names),
        html=SafeString("") if deleted else mentions.as_html(comment.body, names),
        mentioned=[
            {"id": uid, "name": names[uid]}
            for uid in ([] if deleted else comment.mentioned_ids)
            if uid in names
        ],
        created_at=comment.created_at,
        edited_at=comment.edited_at,
        deleted_at=comment.deleted_at,
        deleted_by_id=comment.deleted_by_id,
        deleted_by_name=str(comment.deleted_by) if comment.deleted_by else "",
        revisions_count=revisions,
        can_edit=not deleted and mine and actor.can("comment.write"),
        can_delete=not deleted and actor.can("comment.write") and _can_moderate(actor, comment),
        can_read_history=revisions > 0 and (not deleted or _can_moderate(actor, comment)),
    )


def _comments(actor: Actor) -> QuerySet[Comment]:
    return (
        Comment.objects.filter(workspace=actor.workspace)
        .select_related("author", "deleted_by")
        .annotate(revisions_count=Count("revisions"))
    )


def comments_on(*, actor: Actor, kind: str, record_id: int) -> list[CommentView]:
    """A record's thread, oldest first, in a constant number of queries (the record, the
    comments with their authors and edit counts, the names of everyone mentioned)."""
    record = record_for_comments(actor=actor, kind=kind, record_id=record_id)
    rows = list(
        _comments(actor).filter(**{RECORD_FIELDS[kind]: record}).order_by("created_at", "id")
    )
    names = member_names(actor=actor, ids=(uid for c in rows for uid in c.mentioned_ids))
    return [comment_view(actor=actor, comment=c, names=names) for c in rows]


def comment_get(*, actor: Actor, pk: int) -> CommentView:
    """One comment of the actor's workspace, or 404."""
    comment = _comments(actor).filter(pk=pk).first()
    if comment is None:
        raise NotFound(_("Comment not found."))
    names = member_names(actor=actor, ids=comment.mentioned_ids)
    return comment_view(actor=actor, comment=comment, names=names)


@dataclass(frozen=True)
class RevisionView:
    text: str
    html: SafeString
    written_at: dt.datetime
    replaced_at: dt.datetime
    replaced_by_name: str


def comment_history(*, actor: Actor, pk: int) -> list[RevisionView]:
    """The texts a comment had before each edit or its deletion, oldest first. Anyone who reads
    the thread reads an edited comment's history; a deleted one's only its author and managers."""
    view = comment_get(actor=actor, pk=pk)
    if view.deleted_at is not None and not _can_moderate(actor, view.comment):
        raise PermissionDenied(_("Only its author and managers read a deleted comment."))
    revisions = list(
        CommentRevision.objects.filter(comment_id=view.id)
        .select_related("replaced_by")
        .order_by("replaced_at", "id")
    )
    names = member_names(actor=actor, ids=(uid for r in revisions for uid in r.mentioned_ids))
    return [
        RevisionView(
            text=mentions.as_text(r.body, names),
            html=mentions.as_html(r.body, names),
            written_at=r.written_at,
            replaced_at=r.replaced_at,
            replaced_by_name=str(r.replaced_by),
        )
        for r in revisions
    ]


def mentionable(*, actor: Actor, prefix: str, limit: int = 8) -> list[User]:
    """Active members whose first name, last name or e-mail starts with ``prefix``, accent- and
    case-insensitive ("hel" finds Hélène). A workspace has tens of members, not thousands: they
    are compared in Python, the same way on SQLite and PostgreSQL."""
    wanted = mentions.folded(prefix.strip().lstrip("@"))
    found = []
    for user in workspace_users(actor=actor).only("first_name", "last_name", "email"):
        words = [*mentions.folded(f"{user.first_name} {user.last_name}").split(), user.email]
        full = mentions.folded(str(user))
        if not wanted or full.startswith(wanted) or any(w.startswith(wanted) for w in words):
            found.append(user)
            if len(found) == limit:
                break
    return found
