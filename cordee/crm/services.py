"""Writes on the shared data that touch more than one row."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.records import record_create
from cordee.crm.models import Lead, LeadStageChange, Touchpoint
from cordee.crm.records import LEADS, TOUCHPOINTS


def lead_create(*, actor: Actor, data: dict[str, Any]) -> Lead:
    """Create a lead at Inquiry and open its stage history with who created it."""
    with transaction.atomic():
        lead: Lead = record_create(actor=actor, spec=LEADS, data=data)
        LeadStageChange.objects.create(
            workspace=actor.workspace,
            lead=lead,
            from_stage="",
            to_stage=lead.stage,
            at=lead.stage_entered_at,
            actor=actor.user,
            reason=_("Lead created"),
        )
    return lead


def touchpoint_create(*, actor: Actor, data: dict[str, Any]) -> Touchpoint:
    """Record a touch; the open leads of its contact are rescored in the background."""
    from functools import partial

    from cordee.funnel.tasks import rescore

    touchpoint: Touchpoint = record_create(actor=actor, spec=TOUCHPOINTS, data=data)
    lead_ids = list(
        Lead.objects.filter(workspace=actor.workspace, contact_id=touchpoint.contact_id)
        .exclude(stage__in=("won", "lost", "disqualified"))
        .values_list("id", flat=True)
    )
    if lead_ids:
        transaction.on_commit(partial(rescore.enqueue, actor.workspace.pk, lead_ids))
        if touchpoint.is_sales_activity:  # an attempt: the queue's counts change
            from cordee.funnel.reports import funnel_changed

            transaction.on_commit(partial(funnel_changed, actor.workspace.pk))
    return touchpoint
