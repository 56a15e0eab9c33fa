"""The audit log's writer: who, what, before and after; entries cannot be edited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cordee.core.audit import audit_write, changed, json_value
from cordee.core.models import AuditEntry


def test_changed_keeps_only_the_fields_that_differ() -> None:
    before = {"name": "Acme", "threshold": Decimal("60"), "zone": "Europe/Paris"}
    after = {"name": "Acme", "threshold": Decimal("65"), "zone": "Europe/Paris", "lang": "fr"}
    assert changed(before, after) == (
        {"threshold": "60", "lang": None},
        {"threshold": "65", "lang": "fr"},
    )


def test_json_value_of_dates_and_sets() -> None:
    assert json_value({"d": dt.date(2026, 1, 31), "s": {3, 1}}) == {"d": "2026-01-31", "s": [1, 3]}


@pytest.mark.django_db
def test_an_entry_names_the_rule_and_cannot_be_edited(personas) -> None:  # type: ignore[no-untyped-def]
    workspace = personas.acme
    entry = audit_write(
        actor=None,
        workspace=workspace,
        rule="Routing: Île-de-France",
        action="update",
        target="leads",
        target_id=7,
        target_label="Lead 7",
        before={"owner": 1},
        after={"owner": 2},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert (stored.by, stored.by_label, stored.before, stored.after) == (
        "rule",
        "Routing: Île-de-France",
        {"owner": 1},
        {"owner": 2},
    )
    assert (
        audit_write(actor=personas.actor("rita"), action="update", target="workspace").by_label
        == "Rita Test"
    )
    stored.action = "delete"
    with pytest.raises(ValueError, match="append-only"):
        stored.save()
