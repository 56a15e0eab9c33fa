"""Benchmark: the refresh of the contacts' search documents, the former code (model instances,
``bulk_create`` by 2,000) against ``services.documents_refresh`` (rows, COPY, unchanged
documents skipped), on the same contacts in the same run: no document yet, every document
changed, nothing changed; then checks that the documents equal the former code's.

    DATABASE_URL=postgres://…/<your database> CORDEE_TESTING=1 PYTHONPATH=. \
        python bench/search_refresh.py

The database must hold contacts (e.g. one ``cordee import`` of ``bench/imports.py``'s file);
their job titles are rewritten twice. Never on a database someone else uses.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cordee.config.settings")
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from cordee.crm.models import Contact
    from cordee.search import services
    from cordee.search.models import SearchDocument
    from tests.search.test_refresh import legacy_documents

    ids = sorted(Contact.objects.values_list("pk", flat=True))
    n = len(ids)

    def old(kind, ids):
        for start in range(0, len(ids), 2000):
            chunk = ids[start : start + 2000]
            docs = [
                SearchDocument(
                    kind=k, object_id=o, workspace_id=w, title=t, body=b, title_key=tk, body_key=bk
                )
                for k, o, w, t, b, tk, bk in legacy_documents(kind, chunk)
            ]
            with transaction.atomic():
                SearchDocument.objects.bulk_create(
                    docs,
                    update_conflicts=True,
                    unique_fields=["kind", "object_id"],
                    update_fields=services._FIELDS,
                )

    def new(kind, ids):
        services.documents_refresh(kind=kind, ids=ids)

    def run(label, f):
        t0 = time.perf_counter()
        f("contact", ids)
        s = time.perf_counter() - t0
        print(f"{label}: {s:.2f} s ({s * 100000 / n:.2f} s per 100k)", flush=True)
        return s

    def vacuum():
        with connection.cursor() as c:
            c.execute("VACUUM ANALYZE search_searchdocument")

    print("contacts", n)
    for tag, f in (("old", old), ("new", new)):
        SearchDocument.objects.filter(kind="contact").delete()
        vacuum()
        run(f"{tag} first write (no document)", f)
    for tag, f in (("old", old), ("new", new)):
        Contact.objects.update(job_title=Concat(F("job_title"), Value(f" {tag}")))
        vacuum()
        run(f"{tag} every document changed", f)
    for tag, f in (("old", old), ("new", new)):
        vacuum()
        run(f"{tag} nothing changed", f)
    stored = set(
        SearchDocument.objects.filter(kind="contact").values_list(
            "kind", "object_id", "workspace_id", "title", "body", "title_key", "body_key"
        )
    )
    expected = set()
    for start in range(0, n, 20000):
        expected |= legacy_documents("contact", ids[start : start + 20000])
    print("documents equal to the former code's:", stored == expected, len(stored))


if __name__ == "__main__":
    main()
