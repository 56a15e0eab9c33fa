"""Writing posts: a batch of posts and their credits in one transaction, then — for the recent
ones — a notification to each person credited and, after the commit, ``WebhookEvent.WIN_POSTED``
to the chat tools, routed per pod (``integrations.services.webhook_subscribers``: a subscription
naming pods carries only the posts of those pods), its text in the workspace's language.

A post is **announced** when it happened within ``ANNOUNCE_WITHIN`` of the scan: older ones
(a wall switched on over a year of history, a lowered threshold, the demo's backdated posts) are
written quietly, so that a chat channel is not flooded with last year's deals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse

from cordee.integrations.models import WebhookEvent, WebhookSubscription
from cordee.integrations.services import webhook_emit, webhook_subscribers
from cordee.people.mail import absolute_url
from cordee.people.services import notification_new, notifications_send, speaking_to
from cordee.tenancy.models import Membership, Workspace
from cordee.tenancy.roles import side_of
from cordee.wins.models import PostKind, WinCredit, WinPost
from cordee.wins.notices import CREDITED
from cordee.wins.story import post_title

ANNOUNCE_WITHIN = dt.timedelta(days=2)

Draft = tuple[WinPost, list[WinCredit]]


def sides_of(workspace: Workspace, user_ids: set[int]) -> dict[int, str]:
    """Each person's side in the workspace today (their role's), one query."""
    return {
        user_id: side_of(role)
        for user_id, role in Membership.objects.filter(
            workspace=workspace, user_id__in=user_ids
        ).values_list("user_id", "role")
    }


def post_url(post: WinPost, slug: str) -> str:
    """Where a post leads: its page on the wins wall (the story, both sides, the reactions)."""
    return reverse("win_detail", args=[slug, post.pk])


def posts_publish(workspace: Workspace, drafts: Sequence[Draft], now: dt.datetime) -> list[WinPost]:
    """Write the posts and their credits (one transaction); tell the people credited and the
    chat tools of the recent ones. [] when another scan wrote them first (the unique key)."""
    if not drafts:
        return []
    for post, _credits in drafts:  # kept only when history is replayed (the demo)
        post.created_at = post.updated_at = now
    try:
        with transaction.atomic():
            posts = WinPost.objects.bulk_create([post for post, _credits in drafts])
            credits = []
            for post, (_draft, post_credits) in zip(posts, drafts, strict=True):
                for credit in post_credits:
                    credit.post = post
                    credits.append(credit)
            WinCredit.objects.bulk_create(credits)
            recent = [p for p in posts if p.at >= now - ANNOUNCE_WITHIN]
            _notify(workspace, recent, drafts, now)
            transaction.on_commit(partial(_announce, workspace, recent, now))
    except IntegrityError:
        return []
    return posts


def _notify(
    workspace: Workspace, recent: list[WinPost], drafts: Sequence[Draft], now: dt.datetime
) -> None:
    ids = {p.pk for p in recent}
    notifications = []
    for post, credits in drafts:
        if post.pk not in ids:
            continue
        url = post_url(post, workspace.slug)
        told: set[int] = set()
        for credit in credits:
            if credit.user_id in told:
                continue
            told.add(credit.user_id)
            notification = notification_new(
                workspace=workspace,
                user=credit.user,
                kind="wins.credited",
                key=f"wins.credited:{post.key}",
                code=CREDITED,
                params=_notice_params(post, credit),
                url=url,
            )
            # when it happened: kept only when history is replayed (the demo)
            notification.created_at = min(post.at, now)
            notifications.append(notification)
    if notifications:
        notifications_send(notifications=notifications)


def _notice_params(post: WinPost, credit: WinCredit) -> dict[str, Any]:
    p = post.params or {}
    params: dict[str, Any] = {"kind": post.kind, "role": credit.role}
    if post.kind == PostKind.DEAL_WON:
        params |= {
            "deal": (p.get("deal") or {}).get("name", ""),
            "amount": str(post.amount or 0),
            "currency": post.currency,
        }
    elif post.kind == PostKind.GOAL_REACHED:
        goal = p.get("goal") or {}
        params |= {"kpi_label": p.get("kpi_label", ""), "period": goal.get("period", "")}
    else:
        params |= {
            "pod": (p.get("pod") or {}).get("name", ""),
            "campaign": (p.get("campaign") or {}).get("name", ""),
        }
    return params


def webhook_data(post: WinPost, credits: Sequence[WinCredit]) -> dict[str, Any]:
    """What a chat message's JSON carries besides its text."""
    return {
        "post_id": post.pk,
        "kind": post.kind,
        "key": post.key,
        "at": post.at.isoformat(),
        "opportunity_id": post.opportunity_id,
        "goal_id": post.goal_id,
        "pod_id": post.pod_id,
        "campaign_id": post.campaign_id,
        "amount": None if post.amount is None else str(post.amount),
        "currency": post.currency,
        "credits": [
            {
                "user_id": c.user_id,
                "side": c.side,
                "role": c.role,
                "campaign_id": c.campaign_id,
                "share": None if c.share is None else str(c.share),
            }
            for c in credits
        ],
    }


def _announce(workspace: Workspace, posts: list[WinPost], now: dt.datetime) -> None:
    """After the commit: one ``win.posted`` event per post, to the subscriptions its pod's
    routing reaches (read once per pod of the batch)."""
    if not posts:
        return
    credits: dict[int, list[WinCredit]] = {}
    for credit in WinCredit.objects.filter(post__in=posts).order_by("id"):
        credits.setdefault(credit.post_id, []).append(credit)
    routed: dict[int | None, list[WebhookSubscription]] = {}
    for post in posts:
        if post.pod_id not in routed:
            routed[post.pod_id] = webhook_subscribers(
                workspace_id=workspace.pk,
                event=WebhookEvent.WIN_POSTED,
                pod_ids=[post.pod_id] if post.pod_id else None,
            )
        subscriptions = routed[post.pod_id]
        if not subscriptions:
            continue
        with speaking_to(workspace):  # chat tools speak to everyone: the workspace's language
            text = post_title(post)
        url = post_url(post, workspace.slug)
        webhook_emit(
            workspace=workspace,
            event=WebhookEvent.WIN_POSTED,
            text=text,
            data=webhook_data(post, credits.get(post.pk, [])),
            url=absolute_url(url) if url else "",
            subscriptions=subscriptions,
            pod_ids=[post.pod_id] if post.pod_id else None,
            at=now,
        )
