"""The demo's value log (cordee/demo/pods.py): 8 to 15 entries a pod over the last year, on
business days, by members of both sides."""

from __future__ import annotations

import datetime as dt

import pytest

from cordee.alignment.models import ValueEntry
from cordee.demo.pods import add_value_log
from cordee.people.models import PodMember
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_each_pod_gets_a_believable_log_by_both_sides(personas):
    pod = f.PodFactory(workspace=personas.acme, name="Industrie Grand Est")
    PodMember.objects.create(pod=pod, user=personas.alice)
    PodMember.objects.create(pod=pod, user=personas.bob)
    now = dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC)
    written = add_value_log(personas.acme, now=now)
    rows = list(ValueEntry.objects.filter(pod=pod))
    assert 8 <= written == len(rows) <= 15
    assert all(dt.date(2025, 3, 25) <= r.on < dt.date(2026, 3, 20) for r in rows)
    assert all(r.on.weekday() < 5 for r in rows)  # business days (weekends left out)
    assert {r.author for r in rows} == {personas.alice, personas.bob}
    assert all(r.created_at.date() == r.on for r in rows)
