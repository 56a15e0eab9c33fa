"""Input and output schemas about people: pods, members, the workspace, API tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from cordee.core.schemas import Currency, Id, InSchema
from cordee.tenancy.roles import side_of

PodName = Annotated[str, Field(min_length=1, max_length=120)]
Mission = Annotated[str, Field(max_length=10_000)]
Segment = Annotated[str, Field(min_length=1, max_length=80)]
Ids = Annotated[list[Id], Field(max_length=1000)]


# -- pods --------------------------------------------------------------------------------------


class PodMemberOut(Schema):
    user_id: int
    name: str
    email: str
    role: str | None = Field(None, description="Role in the workspace; null if no longer active")
    side: str
    is_lead: bool

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj.user.email)

    @staticmethod
    def resolve_side(obj: Any) -> str:
        return str(side_of(obj.role or ""))


class PodOut(Schema):
    id: int
    name: str
    mission: str
    industries: list[Any]
    regions: list[Any]
    members: list[PodMemberOut]
    named_account_ids: list[int]
    marketing_members: int
    sales_members: int
    missing_side: bool = Field(description="True when the pod lacks marketing or sales members")
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_members(obj: Any) -> list[Any]:
        return list(obj.pod_members.all())

    @staticmethod
    def resolve_named_account_ids(obj: Any) -> list[int]:
        return [account.pk for account in obj.named_accounts.all()]


class PodIn(InSchema):
    name: PodName
    mission: Mission = ""
    industries: list[Segment] = Field(default_factory=list)
    regions: list[Segment] = Field(default_factory=list)
    member_ids: Ids = Field(default_factory=list, description="User ids, from both sides")
    lead_ids: Ids = Field(default_factory=list, description="Pod leads, among member_ids")
    named_account_ids: Ids = Field(default_factory=list)


class PodPatch(InSchema):
    name: PodName | None = None
    mission: Mission | None = None
    industries: list[Segment] | None = None
    regions: list[Segment] | None = None
    member_ids: Ids | None = Field(None, description="Replaces the members when given")
    lead_ids: Ids | None = Field(None, description="Replaces the pod leads when given")
    named_account_ids: Ids | None = Field(None, description="Replaces the accounts when given")


# -- members and workspace ---------------------------------------------------------------------


class MemberOut(Schema):
    user_id: int
    email: str
    name: str
    role: str
    side: str
    team_id: int | None
    team_name: str | None

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj.user.email)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_side(obj: Any) -> str:
        return str(obj.side)

    @staticmethod
    def resolve_team_name(obj: Any) -> str | None:
        return obj.team.name if obj.team_id else None


class MeOut(Schema):
    id: int
    email: str
    name: str
    workspace: str
    role: str
    side: str


class WorkspaceOut(Schema):
    name: str
    slug: str
    currency: str
    time_zone: str
    country: str
    subdivision: str
    extra_holidays: list[Any]
    worked_holidays: list[Any]
    business_hours: dict[str, Any]
    fiscal_year_start_month: int
    default_language: str
    allow_cross_pod_queues: bool
    require_two_factor_for_admins: bool
    mql_threshold: int
    log_retention_days: int | None = Field(
        description="Days request and delivery logs are kept; null: the instance's default"
    )


class WorkspacePatch(InSchema):
    name: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    currency: Currency | None = None
    time_zone: Annotated[str, Field(max_length=64)] | None = Field(
        None, description="IANA name, e.g. Europe/Paris"
    )
    country: Annotated[str, Field(max_length=2)] | None = Field(None, description="e.g. FR")
    subdivision: Annotated[str, Field(max_length=10)] | None = None
    extra_holidays: Annotated[list[str], Field(max_length=1000)] | None = Field(
        None, description="Added non-working days, YYYY-MM-DD"
    )
    worked_holidays: Annotated[list[str], Field(max_length=1000)] | None = Field(
        None, description="Public holidays worked, YYYY-MM-DD"
    )
    business_hours: dict[str, list[Any]] | None = Field(
        None, description='{"mon": [["09:00", "12:30"], ["14:00", "18:00"]], …}'
    )
    fiscal_year_start_month: Annotated[int, Field(ge=1, le=12)] | None = None
    default_language: Literal["fr", "en"] | None = None
    allow_cross_pod_queues: bool | None = None
    require_two_factor_for_admins: bool | None = Field(
        None, description="RevOps admins must set up two-factor sign-in before anything else"
    )
    log_retention_days: int | None = Field(
        None,
        description="Days to keep incoming webhook requests and finished deliveries "
        "(1–3650); null: the instance's default",
    )


# -- API tokens --------------------------------------------------------------------------------


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The first characters of the secret, to recognise it")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    is_active: bool

    @staticmethod
    def resolve_prefix(obj: Any) -> str:
        if isinstance(obj, dict):
            return str(obj["prefix"])
        return str(obj.key_prefix)


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="Shown once: store it now, it cannot be read again")


class TokenIn(InSchema):
    name: Annotated[str, Field(min_length=1, max_length=80)]


# -- people and access (RevOps admins) ---------------------------------------------------------

RoleCode = Literal[
    "marketer",
    "marketing_manager",
    "sdr",
    "sales_rep",
    "sales_manager",
    "revops_admin",
    "executive",
]


class MemberAdminOut(Schema):
    user_id: int
    email: str
    name: str
    role: str
    is_active: bool = Field(description="False once deactivated (in this workspace or everywhere)")
    last_login: dt.datetime | None
    pod_ids: list[int]

    @staticmethod
    def resolve_email(obj: Any) -> str:
        return str(obj.user.email)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.user)

    @staticmethod
    def resolve_is_active(obj: Any) -> bool:
        return bool(obj.is_active and obj.user.is_active)

    @staticmethod
    def resolve_last_login(obj: Any) -> dt.datetime | None:
        return obj.user.last_login  # type: ignore[no-any-return]

    @staticmethod
    def resolve_pod_ids(obj: Any) -> list[int]:
        return sorted(pm.pod_id for pm in getattr(obj.user, "pods_here", []))


class MemberPatch(InSchema):
    role: RoleCode | None = None
    pod_ids: Ids | None = Field(None, description="Replaces the member's pods when given")


class HandoverOut(Schema):
    open: dict[str, int] = Field(description="Open work still theirs, per kind")
    moved: dict[str, int] = Field(default_factory=dict, description="What this call moved")


class HandoverIn(InSchema):
    to: dict[str, Id] = Field(
        description="Kind (leads, opportunities, tasks, feedback, pods) → the colleague's user id"
    )


class InvitationOut(Schema):
    id: int
    email: str
    role: str
    pod_ids: list[int]
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    accepted_at: dt.datetime | None
    is_pending: bool

    @staticmethod
    def resolve_pod_ids(obj: Any) -> list[int]:
        if isinstance(obj, dict):
            return list(obj["pod_ids"])
        return sorted(p.pk for p in obj.pods.all())


class InvitationCreatedOut(InvitationOut):
    url: str = Field(description="The link sent by e-mail; shown in this answer only")


class InvitationIn(InSchema):
    email: Annotated[str, Field(min_length=3, max_length=254)]
    role: RoleCode
    pod_ids: Ids = Field(default_factory=list)


# -- notification preferences -----------------------------------------------------------------

NotificationKind = Literal[
    "mql",
    "sla_breach",
    "mention",
    "feedback_answer",
    "approval",
    "task_reminder",
    "digest",
    "other",
]
NotificationChannel = Literal["app", "email", "daily", "off"]


class NotificationPreferenceOut(Schema):
    kind: NotificationKind = Field(description="The kind of notification.")
    label: str = Field(description="Its name, in the caller's language.")
    channel: NotificationChannel = Field(
        description="app: in the app only; email: in the app and by e-mail at once; daily: in "
        "the app and in one e-mail a day; off: not at all."
    )
    default: NotificationChannel = Field(description="What someone who never chose gets.")


class NotificationPreferencesIn(InSchema):
    """Kinds to change (the others keep their channel): ``{"mention": "daily"}``."""

    preferences: dict[NotificationKind, NotificationChannel]
