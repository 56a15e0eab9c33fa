"""Posts and credits made by hand for the wall's tests (the posts' own service is tested apart):
a deal won by bob (sales) with alice's campaign in its journey, and a milestone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from cordee.wins.models import CreditRole, PostKind, WinCredit, WinPost
from tests import factories as f

AT = dt.datetime(2026, 11, 12, 15, 30, tzinfo=dt.UTC)


def deal_post(
    workspace: Any, *, key: str = "deal:1", at: dt.datetime = AT, pod: Any = None, **extra: Any
) -> WinPost:
    return WinPost.objects.create(
        workspace=workspace,
        kind=PostKind.DEAL_WON,
        key=key,
        at=at,
        pod=pod,
        amount=extra.pop("amount", Decimal("48000.00")),
        currency="EUR",
        params={"title": extra.pop("title", "Affaire Lumière gagnée")},
        **extra,
    )


def credit(post: WinPost, user: Any, side: str, role: str, **extra: Any) -> WinCredit:
    return WinCredit.objects.create(post=post, user=user, side=side, role=role, **extra)


def both_sides_post(personas: Any, *, key: str = "deal:1", at: dt.datetime = AT) -> WinPost:
    """bob closed it, dave's SDR work aside; alice's two campaigns shared 5/12 and 7/12."""
    post = deal_post(personas.acme, key=key, at=at)
    webinar = f.CampaignFactory(workspace=personas.acme, name="Webinaire santé")
    salon = f.CampaignFactory(workspace=personas.acme, name="Salon Lyon")
    credit(post, personas.bob, "sales", CreditRole.OWNER)
    credit(
        post,
        personas.alice,
        "marketing",
        CreditRole.MARKETER,
        campaign=webinar,
        share=Decimal(5) / Decimal(12),
    )
    credit(
        post,
        personas.alice,
        "marketing",
        CreditRole.MARKETER,
        campaign=salon,
        share=Decimal(7) / Decimal(12),
    )
    return post


def milestone(workspace: Any, *, key: str = "goal:1", at: dt.datetime = AT) -> WinPost:
    return WinPost.objects.create(
        workspace=workspace,
        kind=PostKind.GOAL_REACHED,
        key=key,
        at=at,
        params={"title": "Objectif partagé atteint"},
    )
