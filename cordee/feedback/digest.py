"""The weekly field-feedback digest, per person: for marketing (and everyone outside sales),
the week's new items and the hottest (most +1s received that week); for sales, the answers
to what they raised or backed. Delivered in the app (one notification per person per week: the
key makes it idempotent), by e-mail to those with an address (once, with the notification),
and once per workspace and week as the ``feedback.digest`` webhook event.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from cordee.feedback.models import FeedbackDigestRun, FeedbackItem, FeedbackResponse
from cordee.feedback.notices import DIGEST_MARKETING, DIGEST_SALES
from cordee.integrations.models import WebhookEvent
from cordee.integrations.services import webhook_emit
from cordee.people.models import Notification
from cordee.people.notices import notice_render
from cordee.people.services import notification_new, notification_send, speaking_to
from cordee.tenancy.models import Membership, User, Workspace
from cordee.tenancy.roles import Side, side_of

log = logging.getLogger(__name__)
HOTTEST = 5


def last_week_start(workspace: Workspace, now: dt.datetime | None = None) -> dt.date:
    """The Monday of the last complete week, in the workspace's time zone."""
    today = workspace.today(now)
    return today - dt.timedelta(days=today.weekday() + 7)


@dataclass
class Digest:
    new: list[FeedbackItem] = field(default_factory=list)
    hottest: list[tuple[FeedbackItem, int]] = field(default_factory=list)


def _bounds(workspace: Workspace, week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = workspace.zone
    start = dt.datetime.combine(week_start, dt.time(0), tzinfo=tz)
    return start, start + dt.timedelta(days=7)


def marketing_digest(workspace: Workspace, week_start: dt.date) -> Digest:
    """The week's new threads (oldest first) and the ``HOTTEST`` items by +1s received in the
    week (ties: the earlier item first)."""
    start, end = _bounds(workspace, week_start)
    new = list(
        FeedbackItem.objects.filter(
            workspace=workspace,
            submitted_at__gte=start,
            submitted_at__lt=end,
            merged_into__isnull=True,
        ).order_by("submitted_at", "id")
    )
    hot = (
        FeedbackItem.objects.filter(workspace=workspace, merged_into__isnull=True)
        .annotate(
            week_votes=Count(
                "votes", filter=Q(votes__created_at__gte=start, votes__created_at__lt=end)
            )
        )
        .filter(week_votes__gt=0)
        .order_by("-week_votes", "submitted_at", "id")[:HOTTEST]
    )
    return Digest(new=new, hottest=[(item, item.week_votes) for item in hot])  # type: ignore[attr-defined]


def answers_of_week(workspace: Workspace, week_start: dt.date) -> dict[int, list[FeedbackResponse]]:
    """user id → the week's answers to items they raised, backed, or saw merged into another."""
    start, end = _bounds(workspace, week_start)
    found: dict[int, list[FeedbackResponse]] = {}
    responses = (
        FeedbackResponse.objects.filter(
            workspace=workspace, created_at__gte=start, created_at__lt=end
        )
        .select_related("item")
        .prefetch_related("item__votes", "item__merged_items")
        .order_by("created_at", "id")
    )
    for response in responses:
        people = {response.item.author_id}
        people |= {v.user_id for v in response.item.votes.all()}
        people |= {m.author_id for m in response.item.merged_items.all()}
        for user_id in people - {None, response.author_id}:
            found.setdefault(int(user_id), []).append(response)  # type: ignore[arg-type]
    return found


def _marketing_params(digest: Digest) -> dict[str, Any]:
    return {
        "n": len(digest.new),
        "new": [item.title for item in digest.new[:20]],
        "hottest": [[item.title, votes] for item, votes in digest.hottest],
    }


def _sales_params(answers: list[FeedbackResponse]) -> dict[str, Any]:
    return {
        "n": len(answers),
        "answers": [[r.item.title, r.what_changed or r.text] for r in answers],
    }


def digest_send(*, workspace: Workspace, week_start: dt.date) -> int:
    """Send the digest of the week starting ``week_start`` to everyone who has something in it.
    Idempotent: a person already notified for that week is skipped. Returns how many people
    were newly notified."""

    key = f"feedback.digest:{workspace.pk}:{week_start.isoformat()}"
    digest = marketing_digest(workspace, week_start)
    answers = answers_of_week(workspace, week_start)
    already = set(Notification.objects.filter(key=key).values_list("user_id", flat=True))
    members = Membership.objects.filter(workspace=workspace, is_active=True).select_related("user")
    sent = 0
    for membership in members.order_by("id"):
        user: User = membership.user
        if user.pk in already or not user.is_active:
            continue
        if side_of(membership.role) == Side.SALES:
            mine = answers.get(user.pk, [])
            if not mine:
                continue
            code, params = DIGEST_SALES, _sales_params(mine)
        else:
            if not digest.new and not digest.hottest:
                continue
            code, params = DIGEST_MARKETING, _marketing_params(digest)
        notification = notification_new(
            workspace=workspace,
            user=user,
            kind="feedback.digest",
            key=key,
            code=code,
            params=params,
        )
        if not notification_send(notification=notification):
            continue  # another run sent it meanwhile, or the person turned digests off
        sent += 1
    _, created = FeedbackDigestRun.objects.get_or_create(
        workspace=workspace,
        week_start=week_start,
        defaults={"sent_at": timezone.now(), "recipients": sent},
    )
    if created and (digest.new or digest.hottest or answers):
        with speaking_to(workspace):
            title, body = notice_render(DIGEST_MARKETING, _marketing_params(digest))
        webhook_emit(
            workspace=workspace,
            event=WebhookEvent.FEEDBACK_DIGEST,
            text=f"{title}\n{body}"[:3000],
            data={
                "week_start": week_start.isoformat(),
                "new": [{"id": i.pk, "title": i.title, "kind": i.kind} for i in digest.new],
                "hottest": [{"id": i.pk, "title": i.title, "votes": v} for i, v in digest.hottest],
                "answers": len({r.pk for rs in answers.values() for r in rs}),
            },
        )
    return sent
