"""The measured effect of a programme (issue 19 §5): the numbers the exchange should move, for
its participants against the non-participants of the same side, before and after it, with the
difference-in-differences. The maths, the windows and the small-group rule are
``analytics/exchange_effect.py``; here, who is in each group and each observation, read with the
funnel's and the feedback's own definitions:

- **marketing — acceptance rate of their campaigns' MQLs**: the MQL cycles of the window
  (``funnel.metrics.cohort_cycles``: MQL in the window) whose lead's source campaign the marketer
  owns, each decided cycle one observation — 1 accepted (entered SAL), 0 rejected
  (``funnel.kpis.cycle_counts``: decided = accepted + rejected and never accepted);
- **marketing — feedback response time**: the feedback items submitted in the window whose
  first move out of *new* (``feedback.sla``: a status move, an answer or a close) the marketer
  made — a status change's actor or an answer's author —, in business hours of the workspace
  calendar from submission to that move; items still waiting are not counted;
- **sales — feedback items raised**: the items the salesperson submitted in the window, per
  person per 30 days;
- **sales — decision time on MQLs**: the decisions the salesperson took in the window, in
  business hours from the MQL to the decision (the SLA's decision clock, ``funnel.sla``).

**Groups**: participants = the programme's people of that side in a confirmed pair; the others
= active members of the workspace on that side (by their role) who did not sign up for it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from cordee.analytics.exchange_effect import (
    EFFECT_MIN_GROUP,
    EffectRow,
    Window,
    Windows,
    effect_row,
    effect_windows,
)
from cordee.core.business_time import BusinessClock, to_epoch
from cordee.feedback.models import (
    FeedbackItem,
    FeedbackResponse,
    FeedbackStatus,
    FeedbackStatusChange,
)
from cordee.funnel.metrics import Period, cohort_cycles, cycle_decisions
from cordee.funnel.models import Lead, LeadDecision
from cordee.funnel.sla import workspace_calendar
from cordee.rituals.models import PairingState, Participant, Programme
from cordee.tenancy.models import Membership, Workspace
from cordee.tenancy.roles import side_of

Observations = list[tuple[int, float]]


@dataclass(frozen=True)
class Measure:
    key: str
    side: str
    kind: str  # analytics.exchange_effect.KINDS
    label: Any
    unit: Any


MEASURES = (
    Measure(
        "acceptance_rate",
        "marketing",
        "rate",
        _("Acceptance rate of the MQLs from their campaigns"),
        "%",
    ),
    Measure(
        "feedback_response_hours",
        "marketing",
        "median",
        _("Feedback response time (median business hours)"),
        "h",
    ),
    Measure(
        "feedback_raised",
        "sales",
        "per_person_30d",
        _("Feedback items raised (per person per 30 days)"),
        "",
    ),
    Measure(
        "decision_hours",
        "sales",
        "median",
        _("Decision time on MQLs (median business hours)"),
        "h",
    ),
)


@dataclass(frozen=True)
class EffectLine:
    measure: Measure
    row: EffectRow


@dataclass(frozen=True)
class Effect:
    windows: Windows | None
    groups: dict[str, tuple[set[int], set[int]]]  # side → (participants, others), user ids
    lines: list[EffectLine]
    minimum: int = EFFECT_MIN_GROUP


# -- the groups -----------------------------------------------------------------------------------


def groups(programme: Programme) -> dict[str, tuple[set[int], set[int]]]:
    """Per side: the participants (user ids, in a confirmed pair) and the others."""
    confirmed = programme.pairings.filter(state=PairingState.CONFIRMED)
    took_part = {
        pk for pair in confirmed.values_list("marketer_id", "salesperson_id") for pk in pair
    }
    signed: set[int] = set()
    part: dict[str, set[int]] = {"marketing": set(), "sales": set()}
    for pk, user_id, side, withdrawn in Participant.objects.filter(programme=programme).values_list(
        "pk", "user_id", "side", "withdrawn_at"
    ):
        signed.add(user_id)
        if pk in took_part and withdrawn is None and side in part:
            part[side].add(user_id)
    others: dict[str, set[int]] = {"marketing": set(), "sales": set()}
    for user_id, role in Membership.objects.filter(
        workspace_id=programme.workspace_id, is_active=True
    ).values_list("user_id", "role"):
        side = str(side_of(role))
        if side in others and user_id not in signed:
            others[side].add(user_id)
    return {side: (part[side], others[side]) for side in part}


# -- the observations ----------------------------------------------------------------------------


def _bounds(workspace: Workspace, window: Window) -> tuple[dt.datetime, dt.datetime]:
    zone = workspace.zone
    return (
        dt.datetime.combine(window.start, dt.time(0), tzinfo=zone),
        dt.datetime.combine(window.end + dt.timedelta(days=1), dt.time(0), tzinfo=zone),
    )


def _business_hours(
    workspace: Workspace, starts: list[dt.datetime], ends: list[dt.datetime]
) -> list[float]:
    if not starts:
        return []
    clock = BusinessClock.around(
        workspace_calendar(workspace), min(starts), max(ends), margin_days=2
    )
    seconds = clock.between([to_epoch(s) for s in starts], [to_epoch(e) for e in ends])
    return [float(s) / 3600 for s in seconds]


def acceptance(workspace: Workspace, window: Window) -> Observations:
    cycles = cohort_cycles(workspace, Period(window.start, window.end))
    if not len(cycles.lead):
        return []
    decisions = cycle_decisions(workspace, cycles)
    accepted = ~np.isnan(cycles.sal)
    decided = accepted | decisions.rejected
    owner = dict(
        Lead.objects.filter(pk__in={int(x) for x in cycles.lead}).values_list(
            "pk", "source_campaign__owner_id"
        )
    )
    out = []
    for lead, ok, counted in zip(
        cycles.lead.tolist(), accepted.tolist(), decided.tolist(), strict=True
    ):
        who = owner.get(int(lead))
        if counted and who is not None:
            out.append((int(who), 1.0 if ok else 0.0))
    return out


def feedback_response(workspace: Workspace, window: Window) -> Observations:
    start, end = _bounds(workspace, window)
    items = dict(
        FeedbackItem.objects.filter(
            workspace=workspace, submitted_at__gte=start, submitted_at__lt=end
        ).values_list("pk", "submitted_at")
    )
    first: dict[int, tuple[dt.datetime, int | None]] = {}
    moves = FeedbackStatusChange.objects.filter(
        item_id__in=list(items), from_status=FeedbackStatus.NEW
    ).values_list("item_id", "at", "actor_id")
    answers = FeedbackResponse.objects.filter(item_id__in=list(items)).values_list(
        "item_id", "created_at", "author_id"
    )
    for item, at, who in [*moves, *answers]:
        if item not in first or at < first[item][0]:
            first[item] = (at, who)
    rows = [(who, items[item], at) for item, (at, who) in sorted(first.items()) if who is not None]
    hours = _business_hours(workspace, [r[1] for r in rows], [r[2] for r in rows])
    return [(int(who), h) for (who, _s, _e), h in zip(rows, hours, strict=True)]


def feedback_raised(workspace: Workspace, window: Window) -> Observations:
    start, end = _bounds(workspace, window)
    authors = FeedbackItem.objects.filter(
        workspace=workspace, submitted_at__gte=start, submitted_at__lt=end, author__isnull=False
    ).values_list("author_id", flat=True)
    return [(int(a), 1.0) for a in authors]


def decision_time(workspace: Workspace, window: Window) -> Observations:
    start, end = _bounds(workspace, window)
    rows = list(
        LeadDecision.objects.filter(
            workspace=workspace, decided_at__gte=start, decided_at__lt=end, decided_by__isnull=False
        ).values_list("decided_by_id", "mql_at", "decided_at")
    )
    hours = _business_hours(workspace, [r[1] for r in rows], [r[2] for r in rows])
    return [(int(r[0]), h) for r, h in zip(rows, hours, strict=True)]


READERS = {
    "acceptance_rate": acceptance,
    "feedback_response_hours": feedback_response,
    "feedback_raised": feedback_raised,
    "decision_hours": decision_time,
}


def programme_effect(programme: Programme, *, today: dt.date | None = None) -> Effect:
    """The effect table of the programme (no lines while no day after it has passed)."""
    workspace = programme.workspace
    windows = effect_windows(programme.starts_on, programme.ends_on, today or workspace.today())
    sides = groups(programme)
    if windows is None:
        return Effect(None, sides, [])
    lines = []
    for measure in MEASURES:
        read = READERS[measure.key]
        participants, others = sides[measure.side]
        lines.append(
            EffectLine(
                measure,
                effect_row(
                    measure.kind,
                    participants,
                    others,
                    read(workspace, windows.before),
                    read(workspace, windows.after),
                    windows.after.days,
                ),
            )
        )
    return Effect(windows, sides, lines)
