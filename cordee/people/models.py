"""Pods (small cross-functional units), in-app notifications, invitations and sessions."""

from __future__ import annotations

import hashlib

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordee.people.notices import notice_render
from cordee.people.preferences import DEFAULTS, Channel, Kind
from cordee.tenancy.models import TimeStamped, User, Workspace, WorkspaceScoped
from cordee.tenancy.roles import Role


class Pod(WorkspaceScoped):
    """A small cross-functional unit: members from both sides and a slice of the market."""

    name = models.CharField(_("name"), max_length=120)
    mission = models.TextField(_("mission"), blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    named_accounts = models.ManyToManyField(
        "crm.Account", blank=True, related_name="named_in_pods", verbose_name=_("named accounts")
    )
    members: models.ManyToManyField[User, PodMember] = models.ManyToManyField(
        User, through="PodMember", related_name="pods", verbose_name=_("members")
    )

    class Meta:
        verbose_name = _("pod")
        verbose_name_plural = _("pods")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="pod_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class PodMember(TimeStamped):
    pod = models.ForeignKey(Pod, on_delete=models.CASCADE, related_name="pod_members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="pod_memberships")
    is_lead = models.BooleanField(_("pod lead"), default=False)
    is_available = models.BooleanField(_("takes new leads"), default=True)
    last_assigned_at = models.DateTimeField(_("last lead assigned"), null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["pod", "user"], name="podmember_unique")]


class Mail(models.TextChoices):
    NONE = "", _("none")
    AT_ONCE = "at_once", _("to send at once")
    DAILY = "daily", _("in the daily digest")
    SENT = "sent", _("sent")


class Notification(models.Model):
    """An in-app message to one person in one workspace (SLA breaches, answers, wins…).
    ``key`` makes a notification idempotent: the same event never notifies twice. It stores the
    code of its text and the text's parameters: ``title`` and ``body`` are written when read, in
    the active language (``cordee.people.notices``)."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    key = models.CharField(max_length=120)
    code = models.CharField(_("text"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # its e-mail: none, to send at once (after the commit), waiting for the daily digest, sent
    mail = models.CharField(_("e-mail"), max_length=8, choices=Mail.choices, blank=True, default="")
    mailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_key")
        ]
        indexes = [
            models.Index(fields=["user", "workspace", "read_at"]),
            models.Index(
                fields=["workspace", "mail"],
                name="notification_mail_waiting",
                condition=models.Q(mail__in=["at_once", "daily"]),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return notice_render(self.code, self.params)[0]

    @property
    def body(self) -> str:
        return notice_render(self.code, self.params)[1]


class Invitation(WorkspaceScoped):
    """An invitation to join a workspace with a role (and pods), sent by e-mail as a signed link.
    Only a SHA-256 of the link's key is stored. The link works once, until ``expires_at``, unless
    revoked; accepting it creates (or attaches) the person and their membership."""

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    pods = models.ManyToManyField(Pod, blank=True, related_name="+", verbose_name=_("pods"))
    key_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        User,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("invited by"),
    )
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["workspace", "email"])]

    def __str__(self) -> str:
        return self.email

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_pending(self) -> bool:
        return (
            self.revoked_at is None
            and self.accepted_at is None
            and self.expires_at > timezone.now()
        )


class UserSession(models.Model):
    """A signed-in browser session of a person: what the profile lists and what deactivation or
    "sign out everywhere else" ends (Django's session table cannot be searched by user).
    Recorded at sign-in; ``last_seen`` is touched at most once a minute."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField(_("signed in"), auto_now_add=True)
    last_seen = models.DateTimeField(_("last seen"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("device"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["-last_seen", "-id"]

    def __str__(self) -> str:
        return f"{self.user} · {self.user_agent[:40]}"


class NotificationPreference(WorkspaceScoped):
    """How one person hears of one kind of notification in one workspace (the kinds and their
    defaults: ``cordee.people.preferences``). Only choices that differ from the default are
    kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "kind"], name="notification_preference_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind}: {self.channel}"


class MailDigest(models.Model):
    """One daily digest e-mail of one person in one workspace: the row claims the day, so two
    schedulers never send it twice."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)
    notifications = models.PositiveIntegerField(_("notifications"), default=0)

    class Meta:
        verbose_name = _("daily digest e-mail")
        verbose_name_plural = _("daily digest e-mails")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user", "day"], name="mail_digest_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.day}"


def channels_of(workspace_id: int, user_ids: list[int]) -> dict[tuple[int, str], Channel]:
    """(user id, kind) → the chosen channel, for the choices that were made."""
    rows = NotificationPreference.objects.filter(workspace_id=workspace_id, user_id__in=user_ids)
    return {(r.user_id, r.kind): Channel(r.channel) for r in rows}


def channel_default(kind: str) -> Channel:
    return DEFAULTS[Kind(kind)]
