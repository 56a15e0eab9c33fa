"""Permission-scoped reads of a workspace's members, shared by every app."""

from __future__ import annotations

from django.db.models import (
    QuerySet,
)

from cordee.core.actor import Actor
from cordee.tenancy.models import Membership, User


def workspace_members(*, actor: Actor) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(workspace=actor.workspace, is_active=True)
        .select_related("user", "team")
        .order_by("user__last_name", "user__first_name", "user_id")
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
