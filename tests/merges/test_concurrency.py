"""Two merges of the same pair at once, in opposite directions (A into B, B into A): the rows are
locked in id order, so one waits for the other; the second then finds its record merged away
and is refused, naming where it went. Real concurrency needs PostgreSQL's row locks (SQLite
runs one write transaction at a time: the sequential case is tested in test_services)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django.utils import translation

from cordee.core.errors import Conflict
from cordee.crm.models import Contact
from cordee.merges.models import Merge
from cordee.merges.services import merge_records
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


def test_opposite_merges_at_once_one_wins_the_other_is_refused(personas):
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite serialises write transactions)")
    ws = personas.acme
    a = f.ContactFactory(workspace=ws, first_name="Hélène", last_name="Martin")
    b = f.ContactFactory(workspace=ws, first_name="Helene", last_name="MARTIN")
    for _ in range(20):  # rows to move, so that the first merge holds its locks a while
        f.TouchpointFactory(workspace=ws, contact=a)
        f.TouchpointFactory(workspace=ws, contact=b)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def merge(name: str, actor_name: str, survivor: int, loser: int) -> None:
        try:
            start.wait()
            translation.activate("en")
            outcomes[name] = merge_records(
                actor=personas.actor(actor_name),
                kind="contact",
                survivor_id=survivor,
                loser_id=loser,
            )
        except Exception as exc:
            outcomes[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=merge, args=("a_into_b", "rita", b.pk, a.pk)),
        threading.Thread(target=merge, args=("b_into_a", "mia", a.pk, b.pk)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    merges = [o for o in outcomes.values() if isinstance(o, Merge)]
    refusals = [o for o in outcomes.values() if isinstance(o, Conflict)]
    assert (len(merges), len(refusals)) == (1, 1), outcomes
    won = merges[0]
    assert "was already merged into" in refusals[0].message
    survivor = Contact.objects.get()  # exactly one of the two is left
    assert survivor.pk in (a.pk, b.pk) and survivor.pk != won.loser_id
    assert survivor.touchpoints.count() == 40
    assert Merge.objects.count() == 1
