"""Writes of comments: post, edit, delete. Each keeps what was said (an edit or a deletion
leaves a revision) and tells the people newly mentioned, once each."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.comments import mentions, notices, selectors
from cordee.comments.models import RECORD_FIELDS, Comment, CommentRevision
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from cordee.people.services import notification_new, notifications_send
from cordee.tenancy.models import User

MAX_LENGTH = 5000
EXCERPT = 200


def _clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise ValidationFailed(
            _("Write something."), field_errors={"text": [_("Write something.")]}
        )
    if len(body) > MAX_LENGTH:
        message = _("At most %(n)s characters.") % {"n": MAX_LENGTH}
        raise ValidationFailed(message, field_errors={"text": [message]})
    return body


def _members_mentioned(actor: Actor, body: str) -> list[int]:
    """The ids of the tokens that name an active member of the workspace; a non-member or
    someone of another workspace is not mentioned (and hears nothing)."""
    ids = mentions.mentioned_ids(body)
    names = selectors.member_names(actor=actor, ids=ids)
    return [uid for uid in ids if uid in names]


def _notify_mentioned(actor: Actor, comment: Comment, user_ids: list[int]) -> None:
    """One notification per person and comment (the key): an edit that mentions someone again
    does not tell them twice. The words are written when read, in the reader's language."""
    others = [uid for uid in user_ids if uid != actor.user.pk]
    if not others:
        return
    record = selectors.record_for_comments(
        actor=actor, kind=comment.kind, record_id=comment.record_id
    )
    names = selectors.member_names(actor=actor, ids=comment.mentioned_ids)
    text = mentions.as_text(comment.body, names)
    if len(text) > EXCERPT:
        text = text[: EXCERPT - 1] + "…"
    url = selectors.record_url(actor=actor, kind=comment.kind, record_id=comment.record_id)
    notifications_send(
        notifications=[
            notification_new(
                workspace=actor.workspace,
                user=user,
                kind="mention",
                key=f"comments.mention:{comment.pk}:{user.pk}",
                code=notices.MENTION,
                params={"author": str(actor.user), "record": str(record), "text": text},
                url=f"{url}#comment-{comment.pk}",
            )
            for user in User.objects.filter(pk__in=others)
        ]
    )


@transaction.atomic
def comment_post(*, actor: Actor, kind: str, record_id: int, body: str) -> Comment:
    """A comment on a record of the actor's workspace (404 for another workspace's record)."""
    actor.require("comment.write")
    record = selectors.record_for_comments(actor=actor, kind=kind, record_id=record_id)
    body = _clean_body(body)
    comment = Comment.objects.create(
        workspace=actor.workspace,
        author=actor.user,
        body=body,
        mentioned_ids=_members_mentioned(actor, body),
        **{RECORD_FIELDS[kind]: record},
    )
    _notify_mentioned(actor, comment, comment.mentioned_ids)
    return comment


def _locked(actor: Actor, pk: int) -> Comment:
    comment = Comment.objects.select_for_update().filter(workspace=actor.workspace, pk=pk).first()
    if comment is None:
        raise NotFound(_("Comment not found."))
    if comment.is_deleted:
        raise Conflict(_("This comment was deleted."))
    return comment


def _keep_revision(actor: Actor, comment: Comment) -> None:
    CommentRevision.objects.create(
        comment=comment,
        body=comment.body,
        mentioned_ids=comment.mentioned_ids,
        written_at=comment.edited_at or comment.created_at,
        replaced_by=actor.user,
    )


@transaction.atomic
def comment_edit(*, actor: Actor, comment_id: int, body: str) -> Comment:
    """Only the author edits; the previous text becomes a revision. Someone mentioned for the
    first time by the edit is told; someone already mentioned is not told again."""
    actor.require("comment.write")
    comment = _locked(actor, comment_id)
    if comment.author_id != actor.user.pk:
        raise PermissionDenied(_("Only its author edits a comment."))
    body = _clean_body(body)
    if body == comment.body:
        return comment
    _keep_revision(actor, comment)
    before = set(comment.mentioned_ids)
    comment.body = body
    comment.mentioned_ids = _members_mentioned(actor, body)
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "mentioned_ids", "edited_at", "updated_at"])
    _notify_mentioned(actor, comment, [uid for uid in comment.mentioned_ids if uid not in before])
    return comment


@transaction.atomic
def comment_delete(*, actor: Actor, comment_id: int) -> Comment:
    """The author or a manager deletes: the comment stays in the thread as "deleted" with who
    and when; its text is kept (as its last revision) for the history and hidden from others."""
    actor.require("comment.write")
    comment = _locked(actor, comment_id)
    if comment.author_id != actor.user.pk and not actor.can("comment.moderate"):
        raise PermissionDenied(_("Only its author or a manager deletes a comment."))
    _keep_revision(actor, comment)
    comment.deleted_at = timezone.now()
    comment.deleted_by = actor.user
    comment.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return comment
