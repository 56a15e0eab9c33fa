"""Row count and checksum of every table of a Cordée database, as JSON.

Used to show that a migration which moves models between apps keeps every row:

    DATABASE_URL=… python scripts/table_checksums.py > before.json
    DATABASE_URL=… cordee migrate
    DATABASE_URL=… python scripts/table_checksums.py > after.json
    python scripts/table_checksums.py --compare before.json after.json

The checksum is a SHA-256 of the rows in primary-key order, each value as text, so it is the
same for the same data on the same engine whatever the table's model is called.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path


def checksums() -> dict[str, list[object]]:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cordee.config.settings")
    django.setup()
    from django.db import connection

    out: dict[str, list[object]] = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table.startswith(("django_migrations", "sqlite_")):
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # names from the catalogue
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                digest.update(repr(tuple(str(v) for v in row)).encode())
                count += 1
            out[table] = [count, digest.hexdigest()]
    return out


def compare(before_path: str, after_path: str) -> int:
    before = json.loads(Path(before_path).read_text())
    after = json.loads(Path(after_path).read_text())
    # content types are relabelled with the models that move: compare their number only
    relabelled = "django_content_type"
    lost = {
        t: v
        for t, v in before.items()
        if (after.get(t, [None])[0] != v[0] if t == relabelled else after.get(t) != v)
    }
    rows = sum(v[0] for v in before.values())
    for table, (count, _digest) in sorted(lost.items()):
        print(f"CHANGED {table}: {count} rows before, {after.get(table, ['missing'])[0]} after")
    print(f"{len(before)} tables, {rows:,} rows: {'identical' if not lost else 'DIFFERENT'}")
    return 1 if lost else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--compare"]:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    json.dump(checksums(), sys.stdout, indent=1)
