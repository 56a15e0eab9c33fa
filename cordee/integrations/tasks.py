"""Background tasks of integrations: thin, they load by id and call a service."""

from __future__ import annotations

from django_tasks import task

from cordee.integrations.services import webhook_deliver


@task()
def deliver_webhook(delivery_id: int) -> str:
    return str(webhook_deliver(delivery_id=delivery_id).status)
