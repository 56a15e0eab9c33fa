"""A whole instance in one file: ``cordee backup FILE`` writes it, ``cordee restore FILE`` puts
it back.

The file is a gzipped tar archive holding:

- ``manifest.json``: the format, the Cordée version, the database's vendor, its applied
  migrations (and the last one of each app), every table's row count and checksum, the files
  kept, when it was made;
- the database: ``database.sqlite3`` (SQLite's online backup API: a consistent copy while the
  server runs) or ``database.pgdump`` (``pg_dump --format=custom`` in the snapshot the
  manifest's checksums were read in, so both tell the same moment);
- ``files/<name>/…``: the files people uploaded (``FILE_DIRECTORIES``: the media directory and
  the imports' uploads and rejected-row reports);
- ``secret_key``, only with ``--include-secret-key`` (the key the instance generated in its var
  directory; a key given by the environment is the operator's to keep).

A restore refuses a backup of another database vendor or of a newer schema (migrations this
code does not know), replaces the database at once (SQLite: the backup API into the live
database; PostgreSQL: ``pg_restore --clean --if-exists`` run by ``psql --single-transaction``,
tables the backup does not hold dropped in the same transaction), replaces the file
directories, then reads every table again and compares it with the manifest.

``table_checksums`` is THE checksum of a database's tables, for the backups, the restore's
check and the upgrade fixture's test (``tests/fixtures/upgrade``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import django.db.backends.sqlite3.base  # noqa: F401  (registers the converters of sqlite_open)
from django.conf import settings
from django.db import connection as default_connection
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.utils.translation import gettext as _

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
SECRET_KEY_MEMBER = "secret_key"
FILES_PREFIX = "files/"
PG_BIN = Path(os.environ.get("CORDEE_PG_BIN", "/usr/bin"))
_BATCH = 2000


class BackupError(Exception):
    """A backup that cannot be written or restored as asked; the message says why."""


def file_directories() -> dict[str, Path]:
    """The directories of files people uploaded, by their name in the archive."""
    return {
        "media": Path(settings.MEDIA_ROOT),
        "imports": Path(settings.VAR_DIR) / "imports",  # dataio.models.import_storage
    }


def cordee_version() -> str:
    try:
        return importlib.metadata.version("cordee")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - run from a checkout
        return "unknown"


# --- the checksum -------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    """A value as the same JSON-able text on every run of the same engine: types the drivers
    return (bool before int: a bool is an int), numbers exact, times in ISO 8601, bytes in hex."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value.is_finite() else str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return f"{value.total_seconds()!r}s"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return str(value)


def _tables(cursor: Any, vendor: str) -> list[tuple[str, list[str]]]:
    """Every table of the database with its primary-key columns, by name."""
    if vendor == "sqlite":
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        names = sorted(row[0] for row in cursor.fetchall())
        tables = []
        for name in names:
            cursor.execute(f'PRAGMA table_info("{name}")')  # a name from the catalogue
            pk = sorted((row[5], row[1]) for row in cursor.fetchall() if row[5])
            tables.append((name, [column for _n, column in pk]))
        return tables
    cursor.execute(
        "SELECT c.relname, coalesce(array_agg(a.attname ORDER BY k.ord) "
        "  FILTER (WHERE a.attname IS NOT NULL), '{}') "
        "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "LEFT JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary "
        "LEFT JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true "
        "LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
        "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') "
        "GROUP BY c.relname ORDER BY c.relname"
    )
    return [(name, list(pk)) for name, pk in cursor.fetchall()]


def table_checksums(cursor: Any, vendor: str) -> dict[str, dict[str, Any]]:
    """Every table's row count and checksum: ``{table: {"rows": n, "checksum": sha256}}``.

    The checksum is a SHA-256 of the rows in primary-key order (a table without one: its rows'
    texts sorted), each row the JSON list of its values made canonical by ``_canonical``. It
    reads the rows as the database driver returns them, so it compares a database with a copy of
    itself on the same engine — before and after a backup and restore — and needs no model: it
    reads a database of an older schema as well. Internal tables (``sqlite_*``) are left out.
    """
    out: dict[str, dict[str, Any]] = {}
    for table, pk in _tables(cursor, vendor):
        digest = hashlib.sha256()
        count = 0
        order = ", ".join(f'"{column}"' for column in pk)
        cursor.execute(f'SELECT * FROM "{table}"' + (f" ORDER BY {order}" if order else ""))
        unordered: list[bytes] = []
        while rows := cursor.fetchmany(_BATCH):
            for row in rows:
                text = json.dumps([_canonical(v) for v in row], ensure_ascii=False).encode()
                if pk:
                    digest.update(text + b"\n")
                else:
                    unordered.append(text)
            count += len(rows)
        for text in sorted(unordered):
            digest.update(text + b"\n")
        out[table] = {"rows": count, "checksum": digest.hexdigest()}
    return out


