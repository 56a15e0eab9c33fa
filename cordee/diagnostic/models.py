"""The alignment diagnostic (issue 20; PRODUCT.md, "Alignment diagnostic").

A RevOps admin opens a **wave** for a period; each member answers the 20 statements
(``statements.py``) from 1 to 5 once. Answers are **anonymous by construction**: a
``Response`` holds the answers, the side and the pods of whoever answered, and nothing else —
no person, no time, a random key (so the order of the rows tells nothing); who has answered is
a separate ``Respondent`` row (to answer once, and to count participation), which nothing links
to the response. Results are shown for a group only when at least ``results.MIN_GROUP`` people
of it answered (``results.py``, the one reader every page, API answer and export goes through).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import User, WorkspaceScoped


class Wave(WorkspaceScoped):
    title = models.CharField(_("title"), max_length=160)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    closes_on = models.DateField(_("answers until"))
    pod = models.ForeignKey(
        "people.Pod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="diagnostic_waves",
        verbose_name=_("pod"),
    )
    opened_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("diagnostic wave")
        verbose_name_plural = _("diagnostic waves")
        ordering = ["-period_end", "-id"]

    def __str__(self) -> str:
        return self.title


class Respondent(models.Model):
    """That a person answered a wave (never what)."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="respondents")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["wave", "user"], name="respondent_unique")]

    def __str__(self) -> str:
        return f"{self.wave_id}: {self.user_id}"


class Response(models.Model):
    """One person's 20 answers (1–5 each, in the order of ``statements.STATEMENTS``), their side
    and pods when they answered — and no way back to them."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="responses")
    side = models.CharField(_("side"), max_length=12)
    pod_ids = models.JSONField(_("pods"), default=list, blank=True)
    answers = models.JSONField(_("answers"))

    def __str__(self) -> str:
        return f"{self.wave_id}: {self.side}"
