"""Imports of CSV/XLSX files: one ``ImportJob`` per uploaded file, its progress and its report.

The job's progress is written outside the import's write transaction (so the page and the CLI
can read it while the import runs, on SQLite as on PostgreSQL); its final status is written in
the *same* transaction as the imported rows, so "succeeded" and the rows commit together.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import WorkspaceScoped


class ImportStorage(FileSystemStorage):
    """Uploaded files and rejected-row reports live under ``VAR_DIR/imports`` (read when used,
    so a test or a deployment that moves ``VAR_DIR`` moves them too)."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(Path(settings.VAR_DIR) / "imports")

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def import_storage() -> FileSystemStorage:
    return ImportStorage()


class ImportKind(models.TextChoices):
    CONTACTS = "contacts", _("Contacts")
    LEADS = "leads", _("Leads")
    ACCOUNTS = "accounts", _("Accounts")
    OPPORTUNITIES = "opportunities", _("Opportunities")
    TOUCHPOINTS = "touchpoints", _("Touchpoints")
    CAMPAIGNS = "campaigns", _("Campaigns")


class ImportStatus(models.TextChoices):
    # an uploaded file waits for the worker to detect its format (``runner.import_job_detect``)
    DETECTING = "detecting", _("Reading the file")
    DRAFT = "draft", _("Uploaded, not started")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


class ImportPhase(models.TextChoices):
    READY = "", _("Ready")
    READING = "reading", _("Reading the file")
    VALIDATING = "validating", _("Checking the rows")
    WRITING = "writing", _("Writing")
    DONE = "done", _("Done")


class SourceSystem(models.TextChoices):
    HUBSPOT = "hubspot", "HubSpot"
    SALESFORCE = "salesforce", "Salesforce"
    CSV = "csv", _("CSV file")


class ImportJob(WorkspaceScoped):
    kind = models.CharField(_("kind"), max_length=20, choices=ImportKind.choices)
    file = models.FileField(
        _("file"), storage=import_storage, upload_to="uploads/%Y/%m/", blank=True
    )
    # a file read in place (``cordee import FILE`` on the server) instead of an uploaded copy
    source_path = models.CharField(_("file path"), max_length=500, blank=True)
    original_name = models.CharField(_("file name"), max_length=255)
    source_system = models.CharField(
        _("source system"), max_length=20, choices=SourceSystem.choices, default=SourceSystem.CSV
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.DRAFT
    )
    phase = models.CharField(
        _("phase"), max_length=12, choices=ImportPhase.choices, blank=True, default=""
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    keep_good_rows = models.BooleanField(_("keep the good rows"), default=False)
    # what the file looks like (encoding, separator, header, date and number formats)
    detected = models.JSONField(_("detected format"), default=dict, blank=True)
    # column -> Cordée field ("" or absent: not imported)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    errors_count = models.PositiveIntegerField(_("rejected rows"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    rejected_file = models.FileField(
        _("rejected rows"), storage=import_storage, upload_to="rejected/%Y/%m/", blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    task_id = models.CharField(_("task"), max_length=64, blank=True)
    # who runs it: a process that disappears leaves a RUNNING job that readers mark failed
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "-created_at"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.original_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED)

    @property
    def detection_failed(self) -> bool:
        """The file could not be read as a table (the report's message says why): the job never
        reached the mapping step."""
        return self.status == ImportStatus.FAILED and bool((self.report or {}).get("detection"))

    def source_file_path(self) -> str:
        return self.source_path or self.file.path
