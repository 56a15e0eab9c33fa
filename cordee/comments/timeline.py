"""Comments in the record timeline (``funnel.timeline``): a lead's, contact's, account's or
opportunity's own comments, newest first, in one query. A deleted comment stays in the timeline
as deleted, without its text."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.comments import mentions
from cordee.comments.models import Comment
from cordee.core.actor import Actor
from cordee.funnel.activities import About
from cordee.funnel.timeline import Entry, timeline_source_register


def _comments(actor: Actor, about: About, limit: int) -> list[Entry]:
    record = getattr(about, about.scope)
    rows = (
        Comment.objects.filter(workspace=actor.workspace, **{about.scope: record})
        .select_related("author")
        .order_by("-created_at", "-id")[:limit]
    )
    return [
        Entry(
            kind="comment",
            at=c.created_at,
            title=_("Comment deleted") if c.is_deleted else _("Comment"),
            # mentions as written (the name at the time), without a query per comment
            detail="" if c.is_deleted else mentions.as_text(c.body, {}),
            actor=str(c.author),
            ref=f"comment:{c.pk}",
            extra=_("edited") if c.edited_at and not c.is_deleted else "",
        )
        for c in rows
    ]


def register() -> None:
    timeline_source_register("comment", gettext_lazy("Comments"), _comments)
