"""Django's ``migrate``, which first records the move of the user model to this app.

Workspaces, users, teams, memberships and API tokens were first released in the ``people``
app. Their tables did not move, only their models did (``tenancy.0001`` is state only), but
Django's own migrations (admin, auth) depend on whichever app holds the user model, and Django
refuses a database where they were applied before ``tenancy.0001``. So on such a database the
move is recorded before Django checks the history, and the content types follow the models.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.management.commands.migrate import Command as DjangoMigrate
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

MOVED_MODELS = ("workspace", "user", "team", "membership", "apitoken")
LAST_BEFORE_MOVE = ("people", "0003_scoring_and_routing")
MOVE = ("tenancy", "0001_initial")


def record_move_to_tenancy(connection: BaseDatabaseWrapper) -> bool:
    """Mark ``tenancy.0001`` applied on a database migrated before the move; True if it did."""
    recorder = MigrationRecorder(connection)
    if not recorder.has_table():
        return False
    applied = recorder.applied_migrations()
    if LAST_BEFORE_MOVE not in applied or MOVE in applied:
        return False
    with transaction.atomic(using=connection.alias):
        recorder.record_applied(*MOVE)
        ContentType.objects.db_manager(connection.alias).filter(
            app_label="people", model__in=MOVED_MODELS
        ).update(app_label="tenancy")
    return True


class Command(DjangoMigrate):
    def handle(self, *args: Any, **options: Any) -> None:
        if record_move_to_tenancy(connections[options["database"]]) and options["verbosity"]:
            self.stdout.write("Recorded the move of workspaces and users to the tenancy app.")
        super().handle(*args, **options)
