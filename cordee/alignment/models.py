"""How aligned the two teams are (issue 20): the alignment index's weights, the pods' value
log and the monthly executive report's sendings.

The **index** itself is computed, never stored (``index.py``, maths in
``analytics/alignment_index.py``): ``IndexWeights`` keeps a workspace's weights of its parts
when a RevOps admin changed them (none: the documented defaults). A pod's **value log** is what
the pod shipped or changed, dated, written by anyone in it. A ``ReportSending`` records that a
month's executive report (of the workspace, or of a pod) was sent through the outgoing
webhooks, so that it is sent once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cordee.tenancy.models import User, Workspace, WorkspaceScoped


class IndexWeights(models.Model):
    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="index_weights"
    )
    weights = models.JSONField(_("weights"), default=dict)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("alignment index weights")
        verbose_name_plural = _("alignment index weights")

    def __str__(self) -> str:
        return f"{self.workspace}: {self.weights}"


class ValueKind(models.TextChoices):
    SHIPPED = "shipped", _("Shipped")
    CHANGED = "changed", pgettext_lazy("value log", "Changed")  # "Changé", not the rows "modifiées"
    LEARNED = "learned", _("Learned")


class ValueEntry(WorkspaceScoped):
    pod = models.ForeignKey(
        "people.Pod", on_delete=models.CASCADE, related_name="value_log", verbose_name=_("pod")
    )
    author = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    on = models.DateField(_("date"))
    kind = models.CharField(
        _("kind"), max_length=10, choices=ValueKind.choices, default=ValueKind.SHIPPED
    )
    title = models.CharField(_("what"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    link = models.URLField(_("link"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("value log entry")
        verbose_name_plural = _("value log entries")
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return self.title


class ReportSending(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    pod = models.ForeignKey(
        "people.Pod", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"))  # its first day
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "pod", "month"], name="reportsending_unique"
            ),
            # the workspace's own report (no pod): a NULL is never equal to another on
            # PostgreSQL and SQLite, so the rule above alone would not hold for it
            models.UniqueConstraint(
                fields=["workspace", "month"],
                condition=models.Q(pod__isnull=True),
                name="reportsending_unique_workspace",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.workspace} {self.month:%Y-%m}"
