"""The monthly sending of the executive report (cordee.alignment.report_sending, run hourly by
alignment/jobs.py): the previous month's report, from the first business day of the month once
its working day has begun, once; the workspace's to the subscriptions routed to no pod, a pod's
to the subscriptions routed to that pod, as a link under CORDEE_BASE_URL.

Acme is in France (Paris, 09:00–12:30 / 14:00–18:00, Monday to Friday): Friday 1 May 2026 is
Labour Day, Saturday 2 and Sunday 3 are not worked, so April's report goes out on Monday 4 May
from 09:00 (07:00 UTC)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings

from cordee.alignment import jobs
from cordee.alignment.models import ReportSending
from cordee.alignment.report_sending import first_business_day, monthly_reports_send
from cordee.integrations.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from cordee.tenancy.models import Workspace
from tests import factories as f

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
APRIL = dt.date(2026, 4, 1)


def paris(day: int, hour: int = 10, month: int = 5) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, 0, tzinfo=PARIS)


def _hook(ws: Any, name: str, *pods: Any, events: list[str] | None = None) -> WebhookSubscription:
    hook = WebhookSubscription.objects.create(
        workspace=ws,
        name=name,
        url=f"https://chat.example.com/{name}",
        events=events or [WebhookEvent.REPORT_MONTHLY],
    )
    hook.pods.set(pods)
    return hook


@pytest.fixture
def acme(personas: Any) -> Any:
    ws = personas.acme
    Workspace.objects.filter(pk=ws.pk).update(created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    ws.refresh_from_db()
    return ws


def _sent(ws: Any) -> list[tuple[str, str, Any]]:
    """(subscription, month, pod) of each delivery of the monthly report, in order."""
    return [
        (d.subscription.name, d.payload["data"]["month"], d.payload["data"]["pod"])
        for d in WebhookDelivery.objects.filter(
            workspace=ws, event=WebhookEvent.REPORT_MONTHLY
        ).order_by("subscription__name", "id")
    ]


def test_the_first_business_day_skips_a_holiday_and_the_weekend(acme):
    assert first_business_day(acme, dt.date(2026, 5, 1)) == dt.date(2026, 5, 4)
    assert first_business_day(acme, dt.date(2026, 6, 1)) == dt.date(2026, 6, 1)  # a Monday


@override_settings(CORDEE_BASE_URL="https://cordee.acme.fr")
def test_sent_on_the_first_business_day_once(acme):
    _hook(acme, "general")
    for now in (paris(1), paris(2), paris(3), paris(4, hour=8)):
        assert monthly_reports_send(workspace=acme, now=now) == 0, now
    assert monthly_reports_send(workspace=acme, now=paris(4)) == 1
    assert monthly_reports_send(workspace=acme, now=paris(4, hour=15)) == 0  # once
    assert monthly_reports_send(workspace=acme, now=paris(5)) == 0
    assert _sent(acme) == [("general", "2026-04", None)]
    (delivery,) = WebhookDelivery.objects.filter(workspace=acme)
    assert delivery.payload["url"] == "https://cordee.acme.fr/w/acme/reports/2026-04/"
    assert delivery.payload["data"]["pdf"] == "https://cordee.acme.fr/w/acme/reports/2026-04.pdf"
    assert delivery.payload["text"]  # a line in the workspace's language
    assert list(ReportSending.objects.values_list("month", "pod")) == [(APRIL, None)]


def test_a_scheduler_down_that_day_sends_it_on_the_next_working_day(acme):
    _hook(acme, "general")
    assert monthly_reports_send(workspace=acme, now=paris(5)) == 1
    assert _sent(acme) == [("general", "2026-04", None)]


def test_each_pods_report_goes_to_the_subscriptions_routed_to_it(acme):
    nord, sud, est = (f.PodFactory(workspace=acme, name=n) for n in ("Nord", "Sud", "Est"))
    _hook(acme, "a-general")
    _hook(acme, "b-nord", nord)
    _hook(acme, "c-nord-sud", nord, sud)
    _hook(acme, "d-wins-only", nord, events=[WebhookEvent.WIN_POSTED])
    assert monthly_reports_send(workspace=acme, now=paris(4)) == 3  # Est: nobody asked
    nord_ref = {"id": nord.pk, "name": "Nord"}
    sud_ref = {"id": sud.pk, "name": "Sud"}
    assert _sent(acme) == [
        ("a-general", "2026-04", None),
        ("b-nord", "2026-04", nord_ref),
        ("c-nord-sud", "2026-04", nord_ref),
        ("c-nord-sud", "2026-04", sud_ref),
    ]
    pod_link = WebhookDelivery.objects.get(subscription__name="b-nord").payload["url"]
    assert pod_link.endswith(f"/w/acme/reports/2026-04/?pod={nord.pk}")
    assert est.pk not in set(ReportSending.objects.values_list("pod", flat=True))
    assert monthly_reports_send(workspace=acme, now=paris(4, hour=16)) == 0


def test_nobody_subscribed_nothing_sent_nor_recorded(acme, personas):
    _hook(personas.globex, "globex")  # another workspace's subscription carries nothing of Acme
    assert monthly_reports_send(workspace=acme, now=paris(4)) == 0
    assert not ReportSending.objects.filter(workspace=acme).exists()


def test_a_workspace_created_after_the_month_sends_nothing(personas):
    ws = personas.acme
    Workspace.objects.filter(pk=ws.pk).update(created_at=dt.datetime(2026, 5, 2, tzinfo=dt.UTC))
    ws.refresh_from_db()
    _hook(ws, "general")
    assert monthly_reports_send(workspace=ws, now=paris(4)) == 0


def test_the_hourly_job_sends_every_workspaces_due_reports(acme, personas, monkeypatch):
    _hook(acme, "general")
    Workspace.objects.filter(pk=personas.globex.pk).update(
        created_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    _hook(personas.globex, "globex")
    monkeypatch.setattr("django.utils.timezone.now", lambda: paris(4))
    jobs.send_monthly_reports()
    jobs.send_monthly_reports()  # idempotent
    assert _sent(acme) == [("general", "2026-04", None)]
    assert _sent(personas.globex) == [("globex", "2026-04", None)]
