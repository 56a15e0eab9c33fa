"""Who reads whose variable pay — the one privacy rule of compensation (PRODUCT.md, "Users and
roles"): a person reads their own statements; a manager those of the people of the teams they
manage; a comp admin (granted by RevOps) everyone's; an executive only as a comp admin; nobody
else, RevOps included. Someone else's statement is *not found* (404), never *forbidden*: its
existence is private too."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cordee.comp.models import (
    Adjustment,
    CompAdmin,
    Dispute,
    Plan,
    PlanVersion,
    Statement,
    StatementStatus,
)
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, PermissionDenied
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


# -- who approves, the plans, the disputes, payroll -------------------------------------------------


def manages(actor: Actor, person_id: int) -> bool:
    """The actor manages a team the person is in."""
    return Membership.objects.filter(
        workspace=actor.workspace, team__manager=actor.user, user_id=person_id
    ).exists()


def may_approve(actor: Actor, statement: Statement) -> bool:
    """A comp admin, or a manager of the person's team; never the person paid."""
    return approver(actor)(statement)


def approver(actor: Actor) -> Callable[[Statement], bool]:
    """``may_approve`` for many statements: who the actor manages read once."""
    admin = is_comp_admin(actor)
    managed = set(
        Membership.objects.filter(workspace=actor.workspace, team__manager=actor.user).values_list(
            "user_id", flat=True
        )
    )

    def may(statement: Statement) -> bool:
        if statement.person_id == actor.user.pk:
            return False
        return admin or statement.person_id in managed

    return may


def require_comp_admin(actor: Actor) -> None:
    if not is_comp_admin(actor):
        raise PermissionDenied(_("Only the comp admins do this."))


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


def plan_cost_get(actor: Actor, pk: int) -> Plan:
    """A plan whose cost the actor reads: the comp admins only, since the cost adds up
    everyone's pay (``comp.cost``); to anyone else the plan is not found, as a plan is to who
    may not read it."""
    plan = (
        Plan.objects.filter(workspace=actor.workspace, pk=pk).first()
        if is_comp_admin(actor)
        else None
    )
    if plan is None:
        raise NotFound(_("No such pay plan."))
    return plan


def comp_admins(actor: Actor) -> QuerySet[CompAdmin]:
    return CompAdmin.objects.filter(workspace=actor.workspace).select_related("user")


def plan_versions(plan: Plan) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan=plan).select_related("created_by").order_by("-number")


def latest_version(plan: Plan) -> PlanVersion:
    version = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
    if version is None:
        raise NotFound(_("No such pay plan."))
    return version


def disputes(actor: Actor) -> QuerySet[Dispute]:
    """The disputes of the statements the actor reads."""
    readable = statements(actor).values("pk")
    return (
        Dispute.objects.filter(workspace=actor.workspace, statement__in=readable)
        .select_related("statement", "statement__person", "raised_by", "resolved_by")
        .prefetch_related("adjustments")
    )


def dispute_get(actor: Actor, pk: int) -> Dispute:
    dispute = disputes(actor).filter(pk=pk).first()
    if dispute is None:
        raise NotFound(_("No such dispute."))
    return dispute


def adjustments_of(statement: Statement) -> QuerySet[Adjustment]:
    return Adjustment.objects.filter(
        plan_id=statement.plan_id, person_id=statement.person_id, period=statement.period
    ).order_by("id")


@dataclass(frozen=True)
class PayrollRow:
    period: str
    email: str
    name: str
    component: str
    kind: str  # the component's kind, or "adjustment"
    amount: Decimal
    currency: str


def payroll_rows(actor: Actor, plan_id: int, period: str) -> list[PayrollRow]:
    """The approved pay of a plan's period for payroll (comp admins): one row per person and
    component (its clawback lines summed into it) and one per adjustment. Every statement of
    the period must be approved: a draft left is a 409 saying how many."""
    require_comp_admin(actor)
    plan = Plan.objects.filter(workspace=actor.workspace, pk=plan_id).first()
    if plan is None:
        raise NotFound(_("No such pay plan."))
    rows = list(
        Statement.objects.filter(plan=plan, period=period)
        .select_related("person")
        .order_by("person__email", "person_id")
    )
    drafts = sum(1 for s in rows if s.status != StatementStatus.APPROVED)
    if drafts:
        raise Conflict(
            _("Statements of %(period)s not approved yet: %(count)s.")
            % {"count": drafts, "period": period}
        )
    out: list[PayrollRow] = []
    currency = actor.workspace.currency
    for s in rows:
        name = s.person.get_full_name() or s.person.email
        sums: dict[str, Decimal] = {}
        kinds: dict[str, str] = {}
        adjustments: list[dict[str, Any]] = []
        for line in s.lines:
            if line.get("kind") == "adjustment":
                adjustments.append(line)
                continue
            component = str(line["component"])
            sums[component] = sums.get(component, Decimal(0)) + Decimal(line["payout"])
            if line.get("kind") not in ("clawback", "true_up"):  # summed into its component
                kinds[component] = str(line.get("kind"))
            else:
                kinds.setdefault(component, "clawback")
        for component, amount in sums.items():
            out.append(
                PayrollRow(
                    s.period, s.person.email, name, component, kinds[component], amount, currency
                )
            )
        for line in adjustments:
            out.append(
                PayrollRow(
                    s.period,
                    s.person.email,
                    name,
                    str(line["component"]),
                    "adjustment",
                    Decimal(line["payout"]),
                    currency,
                )
            )
    return out


def approved_periods(plan: Plan) -> list[str]:
    """The periods of a plan whose statements are all approved (their payroll file is ready),
    the latest first."""
    periods: dict[str, bool] = {}
    for period, status in Statement.objects.filter(plan=plan).values_list("period", "status"):
        periods[period] = periods.get(period, True) and status == StatementStatus.APPROVED
    return sorted((p for p, ready in periods.items() if ready), reverse=True)
