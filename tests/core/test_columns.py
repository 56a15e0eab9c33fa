"""rows_with_epochs: instants as the same epoch seconds as ``datetime.timestamp()``, on SQLite
(converted in Python) and PostgreSQL (``EXTRACT(EPOCH …)``); NULLs stay None."""

from __future__ import annotations

import datetime as dt

import pytest

from cordee.core.columns import rows_with_epochs
from cordee.funnel.models import LeadDecision
from tests.factories import LeadFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_instants_are_the_epoch_seconds_of_python_to_the_microsecond():
    lead = LeadFactory()
    workspace, user = lead.workspace, UserFactory()
    mql_at = dt.datetime(2026, 3, 29, 0, 59, 59, 999_999, tzinfo=dt.UTC)
    decided_at = dt.datetime(2026, 3, 30, 7, 15, 0, 123_456, tzinfo=dt.UTC)
    LeadDecision.objects.create(
        workspace=workspace,
        lead=lead,
        mql_at=mql_at,
        kind="accept",
        decided_at=decided_at,
        decided_by=user,
    )
    rows = rows_with_epochs(
        LeadDecision.objects.filter(workspace=workspace),
        ("lead_id", "mql_at", "kind", "decided_at"),
        instants=("mql_at", "decided_at"),
    )
    assert rows == [(lead.pk, mql_at.timestamp(), "accept", decided_at.timestamp())]
    # 1774745999.999999: the microseconds are kept, the second is not rounded up
    assert int(rows[0][1]) == 1_774_745_999
    assert dt.datetime.fromtimestamp(rows[0][1], tz=dt.UTC) == mql_at
