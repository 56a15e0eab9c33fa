"""Leads on the demand waterfall, every step they took and who owned them when.

The tables keep the names they had in the ``crm`` app, where the models were first released."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.core.models import Synced, synced_unique
from cordee.crm.models import Campaign, Channel, Contact


class Stage(models.TextChoices):
    """The demand waterfall (PRODUCT.md), main path then the side exits."""

    INQUIRY = "inquiry", _("Inquiry")
    MQL = "mql", _("MQL")
    SAL = "sal", _("SAL")
    SQL = "sql", _("SQL")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    RECYCLED = "recycled", _("Recycled")
    DISQUALIFIED = "disqualified", _("Disqualified")


# A lead at one of these stages is out of the funnel (won, lost or disqualified); every other
# stage, recycled included, is open.
CLOSED_STAGES = (Stage.WON, Stage.LOST, Stage.DISQUALIFIED)


class Lead(Synced):
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="leads", verbose_name=_("contact")
    )
    source_campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        verbose_name=_("source campaign"),
    )
    source_channel = models.CharField(
        _("source channel"), max_length=20, choices=Channel.choices, blank=True
    )
    stage = models.CharField(
        _("stage"), max_length=14, choices=Stage.choices, default=Stage.INQUIRY
    )
    stage_entered_at = models.DateTimeField(_("in stage since"))
    mql_at = models.DateTimeField(_("became MQL"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    pod = models.ForeignKey(
        "people.Pod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        verbose_name=_("pod"),
    )
    score = models.IntegerField(_("score"), default=0)
    score_detail = models.JSONField(_("score explained"), default=list, blank=True)
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)
    recycle_on = models.DateField(_("re-evaluate on"), null=True, blank=True)

    class Meta:
        db_table = "crm_lead"  # first released in the crm app
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        constraints = [synced_unique("lead")]
        indexes = [
            models.Index(fields=["workspace", "stage", "-stage_entered_at"]),
            models.Index(fields=["workspace", "-created_at"]),
            models.Index(fields=["workspace", "owner", "stage"]),
            models.Index(fields=["workspace", "pod", "stage"]),
            # the MQL queue (selectors.mql_queue): a stage of a workspace, oldest MQL first
            models.Index(fields=["workspace", "stage", "mql_at", "id"], name="lead_mql_queue"),
        ]

    def __str__(self) -> str:
        return str(self.contact)


# Why a lead moved, when the product moved it: a code and its parameters are stored, the text is
# written in the reader's language when it is read (a reason a person typed stays as typed).
STAGE_REASONS = {
    "score_threshold": _("Score %(score)s reached the MQL threshold (%(threshold)s)"),
    "imported": _("Imported history"),
    "created": _("Lead created"),
    "bulk": _("Changed in bulk with %(count)s leads"),
    "bulk_undone": _("A bulk change was undone"),
}

# Why a lead went to its owner, when the product placed it (routing, the SLA's reassignment)
ASSIGNMENT_REASONS = {
    "round_robin": _("Round-robin in pod %(pod)s"),
    "fallback_pod": _(
        "No routing rule could place the lead: round-robin in the fallback pod %(pod)s"
    ),
    "fallback_user": _("No routing rule could place the lead: the fallback owner"),
    "sla_reassigned": _("Reassigned after a first-touch SLA breach"),
    "manual": _("Reassigned by hand"),
    "bulk": _("Reassigned in bulk with %(count)s leads"),
    "bulk_undone": _("A bulk reassignment was undone"),
}


def coded_text(texts: dict[str, Any], code: str, params: dict[str, Any], typed: str) -> str:
    """A stored reason in the active language: the code's text with its values, else the text
    as a person typed it (or as an older version stored it)."""
    template = texts.get(code)
    if template is None:
        return typed
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return typed


class LeadStageChange(models.Model):
    """One step of a lead through the waterfall: appended, never edited."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="history")
    from_stage = models.CharField(_("from"), max_length=14, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=14, choices=Stage.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    rule = models.CharField(_("rule"), max_length=80, blank=True)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    reason_code = models.CharField(_("why (code)"), max_length=40, blank=True, default="")
    reason_params = models.JSONField(_("why (values)"), default=dict, blank=True)
    imported = models.BooleanField(_("imported"), default=False)

    class Meta:
        db_table = "crm_leadstagechange"  # first released in the crm app
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["lead", "at"]),
            models.Index(fields=["workspace", "to_stage", "at"]),
            models.Index(fields=["workspace", "from_stage", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.from_stage or '∅'} → {self.to_stage} @ {self.at:%Y-%m-%d %H:%M}"

    @property
    def why(self) -> str:
        """The reason in the active language: the code's text with its values, else as typed."""
        return coded_text(STAGE_REASONS, self.reason_code, self.reason_params, self.reason)


class LeadAssignment(models.Model):
    """Who owned a lead from when, and why (routing rule, SLA reassignment, a person)."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="assignments")
    from_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("from"),
    )
    to_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("to"),
    )
    pod = models.ForeignKey(
        "people.Pod", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    rule = models.CharField(_("rule"), max_length=80, blank=True)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    reason_code = models.CharField(_("why (code)"), max_length=40, blank=True, default="")
    reason_params = models.JSONField(_("why (values)"), default=dict, blank=True)

    class Meta:
        db_table = "crm_leadassignment"  # first released in the crm app
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["lead", "at"]),
            models.Index(fields=["workspace", "to_owner", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.from_owner} → {self.to_owner}"

    @property
    def why(self) -> str:
        """The reason in the active language (see ``coded_text``)."""
        return coded_text(ASSIGNMENT_REASONS, self.reason_code, self.reason_params, self.reason)
