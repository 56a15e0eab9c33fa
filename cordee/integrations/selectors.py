"""Reads of outgoing webhooks that depend on who reads them.

A webhook's URL is a bearer secret (whoever holds a Slack or Teams incoming-webhook URL posts to
the channel): THE rule is here — those who manage webhooks (``records.WEBHOOKS.capability``,
RevOps) read it whole, everyone else its scheme and host only (``https://hooks.slack.com/…``).
The list page, its CSV/XLSX export, the detail page and the API all read webhooks through these
functions, so no other place masks or forgets to.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.db.models.query import ModelIterable

from cordee.core.actor import Actor
from cordee.core.records import record_get, record_list
from cordee.integrations.models import WebhookSubscription
from cordee.integrations.records import WEBHOOKS

ELLIPSIS = "…"


def webhook_url_readable(actor: Actor) -> bool:
    """May the actor read webhook URLs whole? Those who manage webhooks may."""
    return actor.can(WEBHOOKS.capability)


def url_masked(url: str) -> str:
    """``https://hooks.slack.com/services/T0/B0/xyz`` → ``https://hooks.slack.com/…``: the
    scheme and the host (and a port other than the default), never a user, a path or a query."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return ELLIPSIS
    if not parts.scheme or not host:
        return ELLIPSIS
    if ":" in host:
        host = f"[{host}]"
    return f"{parts.scheme}://{host}{f':{port}' if port else ''}/{ELLIPSIS}"


def _mask(subscription: WebhookSubscription) -> WebhookSubscription:
    subscription.url = url_masked(subscription.url)
    subscription.url_masked = True  # WebhookSubscription.save refuses to store it
    return subscription


class _UrlMaskedIterable(ModelIterable):
    """The rows of a queryset of webhooks, their URLs masked as they are read."""

    def __iter__(self) -> Iterator[Any]:
        for row in super().__iter__():
            yield _mask(row)


def webhooks_shown(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    """``qs`` as the actor may read it: unchanged for RevOps; for anyone else every row read from
    it (a page of the list, an export's stream, however it is sliced or sorted) has its URL
    masked."""
    if webhook_url_readable(actor):
        return qs
    masked = qs.all()
    masked._iterable_class = _UrlMaskedIterable
    return masked


def webhook_shown(actor: Actor, subscription: WebhookSubscription) -> WebhookSubscription:
    """One webhook already read (a detail page): its URL masked unless the actor may read it."""
    return subscription if webhook_url_readable(actor) else _mask(subscription)


def webhook_list(*, actor: Actor, params: Mapping[str, str]) -> QuerySet[Any]:
    return webhooks_shown(
        actor, record_list(actor=actor, spec=WEBHOOKS, params=params).prefetch_related("pods")
    )


def webhook_get(*, actor: Actor, pk: int) -> WebhookSubscription:
    return webhook_shown(actor, record_get(actor=actor, spec=WEBHOOKS, pk=pk))
