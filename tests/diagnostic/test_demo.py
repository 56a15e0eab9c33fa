"""The demo's diagnostic (cordee/demo/diagnostic.py) on a small company: two closed waves whose
results are shown, marketing rating feedback, collateral and plan input higher than sales, the
relationship better in the second wave; an open wave of the pod with results still hidden."""

from __future__ import annotations

import datetime as dt

import pytest

from cordee.demo.diagnostic import add_diagnostic
from cordee.diagnostic import results
from cordee.diagnostic.models import Respondent, Response
from cordee.people.models import PodMember
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_demo_waves(personas):
    ws = personas.acme
    pod = f.PodFactory(workspace=ws, name="Industrie Grand Est")
    for n in range(7):
        for role in ("marketer", "sales_rep"):
            user = f.UserFactory()
            f.MembershipFactory(workspace=ws, user=user, role=role)
            if n < 2:
                PodMember.objects.create(pod=pod, user=user)
    first, second, open_wave = add_diagnostic(ws, today=dt.date(2026, 12, 6), seed=1)
    assert (first.period_start, first.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert (second.period_start, second.period_end) == (dt.date(2026, 9, 1), dt.date(2026, 11, 30))
    assert first.closed_at and second.closed_at and open_wave.closed_at is None
    assert open_wave.pod == pod
    for wave in (first, second):
        assert (
            Respondent.objects.filter(wave=wave).count()
            == Response.objects.filter(wave=wave).count()
        )
    one, two = results.wave_results(first), results.wave_results(second)
    for found in (one, two):
        assert found.sides["marketing"].shown and found.sides["sales"].shown
    indexes = [3, 4, 5]  # plan_input, collateral, feedback: the three largest gaps
    for index in indexes:
        assert one.sides["marketing"].means[index] > one.sides["sales"].means[index]
    gap_of = dict(one.gaps)
    assert sorted(gap_of, key=lambda i: -gap_of[i])[:3] == sorted(indexes, key=lambda i: -gap_of[i])
    for side in ("marketing", "sales"):
        assert two.sides[side].total > one.sides[side].total
    assert two.gap < one.gap
    assert results.wave_results(open_wave).sides["marketing"].total is None
