"""Personas shared by the whole suite.

In workspace *Acme* (slug ``acme``): alice (marketer), bob (sales rep), dave (sales
manager), mia (marketing manager), erin (executive), rita (RevOps admin).
In workspace *Globex* (slug ``globex``): carol (RevOps admin). Nobody in Acme can see Globex.
"""

from __future__ import annotations

import copy
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from django.conf import settings
from django.db import connection

from cordee.core.actor import Actor
from tests import factories as f

# API clients of the personas, and the page tests' fixtures
pytest_plugins = ["tests.fixtures.api", "tests.fixtures.pages"]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "password"


@dataclass
class Personas:
    acme: object
    globex: object
    alice: object
    bob: object
    dave: object
    mia: object
    erin: object
    rita: object
    carol: object

    def actor(self, name: str) -> Actor:
        user = getattr(self, name)
        membership = user.memberships.select_related("workspace").get()
        return Actor(user=user, workspace=membership.workspace, role=membership.role)


def _member(workspace: object, name: str, role: str) -> object:
    user = f.UserFactory(email=f"{name}@example.fr", first_name=name.capitalize(), last_name="Test")
    f.MembershipFactory(workspace=workspace, user=user, role=role)
    return user


def make_personas() -> Personas:
    acme = f.WorkspaceFactory(name="Acme", slug="acme")
    globex = f.WorkspaceFactory(name="Globex", slug="globex")
    return Personas(
        acme=acme,
        globex=globex,
        alice=_member(acme, "alice", "marketer"),
        bob=_member(acme, "bob", "sales_rep"),
        dave=_member(acme, "dave", "sales_manager"),
        mia=_member(acme, "mia", "marketing_manager"),
        erin=_member(acme, "erin", "executive"),
        rita=_member(acme, "rita", "revops_admin"),
        carol=_member(globex, "carol", "revops_admin"),
    )


@pytest.fixture(scope="module")
def _personas_of_the_module(
    request: pytest.FixtureRequest, django_db_setup: None, django_db_blocker: Any
) -> Iterator[Personas | None]:
    """The personas' rows written once for the module (see ``rows_kept_for_the_module``) when
    every test of the module may run inside one transaction; None otherwise (a module with a
    transactional test, or marked ``personas_per_test``), whose tests build their own."""
    if request.node.nodeid not in request.config.stash[_MODULES_SHARING_PERSONAS]:
        yield None
        return
    with rows_kept_for_the_module(django_db_blocker, make_personas) as rows:
        yield rows


@pytest.fixture
def personas(_personas_of_the_module: Personas | None, db: object) -> Personas:
    """Acme and Globex with their seven members: written once for the module and rolled back
    with each test (as Django's ``setUpTestData``), the Python objects fresh for this test; built
    for this test in a module that cannot keep rows (``_personas_of_the_module``). A persona
    build is ~25 ms of SQLite or ~40 ms of PostgreSQL, and ~2,400 tests use them."""
    if _personas_of_the_module is None:
        return make_personas()
    return copy_for_the_test(_personas_of_the_module)


# the fixtures through which a test reaches the database (directly, or for its module's rows)
_DATABASE_FIXTURES = {"db", "transactional_db", "live_server"}


