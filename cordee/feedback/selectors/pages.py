"""Reads that only the feedback pages need (the shared ones are beside it): the nav
badge, "my feedback" with its unread answers, the merge picker and the form's choices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet

from cordee.core.actor import Actor
from cordee.crm.models import Account, Campaign
from cordee.feedback.models import FeedbackItem, FeedbackResponse, FeedbackStatus, FeedbackVote
from cordee.feedback.selectors.inbox import competitors, feedback_list
from cordee.funnel.models import Lead, Opportunity
from cordee.people.models import Notification

ANSWERED_KIND = "feedback.answered"  # the notification kind of services.feedback_respond


def new_items_count(*, actor: Actor) -> int:
    """How many items wait for triage (new, not merged): the nav badge of the marketing side;
    0 for those who do not triage (no query)."""
    if not actor.can("feedback.triage"):
        return 0
    return FeedbackItem.objects.filter(
        workspace=actor.workspace, status=FeedbackStatus.NEW, merged_into__isnull=True
    ).count()


def my_items(*, actor: Actor) -> QuerySet[FeedbackItem]:
    """What the actor raised (merged ones included, they point to their thread), newest first,
    with the answers of each (those of the thread for a merged item)."""
    answers = FeedbackResponse.objects.select_related("author", "campaign").order_by("created_at")
    return (
        feedback_list(actor=actor, params={"author": "me", "merged": "include"})
        .select_related("merged_into")
        .prefetch_related(
            Prefetch("responses", queryset=answers),
            Prefetch("merged_into__responses", queryset=answers),
        )
    )


def unread_answer_ids(*, actor: Actor) -> set[int]:
    """Ids of the answers whose notification the actor has not read yet."""
    keys = Notification.objects.filter(
        workspace=actor.workspace, user=actor.user, kind=ANSWERED_KIND, read_at__isnull=True
    ).values_list("key", flat=True)
    found = set()
    for key in keys:
        tail = key.rsplit(":", 1)[-1]
        if tail.isdigit():
            found.add(int(tail))
    return found


def merge_candidates(*, actor: Actor, item: FeedbackItem, q: str, limit: int = 8) -> list[Any]:
    """Threads an item may be merged into: not itself, not merged, matching ``q`` (title/text),
    most voted first."""
    qs = feedback_list(actor=actor, params={"q": q, "sort": "-votes"}).exclude(pk=item.pk)
    return list(qs[:limit])


def voted_ids(*, actor: Actor, item_ids: list[int]) -> set[int]:
    """Which of these items the actor has +1'd."""
    return set(
        FeedbackVote.objects.filter(user=actor.user, item_id__in=item_ids).values_list(
            "item_id", flat=True
        )
    )


def link_objects(*, actor: Actor, ids: Mapping[str, int | None]) -> dict[str, Any]:
    """The account / opportunity / lead / campaign a new item is linked to, from this workspace
    only (an unknown id is left out; the service names the field if it is submitted)."""

    models: dict[str, Any] = {
        "account": Account.objects.all(),
        "opportunity": Opportunity.objects.all(),
        "lead": Lead.objects.select_related("contact"),
        "campaign": Campaign.objects.all(),
    }
    found: dict[str, Any] = {}
    for name, pk in ids.items():
        if pk is not None and name in models:
            obj = models[name].filter(workspace=actor.workspace, pk=pk).first()
            if obj is not None:
                found[name] = obj
    return found


def competitor_options(*, actor: Actor) -> list[tuple[int, str]]:
    return [(c.pk, c.name) for c in competitors(actor=actor, active_only=True)]
