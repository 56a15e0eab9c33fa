"""Workspaces (one company each), the people in them, their roles, teams and API tokens.

The ground floor of Cordée: this app imports no other Cordée app. The tables keep the names
they had in the ``people`` app, where these models were first released."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cordee.tenancy import calendar
from cordee.tenancy.roles import Role, Side, side_of


def normalize_email(value: str | None) -> str | None:
    """Trim and lower-case the *whole* address (Django's helper lower-cases only the domain)."""
    if value is None:
        return None
    value = value.strip().lower()
    return value or None


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class WorkspaceScoped(TimeStamped):
    """A row that belongs to one workspace; every read filters on it."""

    workspace = models.ForeignKey(
        "tenancy.Workspace", on_delete=models.CASCADE, related_name="+", verbose_name=_("workspace")
    )

    class Meta:
        abstract = True


LOG_RETENTION_MIN, LOG_RETENTION_MAX = 1, 3650


class Workspace(TimeStamped):
    """One company. Holds the business calendar every SLA clock follows."""

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Paris",
        validators=[calendar.validate_time_zone],
    )
    country = models.CharField(_("country"), max_length=2, default="FR")
    subdivision = models.CharField(_("subdivision"), max_length=10, blank=True, default="")
    extra_holidays = models.JSONField(
        _("added non-working days"),
        default=list,
        blank=True,
        validators=[calendar.validate_date_list],
    )
    worked_holidays = models.JSONField(
        _("public holidays worked"),
        default=list,
        blank=True,
        validators=[calendar.validate_date_list],
    )
    business_hours = models.JSONField(
        _("business hours"),
        default=calendar.default_business_hours,
        validators=[calendar.validate_business_hours],
    )
    fiscal_year_start_month = models.PositiveSmallIntegerField(
        _("fiscal year starts in month"), default=1, choices=[(m, str(m)) for m in range(1, 13)]
    )
    default_language = models.CharField(
        _("default language"),
        max_length=5,
        default="fr",
        choices=[("fr", "Français"), ("en", "English")],
    )
    allow_cross_pod_queues = models.BooleanField(
        _("reps may see other pods' queues"), default=False
    )
    mql_threshold = models.PositiveSmallIntegerField(_("MQL score threshold"), default=60)
    # RevOps admins without a confirmed two-factor device are sent to set one up first
    require_two_factor_for_admins = models.BooleanField(
        _("RevOps admins must use two-factor sign-in"), default=False
    )
    log_retention_days = models.PositiveSmallIntegerField(
        _("days to keep request and delivery logs"),
        null=True,
        blank=True,
        validators=[MinValueValidator(LOG_RETENTION_MIN), MaxValueValidator(LOG_RETENTION_MAX)],
        help_text=_(
            "Incoming webhook requests and finished webhook deliveries older than this are "
            "deleted every night. Empty: the instance's default."
        ),
    )

    class Meta:
        db_table = "people_workspace"  # first released in the people app
        verbose_name = _("workspace")
        verbose_name_plural = _("workspaces")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        calendar.validate_country(self.country, self.subdivision)

    # The one place that says what "now" and "today" mean for the company: its own time zone,
    # whatever the request (pages activate it, the API, imports and jobs do not).
    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def now_local(self, at: dt.datetime | None = None) -> dt.datetime:
        """``at`` (default: now) on the workspace's clock."""
        return timezone.localtime(at or timezone.now(), self.zone)

    def today(self, at: dt.datetime | None = None) -> dt.date:
        """The workspace's date at ``at`` (default: now)."""
        return self.now_local(at).date()


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        email = normalize_email(email) or ""
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=email, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Logs in with an e-mail address; belongs to workspaces through memberships."""

    username = None  # type: ignore[assignment,misc]
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    email = models.EmailField(_("e-mail address"), unique=True)
    language = models.CharField(
        _("language"),
        max_length=5,
        blank=True,
        default="",
        choices=[("fr", "Français"), ("en", "English")],
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []  # type: ignore[var-annotated]
    objects = UserManager()  # type: ignore[misc,assignment]

    class Meta:
        db_table = "people_user"  # first released in the people app
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalize_email(self.email) or ""
        super().save(*args, **kwargs)

    def language_keep(self, language: str) -> bool:
        """Keep the language this person reads Cordée in (one of the interface's); True if it
        changed. The profile page and the language switcher both keep it here."""
        if language not in dict(settings.LANGUAGES) or language == self.language:
            return False
        self.language = language
        self.save(update_fields=["language"])
        return True


class Team(WorkspaceScoped):
    name = models.CharField(_("name"), max_length=120)
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    manager = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("manager"),
    )

    class Meta:
        db_table = "people_team"  # first released in the people app
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Membership(WorkspaceScoped):
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="memberships",
        verbose_name=_("team"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "people_membership"  # first released in the people app
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user")
        ]
        indexes = [models.Index(fields=["user", "workspace"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"

    @property
    def side(self) -> Side:
        return side_of(self.role)


class ApiToken(WorkspaceScoped):
    """A personal API token. Only a SHA-256 of the secret is stored; the secret is shown once."""

    PREFIX = "cdt_"

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("person")
    )
    name = models.CharField(_("name"), max_length=80)
    key_prefix = models.CharField(_("prefix"), max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        db_table = "people_apitoken"  # first released in the people app
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @staticmethod
    def hash_secret(secret: str) -> str:
        return hashlib.sha256(secret.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
