"""Keeps the search documents current: any save or delete of a searchable record, whoever
writes it, rewrites its document (``services.record_indexed``). ``bulk_create`` sends no
signal: its callers run ``services.workspace_reindex`` afterwards."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_migrate, post_save

from cordee.search import services
from cordee.search.documents import DEPENDENTS, KIND_OF_MODEL


def _saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # fixtures being loaded
        return
    services.record_indexed(instance)


def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    services.record_unindexed(instance)


def _migrated(sender: Any, **kwargs: Any) -> None:
    services.unindexed_workspaces_index()


def connect(app_config: Any = None) -> None:
    for model in KIND_OF_MODEL:
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-del-{model.__name__}")
    if app_config is not None:  # once per migrate, after every app's migrations
        post_migrate.connect(_migrated, sender=app_config, dispatch_uid="search-migrated")
    assert set(DEPENDENTS) <= set(KIND_OF_MODEL)  # every model with dependents is indexed too