def applied_migrations(cursor: Any) -> list[list[str]]:
    """The migrations recorded in the database, as sorted ``[app, name]`` pairs."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    return [[app, name] for app, name in cursor.fetchall()]


def migration_heads(migrations: list[list[str]]) -> dict[str, str]:
    """The last applied migration of each app (migration names start with their number)."""
    heads: dict[str, str] = {}
    for app, name in migrations:
        heads[app] = max(heads.get(app, ""), name)
    return heads


def database_summary(cursor: Any, vendor: str) -> dict[str, Any]:
    """What a manifest says of a database: its migrations, their heads, every table's sums."""
    migrations = applied_migrations(cursor)
    return {
        "vendor": vendor,
        "migrations": migrations,
        "heads": migration_heads(migrations),
        "tables": table_checksums(cursor, vendor),
    }


def sqlite_open(path: Path | str) -> sqlite3.Connection:
    """A SQLite database file opened as Django opens it (its columns' declared types turned into
    Python values by Django's converters), so its sums are those of Django's connection."""
    return sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)


# --- writing ------------------------------------------------------------------------------


def _pg_command(tool: str, db: dict[str, Any], *args: str) -> tuple[list[str], dict[str, str]]:
    """A PostgreSQL client tool's command line and environment for ``db`` (settings.DATABASES)."""
    command = [str(PG_BIN / tool)]
    if db.get("HOST"):
        command += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        command += ["--port", str(db["PORT"])]
    if db.get("USER"):
        command += ["--username", str(db["USER"])]
    env = {**os.environ, "PGPASSWORD": str(db.get("PASSWORD") or "")}
    if (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    return [*command, *args], env


def _run(command: list[str], env: dict[str, str], **kwargs: Any) -> None:
    try:
        done = subprocess.run(command, env=env, capture_output=True, check=False, **kwargs)
    except FileNotFoundError as exc:
        raise BackupError(_("%(tool)s is not installed.") % {"tool": command[0]}) from exc
    if done.returncode:
        raise BackupError(
            _("%(tool)s failed: %(error)s")
            % {"tool": Path(command[0]).name, "error": done.stderr.decode(errors="replace")[-2000:]}
        )


def _dump_database(connection: BaseDatabaseWrapper, target: Path) -> dict[str, Any]:
    """Write the database to ``target``; return its summary, read at the same moment."""
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        with closing(sqlite_open(target)) as copy:
            connection.connection.backup(copy)
            return database_summary(copy.cursor(), "sqlite")
    if connection.vendor != "postgresql":
        raise BackupError(
            _("Backups work on SQLite and PostgreSQL, not %(vendor)s.")
            % {"vendor": connection.vendor}
        )
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # one snapshot for pg_dump and for the sums: both tell the same moment
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        db = connection.settings_dict
        command, env = _pg_command(
            "pg_dump",
            db,
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={target}",
            "--dbname",
            str(db["NAME"]),
        )
        _run(command, env)
        return database_summary(cursor, "postgresql")


def _add_directory(archive: tarfile.TarFile, name: str, directory: Path) -> dict[str, int]:
    files = size = 0
    if directory.is_dir():
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not path.is_symlink():
                archive.add(path, f"{FILES_PREFIX}{name}/{path.relative_to(directory)}")
                files += 1
                size += path.stat().st_size
    return {"files": files, "bytes": size}


def backup_write(
    path: Path,
    *,
    include_secret_key: bool = False,
    connection: BaseDatabaseWrapper = default_connection,
) -> dict[str, Any]:
    """Write the backup of the instance to ``path`` (a file written aside, then moved into
    place: an interrupted backup leaves no half file). Returns its manifest."""
    path = Path(path)
    key_file = Path(settings.VAR_DIR) / "secret_key"
    if include_secret_key and not key_file.is_file():
        raise BackupError(
            _(
                "No generated secret key in %(path)s: the key comes from SECRET_KEY or "
                "SECRET_KEY_FILE; keep it where you keep those."
            )
            % {"path": key_file}
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    with tempfile.TemporaryDirectory(prefix="cordee-backup-") as work:
        member = DATABASE_MEMBER.get(connection.vendor, "database")
        dump = Path(work) / member
        summary = _dump_database(connection, dump)
        try:
            with tarfile.open(partial, "w:gz", compresslevel=6) as archive:
                manifest: dict[str, Any] = {
                    "format": FORMAT,
                    "cordee": cordee_version(),
                    "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    **summary,
                    "database": member,
                    "secret_key": include_secret_key,
                    "files": {},
                }
                archive.add(dump, member)
                for name, directory in file_directories().items():
                    manifest["files"][name] = _add_directory(archive, name, directory)
                if include_secret_key:
                    archive.add(key_file, SECRET_KEY_MEMBER)
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=1).encode())
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(dt.datetime.now(dt.UTC).timestamp())
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(content))


