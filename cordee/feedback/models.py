"""Field feedback: what sales hears in the field, triaged and answered by marketing.

An item moves new → acknowledged → planned → done / won't do; every move is kept
(``FeedbackStatusChange``). Marketing answers with ``FeedbackResponse`` ("you said → we did").
Others +1 an item (``FeedbackVote``); similar items are grouped into ``FeedbackTheme`` from
their embeddings (``FeedbackEmbedding``, computed in the background), and a duplicate is merged
into another item (``merged_into``) keeping every voice and author.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import WorkspaceScoped


class FeedbackKind(models.TextChoices):
    OBJECTION = "objection", _("Objection")
    COMPETITOR_MOVE = "competitor_move", _("Competitor move")
    PRODUCT_GAP = "product_gap", _("Product gap")
    PRICING = "pricing", _("Pricing")
    LEAD_QUALITY = "lead_quality", _("Lead quality")
    CONTENT_REQUEST = "content_request", _("Content request")
    CUSTOMER_QUOTE = "customer_quote", _("Customer quote")
    WIN_LOSS = "win_loss", _("Win/loss insight")


class FeedbackStatus(models.TextChoices):
    NEW = "new", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    WONT_DO = "wont_do", _("Won't do")


CLOSED_STATUSES = frozenset({FeedbackStatus.DONE, FeedbackStatus.WONT_DO})

# from → the statuses it may move to. Leaving "new" acknowledges; "done"/"won't do" close and
# may be reopened (→ acknowledged).
TRANSITIONS: dict[str, frozenset[str]] = {
    FeedbackStatus.NEW: frozenset(
        {FeedbackStatus.ACKNOWLEDGED, FeedbackStatus.PLANNED, FeedbackStatus.WONT_DO}
    ),
    FeedbackStatus.ACKNOWLEDGED: frozenset(
        {FeedbackStatus.PLANNED, FeedbackStatus.DONE, FeedbackStatus.WONT_DO}
    ),
    FeedbackStatus.PLANNED: frozenset(
        {FeedbackStatus.ACKNOWLEDGED, FeedbackStatus.DONE, FeedbackStatus.WONT_DO}
    ),
    FeedbackStatus.DONE: frozenset({FeedbackStatus.ACKNOWLEDGED}),
    FeedbackStatus.WONT_DO: frozenset({FeedbackStatus.ACKNOWLEDGED}),
}


class Competitor(WorkspaceScoped):
    """A per-workspace catalogue entry that feedback items may name."""

    name = models.CharField(_("name"), max_length=120)
    website = models.URLField(_("website"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="competitor_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class FeedbackTheme(WorkspaceScoped):
    """A group of similar items (recomputed in the background; ids are kept across runs when
    most of a group's items stay together)."""

    label = models.CharField(_("label"), max_length=200)
    size = models.PositiveIntegerField(_("items"), default=0)
    engine = models.CharField(_("engine"), max_length=40, blank=True)
    computed_at = models.DateTimeField(_("computed"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback theme")
        verbose_name_plural = _("feedback themes")
        ordering = ["-size", "label", "id"]

    def __str__(self) -> str:
        return self.label


def _attachment_path(instance: FeedbackItem, filename: str) -> str:
    return f"feedback/{instance.workspace_id}/{filename}"


class FeedbackItem(WorkspaceScoped):
    kind = models.CharField(_("kind"), max_length=20, choices=FeedbackKind.choices)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"), blank=True)
    competitor = models.ForeignKey(
        Competitor,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
        verbose_name=_("competitor"),
    )
    account = models.ForeignKey(
        "crm.Account",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
        verbose_name=_("account"),
    )
    opportunity = models.ForeignKey(
        "funnel.Opportunity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
        verbose_name=_("opportunity"),
    )
    campaign = models.ForeignKey(
        "crm.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
        verbose_name=_("campaign"),
    )
    lead = models.ForeignKey(
        "funnel.Lead",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
        verbose_name=_("lead"),
    )
    rejection_reason = models.ForeignKey(
        "funnel.RejectionReason",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="feedback_items",
        verbose_name=_("rejection reason"),
    )
    attachment = models.FileField(
        _("attachment"), upload_to=_attachment_path, max_length=300, blank=True
    )
    attachment_name = models.CharField(_("attachment name"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    pod = models.ForeignKey(
        "people.Pod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("pod"),
    )
    status = models.CharField(
        _("status"), max_length=14, choices=FeedbackStatus.choices, default=FeedbackStatus.NEW
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    theme = models.ForeignKey(
        FeedbackTheme,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
        verbose_name=_("theme"),
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_items",
        verbose_name=_("merged into"),
    )
    submitted_at = models.DateTimeField(_("submitted"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback item")
        verbose_name_plural = _("feedback items")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["workspace", "-submitted_at", "-id"]),
            models.Index(fields=["workspace", "status"]),
            models.Index(fields=["workspace", "kind"]),
            models.Index(fields=["workspace", "pod"]),
            models.Index(fields=["workspace", "acknowledged_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("id")), name="feedback_not_merged_in_self"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class FeedbackStatusChange(models.Model):
    """Who moved an item, when, from and to which status, and why."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=14, choices=FeedbackStatus.choices)
    to_status = models.CharField(_("to"), max_length=14, choices=FeedbackStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))
    reason = models.CharField(_("why"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("feedback status change")
        verbose_name_plural = _("feedback status changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["item", "at"])]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class FeedbackResponse(models.Model):
    """Marketing's answer: "you said → we did"."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="responses")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    text = models.TextField(_("answer"))
    what_changed = models.TextField(_("what changed"), blank=True)
    campaign = models.ForeignKey(
        "crm.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
    )
    url = models.URLField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("answered"))

    class Meta:
        verbose_name = _("feedback response")
        verbose_name_plural = _("feedback responses")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["workspace", "created_at"])]

    def __str__(self) -> str:
        return self.text[:60]


class FeedbackVote(models.Model):
    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(FeedbackItem, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("voted"))

    class Meta:
        verbose_name = _("feedback vote")
        verbose_name_plural = _("feedback votes")
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="feedbackvote_once_per_user")
        ]
        indexes = [models.Index(fields=["workspace", "created_at"])]

    def __str__(self) -> str:
        return f"+1 · {self.item_id}"


class FeedbackEmbedding(models.Model):
    """An item's vector, made in the background by ``engine`` from the text ``text_hash`` names
    (a changed text or another engine means a new vector)."""

    item = models.OneToOneField(FeedbackItem, on_delete=models.CASCADE, related_name="embedding")
    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    engine = models.CharField(_("engine"), max_length=40)
    text_hash = models.CharField(max_length=64)
    vector = models.BinaryField(_("vector"))
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("feedback embedding")
        verbose_name_plural = _("feedback embeddings")
        indexes = [models.Index(fields=["workspace", "engine"])]

    def __str__(self) -> str:
        return f"{self.engine} · {self.item_id}"


class FeedbackSettings(models.Model):
    """Per-workspace terms of the feedback-response SLA."""

    workspace = models.OneToOneField(
        "tenancy.Workspace", on_delete=models.CASCADE, related_name="feedback_settings"
    )
    acknowledge_within_days = models.PositiveSmallIntegerField(
        _("acknowledge within (business days)"), default=2
    )

    class Meta:
        verbose_name = _("feedback settings")
        verbose_name_plural = _("feedback settings")

    def __str__(self) -> str:
        return str(self.acknowledge_within_days)


class FeedbackSlaBreach(models.Model):
    """An item not acknowledged within the workspace's business days; recorded once."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    item = models.OneToOneField(FeedbackItem, on_delete=models.CASCADE, related_name="sla_breach")
    due_at = models.DateTimeField(_("due"))
    detected_at = models.DateTimeField(_("detected"))
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("feedback SLA breach")
        verbose_name_plural = _("feedback SLA breaches")
        ordering = ["-due_at"]
        indexes = [models.Index(fields=["workspace", "-due_at"])]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.due_at:%Y-%m-%d}"


class FeedbackDigestRun(models.Model):
    """One weekly digest of a workspace (the webhook event is sent once per week)."""

    workspace = models.ForeignKey("tenancy.Workspace", on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField(_("week of"))
    sent_at = models.DateTimeField(_("sent"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "week_start"], name="feedbackdigest_once_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.week_start}"
