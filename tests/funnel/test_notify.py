"""Breaches are announced once: to the owner and their manager in the app, and by webhook."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

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


def test_notifications_speak_the_recipients_language(personas):
    personas.bob.language = "fr"
    personas.bob.save()
    personas.dave.language = "en"
    personas.dave.save()
    _breach(personas)
    breaches_notify(workspace_id=personas.acme.pk)
    titles = {n.user.email: n.title for n in Notification.objects.all()}
    assert titles["dave@example.fr"].startswith("SLA breach")
    assert titles["bob@example.fr"].startswith("Manquement au SLA")


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


def test_a_title_longer_than_its_column_is_cut_like_every_notification(personas):
    # 80 + 80 characters of name make the breach's line ~210 characters: the feedback
    # notifications were cut to the column's 200, the funnel's were not (PostgreSQL refuses them)
    lead = f.LeadFactory(
        workspace=personas.acme,
        owner=personas.bob,
        contact=f.ContactFactory(workspace=personas.acme, first_name="A" * 80, last_name="B" * 80),
    )
    _breach(personas, lead=lead)
    assert breaches_notify(workspace_id=personas.acme.pk) == 1
    titles = list(Notification.objects.values_list("title", flat=True))
    assert len(titles) == 2 and all(len(t) == 200 for t in titles)
    assert all(t.startswith("Manquement au SLA") and "A" * 80 in t for t in titles)


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
