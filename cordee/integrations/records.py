"""Webhook subscriptions as records (see ``core.records``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cordee.core.records import Filter, RecordSpec
from cordee.integrations.models import WebhookFormat, WebhookSubscription

WEBHOOKS = RecordSpec(
    key="webhooks",
    model=WebhookSubscription,
    capability="workspace.write",
    fields=("name", "url", "format", "events", "is_active"),
    search=("name", "url"),
    filters=(
        Filter("format", "format", kind="choice", label=_("Format"), choices=WebhookFormat.choices),
    ),
    orderings={"name": ("name", "id")},
)
