"""The one indexed document per searchable record (lead, contact, account, opportunity,
campaign, feedback item).

``title`` and ``body`` are what a person reads; ``title_key`` and ``body_key`` the same words
folded (lower case, no accents: ``fold``), which the PostgreSQL index reads. On SQLite an FTS5
virtual table (``search_fts``, tokenizer ``unicode61 remove_diacritics 2``) mirrors ``title``
and ``body`` through triggers on this table (migration 0002); on PostgreSQL a GIN index over
``to_tsvector('simple', …_key)`` serves the same queries. ``services.index_records`` is the one
writer of this table.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    workspace = models.ForeignKey(
        "tenancy.Workspace", on_delete=models.CASCADE, related_name="+", verbose_name=_("workspace")
    )
    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.BigIntegerField(_("record"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    title_key = models.CharField(max_length=300)
    body_key = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_one_document"),
        ]
        indexes = [models.Index(fields=["workspace", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
