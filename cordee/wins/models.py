"""Celebrating together (issue 20): the wins wall, reactions and kudos.

A **post** is written once per event (``key``, unique in the workspace): a deal won above the
workspace's threshold (``WallSettings``), a shared goal reached, a pod's first deal from a
co-designed campaign. A deal's post keeps the journey as it was told when posted (``params``:
the campaigns and touches in order, MQL, acceptance, opportunity, close, and each campaign's
share under the period's attribution model) and names the people it **credits** on both sides
(``WinCredit``). A deal moved out of won since is ``withdrawn_at`` (kept, no longer shown).
Colleagues **react** (one of a few emoji codes, once each) and send **kudos** to a person or a
pod; ``cross_side`` is fixed when sent (the sender's side differs from the person's, or the pod
counts members of the other side) and counted apart.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from cordee.tenancy.models import TimeStamped, User, Workspace, WorkspaceScoped


class WallSettings(models.Model):
    """A workspace's wins wall: the won amount from which a deal is posted (in the workspace's
    currency; 0 posts every won deal)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, related_name="wall_settings"
    )
    threshold = models.DecimalField(
        _("post won deals from"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("wins wall settings")
        verbose_name_plural = _("wins wall settings")

    def __str__(self) -> str:
        return f"{self.workspace}: {self.threshold}"


class PostKind(models.TextChoices):
    DEAL_WON = "deal_won", _("Deal won")
    GOAL_REACHED = "goal_reached", _("Shared goal reached")
    POD_FIRST_CODESIGNED = (
        "pod_first_codesigned",
        _("A pod's first deal from a co-designed campaign"),
    )


class WinPost(WorkspaceScoped):
    kind = models.CharField(_("kind"), max_length=24, choices=PostKind.choices)
    key = models.CharField(max_length=120)
    at = models.DateTimeField(_("when"))
    opportunity = models.ForeignKey(
        "funnel.Opportunity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="win_posts",
        verbose_name=_("opportunity"),
    )
    goal = models.ForeignKey(
        "funnel.Goal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="win_posts",
        verbose_name=_("goal"),
    )
    pod = models.ForeignKey(
        "people.Pod",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="win_posts",
        verbose_name=_("pod"),
    )
    campaign = models.ForeignKey(
        "crm.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="win_posts",
        verbose_name=_("campaign"),
    )
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    params = models.JSONField(_("story"), default=dict, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        verbose_name = _("win")
        verbose_name_plural = _("wins")
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="winpost_unique_key")
        ]
        indexes = [models.Index(fields=["workspace", "-at"], name="winpost_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class CreditRole(models.TextChoices):
    OWNER = "owner", _("Closed the deal")
    SDR = "sdr", _("Worked the lead")
    MARKETER = "marketer", _("Ran a campaign of the journey")
    POD = "pod", _("Pod member")


class WinCredit(models.Model):
    """A person a post credits, with their side when posted and why."""

    post = models.ForeignKey(WinPost, on_delete=models.CASCADE, related_name="credits")
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="win_credits", verbose_name=_("person")
    )
    side = models.CharField(_("side"), max_length=12)
    role = models.CharField(_("credited as"), max_length=12, choices=CreditRole.choices)
    campaign = models.ForeignKey(
        "crm.Campaign",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("campaign"),
    )
    share = models.DecimalField(_("share"), max_digits=7, decimal_places=6, null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "user", "role", "campaign"], name="wincredit_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.user_id} ({self.role})"


class Reaction(TimeStamped):
    class Emoji(models.TextChoices):
        CLAP = "clap", "👏"
        PARTY = "party", "🎉"
        ROCKET = "rocket", "🚀"
        HEART = "heart", "❤️"
        MUSCLE = "muscle", "💪"

    post = models.ForeignKey(WinPost, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(_("reaction"), max_length=10, choices=Emoji.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "emoji"], name="reaction_unique")
        ]

    def __str__(self) -> str:
        return f"{self.post_id}: {self.emoji}"


class Kudos(WorkspaceScoped):
    """Thanks from one person to a person or a pod (exactly one), maybe about a post."""

    sender = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="kudos_sent", verbose_name=_("from")
    )
    sender_side = models.CharField(_("sender's side"), max_length=12)
    recipient = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="kudos_received",
        verbose_name=_("to"),
    )
    pod = models.ForeignKey(
        "people.Pod",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="kudos",
        verbose_name=_("pod"),
    )
    recipient_side = models.CharField(_("recipient's side"), max_length=12, blank=True)
    cross_side = models.BooleanField(_("across the sides"), default=False)
    message = models.TextField(_("message"))
    post = models.ForeignKey(
        WinPost,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="kudos",
        verbose_name=_("win"),
    )

    class Meta:
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(recipient__isnull=False, pod__isnull=True)
                | models.Q(recipient__isnull=True, pod__isnull=False),
                name="kudos_one_recipient",
            )
        ]

    def __str__(self) -> str:
        return self.message[:60]
