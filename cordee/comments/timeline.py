"""Comments in the record timeline (``funnel.timeline``): a lead's, contact's, account's or
opportunity's own comments, newest first, in two queries (the comments, the people they
mention), whatever their number. A deleted comment stays in the timeline
as deleted, without its text."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.comments import mentions
from cordee.comments.models import Comment
from cordee.comments.selectors import member_names
from cordee.core.actor import Actor
from cordee.funnel.activities import About
from cordee.funnel.timeline import Entry, timeline_source_register


def _comments(actor: Actor, about: About, limit: int) -> list[Entry]:
    record = getattr(about, about.scope)
    rows = list(
        Comment.objects.filter(workspace=actor.workspace, **{about.scope: record})
        .select_related("author")
        .order_by("-created_at", "-id")[:limit]
    )
    # the members mentioned, named as today and highlighted as in the thread (one more query)
    names = member_names(actor=actor, ids={uid for c in rows for uid in c.mentioned_ids})
    return [
        Entry(
            kind="comment",
            at=c.created_at,
            title=_("Comment deleted") if c.is_deleted else _("Comment"),
            detail="" if c.is_deleted else mentions.as_html(c.body, names),
            actor=str(c.author),
            ref=f"comment:{c.pk}",
            extra=_("edited") if c.edited_at and not c.is_deleted else "",
        )
        for c in rows
    ]


def register() -> None:
    timeline_source_register("comment", gettext_lazy("Comments"), _comments)
