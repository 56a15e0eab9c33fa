"""Background tasks of integrations: thin, they load by id and call a service.

``deliver_webhook`` lives beside the delivery it makes (``integrations.delivery``): it schedules
its own retries. It is named here too, for tasks queued before it moved there."""

from __future__ import annotations

from cordee.integrations.delivery import deliver_webhook

__all__ = ["deliver_webhook"]
