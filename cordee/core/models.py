"""Base model of rows that may come from another system (HubSpot, Salesforce…)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import WorkspaceScoped


class Synced(WorkspaceScoped):
    """A row that may come from another system: ``(workspace, source_system, external_id)``
    is a plain unique constraint (NULLs allowed) so bulk upserts work on SQLite and PostgreSQL."""

    source_system = models.CharField(_("source system"), max_length=40, blank=True, default="")
    external_id = models.CharField(_("external id"), max_length=120, blank=True, null=True)

    class Meta:
        abstract = True


# the fields every Synced record takes from a person, an import or the API
SYNCED_FIELDS = ("source_system", "external_id")


def synced_unique(name: str) -> models.UniqueConstraint:
    """The plain unique constraint every ``Synced`` table declares."""
    return models.UniqueConstraint(
        fields=["workspace", "source_system", "external_id"], name=f"{name}_unique_external_id"
    )
