"""Tasks: what a person plans to do about a record (call back Tuesday at 10:00), with a
reminder placed on the workspace's business calendar."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.crm.models import Account, Contact
from cordee.tenancy.models import WorkspaceScoped


class Task(WorkspaceScoped):
    """A task is about one record: a lead, a contact, an account or an opportunity (the
    services set exactly one, and its contact/account when they follow from it)."""

    lead = models.ForeignKey(
        "Lead", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    opportunity = models.ForeignKey(
        "Opportunity", null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    title = models.CharField(_("title"), max_length=200)
    due_at = models.DateTimeField(_("due"))
    remind_at = models.DateTimeField(_("reminder"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["workspace", "owner", "done_at", "due_at"]),
            # the reminder job: reminders due and not sent yet
            models.Index(
                fields=["remind_at"],
                name="task_reminder_pending",
                condition=models.Q(reminded_at__isnull=True, done_at__isnull=True),
            ),
            models.Index(fields=["lead", "due_at"]),
            models.Index(fields=["contact", "due_at"]),
            models.Index(fields=["account", "due_at"]),
            models.Index(fields=["opportunity", "due_at"]),
        ]

    def __str__(self) -> str:
        return self.title
