"""Personas shared by the whole suite.

In workspace *Acme* (slug ``acme``): alice (marketer), bob (sales rep), dave (sales
manager), mia (marketing manager), erin (executive), rita (RevOps admin).
In workspace *Globex* (slug ``globex``): carol (RevOps admin). Nobody in Acme can see Globex.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest

from cordee.core.actor import Actor
from tests import factories as f

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


@pytest.fixture
def personas(db: object) -> Personas:
    """Acme and Globex with their seven members, built for this test."""
    return make_personas()


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


@pytest.fixture(autouse=True)
def _transactional_tests_outside_module_rows(request: pytest.FixtureRequest) -> None:
    """A transactional test flushes the database: it must never run inside a module's rows."""
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction", False)
    )
    if transactional:
        from django.db import connection

        assert not connection.in_atomic_block, (
            f"{request.node.nodeid} is transactional but runs inside rows kept for its module "
            "(rows_kept_for_the_module): move it to another module"
        )


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Reports and charts are cached by workspace id; ids repeat across rolled-back tests."""
    from django.core.cache import cache

    cache.clear()
