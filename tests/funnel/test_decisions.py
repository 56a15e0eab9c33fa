"""Waterfall moves and sales decisions: allowed transitions, mandatory reasons, one winner."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from cordee.core.errors import Conflict, PermissionDenied, ValidationFailed
from cordee.funnel.models import Lead, LeadDecision, LeadStageChange, RejectionReason, Stage
from cordee.funnel.services import lead_accept, lead_reject, lead_transition
from cordee.funnel.stages import ImportedStep, lead_history_import, lead_history_import_many
from tests import factories as f


def _mql(workspace, **kw):
    now = timezone.now()
    return f.LeadFactory(
        workspace=workspace, stage=Stage.MQL, stage_entered_at=now, mql_at=now, **kw
    )


@pytest.fixture
def reasons(personas):
    return {
        "bad_timing": RejectionReason.objects.create(
            workspace=personas.acme,
            code="bad_timing",
            label="Mauvais timing",
            default_outcome="recycled",
            recycle_after_days=90,
        ),
        "bad_fit": RejectionReason.objects.create(
            workspace=personas.acme,
            code="bad_fit",
            label="Hors cible",
            default_outcome="disqualified",
        ),
    }


def test_inquiry_cannot_jump_to_won(personas):
    lead = f.LeadFactory(workspace=personas.acme)
    with pytest.raises(ValidationFailed) as err:
        lead_transition(actor=personas.actor("alice"), lead_id=lead.pk, to_stage=Stage.WON)
    assert "to_stage" in err.value.field_errors
    assert Lead.objects.get(pk=lead.pk).stage == Stage.INQUIRY
    assert not LeadStageChange.objects.filter(lead=lead).exists()


def test_inquiry_to_mql_is_recorded_with_who_and_when(personas):
    lead = f.LeadFactory(workspace=personas.acme)
    lead_transition(
        actor=personas.actor("alice"), lead_id=lead.pk, to_stage=Stage.MQL, reason="Score 80"
    )
    lead.refresh_from_db()
    change = LeadStageChange.objects.get(lead=lead)
    assert (lead.stage, change.from_stage, change.to_stage, change.actor, change.reason) == (
        Stage.MQL,
        Stage.INQUIRY,
        Stage.MQL,
        personas.alice,
        "Score 80",
    )
    assert lead.mql_at == change.at


def test_accepting_an_mql_must_use_the_decision(personas):
    lead = _mql(personas.acme)
    with pytest.raises(ValidationFailed):
        lead_transition(actor=personas.actor("bob"), lead_id=lead.pk, to_stage=Stage.SAL)


def test_sales_accepts_an_mql(personas):
    lead = _mql(personas.acme)
    lead_accept(actor=personas.actor("bob"), lead_id=lead.pk)
    lead.refresh_from_db()
    assert lead.stage == Stage.SAL
    assert LeadDecision.objects.get(lead=lead).kind == "accept"
    assert LeadStageChange.objects.get(lead=lead).to_stage == Stage.SAL


def test_a_marketer_cannot_accept_on_behalf_of_sales(personas):
    lead = _mql(personas.acme)
    with pytest.raises(PermissionDenied):
        lead_accept(actor=personas.actor("alice"), lead_id=lead.pk)


def test_rejection_requires_a_reason(personas, reasons):
    lead = _mql(personas.acme)
    with pytest.raises(ValidationFailed) as err:
        lead_reject(actor=personas.actor("bob"), lead_id=lead.pk, reason_code="")
    assert "reason" in err.value.field_errors
    assert Lead.objects.get(pk=lead.pk).stage == Stage.MQL


def test_bad_timing_recycles_in_ninety_days_by_default(personas, reasons):
    lead = _mql(personas.acme)
    lead_reject(
        actor=personas.actor("bob"),
        lead_id=lead.pk,
        reason_code="bad_timing",
        comment="Budget en 2027",
    )
    lead.refresh_from_db()
    assert lead.stage == Stage.RECYCLED
    # the workspace's day (Paris), not the server's: from 23:00 UTC it is already tomorrow there
    assert lead.recycle_on == personas.acme.today() + dt.timedelta(days=90)
    assert LeadStageChange.objects.get(lead=lead).reason == "Mauvais timing: Budget en 2027"


def test_bad_fit_disqualifies_but_the_rep_may_recycle_instead(personas, reasons):
    first, second = _mql(personas.acme), _mql(personas.acme)
    lead_reject(actor=personas.actor("bob"), lead_id=first.pk, reason_code="bad_fit")
    lead_reject(
        actor=personas.actor("bob"), lead_id=second.pk, reason_code="bad_fit", outcome="recycled"
    )
    assert Lead.objects.get(pk=first.pk).stage == Stage.DISQUALIFIED
    assert Lead.objects.get(pk=second.pk).stage == Stage.RECYCLED


def test_deciding_twice_is_a_conflict(personas, reasons):
    lead = _mql(personas.acme)
    lead_accept(actor=personas.actor("bob"), lead_id=lead.pk)
    with pytest.raises(Conflict):
        lead_reject(actor=personas.actor("dave"), lead_id=lead.pk, reason_code="bad_fit")
    assert LeadDecision.objects.filter(lead=lead).count() == 1


def test_imported_history_may_skip_stages_and_is_marked(personas):
    lead = f.LeadFactory(workspace=personas.acme)
    t0 = timezone.now() - dt.timedelta(days=60)
    written = lead_history_import(
        workspace_id=personas.acme.pk,
        lead=lead,
        steps=[
            ImportedStep(Stage.SQL, t0 + dt.timedelta(days=10), "hubspot"),
            ImportedStep(Stage.MQL, t0, "hubspot"),
        ],
    )
    lead.refresh_from_db()
    rows = list(LeadStageChange.objects.filter(lead=lead).order_by("at"))
    assert written == 2
    assert [(r.from_stage, r.to_stage, r.imported) for r in rows] == [
        ("", Stage.MQL, True),
        (Stage.MQL, Stage.SQL, True),
    ]
    assert (lead.stage, lead.mql_at) == (Stage.SQL, t0)


def test_history_for_many_leads_in_a_few_queries(personas, django_assert_max_num_queries):
    """Each lead ends in the stage of its latest row, stored or imported; each imported row comes
    from the stage just before it; leads whose stage does not change are not written."""
    t0 = timezone.now() - dt.timedelta(days=90)
    day = dt.timedelta(days=1)
    old = f.LeadFactory(workspace=personas.acme, stage=Stage.SAL, stage_entered_at=t0 + 20 * day)
    LeadStageChange.objects.create(
        workspace=personas.acme, lead=old, from_stage="", to_stage=Stage.MQL, at=t0 + 10 * day
    )
    LeadStageChange.objects.create(
        workspace=personas.acme,
        lead=old,
        from_stage=Stage.MQL,
        to_stage=Stage.SAL,
        at=t0 + 20 * day,
    )
    fresh = [f.LeadFactory(workspace=personas.acme) for _ in range(30)]
    items = [
        # backfill before and between what is stored: the stored SAL stays the latest
        (old, [ImportedStep(Stage.INQUIRY, t0), ImportedStep(Stage.MQL, t0 + 15 * day)]),
        *[
            (lead, [ImportedStep(Stage.MQL, t0 + k * day), ImportedStep(Stage.SQL, t0 + 40 * day)])
            for k, lead in enumerate(fresh)
        ],
    ]
    with django_assert_max_num_queries(len(fresh) + 12):  # one update per changed lead
        written = lead_history_import_many(workspace_id=personas.acme.pk, items=items)
    assert written == 2 + 2 * len(fresh)
    old.refresh_from_db()
    # latest stored row (SAL at day 20) still wins; the MQL date is the latest MQL (day 15)
    assert (old.stage, old.stage_entered_at, old.mql_at) == (
        Stage.SAL,
        t0 + 20 * day,
        t0 + 15 * day,
    )
    assert [(h.from_stage, h.to_stage) for h in old.history.order_by("at", "id")] == [
        ("", Stage.INQUIRY),
        ("", Stage.MQL),
        (Stage.INQUIRY, Stage.MQL),  # imported rows chain from the one imported before
        (Stage.MQL, Stage.SAL),
    ]
    for k, lead in enumerate(fresh):
        lead.refresh_from_db()
        assert (lead.stage, lead.stage_entered_at, lead.mql_at) == (
            Stage.SQL,
            t0 + 40 * day,
            t0 + k * day,
        )
    # the same again for a lead already in that state: its history grows, the lead is not written
    before = Lead.objects.get(pk=fresh[0].pk).updated_at
    lead_history_import_many(
        workspace_id=personas.acme.pk,
        items=[(fresh[0], [ImportedStep(Stage.MQL, t0 - day)])],
    )
    assert Lead.objects.get(pk=fresh[0].pk).updated_at == before


def test_imported_history_invalidates_the_cached_funnel_reports(
    personas, django_capture_on_commit_callbacks
):
    from cordee.funnel.version import funnel_version

    lead = f.LeadFactory(workspace=personas.acme)
    before = funnel_version(personas.acme.pk)
    with django_capture_on_commit_callbacks(execute=True):
        lead_history_import(
            workspace_id=personas.acme.pk,
            lead=lead,
            steps=[ImportedStep(Stage.MQL, timezone.now() - dt.timedelta(days=3), "hubspot")],
        )
    assert funnel_version(personas.acme.pk) != before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_one_wins_the_other_gets_409(personas):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL (SQLite serialises writers)")
    RejectionReason.objects.create(
        workspace=personas.acme, code="bad_fit", label="Hors cible", default_outcome="disqualified"
    )
    bob, dave = personas.actor("bob"), personas.actor("dave")
    for _ in range(50):
        lead = _mql(personas.acme)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def decide(action, lead_id=lead.pk, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait()
                action(lead_id)
                outcomes.append("ok")
            except Conflict:
                outcomes.append("409")
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=decide, args=(lambda i: lead_accept(actor=bob, lead_id=i),)),
            threading.Thread(
                target=decide,
                args=(lambda i: lead_reject(actor=dave, lead_id=i, reason_code="bad_fit"),),
            ),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["409", "ok"]
        assert LeadStageChange.objects.filter(lead=lead).count() == 1
        assert LeadDecision.objects.filter(lead=lead).count() == 1


def test_converting_a_sal_creates_the_opportunity_and_makes_an_sql(personas):
    from cordee.funnel.services import lead_convert

    campaign = f.CampaignFactory(workspace=personas.acme)
    lead = f.LeadFactory(
        workspace=personas.acme, stage=Stage.SAL, owner=personas.bob, source_campaign=campaign
    )
    opportunity = lead_convert(
        actor=personas.actor("bob"),
        lead_id=lead.pk,
        data={"amount": "48000.00", "close_date": "2026-12-15"},
    )
    lead.refresh_from_db()
    assert lead.stage == Stage.SQL
    assert (
        opportunity.lead,
        opportunity.account,
        opportunity.owner,
        opportunity.source,
        opportunity.primary_campaign,
    ) == (
        lead,
        lead.contact.account,
        personas.bob,
        "marketing",
        campaign,
    )
    assert str(opportunity.amount) == "48000.00"
    assert LeadStageChange.objects.get(lead=lead).to_stage == Stage.SQL


def test_only_a_sal_can_be_converted(personas):
    from cordee.funnel.services import lead_convert

    lead = _mql(personas.acme)
    with pytest.raises(ValidationFailed):
        lead_convert(actor=personas.actor("bob"), lead_id=lead.pk, data={"amount": "1"})
    assert not lead.opportunities.exists()


def test_a_won_opportunity_marks_its_lead_won_and_is_announced(personas):
    from cordee.funnel.services import opportunity_save
    from cordee.integrations.models import WebhookDelivery, WebhookSubscription

    WebhookSubscription.objects.create(
        workspace=personas.acme, name="Wins", url="http://127.0.0.1:9/", events=["deal.won"]
    )
    lead = f.LeadFactory(workspace=personas.acme, stage=Stage.SQL)
    opportunity = f.OpportunityFactory(
        workspace=personas.acme, lead=lead, account=lead.contact.account
    )
    opportunity_save(
        actor=personas.actor("bob"), data={"stage": "closed_won"}, opportunity=opportunity
    )
    lead.refresh_from_db()
    assert lead.stage == Stage.WON
    change = LeadStageChange.objects.get(lead=lead)
    assert (change.from_stage, change.to_stage, change.rule) == (
        Stage.SQL,
        Stage.WON,
        "opportunity",
    )
    assert WebhookDelivery.objects.get().event == "deal.won"


def test_a_lost_opportunity_marks_its_lead_lost(personas):
    from cordee.funnel.services import opportunity_save

    lead = f.LeadFactory(workspace=personas.acme, stage=Stage.SQL)
    opportunity = f.OpportunityFactory(
        workspace=personas.acme, lead=lead, account=lead.contact.account
    )
    opportunity_save(
        actor=personas.actor("bob"),
        data={"stage": "closed_lost", "loss_reason": "Prix"},
        opportunity=opportunity,
    )
    assert Lead.objects.get(pk=lead.pk).stage == Stage.LOST


def test_a_new_mql_is_announced_to_webhook_subscribers(personas):
    from cordee.integrations.models import WebhookDelivery, WebhookSubscription

    lead = f.LeadFactory(workspace=personas.acme)
    lead_transition(actor=personas.actor("alice"), lead_id=lead.pk, to_stage=Stage.MQL)
    assert not WebhookDelivery.objects.exists()  # nobody subscribed: nothing queued
    WebhookSubscription.objects.create(
        workspace=personas.acme, name="MQL", url="http://127.0.0.1:9/", events=["lead.mql"]
    )
    other = f.LeadFactory(workspace=personas.acme)
    lead_transition(actor=personas.actor("alice"), lead_id=other.pk, to_stage=Stage.MQL)
    assert WebhookDelivery.objects.get().payload["data"]["lead_id"] == other.pk


def test_chat_tools_hear_of_wins_and_mqls_in_the_workspaces_language(personas):
    from django.utils import translation

    from cordee.funnel.services import opportunity_save
    from cordee.integrations.models import WebhookDelivery, WebhookSubscription

    WebhookSubscription.objects.create(
        workspace=personas.acme,
        name="Slack",
        url="http://127.0.0.1:9/",
        events=["deal.won", "lead.mql"],
    )
    lead = f.LeadFactory(workspace=personas.acme, stage=Stage.SQL)
    opportunity = f.OpportunityFactory(
        workspace=personas.acme, lead=lead, account=lead.contact.account
    )
    with translation.override("en"):  # the page of someone who reads English
        opportunity_save(
            actor=personas.actor("bob"), data={"stage": "closed_won"}, opportunity=opportunity
        )
        other = f.LeadFactory(workspace=personas.acme)
        lead_transition(actor=personas.actor("alice"), lead_id=other.pk, to_stage=Stage.MQL)
    texts = {d.event: d.payload["text"] for d in WebhookDelivery.objects.all()}
    # Acme speaks French (its default language), like the breach and feedback webhooks
    assert texts["deal.won"].startswith("Affaire gagnée")
    assert texts["lead.mql"].startswith("Nouveau MQL")
