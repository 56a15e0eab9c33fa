"""The funnel API: decisions with 409s, SLA clocks of a lead, contracts and their signatures."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cordee.funnel.models import RejectionReason, SlaContract, Stage
from tests import factories as f
from tests.fixtures.api import error_fields


def _mql(personas):
    now = timezone.now()
    return f.LeadFactory(
        workspace=personas.acme,
        stage=Stage.MQL,
        stage_entered_at=now,
        mql_at=now,
        owner=personas.bob,
    )


def test_accept_then_a_second_decision_is_a_409(personas, api_as):
    lead = _mql(personas)
    RejectionReason.objects.create(
        workspace=personas.acme, code="bad_fit", label="Hors cible", default_outcome="disqualified"
    )
    first = api_as("bob").post(f"leads/{lead.pk}/accept", {"comment": "RDV pris"})
    assert first.status_code == 200 and first.json()["stage"] == "sal"
    second = api_as("dave").post(f"leads/{lead.pk}/reject", {"reason": "bad_fit"})
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "conflict"


def test_reject_without_a_reason_names_the_field(personas, api_as):
    lead = _mql(personas)
    response = api_as("bob").post(f"leads/{lead.pk}/reject", {"reason": ""})
    assert response.status_code == 422
    assert "reason" in error_fields(response)


def test_a_marketer_cannot_decide_for_sales(personas, api_as):
    lead = _mql(personas)
    assert api_as("alice").post(f"leads/{lead.pk}/accept", {}).status_code == 403


def test_illegal_transition_is_a_clear_422(personas, api_as):
    lead = f.LeadFactory(workspace=personas.acme)
    response = api_as("alice").post(f"leads/{lead.pk}/transition", {"to_stage": "won"})
    assert response.status_code == 422
    assert "to_stage" in error_fields(response)


def test_another_workspaces_lead_is_404(personas, api_as):
    lead = f.LeadFactory(workspace=personas.globex)
    assert api_as("bob").post(f"leads/{lead.pk}/accept", {}).status_code == 404
    assert api_as("bob").get(f"leads/{lead.pk}/sla").status_code == 404


def test_contract_is_signed_by_both_managers_and_editing_withdraws_signatures(personas, api_as):
    created = api_as("dave").post(
        "sla-contracts",
        {
            "name": "T1",
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
            "first_touch_hours": "4",
        },
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert api_as("bob").post(f"sla-contracts/{pk}/sign").status_code == 403
    assert (
        api_as("mia").post(f"sla-contracts/{pk}/sign").json()["marketing_signed_by_id"]
        == personas.mia.pk
    )
    assert api_as("mia").post(f"sla-contracts/{pk}/sign").status_code == 409
    signed = api_as("dave").post(f"sla-contracts/{pk}/sign").json()
    assert signed["is_signed"] is True
    changed = api_as("dave").patch(f"sla-contracts/{pk}", {"decision_hours": "8"}).json()
    assert (changed["is_signed"], changed["marketing_signed_at"], changed["sales_signed_at"]) == (
        False,
        None,
        None,
    )


def test_lead_sla_endpoint_gives_iso_due_times_with_offset(personas, api_as):
    now = timezone.now()
    SlaContract.objects.create(
        workspace=personas.acme,
        name="Now",
        period_start=now.date() - dt.timedelta(days=5),
        period_end=now.date() + dt.timedelta(days=5),
        marketing_signed_at=now,
        sales_signed_at=now,
    )
    lead = _mql(personas)
    body = api_as("bob").get(f"leads/{lead.pk}/sla").json()
    assert [c["name"] for c in body["clocks"]] == ["first_touch", "decision", "attempts"]
    assert all(c["due_at"][-6:] in {"+01:00", "+02:00"} for c in body["clocks"])
    assert body["attempts_required"] == 3


def test_scoring_rules_are_for_revops(personas, api_as):
    payload = {
        "name": "Santé",
        "kind": "fit",
        "attribute": "industry",
        "values": ["Santé"],
        "points": "20",
    }
    assert api_as("alice").post("scoring-rules", payload).status_code == 403
    assert api_as("rita").post("scoring-rules", payload).status_code == 201
    bad = api_as("rita").post("scoring-rules", {**payload, "values": []})
    assert bad.status_code == 422 and "values" in error_fields(bad)


def test_reading_one_lead_gives_its_sla_clocks_and_lists_do_not(personas, api_as):
    now = timezone.now()
    SlaContract.objects.create(
        workspace=personas.acme,
        name="Now",
        period_start=now.date() - dt.timedelta(days=5),
        period_end=now.date() + dt.timedelta(days=5),
        marketing_signed_at=now,
        sales_signed_at=now,
    )
    lead = _mql(personas)
    one = api_as("bob").get(f"leads/{lead.pk}").json()
    assert [c["name"] for c in one["sla"]["clocks"]] == ["first_touch", "decision", "attempts"]
    listed = api_as("bob").get("leads").json()["items"]
    assert listed[0]["sla"] is None


def test_convert_through_the_api(personas, api_as):
    lead = f.LeadFactory(workspace=personas.acme, stage="sal", owner=personas.bob)
    response = api_as("bob").post(f"leads/{lead.pk}/convert", {"amount": "12000.50"})
    assert response.status_code == 201
    from cordee.funnel.models import Opportunity

    assert str(Opportunity.objects.get(pk=response.json()["opportunity_id"]).amount) == "12000.50"


def test_a_recycled_leads_default_re_evaluation_date_counts_from_the_workspaces_day(
    personas, api_as, monkeypatch
):
    # 23:30 UTC on 31 March is already 1 April in Paris: 90 days later is 30 June, not 29
    late = dt.datetime(2026, 3, 31, 23, 30, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: late)
    RejectionReason.objects.create(
        workspace=personas.acme,
        code="timing",
        label="Pas le moment",
        default_outcome="recycled",
        recycle_after_days=90,
    )
    lead = _mql(personas)
    response = api_as("bob").post(f"leads/{lead.pk}/reject", {"reason": "timing"})
    assert response.status_code == 200, response.json()
    assert response.json()["recycle_on"] == "2026-06-30"
