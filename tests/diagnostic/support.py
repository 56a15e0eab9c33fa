"""Helpers of the diagnostic's tests: people of a side, in pods, answering a wave."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cordee.core.actor import Actor
from cordee.diagnostic import services
from cordee.diagnostic.models import Wave
from cordee.people.models import PodMember
from tests import factories as f

ROLE = {"marketing": "marketer", "sales": "sales_rep"}


def open_wave(personas: Any, title: str = "S1 2026", **extra: Any) -> Wave:
    today = personas.acme.today()
    values = {
        "title": title,
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 6, 30),
        "closes_on": today + dt.timedelta(days=14),
        **extra,
    }
    return services.wave_open(personas.actor("rita"), **values)


def member(workspace: Any, side: str, pods: tuple[Any, ...] = ()) -> Actor:
    user = f.UserFactory()
    f.MembershipFactory(workspace=workspace, user=user, role=ROLE[side])
    for pod in pods:
        PodMember.objects.create(pod=pod, user=user)
    return Actor(user=user, workspace=workspace, role=ROLE[side])


def answer_as(
    workspace: Any, wave: Wave, side: str, answers: list[int], pods: tuple[Any, ...] = ()
) -> Actor:
    actor = member(workspace, side, pods)
    services.wave_answer(actor, wave, answers)
    return actor


def fill(
    workspace: Any,
    wave: Wave,
    marketing: list[list[int]],
    sales: list[list[int]],
    pods: tuple[Any, ...] = (),
) -> None:
    for row in marketing:
        answer_as(workspace, wave, "marketing", row, pods)
    for row in sales:
        answer_as(workspace, wave, "sales", row, pods)
