"""Writing a webhook with its routing per pod: the record services (``core.records``) for its
fields, and here its pods (a many-to-many the record services do not write). A webhook naming
pods carries only the events of those pods (``services.webhook_subscribers``, THE rule); one
naming none carries them all. The page and the API both write through these."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.records import record_audit, record_create, record_update
from cordee.integrations.models import WebhookSubscription
from cordee.integrations.records import WEBHOOKS
from cordee.people.models import Pod


def _pods(actor: Actor, ids: Iterable[Any]) -> list[Pod]:
    """The pods of the actor's workspace named by ``ids``; another workspace's (or none) is a
    422 naming ``pods``."""
    wanted = {int(i) for i in ids if str(i).isdigit()}
    found = list(Pod.objects.filter(workspace=actor.workspace, pk__in=wanted).order_by("name"))
    unknown = sorted({str(i) for i in ids} - {str(p.pk) for p in found})
    if unknown:
        message = _("No such pod in this workspace: %(ids)s.") % {"ids": ", ".join(unknown)}
        raise ValidationFailed(_("Some fields are not valid."), field_errors={"pods": [message]})
    return found


def _pods_set(actor: Actor, webhook: WebhookSubscription, pods: list[Pod], *, new: bool) -> None:
    before = sorted(webhook.pods.values_list("name", flat=True)) if not new else []
    after = sorted(p.name for p in pods)
    if before == after:
        return
    webhook.pods.set(pods)
    record_audit(
        actor=actor,
        spec=WEBHOOKS,
        instance=webhook,
        action="update",
        before={"pods": before},
        after={"pods": after},
    )


def webhook_create(*, actor: Actor, data: dict[str, Any]) -> WebhookSubscription:
    """Create a webhook (``WEBHOOKS.capability``), routed to ``data["pods"]`` if given."""
    data = dict(data)
    ids = data.pop("pods", None)
    actor.require(WEBHOOKS.capability)
    pods = _pods(actor, ids or [])
    with transaction.atomic():
        webhook: WebhookSubscription = record_create(actor=actor, spec=WEBHOOKS, data=data)
        if pods:
            _pods_set(actor, webhook, pods, new=True)
    return webhook


def webhook_update(
    *, actor: Actor, instance: WebhookSubscription, data: dict[str, Any]
) -> WebhookSubscription:
    """Change a webhook's fields and, when ``data`` names them, its pods ([]: every pod's)."""
    data = dict(data)
    named = "pods" in data
    ids = data.pop("pods", None)
    actor.require(WEBHOOKS.capability)
    if named and ids is None:  # routed to no pod is [], never null
        message = _("Give a list of pods ([]: every pod's events).")
        raise ValidationFailed(message, field_errors={"pods": [message]})
    pods = None if ids is None else _pods(actor, ids)
    with transaction.atomic():
        webhook: WebhookSubscription = (
            record_update(actor=actor, spec=WEBHOOKS, instance=instance, data=data)
            if data
            else instance
        )
        if pods is not None:
            _pods_set(actor, webhook, pods, new=False)
    return webhook
