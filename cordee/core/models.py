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


class FieldChange(models.Model):
    """One field of a shared record changed by a person (a form, the API, a bulk action):
    appended, never edited, and told in the record's timeline ("Amount: 10,000 → 12,000").

    ``record`` is the kind's ``RecordSpec.key`` ("opportunities"); ``before``/``after`` hold the
    stored values as text (a related row's id, a choice's code) and, for a related row, its name
    at the time (``*_label``), so the entry still reads right once the row is renamed or gone.
    Written by ``core.records`` only (see ``field_changes_write``)."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    record = models.CharField(_("kind of record"), max_length=40)
    record_id = models.BigIntegerField(_("record"))
    field = models.CharField(_("field"), max_length=60)
    before = models.TextField(_("before"), blank=True)
    after = models.TextField(_("after"), blank=True)
    before_label = models.CharField(max_length=200, blank=True)
    after_label = models.CharField(max_length=200, blank=True)
    actor = models.ForeignKey(
        "tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("field change")
        verbose_name_plural = _("field changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["workspace", "record", "record_id", "at"])]

    def __str__(self) -> str:
        return f"{self.record}:{self.record_id}.{self.field}"


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    """Entries are appended, never changed: ``update`` and ``delete`` through the model's manager
    refuse. Deleting a workspace (its entries cascade) and a person (``user`` set to NULL) go
    through Django's deletion collector, which uses the plain base manager, and still work."""

    def update(self, **kwargs: object) -> int:
        raise ValueError("Audit entries are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are append-only.")


class AuditEntry(models.Model):
    """One change to the workspace's configuration or records, appended and never edited: who
    (a person, an API token or a rule), when, what, and the values before and after.

    ``target`` is a short kind ("workspace", "sla_contract", "membership", a ``RecordSpec.key``
    such as "leads"…) with the row's id and its name at the time (``target_label``), so an entry
    still reads right once the row is renamed or deleted. ``before``/``after`` hold only the
    fields that changed, as JSON-safe values. ``action`` is a code ("create", "update", "delete",
    "sign", "revoke"…) rendered in the reader's language. Written by ``core.audit.audit_write``
    only; an instance-level event (a workspace created or deleted) has no workspace."""

    class By(models.TextChoices):
        PERSON = "person", _("person")
        TOKEN = "token", _("API token")
        RULE = "rule", _("rule")
        SYSTEM = "system", _("system")

    workspace = models.ForeignKey(
        "tenancy.Workspace", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("when"))
    by = models.CharField(_("by"), max_length=10, choices=By.choices)
    user = models.ForeignKey(
        "tenancy.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # the person's name (or the token's, or the rule's) at the time
    by_label = models.CharField(max_length=200, blank=True)
    token_id = models.BigIntegerField(null=True, blank=True)
    action = models.CharField(_("action"), max_length=40)
    target = models.CharField(_("kind"), max_length=40)
    target_id = models.BigIntegerField(null=True, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "-at"]),
            models.Index(fields=["workspace", "target", "target_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target}:{self.target_id}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit entries are append-only.")


class WorkerHeartbeat(models.Model):
    """The task workers' sign of life: ``cordee worker`` (the supervisor) writes one row per host
    and queue every few seconds while that queue's worker process runs; ``/readyz`` reads it."""

    host = models.CharField(_("host"), max_length=255)
    queue = models.CharField(_("queue"), max_length=32)
    pid = models.PositiveIntegerField(_("worker process"))
    supervisor_pid = models.PositiveIntegerField(_("supervisor process"))
    started_at = models.DateTimeField(_("worker started"))
    restarts = models.PositiveIntegerField(_("restarts"), default=0)
    seen_at = models.DateTimeField(_("seen"), db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["host", "queue"], name="core_heartbeat_host_queue")
        ]

    def __str__(self) -> str:
        return f"{self.host}/{self.queue}"
