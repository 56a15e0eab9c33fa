"""Reading the wins wall (permission-scoped: every member of the workspace reads it).

``wall_feed`` is what every page showing wins reads (the wall, the home page, a pod's page,
the executive report): the posts not withdrawn, newest first, with their credits.
``wall_rows`` dresses a page of posts for showing: the people credited grouped by side, the
reactions counted (with the reader's own and who reacted), the kudos about each post — in a
constant number of queries whatever the number of posts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.core.schemas import MAX_ID
from cordee.crm.models import Campaign
from cordee.tenancy.models import User
from cordee.tenancy.roles import Side
from cordee.wins import story
from cordee.wins.models import CreditRole, Kudos, Reaction, WinCredit, WinPost

SIDE_ORDER = (Side.MARKETING.value, Side.SALES.value, Side.OTHER.value)


def wall_posts(
    actor: Actor,
    *,
    pod_id: int | None = None,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    kind: str | None = None,
) -> QuerySet[WinPost]:
    """The workspace's posts not withdrawn, newest first; a pod's (posted for the pod, or
    crediting one of its members); between ``start`` (included) and ``end`` (excluded); of one
    ``kind``."""
    rows = WinPost.objects.filter(workspace=actor.workspace, withdrawn_at__isnull=True)
    if pod_id is not None:
        crediting = WinCredit.objects.filter(
            post__workspace=actor.workspace, user__pod_memberships__pod_id=pod_id
        ).values("post_id")
        rows = rows.filter(Q(pod_id=pod_id) | Q(pk__in=crediting))
    if start is not None:
        rows = rows.filter(at__gte=start)
    if end is not None:
        rows = rows.filter(at__lt=end)
    if kind:
        rows = rows.filter(kind=kind)
    return rows.order_by("-at", "-id")


def with_credits(rows: QuerySet[WinPost]) -> QuerySet[WinPost]:
    """``rows`` with what showing them reads, fetched once for all."""
    return rows.select_related("opportunity", "campaign", "pod", "goal").prefetch_related(
        Prefetch(
            "credits",
            queryset=WinCredit.objects.select_related("user", "campaign").order_by(
                "side", "user__last_name", "user__first_name", "user_id", "pk"
            ),
        )
    )


def wall_feed(actor: Actor, *, pod_id: int | None = None, limit: int = 20) -> list[WinPost]:
    """The latest ``limit`` posts with their credits and people."""
    return list(with_credits(wall_posts(actor, pod_id=pod_id))[:limit])


def post_get(actor: Actor, pk: Any) -> WinPost:
    """A post on the actor's workspace's wall, with its credits; 404 otherwise (another
    workspace's, or withdrawn)."""
    try:
        key = int(pk)
    except (TypeError, ValueError):
        key = 0
    if not 1 <= key <= MAX_ID:  # an id no row can have: never a database overflow
        raise NotFound(_("No such win on this wall."))
    post = with_credits(wall_posts(actor)).filter(pk=key).first()
    if post is None:
        raise NotFound(_("No such win on this wall."))
    return post


# -- a post dressed for showing ------------------------------------------------------------------


@dataclass(frozen=True)
class CreditLine:
    """Why a person is credited: their role, and for a marketer the campaign and its share
    (the attribution model's share of the deal, in percent of the whole)."""

    role: str
    label: str
    campaign: Campaign | None
    percent: Decimal | None


@dataclass
class Credited:
    user: User
    lines: list[CreditLine] = field(default_factory=list)


@dataclass(frozen=True)
class SideCredits:
    side: str
    label: str
    people: list[Credited]


@dataclass(frozen=True)
class ReactionCount:
    emoji: str
    symbol: str
    count: int
    mine: bool
    names: list[str]


@dataclass(frozen=True)
class PostRow:
    post: WinPost
    title: str
    journey: list[dict[str, Any]]
    sides: list[SideCredits]
    reactions: list[ReactionCount]
    kudos: int


def share_percent(share: Decimal | None) -> Decimal | None:
    """A share (0–1) as a percent with one decimal: 0.4166… → 41.7."""
    if share is None:
        return None
    return (share * 100).quantize(Decimal("0.1"))


def credit_sides(post: WinPost) -> list[SideCredits]:
    """The people ``post`` credits, by side (marketing, sales, other), each once with all the
    reasons they are credited. Reads the prefetched credits."""
    labels = dict(Side.choices)
    roles = dict(CreditRole.choices)
    by_side: dict[str, dict[int, Credited]] = defaultdict(dict)
    for credit in post.credits.all():
        person = by_side[credit.side].setdefault(credit.user_id, Credited(user=credit.user))
        person.lines.append(
            CreditLine(
                role=credit.role,
                label=str(roles.get(credit.role, credit.role)),
                campaign=credit.campaign,
                percent=share_percent(credit.share),
            )
        )
    order = [s for s in SIDE_ORDER if s in by_side] + sorted(set(by_side) - set(SIDE_ORDER))
    return [
        SideCredits(side=s, label=str(labels.get(s, s)), people=list(by_side[s].values()))
        for s in order
    ]


def reaction_counts(actor: Actor, post_ids: list[int]) -> dict[int, list[ReactionCount]]:
    """Each post's reactions, every emoji listed (0 included) in ``Reaction.Emoji``'s order:
    how many, whether the actor's is among them, who reacted. One query."""
    found: dict[tuple[int, str], list[Reaction]] = defaultdict(list)
    rows = (
        Reaction.objects.filter(post_id__in=post_ids)
        .select_related("user")
        .order_by("created_at", "pk")
    )
    for reaction in rows:
        found[(reaction.post_id, reaction.emoji)].append(reaction)
    return {
        post_id: [
            ReactionCount(
                emoji=code,
                symbol=str(symbol),
                count=len(found[(post_id, code)]),
                mine=any(r.user_id == actor.user.pk for r in found[(post_id, code)]),
                names=[str(r.user) for r in found[(post_id, code)]],
            )
            for code, symbol in Reaction.Emoji.choices
        ]
        for post_id in post_ids
    }


def wall_rows(actor: Actor, posts: list[WinPost]) -> list[PostRow]:
    """``posts`` (read through ``with_credits``) with their title, journey, credits by side,
    reactions and how many kudos thanked someone for them."""
    ids = [p.pk for p in posts]
    reactions = reaction_counts(actor, ids)
    kudos = dict(
        Kudos.objects.filter(workspace=actor.workspace, post_id__in=ids)
        .values_list("post_id")
        .annotate(n=Count("id"))
        .values_list("post_id", "n")
    )
    return [
        PostRow(
            post=post,
            title=story.post_title(post),
            journey=story.journey_lines(post, slug=actor.workspace.slug),
            sides=credit_sides(post),
            reactions=reactions[post.pk],
            kudos=kudos.get(post.pk, 0),
        )
        for post in posts
    ]
