"""Feedback items in a hand-over (``people.handover``): the open items someone owns go to a
colleague, one by one through ``feedback_assign`` (as on the item's page)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from cordee.core.actor import Actor
from cordee.feedback.models import CLOSED_STATUSES, FeedbackItem
from cordee.feedback.services import feedback_assign
from cordee.people.handover import HandoverKind, handover_kind_register
from cordee.tenancy.models import User


def _open_items(actor: Actor, user: User) -> QuerySet[FeedbackItem]:
    return FeedbackItem.objects.filter(workspace=actor.workspace, owner=user).exclude(
        status__in=CLOSED_STATUSES
    )


def _move(actor: Actor, user: User, target: User) -> int:
    ids = list(_open_items(actor, user).order_by("pk").values_list("pk", flat=True))
    for item_id in ids:
        feedback_assign(actor=actor, item_id=item_id, owner_id=target.pk)
    return len(ids)


def register() -> None:
    handover_kind_register(
        HandoverKind(
            "feedback", _("Open feedback items"), 40, lambda a, u: _open_items(a, u).count(), _move
        )
    )
