"""Who is acting, in which workspace, with which role: passed to every service and selector."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cordee.core.errors import NotFound, PermissionDenied
from cordee.core.roles import role_can
from cordee.tenancy.models import Membership
from cordee.tenancy.roles import Side, side_of

if TYPE_CHECKING:
    from cordee.tenancy.models import Membership, User, Workspace


@dataclass(frozen=True)
class Actor:
    user: User
    workspace: Workspace
    role: str
    # the API token the request came with (None in a browser session or a background job):
    # the audit log names it beside the person
    token_id: int | None = None
    token_name: str = ""

    @property
    def side(self) -> Side:
        return side_of(self.role)

    def can(self, capability: str) -> bool:
        return role_can(self.role, capability)

    def require(self, capability: str) -> None:
        """Raise ``PermissionDenied`` (403) unless the actor's role holds ``capability``."""
        if not self.can(capability):
            raise PermissionDenied(_permission_message())

    @property
    def signs_for(self) -> str | None:
        """ "marketing" or "sales": the side this actor signs two-sided agreements for (SLA
        contracts, attribution locks); None for everyone but the two managers."""
        if self.can("sla.sign.marketing"):
            return "marketing"
        if self.can("sla.sign.sales"):
            return "sales"
        return None

    def signing_side(self) -> str:
        """``signs_for``, or a 403 for anyone who does not sign."""
        if self.signs_for is None:
            raise PermissionDenied(_permission_message())
        return self.signs_for

    @classmethod
    def from_membership(cls, membership: Membership) -> Actor:
        return cls(user=membership.user, workspace=membership.workspace, role=membership.role)


def _permission_message() -> str:
    from django.utils.translation import gettext

    return gettext("Your role in this workspace does not allow this action.")


def actor_for(
    user: User, workspace_slug: str, *, among: Iterable[Membership] | None = None
) -> Actor:
    """The actor for ``user`` in the workspace ``workspace_slug``; 404 when not an active member
    (another company's workspace must not even be confirmed to exist). ``among``: the user's
    active memberships, already read (a page reads them once for its workspace switcher too)."""
    from django.utils.translation import gettext

    if among is None:
        membership = (
            Membership.objects.select_related("workspace", "user")
            .filter(user=user, workspace__slug=workspace_slug, is_active=True)
            .first()
        )
    else:
        membership = next(
            (
                m
                for m in among
                if m.workspace.slug == workspace_slug and m.is_active and m.user_id == user.pk
            ),
            None,
        )
        if membership is not None:
            membership.user = user
    if membership is None or not user.is_active:
        raise NotFound(gettext("No such workspace."))
    return Actor.from_membership(membership)
