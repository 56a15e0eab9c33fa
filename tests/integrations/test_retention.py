"""Logs do not grow forever: incoming requests, finished deliveries and finished task results
older than ``LOG_RETENTION_DAYS`` are pruned by the daily jobs; what is recent or still pending
stays."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cordee.core import scheduler
from cordee.integrations import jobs
from cordee.integrations.models import (
    DeliveryStatus,
    IncomingEndpoint,
    IncomingRequest,
    WebhookDelivery,
    WebhookSubscription,
)


def _aged(model, row, field, days):
    model.objects.filter(pk=row.pk).update(**{field: timezone.now() - dt.timedelta(days=days)})
    return row


def test_the_daily_job_prunes_old_requests_and_finished_deliveries(personas, settings):
    settings.LOG_RETENTION_DAYS = 30
    endpoint = IncomingEndpoint.objects.create(
        workspace=personas.acme, name="Typeform", created_by=personas.rita
    )

    def request(days, key):
        row = IncomingRequest.objects.create(
            workspace=personas.acme,
            endpoint=endpoint,
            kind="lead",
            idempotency_key=key,
            body_sha256="0" * 64,
            status_code=201,
        )
        return _aged(IncomingRequest, row, "received_at", days)

    hook = WebhookSubscription.objects.create(
        workspace=personas.acme, name="Slack", url="https://hooks.example/x", events=["lead.mql"]
    )

    def delivery(days, status):
        row = WebhookDelivery.objects.create(
            workspace=personas.acme,
            subscription=hook,
            event="lead.mql",
            payload={},
            status=status,
        )
        return _aged(WebhookDelivery, row, "created_at", days)

    old_request, recent_request = request(31, "a"), request(29, "b")
    old_sent = delivery(31, DeliveryStatus.DELIVERED)
    old_failed = delivery(40, DeliveryStatus.FAILED)
    old_pending = delivery(40, DeliveryStatus.PENDING)  # still retrying: kept
    recent_sent = delivery(1, DeliveryStatus.DELIVERED)

    jobs.prune_logs()

    assert list(IncomingRequest.objects.values_list("pk", flat=True)) == [recent_request.pk]
    assert set(WebhookDelivery.objects.values_list("pk", flat=True)) == {
        old_pending.pk,
        recent_sent.pk,
    }
    assert not WebhookDelivery.objects.filter(pk__in=[old_sent.pk, old_failed.pk]).exists()
    assert not IncomingRequest.objects.filter(pk=old_request.pk).exists()


def test_finished_task_results_are_pruned_running_ones_never(db, settings):
    settings.LOG_RETENTION_DAYS = 30
    now = timezone.now()

    def result(status, finished_days_ago):
        return DBTaskResult.objects.create(
            status=status,
            task_path="x.y",
            args_kwargs={"args": [], "kwargs": {}},
            started_at=now - dt.timedelta(days=60),
            finished_at=None
            if finished_days_ago is None
            else now - dt.timedelta(days=finished_days_ago),
            queue_name="default",
            backend_name="default",
        )

    old_ok, old_failed = result("SUCCESSFUL", 31), result("FAILED", 45)
    recent, running = result("SUCCESSFUL", 2), result("RUNNING", None)
    mine = [old_ok.pk, old_failed.pk, recent.pk, running.pk]
    assert scheduler.prune_finished_tasks() >= 2  # (other tests' results may be old too)
    assert set(DBTaskResult.objects.filter(pk__in=mine).values_list("pk", flat=True)) == {
        recent.pk,
        running.pk,
    }


def test_the_scheduler_runs_the_pruning(db):
    try:
        names = scheduler.tick(timezone.now() + dt.timedelta(days=400))
    finally:  # due times are process state: leave every job due again for other tests
        for job in scheduler.jobs():
            job.next_run = None
    assert "core.prune_finished_tasks" in names
    assert "cordee.integrations.jobs.prune_logs" in names
