"""Who reads whose variable pay — the one privacy rule of compensation (PRODUCT.md, "Users and
roles"): a person reads their own statements; a manager those of the people of the teams they
manage; a comp admin (granted by RevOps) everyone's; an executive only as a comp admin; nobody
else, RevOps included. Someone else's statement is *not found* (404), never *forbidden*: its
existence is private too."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cordee.comp.models import CompAdmin, Plan, Statement
from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.tenancy.models import Membership

EVERYONE = None  # readable_people's answer for a comp admin


def is_comp_admin(actor: Actor) -> bool:
    return CompAdmin.objects.filter(workspace=actor.workspace, user=actor.user).exists()


def readable_people(actor: Actor) -> set[int] | None:
    """The user ids whose pay the actor reads (themselves, the people of the teams they
    manage), or ``EVERYONE`` for a comp admin."""
    if is_comp_admin(actor):
        return EVERYONE
    team_members = Membership.objects.filter(
        workspace=actor.workspace, team__manager=actor.user
    ).values_list("user_id", flat=True)
    return {int(actor.user.pk), *team_members}


def may_read_pay(actor: Actor, person_id: int) -> bool:
    people = readable_people(actor)
    return people is EVERYONE or person_id in people


def statements(actor: Actor) -> QuerySet[Statement]:
    """The workspace's statements the actor may read."""
    rows = Statement.objects.filter(workspace=actor.workspace).select_related(
        "person", "plan", "version"
    )
    people = readable_people(actor)
    return rows if people is EVERYONE else rows.filter(person_id__in=people)


def statement_get(actor: Actor, pk: int) -> Statement:
    statement = statements(actor).filter(pk=pk).first()
    if statement is None:
        raise NotFound(_("No such statement."))
    return statement


def may_edit_plans(actor: Actor) -> bool:
    """RevOps and the comp admins edit the pay plans (and read them: a plan names each
    participant's variable target)."""
    return actor.can("comp.grant") or is_comp_admin(actor)


def plans(actor: Actor) -> QuerySet[Plan]:
    """The workspace's pay plans, for who edits them (none for anyone else)."""
    if not may_edit_plans(actor):
        return Plan.objects.none()
    return Plan.objects.filter(workspace=actor.workspace).prefetch_related("versions")


def plan_get(actor: Actor, pk: int) -> Plan:
    plan = plans(actor).filter(pk=pk).first()
    if plan is None:
        raise NotFound(_("No such pay plan."))
    return plan


def comp_admins(actor: Actor) -> QuerySet[CompAdmin]:
    return CompAdmin.objects.filter(workspace=actor.workspace).select_related("user")
