"""PostgreSQL: the documents' ``tsvector`` stored in a generated column (``tsv``), indexed by GIN.

The search ranks its candidates with ``ts_rank``; over the expression index of 0002 each
candidate's ``tsvector`` was computed again from its text, which cost seconds for a prefix such as
"ma" on the large demo (330,000 matches). A stored column is read, not recomputed. SQLite keeps its
FTS5 table: nothing to do there.
"""

from typing import Any

from django.db import migrations

TSV = (
    "setweight(to_tsvector('simple'::regconfig, title_key), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_key), 'B')"
)
UP = [
    f"ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS ({TSV}) STORED",
    "DROP INDEX IF EXISTS search_document_fts",
    "CREATE INDEX search_document_fts ON search_searchdocument USING gin (tsv)",
]
DOWN = [
    "DROP INDEX IF EXISTS search_document_fts",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
    f"CREATE INDEX search_document_fts ON search_searchdocument USING gin (({TSV}))",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_full_text_indexes")]

    operations = [migrations.RunPython(_run(UP), _run(DOWN))]
