"""The campaign brief: a structured document on a campaign, every saved version kept.

A brief is its versions: version 1 is the first save, each later save adds the next number and
keeps the ones before, so any two can be compared (``diff.py``). The current brief is the
highest number.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import User, WorkspaceScoped


class BriefVersion(WorkspaceScoped):
    campaign = models.ForeignKey(
        "crm.Campaign",
        on_delete=models.CASCADE,
        related_name="brief_versions",
        verbose_name=_("campaign"),
    )
    number = models.PositiveIntegerField(_("version"))
    author = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    objective = models.TextField(_("objective"), blank=True)
    segment = models.JSONField(_("target segment"), default=list, blank=True)  # industries
    pods = models.JSONField(_("target pods"), default=list, blank=True)  # pod ids
    persona = models.TextField(_("persona"), blank=True)
    message = models.TextField(_("message"), blank=True)
    offer = models.TextField(_("offer"), blank=True)
    call_to_action = models.CharField(_("call to action"), max_length=300, blank=True)
    channels = models.JSONField(_("channels"), default=list, blank=True)  # crm Channel values
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    expected_mqls = models.PositiveIntegerField(_("expected MQLs"), null=True, blank=True)
    expected_sqls = models.PositiveIntegerField(_("expected SQLs"), null=True, blank=True)
    expected_pipeline = models.DecimalField(
        _("expected pipeline"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    success_criteria = models.TextField(_("success criteria"), blank=True)

    class Meta:
        verbose_name = _("brief version")
        verbose_name_plural = _("brief versions")
        ordering = ["campaign", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="briefversion_number"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="briefversion_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} v{self.number}"


# -- the sales review -----------------------------------------------------------------------------


class PodReviewer(WorkspaceScoped):
    """The default reviewer of a pod's campaigns: someone of the pod's sales side (a manager
    changes it; a campaign's review may name someone else of that pod)."""

    pod = models.OneToOneField(
        "people.Pod", on_delete=models.CASCADE, related_name="reviewer", verbose_name=_("pod")
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("reviewer")
    )

    class Meta:
        verbose_name = _("pod reviewer")
        verbose_name_plural = _("pod reviewers")

    def __str__(self) -> str:
        return f"{self.pod_id}: {self.user_id}"


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROVED = "approved", _("Approved")
    CHANGES = "changes", _("Changes requested")


class Review(WorkspaceScoped):
    """One round of one target pod's review of the brief: asked on a version, answered once.
    A change to a reviewed field of the brief closes the round (``superseded_at``) and opens
    the next one; the pod's review is its latest round."""

    campaign = models.ForeignKey(
        "crm.Campaign", on_delete=models.CASCADE, related_name="reviews", verbose_name=_("campaign")
    )
    pod = models.ForeignKey(
        "people.Pod", on_delete=models.CASCADE, related_name="+", verbose_name=_("pod")
    )
    reviewer = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("reviewer")
    )
    version = models.PositiveIntegerField(_("brief version asked"))
    requested_at = models.DateTimeField(_("asked"))
    due_at = models.DateTimeField(_("due"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    decided_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decided_version = models.PositiveIntegerField(_("brief version answered"), null=True)
    note = models.TextField(_("note"), blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        verbose_name = _("sales review")
        verbose_name_plural = _("sales reviews")
        ordering = ["campaign", "pod", "-requested_at", "-id"]
        constraints = [
            # one open round per pod and campaign
            models.UniqueConstraint(
                fields=["campaign", "pod"],
                condition=models.Q(superseded_at__isnull=True),
                name="review_one_open_round",
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "state", "due_at"]),
            models.Index(fields=["workspace", "requested_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.pod_id} v{self.version}: {self.state}"


class BriefComment(WorkspaceScoped):
    """A comment anchored to a field of the brief; a thread is a comment and its replies
    (``parent``); the thread is resolved or open (on its first comment)."""

    campaign = models.ForeignKey(
        "crm.Campaign",
        on_delete=models.CASCADE,
        related_name="brief_comments",
        verbose_name=_("campaign"),
    )
    field = models.CharField(_("field"), max_length=40)
    version = models.PositiveIntegerField(_("brief version"))
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("brief comment")
        verbose_name_plural = _("brief comments")
        ordering = ["campaign", "created_at", "id"]
        indexes = [models.Index(fields=["campaign", "field"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}.{self.field}: {self.body[:40]}"


class LaunchOverride(WorkspaceScoped):
    """A marketing manager launched the campaign without every pod's approval, and wrote why.
    Kept for good: shown on the campaign and in the committee agenda."""

    campaign = models.ForeignKey(
        "crm.Campaign",
        on_delete=models.CASCADE,
        related_name="launch_overrides",
        verbose_name=_("campaign"),
    )
    by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    reason = models.TextField(_("reason"))
    version = models.PositiveIntegerField(_("brief version"), null=True)
    missing_pods = models.JSONField(_("pods without approval"), default=list)
    created_at = models.DateTimeField(_("at"))
    discussed_at = models.DateTimeField(_("discussed in committee"), null=True, blank=True)

    class Meta:
        verbose_name = _("launch override")
        verbose_name_plural = _("launch overrides")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.reason[:40]}"


# -- the readiness kit ----------------------------------------------------------------------------


class Kit(WorkspaceScoped):
    """What a rep needs to call the campaign's leads. ``objections`` and ``faq`` are lists of
    ``{"q": ..., "a": ...}``; each save raises ``version`` (an acknowledgement is of a version)."""

    campaign = models.OneToOneField(
        "crm.Campaign", on_delete=models.CASCADE, related_name="kit", verbose_name=_("campaign")
    )
    talk_track = models.TextField(_("talk track"), blank=True)
    objections = models.JSONField(_("objections and answers"), default=list, blank=True)
    faq = models.JSONField(_("FAQ"), default=list, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_at = models.DateTimeField(_("updated"))
    updated_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )

    class Meta:
        verbose_name = _("readiness kit")
        verbose_name_plural = _("readiness kits")

    def __str__(self) -> str:
        return f"kit {self.campaign_id} v{self.version}"


class KitAsset(WorkspaceScoped):
    """A file or a link of the kit (one of the two)."""

    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="assets")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=1000, blank=True)
    file = models.FileField(_("file"), upload_to="kits/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("added"))
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("kit asset")
        verbose_name_plural = _("kit assets")
        ordering = ["kit", "title", "id"]

    def __str__(self) -> str:
        return self.title


class KitAcknowledgement(WorkspaceScoped):
    """A rep read the kit and is ready (``version``: the kit's version read)."""

    kit = models.ForeignKey(Kit, on_delete=models.CASCADE, related_name="acknowledgements")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    version = models.PositiveIntegerField(_("kit version"))
    acknowledged_at = models.DateTimeField(_("acknowledged"))

    class Meta:
        verbose_name = _("kit acknowledgement")
        verbose_name_plural = _("kit acknowledgements")
        constraints = [models.UniqueConstraint(fields=["kit", "user"], name="kit_ack_once")]

    def __str__(self) -> str:
        return f"{self.kit_id}: {self.user_id} v{self.version}"


# -- the debrief ----------------------------------------------------------------------------------


class Debrief(WorkspaceScoped):
    """Opened after the campaign's end date; complete when both sides wrote their lessons.
    An open debrief (``completed_at`` null) is on the next committee's agenda."""

    campaign = models.OneToOneField(
        "crm.Campaign", on_delete=models.CASCADE, related_name="debrief", verbose_name=_("campaign")
    )
    opened_at = models.DateTimeField(_("opened"))
    lessons_marketing = models.TextField(_("lessons learned by marketing"), blank=True)
    lessons_sales = models.TextField(_("lessons learned by sales"), blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    discussed_at = models.DateTimeField(_("discussed in committee"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign debrief")
        verbose_name_plural = _("campaign debriefs")
        indexes = [models.Index(fields=["workspace", "completed_at"])]

    def __str__(self) -> str:
        return f"debrief {self.campaign_id}"


class LeadRating(WorkspaceScoped):
    """A rep's rating of the quality of the campaign's leads they received (1–5, a comment)."""

    debrief = models.ForeignKey(Debrief, on_delete=models.CASCADE, related_name="ratings")
    rep = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(_("rating"))
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"))

    class Meta:
        verbose_name = _("lead-quality rating")
        verbose_name_plural = _("lead-quality ratings")
        constraints = [
            models.UniqueConstraint(fields=["debrief", "rep"], name="lead_rating_once"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1, rating__lte=5), name="lead_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.debrief_id}: {self.rep_id} {self.rating}"


# -- the calendar feed ----------------------------------------------------------------------------


class CalendarFeed(WorkspaceScoped):
    """A person's ICS feed of the campaign calendar: the secret in the URL is stored hashed
    (``token_hash``: SHA-256); revoking it ends the URL, a new one is another row."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last read"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"feed {self.user_id}"
