"""Permission-scoped reads about people, pods and tokens."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from cordee.core.actor import Actor
from cordee.core.roles import ROLE_SIDE, Side
from cordee.people.models import ApiToken, Membership, Pod, User

_MARKETING_ROLES = [r for r, s in ROLE_SIDE.items() if s == Side.MARKETING]
_SALES_ROLES = [r for r, s in ROLE_SIDE.items() if s == Side.SALES]


def workspace_members(*, actor: Actor) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace=actor.workspace, is_active=True).select_related(
        "user", "team"
    )


def workspace_users(*, actor: Actor) -> QuerySet[User]:
    return User.objects.filter(
        memberships__workspace=actor.workspace, memberships__is_active=True
    ).order_by("last_name", "first_name")


def user_memberships(*, user: User) -> QuerySet[Membership]:
    """The workspaces a person can switch to."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .select_related("workspace")
        .order_by("workspace__name")
    )


def pods_with_sides(*, actor: Actor) -> QuerySet[Pod]:
    """Pods with how many marketing and sales members each has (a pod missing a side is flagged)."""
    ws = actor.workspace
    return Pod.objects.filter(workspace=ws).annotate(
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
