"""Breaches are announced once: to the owner and their manager in the app, and by webhook."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation

from cordee.funnel.models import SlaBreach
from cordee.funnel.notify import breaches_notify
from cordee.integrations.models import WebhookDelivery, WebhookSubscription
from cordee.people.models import Notification
from cordee.tenancy.models import Team
from tests import factories as f


def _breach(personas, **kw):
    lead = f.LeadFactory(workspace=personas.acme, owner=personas.bob)
    defaults = {
        "workspace": personas.acme,
        "kind": "first_touch",
        "side": "sales",
        "lead": lead,
        "mql_at": timezone.now(),
        "owner": personas.bob,
        "due_at": timezone.now() - dt.timedelta(hours=1),
        "detected_at": timezone.now(),
    }
    defaults.update(kw)
    return SlaBreach.objects.create(**defaults)


def test_owner_and_team_manager_are_notified_once(personas):
    team = Team.objects.create(
        workspace=personas.acme, name="Ventes", side="sales", manager=personas.dave
    )
    personas.bob.memberships.update(team=team)
    WebhookSubscription.objects.create(
        workspace=personas.acme,
        name="Slack",
        url="http://127.0.0.1:9/",
        format="slack",
        events=["sla.breach"],
    )
    breach = _breach(personas)
    assert breaches_notify(workspace_id=personas.acme.pk) == 1
    assert breaches_notify(workspace_id=personas.acme.pk) == 0
    assert sorted(n.user.email for n in Notification.objects.all()) == [
        "bob@example.fr",
        "dave@example.fr",
    ]
    assert (
        WebhookDelivery.objects.get().payload["text"].startswith("SLA breach")
        or "SLA" in WebhookDelivery.objects.get().payload["text"]
    )
    breach.refresh_from_db()
    assert breach.notified_at is not None


def test_without_a_team_manager_the_sales_managers_are_told(personas):
    _breach(personas)
    breaches_notify(workspace_id=personas.acme.pk)
    assert sorted(n.user.email for n in Notification.objects.all()) == [
        "bob@example.fr",
        "dave@example.fr",
    ]


def test_a_notification_is_written_in_the_language_of_whoever_reads_it(personas):
    # 12 March 2026, 13:30 UTC is 14:30 in Paris (winter time, UTC+1)
    contact = f.ContactFactory(workspace=personas.acme, first_name="Léa", last_name="Roux")
    lead = f.LeadFactory(workspace=personas.acme, owner=personas.bob, contact=contact)
    _breach(personas, lead=lead, due_at=dt.datetime(2026, 3, 12, 13, 30, tzinfo=dt.UTC))
    breaches_notify(workspace_id=personas.acme.pk)
    note = Notification.objects.get(user=personas.bob)

    assert note.code == "sla.breach"
    assert note.params["kind"] == "first_touch"  # a code, not words
    assert note.params["due"] == "2026-03-12T14:30:00+01:00"  # the workspace's clock
    with translation.override("fr"):
        assert note.title == (
            "Manquement au SLA — Premier contact en retard : Léa Roux (échéance 12/03/2026 14:30)"
        )
    with translation.override("en"):  # the same row, read by someone else: m/d/Y and p.m.
        assert note.title == "SLA breach — First touch late: Léa Roux (due 03/12/2026 2:30 p.m.)"


def test_silent_breaches_from_imported_history_are_never_announced(personas):
    _breach(personas, silent=True)
    assert breaches_notify(workspace_id=personas.acme.pk) == 0
    assert not Notification.objects.exists()


def test_the_scheduler_enqueues_checks_and_long_jobs_on_separate_queues(personas):
    from django_tasks_db.models import DBTaskResult

    from cordee.core import scheduler
    from cordee.funnel import jobs

    for job in (jobs.check_slas, jobs.rescore_leads, jobs.refresh_report_snapshots):
        job()
    queued = {(t.task_path.rsplit(".", 1)[-1], t.queue_name) for t in DBTaskResult.objects.all()}
    assert {
        ("check_slas", "default"),
        ("rescore_workspace", "imports"),
        ("refresh_snapshots", "imports"),
    } <= queued
    assert (
        len(DBTaskResult.objects.filter(task_path__endswith="check_slas")) == 2
    )  # acme and globex
    assert scheduler.jobs()  # the funnel's jobs are registered


def test_the_sla_task_checks_and_announces(personas):
    from cordee.funnel.tasks import check_slas

    _breach(personas)
    assert check_slas.call(personas.acme.pk) == 1


def test_announcing_reads_recipients_and_subscriptions_once_per_workspace(personas):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    WebhookSubscription.objects.create(
        workspace=personas.acme,
        name="Slack",
        url="http://127.0.0.1:9/",
        format="slack",
        events=["sla.breach"],
    )

    def queries(n: int) -> int:
        for _ in range(n):
            _breach(personas)
        with CaptureQueriesContext(connection) as ctx:
            assert breaches_notify(workspace_id=personas.acme.pk) == n
        return len(ctx.captured_queries)

    two, ten = queries(2), queries(10)
    # per breach: its claim (one UPDATE) and its webhook delivery rows (one INSERT), nothing else
    assert ten - two == 8 * 2
    assert Notification.objects.count() == 12 * 2  # bob and the sales manager dave


def test_a_long_name_is_kept_whole_in_the_notification(personas):
    # 80 + 80 characters of name make the breach's line ~210 characters: when the words were
    # stored they were cut to the column's 200; stored as parameters, nothing is lost
    lead = f.LeadFactory(
        workspace=personas.acme,
        owner=personas.bob,
        contact=f.ContactFactory(workspace=personas.acme, first_name="A" * 80, last_name="B" * 80),
    )
    _breach(personas, lead=lead)
    assert breaches_notify(workspace_id=personas.acme.pk) == 1
    with translation.override("fr"):
        titles = [n.title for n in Notification.objects.all()]
    assert len(titles) == 2
    assert all(t.startswith("Manquement au SLA") and f"{'A' * 80} {'B' * 80}" in t for t in titles)


def test_the_sla_task_of_a_workspace_announces_only_that_workspaces_breaches(personas):
    from cordee.funnel.tasks import check_slas

    _breach(personas)
    lead = f.LeadFactory(workspace=personas.globex)
    theirs = _breach(personas, workspace=personas.globex, lead=lead, owner=personas.carol)
    assert check_slas.call(personas.acme.pk) == 1
    theirs.refresh_from_db()
    assert theirs.notified_at is None  # Globex's own task announces it
    assert check_slas.call(personas.globex.pk) == 1
    assert Notification.objects.get(workspace=personas.globex).user == personas.carol
