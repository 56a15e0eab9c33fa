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
from typing import Any

from django.db import DatabaseError, connection, models, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.expressions import RawSQL

from cordee.search.documents import DEPENDENTS, KIND_OF_MODEL, KINDS, key
from cordee.search.models import SearchDocument
from cordee.tenancy.models import Workspace

BATCH = 2000  # records read per query (SQLite's limit on a query's parameters)
COPY_BATCH = 20000  # the same on PostgreSQL, whose documents are sent by COPY
COPY_FROM = 200  # from this many records on, PostgreSQL's documents go by COPY (see below)
_FIELDS = ["workspace", "title", "body", "title_key", "body_key"]
_COLUMNS = ("workspace_id", "title", "body", "title_key", "body_key")

# object_id, workspace_id, title, body, title_key, body_key
Row = tuple[int, int, str, str, str, str]


def _rows(kind: str, chunk: list[int]) -> list[Row]:
    """The documents of these records, as the table's columns (``fold`` stays Python's)."""
    spec = KINDS[kind]
    records: QuerySet[Any] = spec.model._default_manager.all()
    if connection.vendor == "postgresql":
        # one array parameter rather than one per id: planning ``IN`` over 20,000 parameters
        # cost more than the read itself
        records = records.filter(pk__in=RawSQL("SELECT unnest(%s::bigint[])", [chunk]))
    else:
        records = records.filter(pk__in=chunk)
    return [
        (d.object_id, d.workspace_id, d.title[:300], d.body, key(d.title)[:300], key(d.body))
        for d in spec.documents(records)
    ]


def documents_refresh(*, kind: str, ids: Iterable[int]) -> int:
    """Rewrite the documents of these records of ``kind`` (and drop those of records gone).

    A document equal to the one stored is left as it is (no new row version, no index entry).
    Returns how many documents were built (written or found already current)."""
    wanted = sorted(set(ids))
    if connection.vendor == "postgresql" and len(wanted) >= COPY_FROM:
        return _refresh_by_copy(kind, wanted)
    written = 0
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        rows = _rows(kind, chunk)
        stored = {
            r[0]: r[1:]
            for r in SearchDocument.objects.filter(kind=kind, object_id__in=chunk).values_list(
                "object_id", *_COLUMNS
            )
        }
        docs = [
            SearchDocument(
                kind=kind,
                object_id=object_id,
                workspace_id=workspace_id,
                title=title,
                body=body,
                title_key=title_key,
                body_key=body_key,
            )
            for object_id, workspace_id, title, body, title_key, body_key in rows
            if stored.get(object_id) != (workspace_id, title, body, title_key, body_key)
        ]
        with transaction.atomic():
            if docs:
                SearchDocument.objects.bulk_create(
                    docs,
                    update_conflicts=True,
                    unique_fields=["kind", "object_id"],
                    update_fields=_FIELDS,
                )
            found = {r[0] for r in rows}
            gone = [pk for pk in chunk if pk not in found]
            if gone:
                SearchDocument.objects.filter(kind=kind, object_id__in=gone).delete()
        written += len(rows)
    return written


def _refresh_by_copy(kind: str, wanted: list[int]) -> int:
    """PostgreSQL, many records: the documents are built in Python as before, sent by ``COPY``
    into a temporary table, then written by one ``INSERT … SELECT … ON CONFLICT`` that skips
    those equal to the stored ones (a hash join), and the documents of records gone deleted.

    One transaction for the whole set (the temporary table goes at its commit)."""
    table = SearchDocument._meta.db_table
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE IF NOT EXISTS search_incoming (object_id bigint NOT NULL, "
            "workspace_id bigint NOT NULL, title varchar(300) NOT NULL, body text NOT NULL, "
            "title_key varchar(300) NOT NULL, body_key text NOT NULL) ON COMMIT DROP"
        )
        cursor.execute("TRUNCATE search_incoming")  # an earlier call in the same transaction
        gone: list[int] = []
        for start in range(0, len(wanted), COPY_BATCH):
            chunk = wanted[start : start + COPY_BATCH]
            rows = _rows(kind, chunk)
            with cursor.cursor.copy(
                "COPY search_incoming (object_id, workspace_id, title, body, title_key, body_key) "
                "FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
            found = {r[0] for r in rows}
            gone.extend(pk for pk in chunk if pk not in found)
            written += len(rows)
        cursor.execute("ANALYZE search_incoming")  # its size, for the join's plan
        # The two GIN indexes (``tsv``, ``pfx``) take new entries into a pending list merged
        # into the index each time it outgrows its limit (4 MB by default): a larger one merges
        # less often, in larger sorted batches (-30 % of the INSERT on 150,000 contacts). The
        # rest of the list is merged before the commit (below), so that no search reads it.
        cursor.execute("SET LOCAL gin_pending_list_limit = '64MB'")
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(
            f"INSERT INTO {table} AS d (kind, object_id, workspace_id, title, body, title_key, "
            "body_key) "
            "SELECT %s, i.object_id, i.workspace_id, i.title, i.body, i.title_key, i.body_key "
            f"FROM search_incoming i LEFT JOIN {table} s ON s.kind = %s "
            "AND s.object_id = i.object_id "
            "WHERE s.id IS NULL OR (s.workspace_id, s.title, s.body, s.title_key, s.body_key) "
            "IS DISTINCT FROM (i.workspace_id, i.title, i.body, i.title_key, i.body_key) "
            "ON CONFLICT (kind, object_id) DO UPDATE SET workspace_id = EXCLUDED.workspace_id, "
            "title = EXCLUDED.title, body = EXCLUDED.body, title_key = EXCLUDED.title_key, "
            "body_key = EXCLUDED.body_key",
            [kind, kind],
        )
        if gone:
            cursor.execute(
                f"DELETE FROM {table} WHERE kind = %s AND object_id = ANY(%s)", [kind, gone]
            )
        cursor.execute("DROP TABLE search_incoming")
        _gin_pending_lists_merge(cursor)
    return written


GIN_INDEXES = ("search_document_fts", "search_document_prefixes")  # migrations 0003, 0004


def _gin_pending_lists_merge(cursor: Any) -> None:
    """Merge what is left in the GIN indexes' pending lists (it takes their owner: a role
    that is not leaves them to the next insert or to autovacuum)."""
    for index in GIN_INDEXES:
        try:
            with transaction.atomic():
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
        except DatabaseError:
            return


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
