"""The demo's kudos: about sixty over the year, on working days between 9:00 and 18:00, their
sides and ``cross_side`` by the service's rule, about a third across; reactions on the posts."""

from __future__ import annotations

import datetime as dt

import pytest

from cordee.demo.kudos import N_KUDOS, add_kudos
from cordee.people.models import PodMember
from cordee.wins.kudos import is_across
from cordee.wins.models import Kudos, Reaction
from tests import factories as f
from tests.wins.wall_rows import both_sides_post

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 4, 17, 0, tzinfo=dt.UTC)


def test_the_demo_kudos_and_reactions(personas):
    for _ in range(2):  # a few more people on each side
        f.MembershipFactory(workspace=personas.acme, user=f.UserFactory(), role="marketer")
        f.MembershipFactory(workspace=personas.acme, user=f.UserFactory(), role="sales_rep")
    pod = f.PodFactory(workspace=personas.acme)
    for user in (personas.alice, personas.bob):
        PodMember.objects.create(pod=pod, user=user)
    post = both_sides_post(personas, at=NOW - dt.timedelta(days=20))
    counts = add_kudos(personas.acme, now=NOW, seed=7)
    rows = list(Kudos.objects.filter(workspace=personas.acme))
    assert counts["kudos"] == len(rows) and N_KUDOS - 10 <= len(rows) <= N_KUDOS
    zone = personas.acme.zone
    for k in rows:
        local = k.created_at.astimezone(zone)
        assert local.weekday() < 5 and 9 <= local.hour < 18, local
        assert NOW - dt.timedelta(days=366) < k.created_at < NOW
        sides = {k.recipient_side} if k.recipient_id else {"marketing", "sales"}
        assert k.cross_side == is_across(k.sender_side, sides)
    across = sum(k.cross_side for k in rows)
    assert 0.2 <= across / len(rows) <= 0.45
    assert counts["reactions"] == Reaction.objects.filter(post=post).count()
    assert all(r.created_at > post.at for r in Reaction.objects.all())
