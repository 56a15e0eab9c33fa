"""Permission-scoped reads about people, pods and tokens."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.cache import cache
from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from cordee.core import signin
from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.core.records import record_get, record_list
from cordee.crm.models import Account
from cordee.people import outbox
from cordee.people.models import (
    Invitation,
    Notification,
    NotificationPreference,
    Pod,
    PodMember,
    UserSession,
)
from cordee.people.preferences import DEFAULTS, Channel, Kind
from cordee.people.records import PODS
from cordee.tenancy.models import ApiToken, Membership, User
from cordee.tenancy.roles import Role, Side, roles_of, side_of

_MARKETING_ROLES = roles_of(Side.MARKETING)
_SALES_ROLES = roles_of(Side.SALES)


def pods_with_sides(*, actor: Actor, pods: QuerySet[Pod] | None = None) -> QuerySet[Pod]:
    """Pods with how many marketing and sales members each has (a pod missing a side is flagged).

    ``pods`` narrows an already scoped list (searched, filtered) instead of every pod."""
    ws = actor.workspace
    base = pods if pods is not None else Pod.objects.all()
    return base.filter(workspace=ws).annotate(
        marketing_members=Count(
            "pod_members",
            filter=Q(
                pod_members__user__memberships__workspace=ws,
                pod_members__user__memberships__role__in=_MARKETING_ROLES,
            ),
            distinct=True,
        ),
        sales_members=Count(
            "pod_members",
            filter=Q(
                pod_members__user__memberships__workspace=ws,
                pod_members__user__memberships__role__in=_SALES_ROLES,
            ),
            distinct=True,
        ),
    )


def user_tokens(*, actor: Actor) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(workspace=actor.workspace, user=actor.user)


def pod_members_by_side(*, actor: Actor, pod: Pod) -> dict[str, list[dict[str, object]]]:
    """A pod's members grouped by side (``marketing``, ``sales``, ``other``), with their role."""
    roles = dict(
        Membership.objects.filter(
            workspace=actor.workspace, is_active=True, user__pod_memberships__pod=pod
        ).values_list("user_id", "role")
    )
    sides: dict[str, list[dict[str, object]]] = {str(s): [] for s in Side}
    for pm in (
        PodMember.objects.filter(pod=pod)
        .select_related("user")
        .order_by("-is_lead", "user__last_name", "user__first_name")
    ):
        role = roles.get(pm.user_id)
        if role is None:
            continue
        sides[str(side_of(role))].append(
            {"user": pm.user, "role": Role(role).label, "is_lead": pm.is_lead}
        )
    return sides


def pod_options(*, actor: Actor) -> QuerySet[Pod]:
    return Pod.objects.filter(workspace=actor.workspace).only("id", "name").order_by("name")


def _side_count(actor: Actor, roles: tuple[str, ...]) -> Coalesce:
    """Active members of a pod whose role in the workspace is on one side (a subquery, so
    it stays right whatever joins the list's filters add)."""
    members = (
        PodMember.objects.filter(
            pod=OuterRef("pk"),
            user__memberships__workspace=actor.workspace,
            user__memberships__is_active=True,
            user__memberships__role__in=roles,
        )
        .order_by()
        .values("pod")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(members, output_field=IntegerField()), Value(0))


