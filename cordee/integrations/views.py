"""Settings pages of integrations: webhook subscriptions and their delivery log (RevOps)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cordee.core.actor import Actor
from cordee.core.web import Column, RecordPage, record_form_class
from cordee.integrations import records
from cordee.integrations.models import WebhookEvent


class WebhookForm(record_form_class(records.WEBHOOKS, ("name", "url", "format", "is_active"))):  # type: ignore[misc]
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=True,
    )


def _deliveries(actor: Actor, subscription: Any) -> dict[str, Any]:
    return {"deliveries": list(subscription.deliveries.order_by("-created_at", "-id")[:50])}


WEBHOOKS = RecordPage(
    new_label=_("New webhook"),
    spec=records.WEBHOOKS,
    columns=(
        Column("name", _("Name"), sort="name", link="self"),
        Column("format", _("Format")),
        Column("url", _("URL"), secondary=True),
        Column("is_active", _("Active")),
    ),
    form_fields=("name", "url", "format", "events", "is_active"),
    form_class=WebhookForm,
    detail_template="integrations/webhook_detail.html",
    detail_context=_deliveries,
    empty_text=_(
        "Send SLA breaches, new MQLs and won deals to Slack, Microsoft Teams or your own systems. "
        "Every request is signed and retried until it is delivered."
    ),
)
