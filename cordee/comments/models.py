"""Comments on records, and the versions they had before each edit.

A comment belongs to exactly one record through one nullable foreign key per kind (lead, contact,
account, opportunity, campaign, feedback item) rather than a generic content type + id: the
database then checks the record exists, deletes its comments with it, and indexes each kind's
thread; a check constraint holds "exactly one". Mentions are stored as the mentioned users' ids;
the text keeps ``@[name](id)`` tokens that are written as the person's current name when shown.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import User, WorkspaceScoped

# kind -> the foreign key that holds it; the API and the pages name a record by these kinds
RECORD_FIELDS: dict[str, str] = {
    "lead": "lead",
    "contact": "contact",
    "account": "account",
    "opportunity": "opportunity",
    "campaign": "campaign",
    "feedback": "feedback_item",
}


def _exactly_one_record() -> Q:
    alone = [
        Q(**{f"{name}__isnull": False})
        & Q(**{f"{other}__isnull": True for other in RECORD_FIELDS.values() if other != name})
        for name in RECORD_FIELDS.values()
    ]
    result = alone[0]
    for q in alone[1:]:
        result |= q
    return result


class Comment(WorkspaceScoped):
    author = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("text"))
    mentioned_ids = models.JSONField(_("mentioned people"), default=list, blank=True)
    lead = models.ForeignKey(
        "funnel.Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    contact = models.ForeignKey(
        "crm.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    account = models.ForeignKey(
        "crm.Account", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    opportunity = models.ForeignKey(
        "funnel.Opportunity",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    campaign = models.ForeignKey(
        "crm.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    feedback_item = models.ForeignKey(
        "feedback.FeedbackItem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comments",
    )
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    deleted_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("deleted by"),
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=_exactly_one_record(), name="comment_on_one_record")
        ]

    def __str__(self) -> str:
        return self.body[:60]

    @property
    def kind(self) -> str:
        return next(k for k, f in RECORD_FIELDS.items() if getattr(self, f"{f}_id") is not None)

    @property
    def record_id(self) -> int:
        return int(getattr(self, f"{RECORD_FIELDS[self.kind]}_id"))

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class CommentRevision(models.Model):
    """The text a comment had before one edit (or before its deletion): nothing said is lost."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField(_("text"))
    mentioned_ids = models.JSONField(_("mentioned people"), default=list, blank=True)
    written_at = models.DateTimeField(_("written"))
    replaced_at = models.DateTimeField(_("replaced"), auto_now_add=True)
    replaced_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("replaced by")
    )

    class Meta:
        verbose_name = _("comment revision")
        verbose_name_plural = _("comment revisions")
        ordering = ["comment", "replaced_at", "id"]

    def __str__(self) -> str:
        return self.body[:60]
