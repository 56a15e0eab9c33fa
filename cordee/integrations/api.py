"""REST endpoints of outgoing webhooks: the record operations, read through the selectors that
mask a URL for whoever may not read it (``integrations.selectors``)."""

from __future__ import annotations

from ninja import Router

from cordee.core.api import register_crud
from cordee.integrations import records, routing, schemas, selectors

router = Router()

register_crud(
    router,
    records.WEBHOOKS,
    out=schemas.WebhookOut,
    create_in=schemas.WebhookIn,
    update_in=schemas.WebhookPatch,
    create=routing.webhook_create,
    update=routing.webhook_update,
    list_selector=selectors.webhook_list,
    get_selector=selectors.webhook_get,
)
