"""A bulk action on many records: what was asked, on which rows (fixed when it starts), how far it
went, what it could not do (codes and values, written in the reader's language when read) and
what it needs to be undone within its window."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordee.funnel.models import Stage
from cordee.tenancy.models import WorkspaceScoped


class BulkKind(models.TextChoices):
    LEADS = "leads", _("leads")
    CONTACTS = "contacts", _("contacts")
    ACCOUNTS = "accounts", _("accounts")
    OPPORTUNITIES = "opportunities", _("opportunities")


class BulkAction(models.TextChoices):
    REASSIGN = "reassign", _("Reassign owner")
    POD = "pod", _("Move to a pod")
    STAGE = "stage", _("Change lifecycle stage")
    CAMPAIGN = "campaign", _("Add to a campaign")
    DELETE = "delete", _("Delete")


class BulkStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Done")
    FAILED = "failed", _("Failed")
    UNDOING = "undoing", _("Being undone")
    UNDONE = "undone", _("Undone")


# Why a row was skipped or failed: a code and its values are stored, the words written when read.
REASONS = {
    "not_yours": _("owned by someone else (only a manager may change it)"),
    "unchanged": _("already as asked"),
    "already_member": _("already a member of the campaign"),
    "not_allowed": _("the funnel does not allow %(from)s → %(to)s"),
    "decision": _("%(from)s → %(to)s is a sales decision: accept or reject the MQL"),
    "moved": _("changed by someone else meanwhile"),
    "protected": _("still used by other records"),
    "gone": _("no longer exists"),
    "stopped": _("the job stopped before it finished"),
    "no_contact": _("the lead has no contact"),
}


# reasons whose values are stages, stored as their codes and named in the reader's language
_STAGE_PARAMS = frozenset({"not_allowed", "decision"})


def reason_text(code: str, params: dict[str, Any] | None = None) -> str:
    """A stored reason in the active language."""
    template = REASONS.get(code)
    if template is None:
        return code
    if code in _STAGE_PARAMS and params:
        params = {k: Stage(v).label if v in Stage.values else v for k, v in params.items()}
    try:
        return str(template) % (params or {})
    except (KeyError, TypeError, ValueError):
        return str(template)


class BulkJob(WorkspaceScoped):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("records"), max_length=16, choices=BulkKind.choices)
    action = models.CharField(_("action"), max_length=12, choices=BulkAction.choices)
    args = models.JSONField(_("arguments"), default=dict, blank=True)
    # the rows it acts on, resolved when it was asked (later changes to the filters' matches do
    # not alter the set); rows refused up front are only counted, in ``skipped``
    selection = models.JSONField(_("selection"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BulkStatus.choices, default=BulkStatus.QUEUED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows done"), default=0)  # progress: rows gone through
    changed = models.PositiveIntegerField(_("rows changed"), default=0)
    failed = models.PositiveIntegerField(_("rows failed"), default=0)
    skipped = models.JSONField(_("rows skipped, by reason"), default=dict, blank=True)
    # [{"id", "code", "params"}], the first FAILURES_KEPT failures
    failures = models.JSONField(_("failures"), default=list, blank=True)
    error = models.CharField(_("error"), max_length=40, blank=True)
    finished_status = models.CharField(max_length=10, blank=True)  # what an undo returns to
    # what undoing needs (previous values; deleted rows serialized), purged after the window
    undo_data = models.JSONField(_("undo data"), default=dict, blank=True)
    undo_until = models.DateTimeField(_("undo until"), null=True, blank=True)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    FAILURES_KEPT = 500

    class Meta:
        verbose_name = _("bulk action")
        verbose_name_plural = _("bulk actions")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "-created_at"]),
            models.Index(fields=["status"]),
            models.Index(fields=["undo_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.total} {self.get_kind_display()}"

    @property
    def is_finished(self) -> bool:
        return self.status in (BulkStatus.SUCCEEDED, BulkStatus.FAILED, BulkStatus.UNDONE)

    @property
    def percent(self) -> int:
        return 100 if not self.total else min(100, round(100 * self.done / self.total))

    @property
    def skipped_count(self) -> int:
        return sum(int(n) for n in self.skipped.values())

    @property
    def can_undo(self) -> bool:
        return (
            self.status in (BulkStatus.SUCCEEDED, BulkStatus.FAILED)
            and self.undone_at is None
            and self.undo_until is not None
            and timezone.now() <= self.undo_until
            and bool(self.undo_data)
        )

    def skipped_reasons(self) -> list[tuple[str, int]]:
        """(reason in the active language, how many rows)."""
        return [(reason_text(code), int(n)) for code, n in sorted(self.skipped.items())]

    def failure_reasons(self) -> list[tuple[int, str]]:
        """(row id, reason in the active language) of the kept failures."""
        return [(f["id"], reason_text(f["code"], f.get("params"))) for f in self.failures]
