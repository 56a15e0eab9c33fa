"""The demo's alignment diagnostic (issue 20): two closed waves and one open.

- the first: the six months ending two months before the second starts (January–June when the
  demo is loaded in December), answered by most of the company;
- the second: the three full months before the load's month (September–November in December),
  answered by nearly everyone — the relationship better on almost every statement;
- an open wave of the pod "Industrie Grand Est", its last day of answers ten days ahead, two of
  its people having answered (its page shows the participation, no result yet).

Marketing rates the relationship higher than sales, most of all on sharing field feedback
(``feedback``), the use of its material (``collateral``) and sales' say in the marketing plan
(``plan_input``); the gap narrows between the waves (the committees and the readiness kits
came in between). Each person's answer is their side's level for the statement plus a little
noise of their own (a seeded generator), rounded and kept within 1–5. Rows are written as the
service writes them — a ``Respondent`` per person, a ``Response`` with the side, pods and
answers and nothing else — without the notifications (the demo's people are made up).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction

from cordee.demo.common import MONTHS_FR
from cordee.diagnostic.models import Respondent, Response, Wave
from cordee.diagnostic.statements import STATEMENTS
from cordee.people.models import Pod, PodMember
from cordee.tenancy.models import Membership, Workspace
from cordee.tenancy.roles import Role, side_of

# each side's level (1–5) per statement in the first wave; statements left out: DEFAULT
FIRST: dict[str, dict[str, float]] = {
    "marketing": {
        "feedback": 3.9,
        "collateral": 4.1,
        "plan_input": 3.8,
        "no_blame": 2.9,
        "language": 3.3,
        "one_head": 2.0,
        "moves": 1.7,
        "training": 2.3,
        "long_range": 2.4,
    },
    "sales": {
        "feedback": 2.4,
        "collateral": 2.5,
        "plan_input": 2.1,
        "no_blame": 2.6,
        "language": 3.0,
        "one_head": 2.0,
        "moves": 1.8,
        "training": 2.2,
        "long_range": 2.2,
        "customers": 2.4,
    },
    "other": {"one_head": 2.0, "moves": 1.8},
}
DEFAULT = {"marketing": 3.1, "sales": 2.9, "other": 3.0}
# what changed by the second wave: most statements a little better, the three gaps narrower
BETTER = 0.35
CLOSING = {"feedback": 0.8, "collateral": 0.9, "plan_input": 0.9}  # sales' rise on those


def _months_back(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` before ``day``'s."""
    index = day.year * 12 + day.month - 1 - months
    return dt.date(index // 12, index % 12 + 1, 1)


def _title(start: dt.date, end: dt.date) -> str:
    return f"Diagnostic {MONTHS_FR[start.month - 1]}–{MONTHS_FR[end.month - 1]} {end.year}"


def _level(side: str, key: str, second: bool) -> float:
    level = FIRST.get(side, {}).get(key, DEFAULT.get(side, 3.0))
    if second:
        level += CLOSING.get(key, BETTER) if side == "sales" else BETTER
    return level


def _answers(rng: random.Random, side: str, second: bool) -> list[int]:
    own = rng.gauss(0, 0.3)  # a person's general mood, on every statement
    return [
        min(5, max(1, round(_level(side, key, second) + own + rng.gauss(0, 0.55))))
        for key, _text in STATEMENTS
    ]


def _answered(
    wave: Wave,
    rng: random.Random,
    people: list[tuple[int, str, list[int]]],
    share: float,
    second: bool,
) -> None:
    """Most of ``people`` (user id, side, pod ids) answer: ``share`` of each side, never fewer
    than five of a side that has five."""
    chosen = []
    for side in ("marketing", "sales", "other"):
        mine = [p for p in people if p[1] == side]
        count = max(min(5, len(mine)), round(len(mine) * share))
        chosen += rng.sample(mine, count)
    rng.shuffle(chosen)  # the rows' order says nothing either (and their keys are random)
    Respondent.objects.bulk_create(Respondent(wave=wave, user_id=pk) for pk, _s, _p in chosen)
    Response.objects.bulk_create(
        Response(wave=wave, side=side, pod_ids=pods, answers=_answers(rng, side, second))
        for _pk, side, pods in chosen
    )


@transaction.atomic
def add_diagnostic(workspace: Workspace, *, today: dt.date, seed: int) -> list[Wave]:
    """The two closed waves and the open one; returns them, oldest first."""
    rng = random.Random(f"cordee-demo:{seed}:diagnostic")
    members = list(
        Membership.objects.filter(workspace=workspace, is_active=True).values_list(
            "user_id", "role"
        )
    )
    pods: dict[int, list[int]] = {}
    for user_id, pod_id in PodMember.objects.filter(pod__workspace=workspace).values_list(
        "user_id", "pod_id"
    ):
        pods.setdefault(user_id, []).append(pod_id)
    people = [(pk, side_of(role).value, sorted(pods.get(pk, []))) for pk, role in members]
    revops = next((pk for pk, role in members if role == Role.REVOPS_ADMIN), None)
    zone = workspace.zone

    def closed(start: dt.date, end: dt.date, closes_on: dt.date) -> Wave:
        return Wave.objects.create(
            workspace=workspace,
            title=_title(start, end),
            period_start=start,
            period_end=end,
            closes_on=closes_on,
            opened_by_id=revops,
            closed_at=dt.datetime.combine(closes_on + dt.timedelta(days=1), dt.time(0), zone),
        )

    second_start = _months_back(today, 3)
    second_end = _months_back(today, 0) - dt.timedelta(days=1)
    first_start = _months_back(second_start, 8)
    first_end = _months_back(second_start, 2) - dt.timedelta(days=1)
    first = closed(first_start, first_end, first_end + dt.timedelta(days=14))
    _answered(first, rng, people, 0.8, second=False)
    second = closed(
        second_start,
        second_end,
        min(second_end + dt.timedelta(days=3), today - dt.timedelta(days=2)),
    )
    _answered(second, rng, people, 0.9, second=True)
    waves = [first, second]
    pod = Pod.objects.filter(workspace=workspace, name="Industrie Grand Est").first()
    if pod is not None:
        open_wave = Wave.objects.create(
            workspace=workspace,
            title=f"Pod {pod.name} : point d’étape",
            period_start=_months_back(today, 0),
            period_end=today,
            closes_on=today + dt.timedelta(days=10),
            pod=pod,
            opened_by_id=revops,
        )
        in_pod = [p for p in people if pod.pk in p[2]][:2]
        Respondent.objects.bulk_create(Respondent(wave=open_wave, user_id=p[0]) for p in in_pod)
        Response.objects.bulk_create(
            Response(wave=open_wave, side=side, pod_ids=pids, answers=_answers(rng, side, True))
            for _pk, side, pids in in_pod
        )
        waves.append(open_wave)
    return waves
