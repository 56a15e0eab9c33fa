"""Saved views of the record lists, and each person's way of showing a list.

A **saved view** is a list's state kept under a name: its query (search, filters, sort), its
columns in order and its page size. Its owner sees it; shared with a pod, the pod's members see it
too; shared with the workspace, every member does. A **list preference** is one person's own
state of one list when no view is open: the columns and page size they chose, and the view that
opens when they open the list.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import User, Workspace, WorkspaceScoped


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me")
    POD = "pod", _("A pod")
    WORKSPACE = "workspace", _("Everyone in the workspace")


class SavedView(WorkspaceScoped):
    kind = models.CharField(_("list"), max_length=40)  # a RecordPage's key: "leads", "accounts"…
    name = models.CharField(_("name"), max_length=80)
    owner = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="saved_views", verbose_name=_("owner")
    )
    visibility = models.CharField(
        _("shared with"), max_length=12, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    # a pod's views go with the pod
    pod = models.ForeignKey(
        "people.Pod",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
        verbose_name=_("pod"),
    )
    params = models.JSONField(_("filters"), default=dict, blank=True)  # q, filters, sort
    columns = models.JSONField(_("columns"), default=list, blank=True)  # keys, in order
    page_size = models.PositiveSmallIntegerField(_("rows per page"), default=25)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(visibility="pod") & Q(pod__isnull=False))
                | (~Q(visibility="pod") & Q(pod__isnull=True)),
                name="savedview_pod_iff_shared_with_a_pod",
            ),
            models.UniqueConstraint(
                fields=["workspace", "owner", "kind", "name"], name="savedview_unique_name"
            ),
        ]
        indexes = [models.Index(fields=["workspace", "kind", "visibility"])]

    def __str__(self) -> str:
        return self.name


class ListPreference(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="list_preferences")
    kind = models.CharField(_("list"), max_length=40)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    page_size = models.PositiveSmallIntegerField(_("rows per page"), null=True, blank=True)
    default_view = models.ForeignKey(
        SavedView,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default view"),
    )

    class Meta:
        verbose_name = _("list preference")
        verbose_name_plural = _("list preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "kind"], name="listpreference_one_per_list"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}"
