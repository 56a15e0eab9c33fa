"""REST endpoints of the shared data: thin wrappers over the record selectors and services."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from cordee.core.api import current_actor, register_crud
from cordee.core.records import record_get
from cordee.crm import records, schemas, selectors, services
from cordee.funnel.services import opportunity_save

router = Router()


def _lead_with_sla(*, actor: Any, pk: int) -> Any:
    """A single lead is read with its SLA clocks (lists leave them out: they cost a computation)."""
    from cordee.funnel.selectors import lead_sla

    lead = record_get(actor=actor, spec=records.LEADS, pk=pk)
    lead.sla_status = lead_sla(actor=actor, lead=lead)
    return lead


register_crud(
    router,
    records.ACCOUNTS,
    out=schemas.AccountOut,
    create_in=schemas.AccountIn,
    update_in=schemas.AccountPatch,
)
register_crud(
    router,
    records.CONTACTS,
    out=schemas.ContactOut,
    create_in=schemas.ContactIn,
    update_in=schemas.ContactPatch,
)
register_crud(
    router,
    records.CAMPAIGNS,
    out=schemas.CampaignOut,
    create_in=schemas.CampaignIn,
    update_in=schemas.CampaignPatch,
)
register_crud(
    router,
    records.TOUCHPOINTS,
    out=schemas.TouchpointOut,
    create_in=schemas.TouchpointIn,
    update_in=schemas.TouchpointPatch,
    create=services.touchpoint_create,
)
register_crud(
    router,
    records.LEADS,
    out=schemas.LeadOut,
    create_in=schemas.LeadIn,
    update_in=schemas.LeadPatch,
    create=services.lead_create,
    get_selector=_lead_with_sla,
)
register_crud(
    router,
    records.OPPORTUNITIES,
    out=schemas.OpportunityOut,
    create_in=schemas.OpportunityIn,
    update_in=schemas.OpportunityPatch,
    create=lambda *, actor, data: opportunity_save(actor=actor, data=data),
    update=lambda *, actor, instance, data: opportunity_save(
        actor=actor, data=data, opportunity=instance
    ),
)


@router.get(
    "/leads/{int:pk}/history",
    response=list[schemas.LeadStageChangeOut],
    tags=["Leads"],
    operation_id="lead_history",
    summary="A lead's stage changes, oldest first",
)
def lead_history(request: HttpRequest, pk: int) -> Any:
    actor = current_actor(request)
    lead = record_get(actor=actor, spec=records.LEADS, pk=pk)
    return selectors.lead_history(actor=actor, lead=lead)
