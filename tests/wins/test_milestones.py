"""Milestones on the wall: a shared goal reached, a pod's first deal from a co-designed
campaign."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from cordee.codesign.models import BriefVersion, LaunchOverride, Review, ReviewState
from cordee.crm.models import CampaignStatus
from cordee.funnel.models import Goal
from cordee.people.models import PodMember
from cordee.wins.models import CreditRole, PostKind, WinCredit, WinPost
from cordee.wins.posts import posts_scan
from tests.wins.test_posts import _at, make_journey


def _goal(personas, *, scope="workspace", target="1", kpi="deals_won", owners=True):
    return Goal.objects.create(
        workspace=personas.acme,
        kpi=kpi,
        scope=scope,
        period="2026-Q2",
        period_start=dt.date(2026, 4, 1),
        period_end=dt.date(2026, 6, 30),
        target=Decimal(target),
        marketing_owner=personas.alice if owners else None,
        sales_owner=personas.dave if owners else None,
    )


def test_a_shared_goal_reached_is_posted_once_crediting_its_owners(personas):
    make_journey(personas)  # one deal won on 10 April 2026
    reached = _goal(personas, target="1")
    _goal(personas, target="2")  # 1 deal of 2: not reached
    posts_scan(personas.acme, now=_at(personas.acme, 2026, 4, 10, 16))
    post = WinPost.objects.get(kind=PostKind.GOAL_REACHED)
    assert post.key == f"goal:{reached.pk}:2026-Q2"
    assert post.goal_id == reached.pk
    credits = set(WinCredit.objects.filter(post=post).values_list("user_id", "role", "side"))
    assert credits == {
        (personas.alice.pk, CreditRole.OWNER, "marketing"),
        (personas.dave.pk, CreditRole.OWNER, "sales"),
    }
    posts_scan(personas.acme, now=_at(personas.acme, 2026, 4, 11, 16))
    assert WinPost.objects.filter(kind=PostKind.GOAL_REACHED).count() == 1


def test_a_pods_goal_credits_its_members_too(personas):
    j = make_journey(personas)
    PodMember.objects.create(pod=j["pod"], user=personas.bob)
    PodMember.objects.create(pod=j["pod"], user=personas.alice)  # also an owner: once
    j["deal"].pod = j["pod"]
    j["deal"].save()
    goal = _goal(personas, scope=f"pod:{j['pod'].pk}")
    posts_scan(personas.acme, now=_at(personas.acme, 2026, 4, 10, 16))
    post = WinPost.objects.get(kind=PostKind.GOAL_REACHED)
    assert post.goal_id == goal.pk and post.pod_id == j["pod"].pk
    credits = set(WinCredit.objects.filter(post=post).values_list("user_id", "role"))
    assert credits == {
        (personas.alice.pk, CreditRole.OWNER),
        (personas.dave.pk, CreditRole.OWNER),
        (personas.bob.pk, CreditRole.POD),
    }


def test_a_persons_goal_is_never_posted(personas):
    make_journey(personas)
    _goal(personas, scope=f"person:{personas.bob.pk}")
    posts_scan(personas.acme, now=_at(personas.acme, 2026, 4, 10, 16))
    assert not WinPost.objects.filter(kind=PostKind.GOAL_REACHED).exists()


def _codesigned(personas, j, *, decided_day=20, override=False):
    """Campaign A's brief targets the pod, whose reviewer approved it on ``decided_day`` of
    February; A launched on its start date, 1 March 2026."""
    ws, a, pod = personas.acme, j["a"], j["pod"]
    a.status = CampaignStatus.ACTIVE
    a.save()
    BriefVersion.objects.create(workspace=ws, campaign=a, number=1, pods=[pod.pk])
    decided = dt.datetime(2026, 2, 1, 10, tzinfo=ws.zone) + dt.timedelta(days=decided_day - 1)
    Review.objects.create(
        workspace=ws,
        campaign=a,
        pod=pod,
        reviewer=personas.bob,
        version=1,
        requested_at=decided - dt.timedelta(days=1),
        due_at=decided + dt.timedelta(days=1),
        state=ReviewState.APPROVED,
        decided_at=decided,
        decided_version=1,
    )
    if override:
        LaunchOverride.objects.create(
            workspace=ws,
            campaign=a,
            version=1,
            reason="x" * 40,
            by=personas.mia,
            created_at=decided,
        )
    PodMember.objects.create(pod=pod, user=personas.bob)
    PodMember.objects.create(pod=pod, user=personas.alice)


def test_a_pods_first_deal_from_a_codesigned_campaign_is_posted_once(personas):
    j = make_journey(personas)
    _codesigned(personas, j)
    posts_scan(personas.acme, now=_at(personas.acme, 2026, 4, 10, 16))
    post = WinPost.objects.get(kind=PostKind.POD_FIRST_CODESIGNED)
    assert post.key == f"podfirst:{j['pod'].pk}"
    assert (post.opportunity_id, post.campaign_id) == (j["deal"].pk, j["a"].pk)
    credits = set(WinCredit.objects.filter(post=post).values_list("user_id", "role", "side"))
    assert credits == {
        (personas.bob.pk, CreditRole.POD, "sales"),
        (personas.alice.pk, CreditRole.POD, "marketing"),
    }
    posts_scan(personas.acme, now=_at(personas.acme, 2026, 4, 11, 16))
    assert WinPost.objects.filter(kind=PostKind.POD_FIRST_CODESIGNED).count() == 1


def test_an_approval_after_launch_is_no_codesign(personas):
    j = make_journey(personas)
    _codesigned(personas, j, decided_day=40)  # 12 March, after the launch of 1 March
    posts_scan(personas.acme, now=_at(personas.acme, 2026, 4, 10, 16))
    assert not WinPost.objects.filter(kind=PostKind.POD_FIRST_CODESIGNED).exists()


def test_a_launch_override_is_no_codesign(personas):
    j = make_journey(personas)
    _codesigned(personas, j, override=True)
    posts_scan(personas.acme, now=_at(personas.acme, 2026, 4, 10, 16))
    assert not WinPost.objects.filter(kind=PostKind.POD_FIRST_CODESIGNED).exists()