# --- restoring ----------------------------------------------------------------------------


@contextmanager
def _opened(path: Path) -> Iterator[tuple[tarfile.TarFile, dict[str, Any]]]:
    try:
        archive = tarfile.open(path, "r:*")  # noqa: SIM115 (closed by the with below)
    except (OSError, tarfile.TarError) as exc:
        raise BackupError(
            _("%(path)s is not a Cordée backup: %(error)s") % {"path": path, "error": exc}
        ) from exc
    with archive:
        try:
            member = archive.extractfile(MANIFEST)
            manifest = json.loads(member.read()) if member else None
        except (KeyError, ValueError, tarfile.TarError):
            manifest = None
        if not isinstance(manifest, dict) or "format" not in manifest:
            raise BackupError(
                _("%(path)s is not a Cordée backup: it has no manifest.") % {"path": path}
            )
        if manifest["format"] > FORMAT:
            raise BackupError(
                _(
                    "%(path)s was written by a newer Cordée (%(version)s): upgrade before restoring it."
                )
                % {"path": path, "version": manifest.get("cordee", "?")}
            )
        yield archive, manifest


def backup_manifest(path: Path) -> dict[str, Any]:
    """The manifest of the backup at ``path`` (BackupError if it is not one)."""
    with _opened(Path(path)) as (_archive, manifest):
        return manifest


def known_migrations() -> set[tuple[str, str]]:
    """Every migration this code holds."""
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


def restore_check(manifest: dict[str, Any], connection: BaseDatabaseWrapper) -> list[list[str]]:
    """Refuse a backup this instance cannot take; return the migrations it still needs."""
    if manifest["vendor"] != connection.vendor:
        raise BackupError(
            _(
                "This backup is of a %(backup)s database and this instance runs on %(here)s: "
                "restore it on %(backup)s (to move between them, use the workspace exports)."
            )
            % {"backup": manifest["vendor"], "here": connection.vendor}
        )
    known = known_migrations()
    newer = [m for m in manifest["migrations"] if tuple(m) not in known]
    if newer:
        raise BackupError(
            _(
                "This backup was made by a newer Cordée (%(version)s): its schema has "
                "%(count)s migrations this version does not know (%(first)s…). Install that "
                "version or a later one, then restore."
            )
            % {
                "version": manifest.get("cordee", "?"),
                "count": len(newer),
                "first": ".".join(newer[0]),
            }
        )
    applied = {tuple(m) for m in manifest["migrations"]}
    return sorted([list(m) for m in known - applied])


def _restore_sqlite(dump: Path, connection: BaseDatabaseWrapper) -> None:
    connection.ensure_connection()
    with closing(sqlite3.connect(dump)) as source:
        # the backup API writes every page into the live database under its lock: other
        # connections see the old database or the restored one, never a mix
        source.backup(connection.connection)


