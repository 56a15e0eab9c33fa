"""Base models shared by every workspace-scoped table."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class WorkspaceScoped(TimeStamped):
    """A row that belongs to one workspace; every read filters on it."""

    workspace = models.ForeignKey(
        "people.Workspace", on_delete=models.CASCADE, related_name="+", verbose_name=_("workspace")
    )

    class Meta:
        abstract = True


class Synced(WorkspaceScoped):
    """A row that may come from another system: ``(workspace, source_system, external_id)``
    is a plain unique constraint (NULLs allowed) so bulk upserts work on SQLite and PostgreSQL."""

    source_system = models.CharField(_("source system"), max_length=40, blank=True, default="")
    external_id = models.CharField(_("external id"), max_length=120, blank=True, null=True)

    class Meta:
        abstract = True
