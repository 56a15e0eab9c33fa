"""The suite's own rules (tests/conftest.py): which tests the PostgreSQL pass repeats, and which
modules keep their personas' rows for all their tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import _modules_sharing_personas, _touches_the_database, _transactional


class _Item:
    """What the rules read of a collected test: its markers, its fixtures, its module."""

    def __init__(self, module: str, *markers: Any, fixtures: tuple[str, ...] = ()) -> None:
        self.fixturenames = list(fixtures)
        self.markers = {m.name: m for m in (mark.mark for mark in markers)}
        self.module = type("Module", (), {"nodeid": module})()

    def get_closest_marker(self, name: str) -> Any:
        return self.markers.get(name)

    def getparent(self, cls: type) -> Any:
        return self.module


# what the PostgreSQL pass keeps, listed by hand: every way a test reaches the database
KEPT = {
    "marked django_db": _Item("m.py", pytest.mark.django_db),
    "marked django_db(transaction=True)": _Item("m.py", pytest.mark.django_db(transaction=True)),
    "db fixture": _Item("m.py", fixtures=("db",)),
    "transactional_db fixture": _Item("m.py", fixtures=("transactional_db",)),
    "live_server fixture": _Item("m.py", fixtures=("live_server",)),
    "marked postgres": _Item("m.py", pytest.mark.postgres),
}
LEFT_TO_SQLITE = {
    "no marker, no fixture": _Item("m.py"),
    "tmp_path only": _Item("m.py", fixtures=("tmp_path", "monkeypatch")),
    "marked slow only": _Item("m.py", pytest.mark.slow),
}


@pytest.mark.parametrize("case", sorted(KEPT))
def test_a_test_that_reaches_the_database_runs_on_postgresql_too(case: str) -> None:
    assert _touches_the_database(KEPT[case])  # type: ignore[arg-type]


@pytest.mark.parametrize("case", sorted(LEFT_TO_SQLITE))
def test_a_test_that_reaches_no_database_runs_on_sqlite_only(case: str) -> None:
    assert not _touches_the_database(LEFT_TO_SQLITE[case])  # type: ignore[arg-type]


def test_only_modules_without_a_transactional_test_keep_personas_for_the_module() -> None:
    items = [
        _Item("plain.py", fixtures=("personas", "db")),
        _Item("plain.py", pytest.mark.django_db),
        _Item("flushing.py", fixtures=("personas", "db")),
        _Item("flushing.py", fixtures=("personas", "live_server")),
        _Item("atomic_test.py", pytest.mark.django_db(transaction=True)),
        _Item("opted_out.py", pytest.mark.personas_per_test, fixtures=("personas",)),
    ]
    assert [_transactional(i) for i in items] == [False, False, False, True, True, False]  # type: ignore[arg-type]
    assert _modules_sharing_personas(items) == {"plain.py"}  # type: ignore[arg-type]