def _restore_postgresql(dump: Path, connection: BaseDatabaseWrapper) -> None:
    db = connection.settings_dict
    command, env = _pg_command("pg_restore", db, "--list", str(dump))
    listing = subprocess.run(command, env=env, capture_output=True, check=False)
    if listing.returncode:
        raise BackupError(
            _("pg_restore failed: %(error)s") % {"error": listing.stderr.decode(errors="replace")}
        )
    # a table's line: "<id>; <catalog oid> <oid> TABLE <schema> <name> <owner>"
    entries = [line.split() for line in listing.stdout.decode().splitlines()]
    in_backup = {
        e[5] for e in entries if len(e) > 5 and e[3] == "TABLE" and e[4] != "DATA" and e[0] != ";"
    }
    with connection.cursor() as cursor:
        present = [name for name, _pk in _tables(cursor, "postgresql")]
    extra = [name for name in present if name not in in_backup]
    connection.close()  # no lock of ours in the way of the drops
    # pg_restore writes the script; psql runs it in one transaction, after dropping the tables
    # the backup does not have (a newer schema's): all of it, or nothing
    script, env = _pg_command(
        "pg_restore",
        db,
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--file=-",
        str(dump),
    )
    psql, _env = _pg_command(
        "psql",
        db,
        "--single-transaction",
        "--no-psqlrc",
        "--quiet",
        "--set=ON_ERROR_STOP=1",
        "--dbname",
        str(db["NAME"]),
    )
    with tempfile.TemporaryFile() as errors:
        runner = subprocess.Popen(
            psql, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=errors
        )
        assert runner.stdin is not None
        writer = subprocess.Popen(script, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert writer.stdout is not None
        try:
            for name in extra:
                runner.stdin.write(f'DROP TABLE IF EXISTS "{name}" CASCADE;\n'.encode())
            shutil.copyfileobj(writer.stdout, runner.stdin)
            runner.stdin.close()
        except BrokenPipeError:
            pass
        writer_error = writer.communicate()[1]
        runner.wait()
        errors.seek(0)
        if writer.returncode or runner.returncode:
            raise BackupError(
                _("The restore failed and the database is unchanged: %(error)s")
                % {"error": (writer_error + errors.read()).decode(errors="replace")[-2000:]}
            )


def _restore_files(archive: tarfile.TarFile, manifest: dict[str, Any], work: Path) -> None:
    """Each file directory of the backup replaces the instance's (written aside, then swapped)."""
    targets = file_directories()
    names = [n for n in manifest.get("files", {}) if n in targets]
    staged = work / "files"
    members = [m for m in archive.getmembers() if m.name.startswith(FILES_PREFIX)]
    archive.extractall(staged, members=members, filter="data")
    for name in names:
        target = targets[name]
        target.parent.mkdir(parents=True, exist_ok=True)
        incoming = target.with_name(f".{target.name}.restoring")
        shutil.rmtree(incoming, ignore_errors=True)
        source = staged / FILES_PREFIX / name
        if source.is_dir():
            shutil.copytree(source, incoming)
        else:
            incoming.mkdir()
        old = target.with_name(f".{target.name}.before-restore")
        shutil.rmtree(old, ignore_errors=True)
        if target.exists():
            os.replace(target, old)
        os.replace(incoming, target)
        shutil.rmtree(old, ignore_errors=True)


def _files_summary() -> dict[str, dict[str, int]]:
    out = {}
    for name, directory in file_directories().items():
        paths = [p for p in directory.rglob("*") if p.is_file()] if directory.is_dir() else []
        out[name] = {"files": len(paths), "bytes": sum(p.stat().st_size for p in paths)}
    return out


def backup_restore(
    path: Path, *, connection: BaseDatabaseWrapper = default_connection
) -> dict[str, Any]:
    """Replace the instance's database and files by the backup's, then check every table and
    directory against the manifest. Returns ``{"manifest", "pending", "differences"}``:
    the migrations still to apply (an older backup) and what does not match (empty: all does).
    """
    path = Path(path)
    with (
        _opened(path) as (archive, manifest),
        tempfile.TemporaryDirectory(prefix="cordee-restore-") as work_dir,
    ):
        work = Path(work_dir)
        pending = restore_check(manifest, connection)
        member = manifest["database"]
        try:
            archive.extract(member, work, filter="data")
        except KeyError as exc:
            raise BackupError(_("%(path)s has no database in it.") % {"path": path}) from exc
        if connection.vendor == "sqlite":
            _restore_sqlite(work / member, connection)
        else:
            _restore_postgresql(work / member, connection)
        _restore_files(archive, manifest, work)
        if manifest.get("secret_key"):
            key = archive.extractfile(SECRET_KEY_MEMBER)
            if key is not None:
                key_file = Path(settings.VAR_DIR) / "secret_key"
                key_file.write_bytes(key.read())
                key_file.chmod(0o600)
    with connection.cursor() as cursor:
        restored = table_checksums(cursor, connection.vendor)
    differences = [
        _("table %(table)s: %(rows)s rows in the backup, %(now)s restored")
        % {"table": table, "rows": sums["rows"], "now": restored.get(table, {}).get("rows", 0)}
        if restored.get(table, {}).get("rows") != sums["rows"]
        else _("table %(table)s: its rows differ from the backup's") % {"table": table}
        for table, sums in manifest["tables"].items()
        if restored.get(table) != sums
    ]
    files = _files_summary()
    differences += [
        _("%(name)s: %(files)s files in the backup, %(now)s restored")
        % {"name": name, "files": kept["files"], "now": files.get(name, {}).get("files", 0)}
        for name, kept in manifest.get("files", {}).items()
        if name in files and files[name] != kept
    ]
    return {"manifest": manifest, "pending": pending, "differences": differences}
