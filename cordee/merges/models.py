"""A merge of two duplicate records: what the surviving record absorbed, kept to explain it.

The loser is deleted by the merge; its id and every field it had stay here (``loser_snapshot``),
with the values chosen field by field (``choices``) and the rows moved per kind (``moved``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import WorkspaceScoped


class MergeKind(models.TextChoices):
    CONTACT = "contact", _("Contact")
    ACCOUNT = "account", _("Account")


class Merge(WorkspaceScoped):
    kind = models.CharField(_("kind"), max_length=10, choices=MergeKind.choices)
    # one of the two is set, as ``kind`` says; SET_NULL: the history outlives the survivor
    survivor_contact = models.ForeignKey(
        "crm.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merges",
        verbose_name=_("surviving contact"),
    )
    survivor_account = models.ForeignKey(
        "crm.Account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merges",
        verbose_name=_("surviving account"),
    )
    survivor_label = models.CharField(_("survivor"), max_length=300)
    loser_id = models.BigIntegerField(_("merged record's id"))
    loser_label = models.CharField(_("merged record"), max_length=300)
    loser_snapshot = models.JSONField(_("merged record's fields"), default=dict)
    # field -> {"from": "survivor" | "loser", "survivor": text, "loser": text} where they differed
    choices = models.JSONField(_("values chosen"), default=dict)
    moved = models.JSONField(_("rows moved"), default=dict)  # kind of row -> count
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["survivor_contact", "at"]),
            models.Index(fields=["survivor_account", "at"]),
            models.Index(fields=["workspace", "kind", "loser_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.loser_label} → {self.survivor_label}"
