"""REST endpoints of the shared data: thin wrappers over the record selectors and services."""

from __future__ import annotations

from ninja import Router

from cordee.core.api import register_crud
from cordee.crm import records, schemas

router = Router()


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
