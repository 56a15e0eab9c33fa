"""``cordee migrate`` on a database migrated before workspaces and users moved to ``tenancy``:
the move is recorded before Django checks the history, and the content types follow."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

from cordee.tenancy.management.commands.migrate import MOVED_MODELS, record_move_to_tenancy


@pytest.mark.django_db
def test_a_database_from_before_the_move_gets_the_move_recorded() -> None:
    recorder = MigrationRecorder(connection)
    # what such a database holds: people's migrations applied, the content types under people
    recorder.migration_qs.filter(app="tenancy", name="0001_initial").delete()
    ContentType.objects.filter(app_label="tenancy", model__in=MOVED_MODELS).update(
        app_label="people"
    )
    assert record_move_to_tenancy(connection) is True
    assert ("tenancy", "0001_initial") in recorder.applied_migrations()
    moved = ContentType.objects.filter(model__in=MOVED_MODELS, app_label="tenancy")
    assert sorted(moved.values_list("model", flat=True)) == sorted(MOVED_MODELS)
    assert not ContentType.objects.filter(app_label="people", model__in=MOVED_MODELS).exists()


@pytest.mark.django_db
def test_a_database_migrated_since_is_left_alone() -> None:
    before = MigrationRecorder(connection).applied_migrations().keys()
    assert record_move_to_tenancy(connection) is False
    assert MigrationRecorder(connection).applied_migrations().keys() == before
