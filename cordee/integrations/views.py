"""Settings pages of integrations (RevOps): outgoing webhook subscriptions with their delivery
log, and incoming endpoints with their secret and the requests they received."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.web import Column, RecordPage, record_form_class, workspace_view
from cordee.integrations import incoming, records, routing, selectors
from cordee.integrations.models import WebhookEvent
from cordee.people.models import Pod


class WebhookForm(record_form_class(records.WEBHOOKS, ("name", "url", "format", "is_active"))):  # type: ignore[misc]
    events = forms.MultipleChoiceField(
        label=gettext_lazy("Events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        required=True,
    )
    pods = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Pods"),
        queryset=Pod.objects.none(),  # the workspace's (RecordForm)
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "Only the events of these pods (wins, kudos, a pod's report); none: every event."
        ),
    )

    def __init__(self, *, actor: Actor, instance: Any = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = forms.model_to_dict(
                instance, fields=["name", "url", "format", "is_active", "events"]
            ) | {"pods": [p.pk for p in instance.pods.all()]}
        super().__init__(actor=actor, instance=instance, **kwargs)


def _save_webhook(actor: Actor, form: forms.Form, instance: Any) -> Any:
    data = form.record_data()  # type: ignore[attr-defined]
    data["pods"] = [p.pk for p in data.get("pods") or []]
    if instance is None:
        return routing.webhook_create(actor=actor, data=data)
    return routing.webhook_update(actor=actor, instance=instance, data=data)


def _deliveries(actor: Actor, subscription: Any) -> dict[str, Any]:
    """The delivery log and the signing secret are for those who manage webhooks; the URL is
    masked for anyone else (``selectors.webhook_shown``: the page's ``object`` itself)."""
    selectors.webhook_shown(actor, subscription)
    if not actor.can(records.WEBHOOKS.capability):
        return {"deliveries": [], "show_secret": False}
    return {
        "deliveries": list(subscription.deliveries.order_by("-created_at", "-id")[:50]),
        "show_secret": True,
    }


WEBHOOKS = RecordPage(
    new_label=gettext_lazy("New webhook"),
    spec=records.WEBHOOKS,
    columns=(
        Column("name", gettext_lazy("Name"), sort="name", link="self"),
        Column("format", gettext_lazy("Format")),
        Column("url", gettext_lazy("URL"), secondary=True),
        Column("is_active", gettext_lazy("Active")),
    ),
    form_fields=("name", "url", "format", "events", "pods", "is_active"),
    form_class=WebhookForm,
    save=_save_webhook,
    detail_template="integrations/webhook_detail.html",
    detail_context=_deliveries,
    list_queryset=selectors.webhooks_shown,
    empty_text=gettext_lazy(
        "Send SLA breaches, new MQLs, answered feedback and won deals to Slack, Microsoft Teams "
        "or your own systems. Every request is signed and retried until it is delivered."
    ),
)


def _incoming_context(actor: Actor, endpoint: Any) -> dict[str, Any]:
    if not actor.can(records.INCOMING.capability):
        return {"show_secret": False, "requests": []}
    url = reverse("api:incoming_lead", kwargs={"key": endpoint.key})
    return {
        "show_secret": True,
        "requests": list(endpoint.requests.order_by("-received_at", "-id")[:50]),
        "lead_url": url,
        "touchpoint_url": reverse("api:incoming_touchpoint", kwargs={"key": endpoint.key}),
        "replay_minutes": int(incoming.REPLAY_WINDOW.total_seconds() // 60),
        "grace_hours": incoming.SECRET_GRACE_HOURS,
        "old_secret_until": incoming.previous_secret_until(endpoint, timezone.now()),
    }


INCOMING = RecordPage(
    new_label=gettext_lazy("New incoming endpoint"),
    spec=records.INCOMING,
    columns=(
        Column("name", gettext_lazy("Name"), sort="name", link="self"),
        Column("source_system", gettext_lazy("Source system")),
        Column("default_campaign", gettext_lazy("Default campaign"), secondary=True),
        Column("last_request_at", gettext_lazy("Last request"), kind="date", secondary=True),
        Column("is_active", gettext_lazy("Active")),
    ),
    form_fields=("name", "source_system", "default_campaign", "accept_bearer", "is_active"),
    detail_template="integrations/incoming_detail.html",
    detail_context=_incoming_context,
    empty_text=gettext_lazy(
        "Let your forms and marketing automation send new leads straight into the funnel: each "
        "endpoint has its own address and secret, and every request it receives is logged here."
    ),
)


@workspace_view
@require_POST
def incoming_rotate(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    grace = request.POST.get("grace") != "0"
    endpoint = incoming.incoming_secret_rotate(actor=actor, endpoint_id=pk, grace=grace)
    if grace:
        message = _(
            "A new secret was made for “%(name)s”; the old one is still accepted for %(hours)s "
            "hours: update the sending tool."
        ) % {"name": endpoint.name, "hours": incoming.SECRET_GRACE_HOURS}
    else:
        message = _("A new secret was made for “%(name)s”; the old one no longer works.") % {
            "name": endpoint.name
        }
    messages.success(request, message)
    return HttpResponseRedirect(reverse("incoming_detail", args=[actor.workspace.slug, pk]))
