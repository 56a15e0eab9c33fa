"""Webhook subscriptions and incoming endpoints as records (see ``core.records``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.core.records import Filter, RecordSpec
from cordee.integrations.incoming import incoming_endpoint_defaults
from cordee.integrations.models import IncomingEndpoint, WebhookFormat, WebhookSubscription

WEBHOOKS = RecordSpec(
    key="webhooks",
    model=WebhookSubscription,
    capability="workspace.write",
    fields=("name", "url", "format", "events", "is_active"),
    # not by URL: a search that matches is an oracle on a URL one may not read (selectors)
    search=("name",),
    filters=(
        Filter("format", "format", kind="choice", label=_("Format"), choices=WebhookFormat.choices),
    ),
    orderings={"name": ("name", "id")},
)

INCOMING = RecordSpec(
    key="incoming",
    model=IncomingEndpoint,
    capability="workspace.write",
    fields=("name", "source_system", "default_campaign", "accept_bearer", "is_active"),
    search=("name", "source_system"),
    select_related=("default_campaign",),
    orderings={"name": ("name", "id")},
    before_save=incoming_endpoint_defaults,
)
