"""A notification stores the code of its words and their parameters; the words are written when
someone reads it, in that person's language."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from cordee.people.models import Notification
from cordee.people.services import notification_new, notification_send


def _export_ready(personas) -> Notification:
    notification = notification_new(
        workspace=personas.acme,
        user=personas.bob,
        kind="export.ready",
        key="export:test",
        code="export.ready",
        params={"format": "CSV", "days": 7},
        url="/w/acme/settings/export/",
    )
    assert notification_send(notification=notification)
    return notification


@pytest.mark.parametrize(
    ("language", "title", "body"),
    [
        (
            "fr",
            "L’export de votre espace de travail est prêt",
            "L’export CSV de tout l’espace de travail peut être téléchargé pendant 7 jours.",
        ),
        (
            "en",
            "Your workspace export is ready",
            "The CSV export of the whole workspace can be downloaded for 7 days.",
        ),
    ],
)
def test_the_notifications_page_writes_the_stored_row_in_the_readers_language(
    personas, language, title, body
):
    _export_ready(personas)
    client = Client()
    client.force_login(personas.bob)
    client.cookies["django_language"] = language

    page = client.get("/w/acme/notifications/").content.decode()

    assert title in page
    assert body in page
    stored = Notification.objects.get(user=personas.bob)
    assert (stored.code, stored.params) == ("export.ready", {"format": "CSV", "days": 7})


def test_a_code_no_app_knows_shows_its_parameters_instead_of_failing(personas):
    notification_send(
        notification=notification_new(
            workspace=personas.acme,
            user=personas.bob,
            kind="gone",
            key="gone:1",
            code="an.app.removed.since",
            params={"deal": "Renouvellement"},
        )
    )
    note = Notification.objects.get(key="gone:1")
    assert (note.title, note.body) == ("an.app.removed.since", "deal: Renouvellement")


# every app's migrations undone to people 0004 and redone (~50 s on each engine): once, on
# SQLite — the data migration it checks is plain ORM, the same on both engines
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_notifications_written_before_codes_keep_their_words(personas):
    executor = MigrationExecutor(connection)
    before = [("people", "0004_workspace_user_membership_moved_to_tenancy")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("people", "Notification")
    old.objects.create(
        workspace_id=personas.acme.pk,
        user_id=personas.bob.pk,
        kind="sla.breach",
        key="sla.breach:1",
        title="Manquement au SLA — Premier contact en retard : Léa Roux (échéance 2026-03-12 14:30)",
        body="",
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    note = Notification.objects.get(key="sla.breach:1")
    assert note.code == "text"
    assert note.title == (
        "Manquement au SLA — Premier contact en retard : Léa Roux (échéance 2026-03-12 14:30)"
    )
    assert note.body == ""
