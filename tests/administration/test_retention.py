"""Each workspace's own log retention (the settings page's last field), else the instance's."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cordee.integrations import jobs
from cordee.integrations.models import (
    IncomingEndpoint,
    IncomingRequest,
    WebhookDelivery,
    WebhookSubscription,
)


def _request(workspace, user, days):
    endpoint, _ = IncomingEndpoint.objects.get_or_create(
        workspace=workspace, name="Typeform", defaults={"created_by": user}
    )
    row = IncomingRequest.objects.create(
        workspace=workspace,
        endpoint=endpoint,
        kind="lead",
        body_sha256="0" * 64,
        status_code=201,
    )
    at = timezone.now() - dt.timedelta(days=days)
    IncomingRequest.objects.filter(pk=row.pk).update(received_at=at)
    return row.pk


def _delivery(workspace, days):
    hook, _ = WebhookSubscription.objects.get_or_create(
        workspace=workspace, name="Slack", url="https://hooks.example/x", events=["lead.mql"]
    )
    row = WebhookDelivery.objects.create(
        workspace=workspace, subscription=hook, event="lead.mql", payload={}, status="delivered"
    )
    at = timezone.now() - dt.timedelta(days=days)
    WebhookDelivery.objects.filter(pk=row.pk).update(created_at=at)
    return row.pk


def test_a_workspace_keeps_its_logs_as_long_as_it_chose(personas, settings):
    settings.LOG_RETENTION_DAYS = 30  # the instance's default, for Globex
    personas.acme.log_retention_days = 7
    personas.acme.save()
    _request(personas.acme, personas.rita, 8)  # older than Acme's 7 days: pruned
    acme_recent = _request(personas.acme, personas.rita, 6)
    _delivery(personas.acme, 8)  # pruned
    globex_8 = _request(personas.globex, personas.carol, 8)  # within Globex's 30 days
    _request(personas.globex, personas.carol, 31)  # pruned
    _delivery(personas.globex, 31)  # pruned
    globex_sent_8 = _delivery(personas.globex, 8)

    jobs.prune_logs()

    assert set(IncomingRequest.objects.values_list("pk", flat=True)) == {acme_recent, globex_8}
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {globex_sent_8}
