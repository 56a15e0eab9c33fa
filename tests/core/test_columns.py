"""core.columns: instants as the same epoch seconds as ``datetime.timestamp()`` on SQLite
(converted in Python) and PostgreSQL (``EXTRACT(EPOCH …)`` in a binary ``COPY``),
NULLs kept; the array helpers against plain Python loops."""

from __future__ import annotations

import bisect
import datetime as dt
import random

import numpy as np
import pytest

from cordee.core.columns import float_columns, ints, latest_at_or_before, mapped, seconds
from cordee.crm.models import Account
from cordee.funnel.models import Lead, LeadDecision
from tests.factories import LeadFactory, UserFactory


@pytest.mark.django_db
def test_instants_are_the_epoch_seconds_of_python_to_the_microsecond():
    lead = LeadFactory()
    workspace, user = lead.workspace, UserFactory()
    mql_at = dt.datetime(2026, 3, 29, 0, 59, 59, 999_999, tzinfo=dt.UTC)
    decided_at = dt.datetime(2026, 3, 30, 7, 15, 0, 123_456, tzinfo=dt.UTC)
    LeadDecision.objects.create(
        workspace=workspace,
        lead=lead,
        mql_at=mql_at,
        kind="reject",
        decided_at=decided_at,
        decided_by=user,
    )
    lead_id, mql, kind, decided, by = float_columns(
        LeadDecision.objects.filter(workspace=workspace),
        ("lead_id", "mql_at", "kind", "decided_at", "decided_by_id"),
        instants=("mql_at", "decided_at"),
        codes={"kind": ["accept", "reject"]},
    )
    assert lead_id.tolist() == [lead.pk] and by.tolist() == [user.pk]
    assert mql.tolist() == [mql_at.timestamp()] and decided.tolist() == [decided_at.timestamp()]
    assert kind.tolist() == [2.0]  # the second of the given values
    # 1774745999.999999: the microseconds are kept, the second is not rounded up
    assert seconds(mql).tolist() == [1_774_745_999]
    assert dt.datetime.fromtimestamp(float(mql[0]), tz=dt.UTC) == mql_at


@pytest.mark.django_db
def test_nulls_joins_codes_order_and_no_rows():
    first = LeadFactory(mql_at=None, owner=None)
    second = LeadFactory(
        workspace=first.workspace, mql_at=dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)
    )
    Account.objects.filter(pk=second.contact.account_id).update(industry="Santé")
    Account.objects.filter(pk=first.contact.account_id).update(industry="Industrie")
    leads = Lead.objects.filter(workspace=first.workspace).order_by("-pk")
    ids, mql, owner, industry = float_columns(
        leads,
        ("id", "mql_at", "owner_id", "contact__account__industry"),
        instants=("mql_at",),
        codes={"contact__account__industry": ["Santé"]},
    )
    assert ints(ids).tolist() == [second.pk, first.pk]  # the queryset's order
    assert mql[0] == dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC).timestamp()
    assert np.isnan(mql[1]) and np.isnan(owner[1])  # NULL is NaN
    assert ints(owner, null=-1).tolist()[1] == -1
    assert industry.tolist() == [1.0, 0.0]  # a value not given: 0
    assert [len(c) for c in float_columns(leads.none(), ("id", "mql_at"), ("mql_at",))] == [0, 0]
    assert [len(c) for c in float_columns(leads.filter(pk__in=[]), ("id",))] == [0]


def test_latest_at_or_before_agrees_with_bisect_per_group():
    rng = random.Random(7)
    keys = sorted(
        (rng.randrange(20), float(rng.randrange(50)), i) for i in range(300)
    )  # (group, instant, listing order): sorted as the callers' ORDER BY gives them
    key_group = np.array([k[0] for k in keys])
    key_at = np.array([k[1] for k in keys])
    queries = [
        (rng.randrange(22), rng.randrange(-1, 52) + rng.choice([0, 0.5])) for _ in range(500)
    ]
    got = latest_at_or_before(
        key_group, key_at, np.array([q[0] for q in queries]), np.array([q[1] for q in queries])
    )
    for (group, at), index in zip(queries, got, strict=True):
        rows = [i for i, k in enumerate(keys) if k[0] == group]
        times = [keys[i][1] for i in rows]
        n = bisect.bisect_right(times, at)  # the last at or before, ties to the last listed
        assert index == (rows[n - 1] if n else -1)
    empty = latest_at_or_before(np.array([]), np.array([]), np.array([1]), np.array([1.0]))
    assert empty.tolist() == [-1]


def test_mapped_is_a_dictionary_lookup():
    mapping = {3: 30, 1: 10, 7: None}
    values = np.array([1, 2, 3, 7, 0, 99])
    assert mapped(values, mapping, -1).tolist() == [10, -1, 30, -1, -1, -1]
    assert mapped(values, {}, -2).tolist() == [-2] * 6
