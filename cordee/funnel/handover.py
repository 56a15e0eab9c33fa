"""The funnel's kinds of open work in a hand-over (``people.handover``): open leads, open
opportunities and open tasks, each moved through its own reassignment service."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cordee.core.actor import Actor
from cordee.core.records import records_owner_set
from cordee.funnel import records
from cordee.funnel.activities import tasks_reassign
from cordee.funnel.assignments import leads_reassign
from cordee.funnel.models import CLOSED_STAGES, Lead, Opportunity, OpportunityStage, Task
from cordee.people.handover import HandoverKind, handover_kind_register
from cordee.tenancy.models import User

_CLOSED_DEALS = (OpportunityStage.WON, OpportunityStage.LOST)


def _open_leads(actor: Actor, user: User) -> QuerySet[Lead]:
    return Lead.objects.filter(workspace=actor.workspace, owner=user).exclude(
        stage__in=CLOSED_STAGES
    )


def _open_deals(actor: Actor, user: User) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(workspace=actor.workspace, owner=user).exclude(
        stage__in=_CLOSED_DEALS
    )


def _open_tasks(actor: Actor, user: User) -> QuerySet[Task]:
    return Task.objects.filter(workspace=actor.workspace, owner=user, done_at__isnull=True)


def _leads_move(actor: Actor, user: User, target: User) -> int:
    ids = list(_open_leads(actor, user).values_list("pk", flat=True))
    return leads_reassign(actor=actor, leads=ids, to_owner=target, reason_code="manual").changed


def _deals_move(actor: Actor, user: User, target: User) -> int:
    changed, _refused = records_owner_set(
        actor=actor, spec=records.OPPORTUNITIES, qs=_open_deals(actor, user), to_owner=target
    )
    return changed


def _tasks_move(actor: Actor, user: User, target: User) -> int:
    ids = list(_open_tasks(actor, user).values_list("pk", flat=True))
    return tasks_reassign(actor=actor, task_ids=ids, to_owner=target)


def register() -> None:
    for kind in (
        HandoverKind(
            "leads", _("Open leads"), 10, lambda a, u: _open_leads(a, u).count(), _leads_move
        ),
        HandoverKind(
            "opportunities",
            _("Open opportunities"),
            20,
            lambda a, u: _open_deals(a, u).count(),
            _deals_move,
        ),
        HandoverKind(
            "tasks", _("Open tasks"), 30, lambda a, u: _open_tasks(a, u).count(), _tasks_move
        ),
    ):
        handover_kind_register(kind)
