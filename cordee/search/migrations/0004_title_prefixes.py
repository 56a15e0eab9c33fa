"""PostgreSQL: every prefix of every word of a document's name, indexed as a word of its own.

A word being typed ("steph") was a prefix query (``'steph':*``), which reads every entry of the
GIN index starting with it: 10–25 ms on the large demo's two million documents, against 2–3 ms
for a whole word. ``pfx`` holds the prefixes of the name's words as lexemes ("s", "st", …,
"stephane"), so that a word being typed is looked up whole. Only names: a prefix of the other
words (an e-mail, a city) is still found by the prefix query, when names do not fill the answer.
The prefixes are computed by an immutable SQL function from ``title_key``, the folded name; the
column is generated and stored, so no writer of the documents changes. SQLite's FTS5 table
answers prefix queries from its own index: nothing to do there.
"""

from typing import Any

from django.db import migrations

UP = [
    "CREATE FUNCTION cordee_word_prefixes(text) RETURNS tsvector "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURNS NULL ON NULL INPUT AS $$ "
    "SELECT array_to_tsvector(array_agg(DISTINCT left(w, n))) "
    "FROM unnest(string_to_array($1, ' ')) AS w, generate_series(1, length(w)) AS n "
    "WHERE w <> '' $$",
    "ALTER TABLE search_searchdocument ADD COLUMN pfx tsvector "
    "GENERATED ALWAYS AS (cordee_word_prefixes(title_key)) STORED",
    "CREATE INDEX search_document_prefixes ON search_searchdocument USING gin (pfx)",
]
DOWN = [
    "DROP INDEX IF EXISTS search_document_prefixes",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS pfx",
    "DROP FUNCTION IF EXISTS cordee_word_prefixes(text)",
]


def _run(statements: list[str]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_stored_tsvector")]

    operations = [migrations.RunPython(_run(UP), _run(DOWN))]
