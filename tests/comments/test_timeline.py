"""Comments sit in the record timeline of leads, contacts, accounts and opportunities: each
record's own comments, newest first, filterable, a deleted one shown as deleted."""

from __future__ import annotations

import pytest
from django.utils.translation import override

from cordee.comments import services
from cordee.funnel.activities import record_about
from cordee.funnel.timeline import timeline


@pytest.mark.parametrize("kind", ["lead", "contact", "account", "opportunity"])
def test_a_records_comments_are_in_its_timeline(personas, acme_records, kind):
    alice = personas.actor("alice")
    record = acme_records[kind]
    first = services.comment_post(actor=alice, kind=kind, record_id=record.pk, body="Rappeler")
    second = services.comment_post(actor=alice, kind=kind, record_id=record.pk, body="Fait")
    services.comment_delete(actor=alice, comment_id=first.pk)
    about = record_about(actor=alice, record=kind, record_id=record.pk)
    with override("en"):
        page = timeline(actor=alice, about=about, kinds=["comment"])
    assert [(e.kind, e.title, e.detail) for e in page.entries] == [
        ("comment", "Comment", "<p>Fait</p>"),  # newest first, as the thread shows it
        ("comment", "Comment deleted", ""),  # its text is not shown
    ]
    assert page.entries[0].ref == f"comment:{second.pk}"
    # another record's comments stay on that record
    other = "contact" if kind != "contact" else "account"
    about = record_about(actor=alice, record=other, record_id=acme_records[other].pk)
    assert timeline(actor=alice, about=about, kinds=["comment"]).entries == []
