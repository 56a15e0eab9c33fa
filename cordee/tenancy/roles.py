"""Roles a member holds in a workspace and the side of the rope each stands on.

What each role may do is the permission table in ``cordee.core.roles``."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Side(models.TextChoices):
    MARKETING = "marketing", _("Marketing")
    SALES = "sales", _("Sales")
    OTHER = "other", _("Other")


class Role(models.TextChoices):
    MARKETER = "marketer", _("Marketer")
    MARKETING_MANAGER = "marketing_manager", _("Marketing manager")
    SDR = "sdr", _("SDR")
    SALES_REP = "sales_rep", _("Sales rep (AE)")
    SALES_MANAGER = "sales_manager", _("Sales manager")
    REVOPS_ADMIN = "revops_admin", _("RevOps admin")
    EXECUTIVE = "executive", _("Executive")


ROLE_SIDE: dict[Role, Side] = {
    Role.MARKETER: Side.MARKETING,
    Role.MARKETING_MANAGER: Side.MARKETING,
    Role.SDR: Side.SALES,
    Role.SALES_REP: Side.SALES,
    Role.SALES_MANAGER: Side.SALES,
    Role.REVOPS_ADMIN: Side.OTHER,
    Role.EXECUTIVE: Side.OTHER,
}


def side_of(role: str) -> Side:
    return ROLE_SIDE.get(Role(role), Side.OTHER) if role in Role.values else Side.OTHER


def roles_of(side: Side) -> tuple[str, ...]:
    """The roles standing on ``side`` (their values, for ``role__in`` filters): THE reading of
    ROLE_SIDE the other way round."""
    return tuple(role.value for role, role_side in ROLE_SIDE.items() if role_side == side)
