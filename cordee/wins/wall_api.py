"""Wins: the wall, reactions and kudos: REST endpoints under /api/v1/.

Every member reads the wall and the kudos; reacting and sending take ``win.react`` (every
member, executives included); another workspace's post is a 404. Lists answer
``{"items": [...], "count": n}`` with ``?limit=&offset=`` as every list of the API."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Query, Router

from cordee.core.actor import Actor
from cordee.core.api import current_actor
from cordee.core.schemas import PathId
from cordee.funnel.kpis import period_read
from cordee.wins import kudos as kudos_services
from cordee.wins import kudos_selectors
from cordee.wins import reactions as reaction_services
from cordee.wins import selectors as reads
from cordee.wins.models import Kudos
from cordee.wins.wall_schemas import (
    KudosCountsOut,
    KudosCountsQuery,
    KudosIn,
    KudosListQuery,
    KudosOut,
    KudosPage,
    WallListQuery,
    WallPage,
    WallPostOut,
    WallReactionsOut,
)

router = Router(tags=["Wins"])


def _named(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(getattr(obj, "name", obj))}


def _reactions(rows: list[reads.ReactionCount]) -> list[dict[str, Any]]:
    return [
        {"emoji": r.emoji, "symbol": r.symbol, "count": r.count, "mine": r.mine, "people": r.names}
        for r in rows
    ]


def post_out(actor: Actor, row: reads.PostRow) -> dict[str, Any]:
    post = row.post
    return {
        "id": post.pk,
        "kind": post.kind,
        "at": post.at,
        "title": row.title,
        "amount": post.amount,
        "currency": post.currency,
        "pod": _named(post.pod),
        "opportunity": post.opportunity_id,
        "goal": post.goal_id,
        "campaign": post.campaign_id,
        "sides": [
            {
                "side": side.side,
                "label": side.label,
                "people": [
                    {
                        "id": person.user.pk,
                        "name": str(person.user),
                        "credits": [
                            {
                                "role": line.role,
                                "label": line.label,
                                "campaign": _named(line.campaign),
                                "share_percent": (
                                    None if line.percent is None else str(line.percent)
                                ),
                            }
                            for line in person.lines
                        ],
                    }
                    for person in side.people
                ],
            }
            for side in row.sides
        ],
        "journey": [
            {"at": line.get("at"), "text": str(line.get("text", "")), "url": line.get("url", "")}
            for line in row.journey
        ],
        "reactions": _reactions(row.reactions),
        "kudos": row.kudos,
        "url": reverse("win_detail", args=[actor.workspace.slug, post.pk]),
    }


def _local_start(actor: Actor, day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0), tzinfo=actor.workspace.zone)


@router.get("/wins", response=WallPage, operation_id="wall_list")
def wall_list(request: HttpRequest, filters: Query[WallListQuery]) -> Any:
    """The wall, newest first: each post with its title, amount, the people credited by side
    (for marketers, the campaign and its share), the journey, reactions and kudos count."""
    actor = current_actor(request)
    rows = reads.wall_posts(
        actor,
        pod_id=filters.pod,
        kind=filters.kind,
        start=_local_start(actor, filters.since) if filters.since else None,
        end=_local_start(actor, filters.until + dt.timedelta(days=1)) if filters.until else None,
    )
    posts = list(reads.with_credits(rows)[filters.offset : filters.offset + filters.limit])
    return {
        "items": [post_out(actor, r) for r in reads.wall_rows(actor, posts)],
        "count": rows.count(),
    }


@router.get("/wins/{pk}", response=WallPostOut, operation_id="wall_get")
def wall_get(request: HttpRequest, pk: PathId) -> Any:
    actor = current_actor(request)
    (row,) = reads.wall_rows(actor, [reads.post_get(actor, pk)])
    return post_out(actor, row)


def _reaction_answer(actor: Actor, pk: int) -> dict[str, Any]:
    return {"post": pk, "reactions": _reactions(reads.reaction_counts(actor, [pk])[pk])}


@router.put(
    "/wins/{pk}/reactions/{emoji}", response=WallReactionsOut, operation_id="wall_reaction_put"
)
def wall_reaction_put(request: HttpRequest, pk: PathId, emoji: str) -> Any:
    """React with ``emoji`` (clap, party, rocket, heart, muscle); again changes nothing."""
    actor = current_actor(request)
    reaction_services.reaction_set(actor=actor, post_id=pk, emoji=emoji, on=True)
    return _reaction_answer(actor, pk)


@router.delete(
    "/wins/{pk}/reactions/{emoji}",
    response=WallReactionsOut,
    operation_id="wall_reaction_delete",
)
def wall_reaction_delete(request: HttpRequest, pk: PathId, emoji: str) -> Any:
    """Take one's ``emoji`` away; when it is not there, nothing changes."""
    actor = current_actor(request)
    reaction_services.reaction_set(actor=actor, post_id=pk, emoji=emoji, on=False)
    return _reaction_answer(actor, pk)


def kudos_out(kudos: Kudos) -> dict[str, Any]:
    return {
        "id": kudos.pk,
        "sender": {
            "id": kudos.sender_id,
            "name": str(kudos.sender),
            "side": kudos.sender_side,
        },
        "recipient": (
            {
                "id": kudos.recipient_id,
                "name": str(kudos.recipient),
                "side": kudos.recipient_side,
            }
            if kudos.recipient is not None
            else None
        ),
        "pod": _named(kudos.pod),
        "cross_side": kudos.cross_side,
        "message": kudos.message,
        "post": kudos.post_id,
        "created_at": kudos.created_at,
    }


@router.get("/kudos", response=KudosPage, operation_id="kudos_list")
def kudos_list(request: HttpRequest, filters: Query[KudosListQuery]) -> Any:
    """Kudos, newest first: received, sent, or the workspace's (``box``)."""
    actor = current_actor(request)
    rows = kudos_selectors.kudos_list(actor, box=filters.box, pod_id=filters.pod)
    page = rows[filters.offset : filters.offset + filters.limit]
    return {"items": [kudos_out(k) for k in page], "count": rows.count()}


@router.post("/kudos", response={201: KudosOut}, operation_id="kudos_create")
def kudos_create(request: HttpRequest, payload: KudosIn) -> Any:
    """Send kudos (``win.react``) to one person or one pod, never to oneself; the recipients
    are told in the app, the chat hooks of the pods concerned get ``kudos.sent``."""
    actor = current_actor(request)
    kudos = kudos_services.kudos_send(
        actor=actor,
        recipient_user_id=payload.recipient,
        pod_id=payload.pod,
        message=payload.message,
        post_id=payload.post,
    )
    return 201, kudos_out(kudos)


@router.get("/kudos/counts", response=KudosCountsOut, operation_id="kudos_counts")
def kudos_counts(request: HttpRequest, filters: Query[KudosCountsQuery]) -> Any:
    """How many kudos were sent in the period, and how many of them across the sides."""
    actor = current_actor(request)
    if filters.period:
        period = period_read(actor.workspace, filters.period)
        start, end, key = period.start, period.end, period.key
    else:
        start, end = kudos_selectors.month_of(actor.workspace)
        key = start.strftime("%Y-%m")
    counts = kudos_selectors.kudos_counts(actor.workspace, start, end, pod_id=filters.pod)
    return {
        "period": key,
        "start": start,
        "end": end,
        "total": counts.total,
        "cross_side": counts.cross_side,
    }
