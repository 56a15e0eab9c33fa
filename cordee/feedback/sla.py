"""The feedback-response SLA: every item acknowledged within N business days of the workspace
calendar — the same calendar and clock as the funnel's SLAs (``cordee.core.business_time``,
``cordee.funnel.sla.workspace_calendar``), N × one business day like the funnel's attempts
window. An item is acknowledged by its first move out of *new*: a status move (acknowledged,
planned, done, won't do — each stamps ``acknowledged_at``, so does a merge), a close or an
answer (``analytics.feedback_health.first_move``). Breaches are recorded once and announced once
(conditional UPDATE on ``notified_at``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from django.db.models import Q, QuerySet
from django.utils import timezone

from cordee.analytics import feedback_health as health
from cordee.core.business_time import BusinessClock, from_epoch
from cordee.feedback.links import item_url
from cordee.feedback.models import FeedbackItem, FeedbackSettings, FeedbackSlaBreach
from cordee.feedback.notices import FEEDBACK_SLA_BREACH
from cordee.funnel.notify import BreachAnnouncer
from cordee.funnel.sla import business_day_seconds, workspace_calendar
from cordee.integrations.models import WebhookEvent
from cordee.tenancy.models import Membership, User, Workspace
from cordee.tenancy.roles import Role

LOOKBACK = dt.timedelta(days=120)


def acknowledge_within_days(workspace: Workspace) -> int:
    row = FeedbackSettings.objects.filter(workspace=workspace).first()
    return row.acknowledge_within_days if row else 2


# the columns whose earliest instant is an item's first move out of "new"
MOVE_FIELDS = ("acknowledged_at", "first_response_at", "closed_at")


def still_waiting(prefix: str = "") -> Q:
    """Items that have not left *new* (no move, no close, no answer): the ORM twin of
    ``first_move(...) == NEVER``; ``prefix`` reaches the item through a relation ("item__")."""
    return Q(**{f"{prefix}{name}__isnull": True for name in MOVE_FIELDS})


def epochs(values: Sequence[dt.datetime | None]) -> health.IntArray:
    """Instants as UTC epoch seconds, ``NEVER`` for None."""
    return np.asarray(
        [int(v.timestamp()) if v is not None else health.NEVER for v in values], dtype=np.int64
    )


@dataclass(frozen=True)
class AckTerms:
    """The commitment and the clock it runs on, over a span of submissions."""

    clock: BusinessClock
    business_day: int  # seconds in one business day of the calendar
    days: int

    @property
    def business_seconds(self) -> int:
        return self.days * self.business_day


def acknowledge_terms(
    workspace: Workspace, first: dt.datetime, last: dt.datetime, days: int | None = None
) -> AckTerms:
    """The workspace's commitment (or ``days``) on a business clock covering submissions from
    ``first`` to ``last`` and their due instants."""
    calendar = workspace_calendar(workspace)
    days = acknowledge_within_days(workspace) if days is None else days
    clock = BusinessClock.around(calendar, first, last, margin_days=7 * days + 60)
    return AckTerms(clock=clock, business_day=business_day_seconds(calendar), days=days)


def acknowledge_due(
    workspace: Workspace, submitted: list[dt.datetime], days: int | None = None
) -> list[dt.datetime]:
    """When each item must be acknowledged by, on the workspace's business calendar."""
    if not submitted:
        return []
    terms = acknowledge_terms(workspace, min(submitted), max(submitted), days)
    starts = epochs(submitted)
    seconds = np.full(len(starts), terms.business_seconds, dtype=np.int64)
    return [from_epoch(int(x)) for x in terms.clock.due(starts, seconds)]


def feedback_sla_check(*, workspace: Workspace, now: dt.datetime | None = None) -> int:
    """Record every acknowledgement breach not yet recorded among the items of the last
    ``LOOKBACK`` days: the due instant passed before the item's first move out of *new* (merged
    items are acknowledged by their merge). An item that moved late is recorded as already
    announced (nothing left to chase). Returns how many were recorded."""
    now = now or timezone.now()
    rows = list(
        FeedbackItem.objects.filter(
            workspace=workspace,
            submitted_at__gte=now - LOOKBACK,
            submitted_at__lte=now,
            sla_breach__isnull=True,
        ).values_list("pk", "submitted_at", *MOVE_FIELDS)
    )
    if not rows:
        return 0
    submitted = [r[1] for r in rows]
    terms = acknowledge_terms(workspace, min(submitted), now)
    moved = health.first_move(*(epochs([r[2 + k] for r in rows]) for k in range(len(MOVE_FIELDS))))
    clocks = health.acknowledge_clocks(
        clock=terms.clock,
        now=int(now.timestamp()),
        submitted_at=epochs(submitted),
        acknowledged_at=moved,
        business_seconds=terms.business_seconds,
    )
    breaches = [
        FeedbackSlaBreach(
            workspace=workspace,
            item_id=rows[i][0],
            due_at=from_epoch(int(clocks.due[i])),
            detected_at=now,
            notified_at=None if clocks.waiting[i] else now,
        )
        for i in np.flatnonzero(clocks.breached)
    ]
    FeedbackSlaBreach.objects.bulk_create(breaches, ignore_conflicts=True)
    return len(breaches)


def breach_notice(breach: FeedbackSlaBreach) -> tuple[str, dict[str, Any]]:
    """The words for people and chat tools: the item and when it was due, in the workspace's
    time zone."""
    due = breach.workspace.now_local(breach.due_at).isoformat()
    return FEEDBACK_SLA_BREACH, {"title": breach.item.title, "due": due}


class FeedbackBreachAnnouncer(BreachAnnouncer):
    """Breaches of items still waiting (no move out of *new*): to the item's owner or, with no
    owner, to the marketing managers."""

    event = WebhookEvent.FEEDBACK_SLA_BREACH

    def pending(self) -> QuerySet[Any]:
        return FeedbackSlaBreach.objects.filter(
            still_waiting("item__"), workspace_id=self.workspace_id, notified_at__isnull=True
        ).select_related("workspace", "item__workspace", "item__owner")

    @cached_property
    def managers(self) -> list[User]:
        return [
            m.user
            for m in Membership.objects.select_related("user").filter(
                workspace_id=self.workspace_id, is_active=True, role=Role.MARKETING_MANAGER
            )
        ]

    def recipients(self, breach: FeedbackSlaBreach) -> list[User]:
        return [breach.item.owner] if breach.item.owner else self.managers

    def notice(self, breach: FeedbackSlaBreach) -> tuple[str, dict[str, Any]]:
        return breach_notice(breach)

    def url(self, breach: FeedbackSlaBreach) -> str:

        return item_url(breach.item)

    def data(self, breach: FeedbackSlaBreach) -> dict[str, Any]:
        item = breach.item
        return {
            "item_id": item.pk,
            "title": item.title,
            "due_at": breach.due_at.isoformat(),
            "owner": item.owner.email if item.owner else None,
        }


def feedback_breaches_notify(*, workspace_id: int, now: dt.datetime | None = None) -> int:
    """Announce the workspace's unannounced breaches of items still waiting."""
    return FeedbackBreachAnnouncer(workspace_id).announce(now)