def pods_detailed(*, actor: Actor, pods: QuerySet[Pod]) -> QuerySet[Pod]:
    """``pods`` with their members (each with a ``role`` in the workspace), named accounts,
    member counts per side and ``missing_side``, in a fixed number of queries."""
    role = Membership.objects.filter(
        workspace=actor.workspace, user=OuterRef("user_id"), is_active=True
    ).values("role")[:1]
    members = (
        PodMember.objects.select_related("user")
        .annotate(role=Subquery(role))
        .order_by("user__last_name", "user__first_name", "user_id")
    )
    return (
        pods.annotate(
            marketing_members=_side_count(actor, _MARKETING_ROLES),
            sales_members=_side_count(actor, _SALES_ROLES),
        )
        .annotate(
            missing_side=Case(
                When(Q(marketing_members=0) | Q(sales_members=0), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .prefetch_related(
            Prefetch("pod_members", queryset=members),
            Prefetch("named_accounts", queryset=Account.objects.only("id").order_by("id")),
        )
    )


def pod_list(*, actor: Actor, params: Mapping[str, str] | None = None) -> QuerySet[Pod]:
    """The workspace's pods, searched and filtered like any record, with their sides."""
    return pods_detailed(actor=actor, pods=record_list(actor=actor, spec=PODS, params=params))


def pod_get(*, actor: Actor, pk: int) -> Pod:
    """One pod of the actor's workspace with its sides (``NotFound`` otherwise)."""
    pod = record_get(actor=actor, spec=PODS, pk=pk)
    return pods_detailed(actor=actor, pods=Pod.objects.filter(pk=pod.pk)).get()


# the navigation's bell counts up to this many, then says "99+" (templates/includes/nav.html)
UNREAD_COUNTED = 100


def unread_notifications(*, actor: Actor) -> int:
    """The actor's unread notifications, counted up to ``UNREAD_COUNTED``: every page shows
    the number, and a manager of the large demo had 6,107 of them — counting them all read
    them all (3 ms a page), for a badge that says "99+" anyway."""
    return (
        Notification.objects.filter(
            user=actor.user, workspace=actor.workspace, read_at__isnull=True
        )
        .order_by()  # any 100 of them: no sort of the thousands
        .values("pk")[:UNREAD_COUNTED]
        .count()
    )


# the bell's number is kept this long in the cache: forgotten at once when the person is sent
# or reads notifications (``people.services``), so a count is stale only if another path
# writes them — never longer than this
UNREAD_KEPT_SECONDS = 30


def _unread_key(workspace_id: int, user_id: int) -> str:
    return f"unread-notifications:{workspace_id}:{user_id}"


def unread_notifications_shown(*, actor: Actor) -> int:
    """The bell's number on every page: ``unread_notifications``, kept in the cache (a query
    less per page; pages under load wait on each query they make)."""
    key = _unread_key(actor.workspace.pk, actor.user.pk)
    count = cache.get(key)
    if count is None:
        count = unread_notifications(actor=actor)
        cache.set(key, count, UNREAD_KEPT_SECONDS)
    return int(count)


def unread_forget(*, workspace_id: int, user_ids: Iterable[int]) -> None:
    """The bell counts these people's notifications again on their next page."""
    cache.delete_many([_unread_key(workspace_id, user_id) for user_id in set(user_ids)])


def notifications(*, actor: Actor, limit: int = 100) -> QuerySet[Any]:
    return Notification.objects.filter(user=actor.user, workspace=actor.workspace).order_by(
        "-created_at", "-id"
    )[:limit]


def pod_choices(actor: Actor) -> list[tuple[Any, str]]:
    """The pods of a form's or a filter's drop-down."""
    return [(p.pk, p.name) for p in pod_options(actor=actor)]


# -- people and access -----------------------------------------------------------------------------


def members_overview(*, actor: Actor) -> QuerySet[Membership]:
    """Every member of the workspace, active or deactivated, with their pods here (RevOps
    admins): the members page and the API's ``member_admin_list``."""
    actor.require("member.write")
    pods = PodMember.objects.filter(pod__workspace=actor.workspace).select_related("pod")
    return (
        Membership.objects.filter(workspace=actor.workspace)
        .select_related("user")
        .prefetch_related(Prefetch("user__pod_memberships", queryset=pods, to_attr="pods_here"))
        .order_by("-is_active", "user__last_name", "user__first_name", "user_id")
    )


def member_get(*, actor: Actor, user_id: int) -> Membership:
    """One member (active or not) of the workspace, with their pods (404 otherwise)."""
    membership = members_overview(actor=actor).filter(user_id=user_id).first()
    if membership is None:
        raise NotFound(gettext("No such member in this workspace."))
    return membership


def members_signin_locked(*, actor: Actor, members: Iterable[Membership]) -> set[int]:
    """Which of these members are locked out of signing in now, after too many failed
    attempts (RevOps admins): their user ids."""
    actor.require("member.write")
    by_address = {m.user.email.strip().lower(): m.user_id for m in members}
    return {by_address[a] for a in signin.locked_out(by_address)}


def invitations_pending(*, actor: Actor) -> QuerySet[Invitation]:
    """Invitations sent and neither accepted, revoked nor expired (RevOps admins)."""
    actor.require("member.write")
    return (
        Invitation.objects.filter(
            workspace=actor.workspace,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .select_related("invited_by")
        .prefetch_related("pods")
    )


def invitation_list(*, actor: Actor) -> QuerySet[Invitation]:
    """Every invitation of the workspace, newest first (RevOps admins)."""
    actor.require("member.write")
    return Invitation.objects.filter(workspace=actor.workspace).prefetch_related("pods")


def user_sessions(*, user: User) -> QuerySet[UserSession]:
    """One's own signed-in sessions, the most recently seen first."""
    return UserSession.objects.filter(user=user).order_by("-last_seen", "-id")


# -- notification preferences and the outbox --------------------------------------------------


def notification_preferences(*, actor: Actor) -> list[dict[str, Any]]:
    """For every kind of notification (in the table's order): its label, the actor's channel
    in this workspace (chosen, or the default) and the default."""
    chosen = dict(
        NotificationPreference.objects.filter(
            workspace=actor.workspace, user=actor.user
        ).values_list("kind", "channel")
    )
    return [
        {
            "kind": kind.value,
            "label": str(kind.label),
            "channel": chosen.get(kind.value, DEFAULTS[kind].value),
            "default": DEFAULTS[kind].value,
            "channel_label": str(Channel(chosen.get(kind.value, DEFAULTS[kind])).label),
        }
        for kind in Kind
    ]


def _member_addresses(actor: Actor) -> list[str]:
    return list(
        Membership.objects.filter(workspace=actor.workspace).values_list("user__email", flat=True)
    )


def outbox_list(*, actor: Actor) -> list[outbox.OutboxMessage]:
    """The outbox's messages about the actor's workspace or to its people (RevOps admins)."""
    actor.require("mail.outbox")
    return outbox.outbox_messages(slug=actor.workspace.slug, members=_member_addresses(actor))


def outbox_get(*, actor: Actor, name: str) -> outbox.OutboxMessage:
    """One of them; 404 for another workspace's message or a name that is none."""
    actor.require("mail.outbox")
    message = outbox.outbox_message(
        name=name, slug=actor.workspace.slug, members=_member_addresses(actor)
    )
    if message is None:
        raise NotFound(_("No such message."))
    return message
