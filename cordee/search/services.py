"""The one writer of the search documents.

Every path that changes a searchable record ends here: the model signals (``signals.py``: a
record saved or deleted, one by one, by a service, the admin or a page) call
``documents_refresh``; writers that bypass the signals (``bulk_create`` in the imports and the
demo) call ``workspace_reindex`` after their transaction. Documents are written in the same
transaction as the record: a rolled-back write leaves no document behind.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import models, transaction
from django.db.models import Exists, OuterRef

from cordee.search.documents import DEPENDENTS, KIND_OF_MODEL, KINDS, key
from cordee.search.models import SearchDocument
from cordee.tenancy.models import Workspace

BATCH = 2000
_FIELDS = ["workspace", "title", "body", "title_key", "body_key"]


def documents_refresh(*, kind: str, ids: Iterable[int]) -> int:
    """Rewrite the documents of these records of ``kind`` (and drop those of records gone).

    Returns how many documents were written."""
    spec = KINDS[kind]
    wanted = sorted(set(ids))
    written = 0
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        qs = spec.model._default_manager.filter(pk__in=chunk)
        docs = [
            SearchDocument(
                workspace_id=d.workspace_id,
                kind=kind,
                object_id=d.object_id,
                title=d.title[:300],
                body=d.body,
                title_key=key(d.title)[:300],
                body_key=key(d.body),
            )
            for d in spec.documents(qs)
        ]
        with transaction.atomic():
            if docs:
                SearchDocument.objects.bulk_create(
                    docs,
                    update_conflicts=True,
                    unique_fields=["kind", "object_id"],
                    update_fields=_FIELDS,
                )
            found = {d.object_id for d in docs}
            gone = [pk for pk in chunk if pk not in found]
            if gone:
                SearchDocument.objects.filter(kind=kind, object_id__in=gone).delete()
        written += len(docs)
    return written


def record_indexed(instance: models.Model) -> None:
    """After a save: the record's document, and those that show its name (a contact's leads…)."""
    kind = KIND_OF_MODEL[type(instance)]
    documents_refresh(kind=kind, ids=[instance.pk])
    for dependent, path in DEPENDENTS.get(type(instance), ()):
        model = KINDS[dependent].model
        ids = list(
            model._default_manager.filter(**{path: instance.pk}).values_list("pk", flat=True)
        )
        if ids:
            documents_refresh(kind=dependent, ids=ids)


def record_unindexed(instance: models.Model) -> None:
    """After a delete: its document goes (dependents that cascade are deleted one by one too)."""
    SearchDocument.objects.filter(
        kind=KIND_OF_MODEL[type(instance)], object_id=instance.pk
    ).delete()


def documents_refresh_since(*, workspace_id: int, since: dt.datetime) -> int:
    """The documents of the workspace's records written (``updated_at``) since ``since``, and of
    those that show their names: after a bulk write that sends no signal (an import), without
    rereading the records it did not touch."""
    touched: dict[str, set[int]] = {}
    for kind, spec in KINDS.items():
        ids = spec.model._default_manager.filter(
            workspace_id=workspace_id, updated_at__gte=since
        ).values_list("pk", flat=True)
        touched.setdefault(kind, set()).update(ids)
    for kind, spec in KINDS.items():
        written_ids = touched[kind]
        for dependent, path in DEPENDENTS.get(spec.model, ()):
            if written_ids:
                more = KINDS[dependent].model._default_manager.filter(
                    **{f"{path}__in": written_ids}
                )
                touched[dependent].update(more.values_list("pk", flat=True))
    return sum(documents_refresh(kind=kind, ids=ids) for kind, ids in touched.items() if ids)


def workspace_reindex(*, workspace_id: int, kinds: Iterable[str] | None = None) -> int:
    """Every document of the workspace's records of ``kinds`` (all by default), rewritten; those
    of records gone, dropped. For the writers that bypass signals (imports, the demo)."""
    written = 0
    for kind in KINDS if kinds is None else kinds:
        model = KINDS[kind].model
        ids = list(
            model._default_manager.filter(workspace_id=workspace_id).values_list("pk", flat=True)
        )
        written += documents_refresh(kind=kind, ids=ids)
        # NOT EXISTS, never NOT IN (subquery): PostgreSQL runs the first as a hash anti-join,
        # the second row by row once the records outgrow work_mem (hours at a million rows)
        record = model._default_manager.filter(workspace_id=workspace_id, pk=OuterRef("object_id"))
        SearchDocument.objects.filter(workspace_id=workspace_id, kind=kind).exclude(
            Exists(record)
        ).delete()
    return written


def unindexed_workspaces_index() -> int:
    """Index every workspace whose records have no document yet: databases that held records
    before the search existed, once ``migrate`` has brought every table up to date (run after
    ``migrate``, never inside a migration, which would read the models of a later schema).
    Returns how many documents were written; one query per workspace otherwise."""
    written = 0
    for workspace_id in Workspace.objects.values_list("pk", flat=True):
        if SearchDocument.objects.filter(workspace_id=workspace_id).exists():
            continue
        written += workspace_reindex(workspace_id=workspace_id)
    return written
