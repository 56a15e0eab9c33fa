"""Posts of won deals: a hand-made journey credited on both sides with the shares of the
period's model, the threshold, withdrawal, idempotence and another workspace."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from cordee.attribution.models import AttributionLock, Dimension
from cordee.funnel.models import (
    DecisionKind,
    LeadAssignment,
    LeadDecision,
    LeadStageChange,
    OpportunityStage,
    OpportunityStageChange,
    Stage,
    TouchKind,
)
from cordee.integrations.models import WebhookDelivery, WebhookEvent, WebhookSubscription
from cordee.people.models import Notification, PodMember
from cordee.wins import story
from cordee.wins.models import CreditRole, PostKind, WallSettings, WinCredit, WinPost
from cordee.wins.posts import posts_scan
from tests import factories as f

WON_AT = (2026, 4, 10, 15, 0)


def _at(ws, *parts):
    return dt.datetime(*parts, tzinfo=ws.zone)


def _lock(ws, model, *, signed=True):
    now = timezone.now()
    return AttributionLock.objects.create(
        workspace=ws,
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 12, 31),
        dimension=Dimension.CAMPAIGN,
        model=model,
        marketing_signed_at=now if signed else None,
        sales_signed_at=now if signed else None,
    )


def make_journey(personas, *, amount=Decimal("24000.00"), currency="", ws=None):
    """Campaign A (alice's), campaign B (mia's); touches A, B, A; MQL, accepted by the SDR sam
    who owned the lead; opportunity created by bob, won on 10 April 2026."""
    ws = ws or personas.acme
    sam = f.UserFactory(email="sam@example.fr", first_name="Sam", last_name="Test")
    f.MembershipFactory(workspace=ws, user=sam, role="sdr")
    pod = f.PodFactory(workspace=ws, name="Pod Nord")
    a = f.CampaignFactory(workspace=ws, name="Webinaire A", owner=personas.alice)
    b = f.CampaignFactory(workspace=ws, name="Salon B", owner=personas.mia)
    lead = f.LeadFactory(workspace=ws, source_campaign=a, pod=pod, owner=personas.bob)
    for campaign, day in ((a, 2), (b, 10), (a, 15)):
        f.TouchpointFactory(
            workspace=ws,
            contact=lead.contact,
            lead=lead,
            campaign=campaign,
            kind=TouchKind.WEB_VISIT,
            occurred_at=_at(ws, 2026, 3, day, 10),
        )
    mql_at = _at(ws, 2026, 3, 16, 9)
    LeadStageChange.objects.create(
        workspace=ws, lead=lead, from_stage=Stage.INQUIRY, to_stage=Stage.MQL, at=mql_at
    )
    LeadAssignment.objects.create(workspace=ws, lead=lead, to_owner=sam, at=mql_at)
    sal_at = _at(ws, 2026, 3, 17, 11)
    LeadStageChange.objects.create(
        workspace=ws, lead=lead, from_stage=Stage.MQL, to_stage=Stage.SAL, at=sal_at, actor=sam
    )
    LeadDecision.objects.create(
        workspace=ws,
        lead=lead,
        mql_at=mql_at,
        kind=DecisionKind.ACCEPT,
        decided_by=sam,
        decided_at=sal_at,
    )
    # the lead went to the rep later: the SDR is who owned it when it was converted
    LeadAssignment.objects.create(
        workspace=ws, lead=lead, from_owner=sam, to_owner=personas.bob, at=_at(ws, 2026, 4, 2, 9)
    )
    deal = f.OpportunityFactory(
        workspace=ws,
        lead=lead,
        owner=personas.bob,
        amount=amount,
        currency=currency,
        stage=OpportunityStage.WON,
        created_on=dt.date(2026, 3, 20),
        close_date=dt.date(2026, 4, 10),
        primary_campaign=a,
    )
    OpportunityStageChange.objects.create(
        workspace=ws,
        opportunity=deal,
        from_stage=OpportunityStage.NEGOTIATION,
        to_stage=OpportunityStage.WON,
        at=_at(ws, *WON_AT),
    )
    return {"sam": sam, "pod": pod, "a": a, "b": b, "lead": lead, "deal": deal}


def _scan(ws, *parts):
    return posts_scan(ws, now=_at(ws, *parts))


def test_a_won_deal_credits_both_sides_with_the_shares_of_the_locked_model(personas):
    j = make_journey(personas)
    _lock(personas.acme, "position")
    posts = _scan(personas.acme, 2026, 4, 10, 16)
    assert len(posts) == 1
    post = WinPost.objects.get(workspace=personas.acme)
    assert post.kind == PostKind.DEAL_WON
    assert post.key == f"deal:{j['deal'].pk}"
    assert post.at == _at(personas.acme, *WON_AT)
    assert post.pod_id == j["pod"].pk  # the lead's pod (the opportunity has none)
    assert post.amount == Decimal("24000.00") and post.currency == "EUR"
    # position (U) over A, B, A: 40 % first (A), 40 % last (A), 20 % to the one between (B)
    credits = {
        (c.user_id, c.role, c.campaign_id): (c.side, c.share)
        for c in WinCredit.objects.filter(post=post)
    }
    assert credits == {
        (personas.bob.pk, CreditRole.OWNER, None): ("sales", None),
        (j["sam"].pk, CreditRole.SDR, None): ("sales", None),
        (personas.alice.pk, CreditRole.MARKETER, j["a"].pk): ("marketing", Decimal("0.8")),
        (personas.mia.pk, CreditRole.MARKETER, j["b"].pk): ("marketing", Decimal("0.2")),
    }
    assert post.params["model"] == {
        "code": "position",
        "locked": True,
        "period": "FY2026",
        "start": "2026-01-01",
        "end": "2026-12-31",
    }


def test_the_journey_is_told_in_order(personas):
    j = make_journey(personas)
    _lock(personas.acme, "linear")
    _scan(personas.acme, 2026, 4, 10, 16)
    post = WinPost.objects.get(workspace=personas.acme)
    codes = [s["code"] for s in post.params["steps"]]
    assert codes == ["touch", "touch", "touch", "mql", "sal", "opportunity", "won"]
    assert post.params["steps"][4]["by"]["id"] == j["sam"].pk
    # linear over A, B, A: a third per touch, A two of them
    shares = {c["id"]: c["share"] for c in post.params["campaigns"]}
    assert shares == {j["a"].pk: "0.666667", j["b"].pk: "0.333333"}
    lines = story.journey_lines(post)
    assert len(lines) == 7
    assert lines[0]["url"].endswith(f"/campaigns/{j['a'].pk}/")
    assert lines[-1]["url"].endswith(f"/opportunities/{j['deal'].pk}/")
    assert "67" in lines[0]["text"] and "33" in lines[1]["text"]  # each campaign's share once
    assert "67" not in lines[2]["text"]
    assert "Bob" in story.post_title(post)


def test_without_a_signed_lock_the_model_is_marked_not_locked(personas):
    make_journey(personas)
    _lock(personas.acme, "first", signed=False)  # proposed by one side only
    _scan(personas.acme, 2026, 4, 10, 16)
    post = WinPost.objects.get(workspace=personas.acme)
    assert post.params["model"]["code"] == "first"
    assert post.params["model"]["locked"] is False
    marketers = WinCredit.objects.filter(post=post, role=CreditRole.MARKETER)
    assert [(c.user_id, c.share) for c in marketers] == [(personas.alice.pk, Decimal(1))]


def test_the_threshold_keeps_smaller_deals_and_other_currencies_off_the_wall(personas):
    make_journey(personas, amount=Decimal("9999.99"))
    WallSettings.objects.create(workspace=personas.acme, threshold=Decimal("10000"))
    f.OpportunityFactory(
        workspace=personas.acme,
        amount=Decimal("50000"),
        currency="USD",
        stage=OpportunityStage.WON,
        close_date=dt.date(2026, 4, 1),
    )
    exactly = f.OpportunityFactory(
        workspace=personas.acme,
        amount=Decimal("10000.00"),
        stage=OpportunityStage.WON,
        close_date=dt.date(2026, 4, 1),
    )
    _scan(personas.acme, 2026, 4, 10, 16)
    assert list(WinPost.objects.values_list("key", flat=True)) == [f"deal:{exactly.pk}"]


def test_a_deal_closing_after_today_waits(personas):
    make_journey(personas)
    assert _scan(personas.acme, 2026, 4, 9, 12) == []


def test_a_rescan_writes_nothing_twice(personas):
    make_journey(personas)
    assert len(_scan(personas.acme, 2026, 4, 10, 16)) == 1
    assert _scan(personas.acme, 2026, 4, 10, 17) == []
    assert WinPost.objects.count() == 1
    assert WinCredit.objects.count() == 4


def test_a_deal_moved_out_of_won_is_withdrawn_then_shown_again(personas):
    j = make_journey(personas)
    _scan(personas.acme, 2026, 4, 10, 16)
    deal = j["deal"]
    moved = _at(personas.acme, 2026, 4, 20, 9)
    deal.stage = OpportunityStage.NEGOTIATION
    deal.save()
    OpportunityStageChange.objects.create(
        workspace=personas.acme,
        opportunity=deal,
        from_stage=OpportunityStage.WON,
        to_stage=OpportunityStage.NEGOTIATION,
        at=moved,
    )
    _scan(personas.acme, 2026, 4, 20, 10)
    post = WinPost.objects.get()
    assert post.withdrawn_at == moved
    deal.stage = OpportunityStage.WON
    deal.save()
    _scan(personas.acme, 2026, 4, 21, 10)
    post.refresh_from_db()
    assert post.withdrawn_at is None
    assert WinPost.objects.count() == 1


def test_another_workspace_is_neither_scanned_nor_posted(personas):
    make_journey(personas)
    theirs = f.OpportunityFactory(
        workspace=personas.globex,
        amount=Decimal("30000"),
        stage=OpportunityStage.WON,
        close_date=dt.date(2026, 4, 1),
    )
    _scan(personas.acme, 2026, 4, 10, 16)
    assert not WinPost.objects.filter(workspace=personas.globex).exists()
    _scan(personas.globex, 2026, 4, 10, 16)
    assert list(
        WinPost.objects.filter(workspace=personas.globex).values_list("key", flat=True)
    ) == [f"deal:{theirs.pk}"]
    assert WinPost.objects.filter(workspace=personas.acme).count() == 1


def test_a_recent_post_tells_the_credited_and_the_chat_after_commit(
    personas, django_capture_on_commit_callbacks
):
    j = make_journey(personas)
    hook = WebhookSubscription.objects.create(
        workspace=personas.acme,
        name="Wins",
        url="https://hooks.example.com/wins",
        events=[WebhookEvent.WIN_POSTED],
    )
    with django_capture_on_commit_callbacks(execute=True):
        _scan(personas.acme, 2026, 4, 10, 16)
    told = set(Notification.objects.filter(code="wins.credited").values_list("user_id", flat=True))
    assert told == {personas.bob.pk, j["sam"].pk, personas.alice.pk, personas.mia.pk}
    delivery = WebhookDelivery.objects.get(subscription=hook)
    assert delivery.event == WebhookEvent.WIN_POSTED
    assert "Bob" in str(delivery.payload)


def test_an_old_win_is_posted_quietly(personas, django_capture_on_commit_callbacks):
    make_journey(personas)
    WebhookSubscription.objects.create(
        workspace=personas.acme,
        name="Wins",
        url="https://hooks.example.com/wins",
        events=[WebhookEvent.WIN_POSTED],
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert len(_scan(personas.acme, 2026, 6, 1, 9)) == 1
    assert not Notification.objects.filter(code="wins.credited").exists()
    assert not WebhookDelivery.objects.exists()


def test_the_scan_reads_in_batches_whatever_the_number_of_deals(
    personas, django_assert_max_num_queries
):
    """The reads do not grow with the deals: the queries of 2 deals and of 6 are the same."""
    ws = personas.acme
    pod = f.PodFactory(workspace=ws)
    PodMember.objects.create(pod=pod, user=personas.bob)

    def deals(n, day):
        for _ in range(n):
            f.OpportunityFactory(
                workspace=ws,
                owner=personas.bob,
                pod=pod,
                stage=OpportunityStage.WON,
                close_date=dt.date(2026, 4, day),
            )

    _lock(ws, "linear")
    deals(2, 1)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        _scan(ws, 2026, 4, 1, 16)
    deals(6, 2)
    with django_assert_max_num_queries(len(two.captured_queries)):
        _scan(ws, 2026, 4, 2, 16)
    assert WinPost.objects.filter(workspace=ws).count() == 8


@pytest.mark.parametrize("model", ["last", "w_shaped", "time_decay"])
def test_every_journey_model_gives_shares_of_one(personas, model):
    make_journey(personas)
    _lock(personas.acme, model)
    _scan(personas.acme, 2026, 4, 10, 16)
    shares = WinCredit.objects.filter(role=CreditRole.MARKETER).values_list("share", flat=True)
    assert abs(sum(shares) - 1) <= Decimal("0.000002")
