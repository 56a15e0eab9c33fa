"""No table carries the same index twice: every index is written by every insert and update
(an import of a million contacts wrote the contact's account twice)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection


@pytest.mark.django_db
def test_no_table_holds_two_indexes_over_the_same_columns():
    twice = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            if not model.__module__.startswith("cordee."):
                continue  # other projects' tables are theirs
            table = model._meta.db_table
            if table not in connection.introspection.table_names(cursor):
                continue
            seen: dict[tuple[str, ...], str] = {}
            for name, c in connection.introspection.get_constraints(cursor, table).items():
                if not c["index"] or c["primary_key"] or not c["columns"]:
                    continue
                if connection.vendor == "postgresql" and name.endswith("_like"):
                    continue  # Django's pattern index (LIKE on text): another operator class
                # a plain B-tree index: its columns and order are what it serves
                if c.get("type") not in (None, "btree", "idx") or c.get("orders") is None:
                    continue
                columns = tuple(c["columns"])
                if columns in seen:
                    twice.append(f"{table}: {seen[columns]} and {name} over {columns}")
                seen.setdefault(columns, name)
    assert twice == [], "\n".join(twice)