def _touches_the_database(item: pytest.Item) -> bool:
    """Whether a test reaches the suite's database: a ``django_db`` marker, a database fixture,
    or the ``postgres`` marker (a test that needs PostgreSQL runs in the PostgreSQL pass)."""
    return bool(
        item.get_closest_marker("django_db")
        or item.get_closest_marker("postgres")
        or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def _transactional(item: pytest.Item) -> bool:
    """A test that flushes the database after it instead of rolling back its transaction."""
    marker = item.get_closest_marker("django_db")
    return bool(
        {"transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
        or (marker is not None and marker.kwargs.get("transaction", False))
    )


# modules (node ids) whose persona tests share rows written once (``_personas_of_the_module``)
_MODULES_SHARING_PERSONAS = pytest.StashKey[set[str]]()


def _modules_sharing_personas(items: list[pytest.Item]) -> set[str]:
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        module = item.getparent(pytest.Module)
        if module is not None:
            modules.setdefault(module.nodeid, []).append(item)
    return {
        module
        for module, module_items in modules.items()
        if not any(
            _transactional(item) or item.get_closest_marker("personas_per_test")
            for item in module_items
        )
    }


@pytest.hookimpl(trylast=True)  # after pytest-django's order (db, transactional, no db)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On PostgreSQL (``make test``'s second run), only the tests that reach the database: the
    others (pure analytics, parsers, the import-layer contracts…) gave their answer on SQLite and
    would give the same one again. Then long modules first, so that the parallel workers (make
    test: xdist, whole modules per worker, ``--no-loadscope-reorder``) end together instead of
    one waiting on a last long test. Long: a module with slow or browser tests, a live server,
    or the demo; then by number of tests. Within a module, tests keep pytest-django's order."""
    config.stash[_MODULES_SHARING_PERSONAS] = _modules_sharing_personas(items)
    if connection.vendor == "postgresql":
        elsewhere = [item for item in items if not _touches_the_database(item)]
        config.stash[_NO_DATABASE_DESELECTED] = len(elsewhere)
        if elsewhere:
            config.hook.pytest_deselected(items=elsewhere)
            items[:] = [item for item in items if _touches_the_database(item)]
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    items[:] = [item for module in sorted(modules.values(), key=_cost) for item in module]


# how many tests the PostgreSQL pass left to SQLite, printed at the end of the run (with xdist, each
# worker counts the same collection and hands its count to the controller)
_NO_DATABASE_DESELECTED = pytest.StashKey[int]()


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None and _NO_DATABASE_DESELECTED in session.config.stash:
        output["no_database_deselected"] = session.config.stash[_NO_DATABASE_DESELECTED]


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    count = getattr(node, "workeroutput", {}).get("no_database_deselected")
    if count is not None:
        node.config.stash[_NO_DATABASE_DESELECTED] = count


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    count = config.stash.get(_NO_DATABASE_DESELECTED, None)
    if count is not None:
        terminalreporter.write_line(
            f"PostgreSQL pass: {count} tests that reach no database deselected "
            "(no django_db marker, database fixture or postgres marker: they ran on SQLite)"
        )


_LONG_FIXTURES = {"live_server", "demo"}


def _cost(module_items: list[pytest.Item]) -> tuple[bool, int]:
    long = any(
        item.get_closest_marker("slow")
        or item.get_closest_marker("browser")
        or _LONG_FIXTURES & set(getattr(item, "fixturenames", ()))
        for item in module_items
    )
    return (not long, -len(module_items))


# -- rows built once for a whole module ------------------------------------------------------------
#
# A module whose many tests read the same rows (the permission matrix, the French pages, a
# hand-worked example) builds them once: a module-scoped fixture opens one transaction with
# ``rows_kept_for_the_module``, writes the rows, and yields them; every test of the module then runs
# in pytest-django's usual ``db`` transaction, which is a savepoint inside that one and is rolled
# back after the test, so what a test writes never reaches the next test. At the end of the module
# the whole transaction is rolled back. This is Django's ``TestCase.setUpTestData`` as pytest
# fixtures; like ``setUpTestData``, each test gets its own copy of the Python objects
# (``copy_for_the_test``), so a test that changes an attribute does not change it for the others.
#
# Only for tests that use ``db``: a transactional test (``transactional_db``, ``live_server``,
# ``django_db(transaction=True)``) flushes the database and must build its own rows.

T = TypeVar("T")


@contextmanager
def rows_kept_for_the_module(django_db_blocker: Any, build: Callable[[], T]) -> Iterator[T]:
    """``build()`` inside one transaction kept open for the scope; rolled back at the end."""
    from django.db import connection, transaction

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic._from_testcase = True  # type: ignore[attr-defined]  # as TestCase's own atomics
        atomic.__enter__()
        try:
            rows = build()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield rows
    finally:
        with django_db_blocker.unblock():
            assert connection.in_atomic_block, "the module's transaction was closed by a test"
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def copy_for_the_test(rows: T) -> T:
    """The module's rows as fresh Python objects (one deep copy keeps their links to each other)."""
    return copy.deepcopy(rows)


# -- fresh databases for `cordee` run in a subprocess ---------------------------------------------
#
# A test that runs `cordee` in real subprocesses gives them a database of their own (a SQLite file,
# or a PostgreSQL database). Rather than migrating each one from nothing (~8 s), it copies a
# migrated template: the test database itself, just after pytest-django created and migrated it
# (before any test ran), kept as a SQLite file or as a PostgreSQL database made from it with
# CREATE DATABASE … TEMPLATE. Only made when a collected test asks for ``migrated_database``.


@dataclass
class MigratedDatabase:
    """Makes fresh, migrated databases of the suite's kind for `cordee` subprocesses."""

    vendor: str
    template: str  # a SQLite file, or a PostgreSQL database name
    server: dict[str, Any]  # PostgreSQL: host, port, user, password

    def copy(self, name: str, directory: Path) -> str:
        """A new database copied from the template; its ``DATABASE_URL``."""
        if self.vendor == "sqlite":
            path = directory / f"{name}.sqlite3"
            with (
                closing(sqlite3.connect(self.template)) as source,
                closing(sqlite3.connect(path)) as target,
            ):
                source.backup(target)
            return f"sqlite:///{path}"
        self.admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        s = self.server
        return f"postgres://{s['user']}:{s['password']}@{s['host']}:{s['port']}/{name}"

    def drop(self, name: str) -> None:
        if self.vendor != "sqlite":
            self.admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as admin:
            admin.execute(sql)  # type: ignore[arg-type]


_MIGRATED: list[MigratedDatabase] = []


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None,
    django_db_blocker: Any,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """pytest-django's test database, and a migrated template taken from it at once when a
    collected test needs one (see MigratedDatabase)."""
    wanted = any(
        "migrated_database" in getattr(i, "fixturenames", ()) for i in request.session.items
    )
    created: list[Any] = []
    if wanted:
        from django.db import connection
        from django.test.utils import setup_databases, teardown_databases

        with django_db_blocker.unblock():
            if connection.settings_dict["NAME"] != connection.creation._get_test_db_name():
                # no collected test uses the database, so pytest-django made none: make it here
                created = setup_databases(verbosity=0, interactive=False, aliases={"default"})
            _MIGRATED.append(_template_of_the_test_database(tmp_path_factory))
    yield
    for template in _MIGRATED:
        template.drop(template.template)
    _MIGRATED.clear()
    if created:
        with django_db_blocker.unblock():
            teardown_databases(created, verbosity=0)


def _template_of_the_test_database(tmp_path_factory: pytest.TempPathFactory) -> MigratedDatabase:
    from django.db import connection

    if connection.vendor == "sqlite":
        path = tmp_path_factory.mktemp("migrated") / "template.sqlite3"
        connection.ensure_connection()
        with closing(sqlite3.connect(path)) as target:
            connection.connection.backup(target)
        return MigratedDatabase("sqlite", str(path), {})
    db = connection.settings_dict
    server = {
        "host": db["HOST"],
        "port": db["PORT"] or 5432,
        "user": db["USER"],
        "password": db["PASSWORD"],
    }
    template = MigratedDatabase(connection.vendor, f"{db['NAME']}_migrated", server)
    connection.close()  # PostgreSQL copies a database nobody is connected to
    template.drop(template.template)
    template.admin(f'CREATE DATABASE "{template.template}" TEMPLATE "{db["NAME"]}"')
    return template


@pytest.fixture(scope="session")
def migrated_database(django_db_setup: None) -> MigratedDatabase:
    """Copies of the just-migrated test database for `cordee` subprocesses (``.copy(name, dir)``
    gives its ``DATABASE_URL``; ``.drop(name)`` removes a PostgreSQL copy)."""
    assert _MIGRATED, "django_db_setup makes the template when a test asks for migrated_database"
    return _MIGRATED[0]


# -- the small demo, built once per session -----------------------------------------------------
#
# The small demo (seed 1) takes ~6–10 s to build. On SQLite it is built once per session (per xdist
# worker) and kept as a copy of the whole test database (SQLite's backup API); a test or a module
# that needs it committed copies it back in milliseconds (``put_the_demo``). On PostgreSQL each
# one builds it.


@dataclass
class DemoSnapshot:
    database: sqlite3.Connection  # the test database with the demo in it
    result: Any  # the build's BuildResult
    day: int  # the UTC day it was built (a demo is built relative to its day)


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSnapshot | None]:
    """SQLite: the test database with the small demo (seed 1), built once for the session and
    the database then put back as it was; None on PostgreSQL."""
    import time

    from django.db import connection

    from cordee.demo.builder import build_demo

    if connection.vendor != "sqlite":
        yield None
        return
    with django_db_blocker.unblock():
        assert not connection.in_atomic_block, "the demo snapshot is taken between tests"
        connection.ensure_connection()
        database = connection.connection
        before, with_demo = sqlite3.connect(":memory:"), sqlite3.connect(":memory:")
        database.backup(before)
        try:
            result = build_demo(size="small", seed=1)  # committed, as in a live server's test
            database.backup(with_demo)
        finally:
            before.backup(database)  # the database as it was
            before.close()
    yield DemoSnapshot(with_demo, result, int(time.time()) // 86_400)
    with_demo.close()


def put_the_demo(snapshot: DemoSnapshot | None) -> Any:
    """The small demo (seed 1) committed in the test database, copied from the session's
    snapshot on SQLite (the database's whole content is replaced), built on PostgreSQL or when
    the snapshot was built on another day; the build's BuildResult. Only outside a transaction."""
    import time

    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from cordee.demo.builder import build_demo

    assert not connection.in_atomic_block, "the demo is committed: outside a test's transaction"
    if snapshot is None or snapshot.day != int(time.time()) // 86_400:
        return build_demo(size="small", seed=1)
    connection.ensure_connection()
    snapshot.database.backup(connection.connection)
    ContentType.objects.clear_cache()  # its ids are the snapshot's, not the last flush's
    return snapshot.result


@pytest.fixture(autouse=True)
def _transactional_tests_outside_module_rows(request: pytest.FixtureRequest) -> None:
    """A transactional test flushes the database: it must never run inside a module's rows."""
    if _transactional(request.node):
        from django.db import connection

        assert not connection.in_atomic_block, (
            f"{request.node.nodeid} is transactional but runs inside rows kept for its module "
            "(rows_kept_for_the_module): move it to another module"
        )


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Reports and charts are cached by workspace id; ids repeat across rolled-back tests (and
    within a module whose rows are built once), and a rolled-back test never runs the on-commit
    hooks that would invalidate them. Kept for every test: clearing the test settings' in-memory
    cache costs ~10 µs (measured: 1,000 clears in 9 ms), far less than finding which tests may
    read a cached report."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _language_of_the_settings() -> Iterator[None]:
    """Each test starts in the settings' language (French), whatever an earlier test of the same
    worker activated: a notification's title or a message is written in the active language,
    and which tests share a worker changes with the run."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
