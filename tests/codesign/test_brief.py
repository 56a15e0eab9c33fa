"""The campaign brief: versions kept and numbered, validation naming the field, the pre-fill from
a hand-made history, permissions, the API round trip and the pages.

The pre-fill's history (Acme, Europe/Paris, EUR; "today" 15 April 2026, so the planner's default
window is April 2025 – March 2026). Accounts: Clinique (Santé), Usine (Industrie).

| lead | account  | MQL    | then                       |
|------|----------|--------|----------------------------|
| S1   | Clinique | 10 Jan | SAL 12 Jan, SQL 20 Jan     |
| S2   | Clinique | 11 Jan | SAL 13 Jan                 |
| S3   | Clinique | 1 Feb  | rejected by sales 2 Feb    |
| S4   | Clinique | 5 Feb  | SAL 6 Feb, SQL 10 Feb      |
| O1   | Usine    | 3 Feb  | SAL 4 Feb, SQL 9 Feb       |

Deals won (EUR): 12 000.00 and 8 000.00 on Clinique, 50 000.00 on Usine.

By hand, segment Santé: decided 4 (S1, S2, S4 accepted; S3 rejected), SAL 3 → MQL→SAL = 3/4;
SQL 2 of SAL 3 → SAL→SQL = 2/3; deal size (12 000 + 8 000) / 2 = 10 000.00. For 75 expected
MQLs: 75 × 3/4 × 2/3 = 37.5 → 37 SQLs (rounded down); pipeline 37 × 10 000.00 = 370 000.00.

The whole workspace: decided 5, SAL 4 → 4/5; SQL 3 of SAL 4 → 3/4; deal size 70 000 / 3 =
23 333.33 (to the cent). For 75 MQLs: 75 × 4/5 × 3/4 = 45 SQLs; 45 × 23 333.33 = 1 049 999.85.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from cordee.codesign import services
from cordee.codesign.models import BriefVersion
from cordee.core.errors import PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.funnel.models import LeadDecision, OpportunityStage, Stage
from cordee.funnel.models.decisions import DecisionKind
from cordee.funnel.stages import ImportedStep, lead_history_import
from tests import factories as f
from tests.fixtures.api import error_fields

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 4, 15)
M, A, Q = Stage.MQL, Stage.SAL, Stage.SQL


def at(day: str) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=PARIS)


def _lead(ws: Any, account: Any, steps: list[tuple[str, str]]) -> Any:
    contact = f.ContactFactory(workspace=ws, account=account)
    lead = f.LeadFactory(workspace=ws, contact=contact, stage_entered_at=at(steps[0][1]))
    lead_history_import(
        workspace_id=ws.pk, lead=lead, steps=[ImportedStep(s, at(d)) for s, d in steps]
    )
    return lead


def _won(ws: Any, account: Any, amount: str, closed: str) -> None:
    f.OpportunityFactory(
        workspace=ws,
        account=account,
        amount=Decimal(amount),
        stage=OpportunityStage.WON,
        created_on=dt.date.fromisoformat(closed) - dt.timedelta(days=20),
        close_date=dt.date.fromisoformat(closed),
    )


@pytest.fixture
def history(personas: Any) -> None:
    ws = personas.acme
    clinic = f.AccountFactory(workspace=ws, name="Clinique", industry="Santé")
    plant = f.AccountFactory(workspace=ws, name="Usine", industry="Industrie")
    _lead(ws, clinic, [(M, "2026-01-10"), (A, "2026-01-12"), (Q, "2026-01-20")])
    _lead(ws, clinic, [(M, "2026-01-11"), (A, "2026-01-13")])
    s3 = _lead(ws, clinic, [(M, "2026-02-01"), (Stage.DISQUALIFIED, "2026-02-02")])
    LeadDecision.objects.create(
        workspace=ws,
        lead=s3,
        mql_at=at("2026-02-01"),
        kind=DecisionKind.REJECT,
        decided_at=at("2026-02-02"),
    )
    _lead(ws, clinic, [(M, "2026-02-05"), (A, "2026-02-06"), (Q, "2026-02-10")])
    _lead(ws, plant, [(M, "2026-02-03"), (A, "2026-02-04"), (Q, "2026-02-09")])
    _won(ws, clinic, "12000.00", "2026-02-20")
    _won(ws, clinic, "8000.00", "2026-03-10")
    _won(ws, plant, "50000.00", "2026-03-12")


@pytest.fixture
def campaign(personas: Any) -> Any:
    return f.CampaignFactory(workspace=personas.acme, name="Salon Santé")


def _save(personas: Any, campaign: Any, name: str = "alice", **data: Any) -> BriefVersion:
    return services.brief_save(personas.actor(name), campaign, data, today=TODAY)


# -- versions ------------------------------------------------------------------------------------


def test_every_save_is_a_new_numbered_version_and_the_old_ones_are_kept(personas, campaign):
    first = _save(personas, campaign, objective="Remplir le pipeline")
    second = _save(personas, campaign, "mia", objective="Remplir le pipeline des cliniques")
    assert (first.number, second.number) == (1, 2)
    kept = BriefVersion.objects.filter(campaign=campaign).order_by("number")
    assert [(v.number, v.author_id, v.objective) for v in kept] == [
        (1, personas.alice.pk, "Remplir le pipeline"),
        (2, personas.mia.pk, "Remplir le pipeline des cliniques"),
    ]
    assert second.currency == "EUR"
    assert AuditEntry.objects.filter(target="brief-versions", target_id=second.pk).count() == 1


# -- validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"start_date": "2026-05-10", "end_date": "2026-05-01"}, "end_date"),
        ({"budget": "-1"}, "budget"),
        ({"segment": ["Aéronautique"]}, "segment"),
        ({"channels": ["fax"]}, "channels"),
        ({"expected_mqls": "-3"}, "expected_mqls"),
    ],
)
def test_a_bad_value_is_an_error_naming_its_field(personas, campaign, history, data, field):
    with pytest.raises(ValidationFailed) as exc:
        _save(personas, campaign, **data)
    assert set(exc.value.field_errors) == {field}
    assert not BriefVersion.objects.filter(campaign=campaign).exists()


def test_a_pod_of_another_workspace_is_refused(personas, campaign):
    theirs = f.PodFactory(workspace=personas.globex)
    with pytest.raises(ValidationFailed) as exc:
        _save(personas, campaign, pods=[theirs.pk])
    assert set(exc.value.field_errors) == {"pods"}


# -- the pre-fill --------------------------------------------------------------------------------


def test_the_prefill_of_a_segment_worked_by_hand(personas, campaign, history):
    version = _save(personas, campaign, segment=["santé"], expected_mqls=75)
    assert version.segment == ["Santé"]  # as stored
    assert version.expected_sqls == 37
    assert version.expected_pipeline == Decimal("370000.00")


def test_the_prefill_of_the_workspace_worked_by_hand(personas, campaign, history):
    version = _save(personas, campaign, expected_mqls=75)
    assert version.expected_sqls == 45
    assert version.expected_pipeline == Decimal("1049999.85")


def test_numbers_the_marketer_gives_are_kept(personas, campaign, history):
    version = _save(
        personas, campaign, expected_mqls=75, expected_sqls=30, expected_pipeline="1000"
    )
    assert (version.expected_sqls, version.expected_pipeline) == (30, Decimal("1000.00"))
    only_sqls = _save(personas, campaign, segment=["Santé"], expected_mqls=75, expected_sqls=30)
    assert only_sqls.expected_sqls == 30
    # the pipeline still follows the rule from the rule's own SQLs (37 × 10 000.00)
    assert only_sqls.expected_pipeline == Decimal("370000.00")


def test_the_next_version_fills_again_what_was_filled_and_keeps_what_was_typed(
    personas, campaign, history
):
    """The form of the next version leaves the pre-filled numbers empty: more MQLs give more SQLs
    and pipeline (150 × 3/4 × 2/3 = 75 SQLs; 75 × 10 000.00); a typed number stays typed."""
    _save(personas, campaign, segment=["Santé"], expected_mqls=75)  # 37 SQLs, pre-filled
    client = _client(personas.alice)
    url = reverse("brief_detail", args=["acme", campaign.pk])
    form = client.get(url).content.decode()
    assert re.search(r'name="expected_sqls"(?![^>]*value="37")', form)
    assert 'value="75"' in form  # the MQLs, typed, are kept
    save = reverse("brief_save", args=["acme", campaign.pk])
    done = client.post(save, {"segment": "Santé", "expected_mqls": "150"})
    assert done.status_code == 302
    second = BriefVersion.objects.get(campaign=campaign, number=2)
    assert (second.expected_sqls, second.expected_pipeline) == (75, Decimal("750000.00"))
    _save(personas, campaign, segment=["Santé"], expected_mqls=150, expected_sqls=60)
    assert re.search(r'name="expected_sqls"[^>]*value="60"', client.get(url).content.decode())


# -- permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bob", "dave", "erin"])
def test_sales_and_executives_cannot_write_the_brief(personas, campaign, name):
    with pytest.raises(PermissionDenied):
        _save(personas, campaign, name)


@pytest.mark.parametrize("name", ["alice", "mia", "rita"])
def test_marketing_and_revops_write_the_brief(personas, campaign, name):
    assert _save(personas, campaign, name).number == 1


# -- the API -------------------------------------------------------------------------------------


def test_api_round_trip(personas, campaign, api_as):
    pod = f.PodFactory(workspace=personas.acme, name="Nord")
    f.AccountFactory(workspace=personas.acme, industry="Santé")
    alice = api_as("alice")
    url = f"/campaigns/{campaign.pk}/brief"
    body = {
        "objective": "Remplir le pipeline",
        "segment": ["Santé"],
        "pods": [pod.pk],
        "persona": "Directeur des achats",
        "message": "Gagnez du temps",
        "offer": "Un audit offert",
        "call_to_action": "Réserver une démo",
        "channels": ["webinar", "emailing"],
        "start_date": "2026-05-01",
        "end_date": "2026-05-31",
        "budget": "5000",
        "expected_mqls": 40,
        "expected_sqls": 10,
        "expected_pipeline": "150000",
        "success_criteria": "10 SQL",
    }
    created = alice.post(url, body)
    assert created.status_code == 201, created.content
    got = alice.get(url).json()
    assert got["version"] == 1
    assert got["budget"] == "5000.00" and got["currency"] == "EUR"
    assert got["expected_pipeline"] == "150000.00"
    assert got["channels"] == ["webinar", "emailing"]
    for key in ("objective", "segment", "pods", "persona", "offer", "start_date", "end_date"):
        assert got[key] == body[key]
    assert alice.post(url, {**body, "offer": "Un audit offert et une formation"}).status_code == 201
    versions = alice.get(f"{url}/versions").json()
    assert [v["version"] for v in versions] == [2, 1]
    diff = alice.get(f"{url}/compare", {"old": 1, "new": 2}).json()
    marks = {row["field"]: row["mark"] for row in diff["fields"]}
    assert marks["offer"] == "changed" and marks["objective"] == "unchanged"
    offer = next(r for r in diff["fields"] if r["field"] == "offer")
    assert offer["words"] == "Un audit offert <ins>et une formation</ins>"
    assert alice.get(url, {"version": 1}).json()["offer"] == "Un audit offert"


def test_api_refuses_a_rep_and_names_the_bad_field(personas, campaign, api_as):
    url = f"/campaigns/{campaign.pk}/brief"
    assert api_as("bob").post(url, {"objective": "x"}).status_code == 403
    refused = api_as("alice").post(url, {"budget": "-5"})
    assert refused.status_code == 422
    assert set(error_fields(refused)) == {"budget"}
    assert api_as("bob").get(url).status_code == 404  # no brief yet
    _save(personas, campaign)
    assert api_as("bob").get(url).status_code == 200  # sales reads it


def test_another_workspaces_campaign_is_404(personas, api_as):
    theirs = f.CampaignFactory(workspace=personas.globex)
    assert api_as("alice").get(f"/campaigns/{theirs.pk}/brief/versions").status_code == 404
    assert api_as("alice").post(f"/campaigns/{theirs.pk}/brief", {}).status_code == 404


# -- the pages -----------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_rep_reads_the_brief_without_a_form(personas, campaign):
    _save(personas, campaign, objective="Remplir le pipeline")
    page = _client(personas.bob).get(reverse("brief_detail", args=["acme", campaign.pk]))
    assert page.status_code == 200
    assert b"Remplir le pipeline" in page.content
    assert b'id="brief-form"' not in page.content
    save = reverse("brief_save", args=["acme", campaign.pk])
    assert _client(personas.bob).post(save, {"objective": "x"}).status_code == 403


def test_a_marketer_saves_the_brief_on_the_page(personas, campaign):
    client = _client(personas.alice)
    page = client.get(reverse("brief_detail", args=["acme", campaign.pk]))
    assert b'id="brief-form"' in page.content
    save = reverse("brief_save", args=["acme", campaign.pk])
    done = client.post(save, {"objective": "Un", "channels": ["webinar"], "budget": "100"})
    assert done.status_code == 302
    refused = client.post(save, {"start_date": "2026-05-10", "end_date": "2026-05-01"})
    assert refused.status_code == 422
    assert b"end_date_error" in refused.content
    assert BriefVersion.objects.get(campaign=campaign).channels == ["webinar"]


def test_the_compare_page_marks_each_field(personas, campaign):
    _save(personas, campaign, offer="Un audit offert", call_to_action="Réserver")
    _save(
        personas,
        campaign,
        offer="Un audit gratuit",
        persona="Acheteur",
        budget="18000",
        start_date="2026-05-04",
    )
    page = _client(personas.erin).get(
        reverse("brief_compare", args=["acme", campaign.pk]), {"old": 1, "new": 2}
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-field="offer" data-mark="changed"' in html
    assert 'data-field="persona" data-mark="added"' in html
    assert 'data-field="call_to_action" data-mark="removed"' in html
    assert 'data-field="objective" data-mark="unchanged"' in html
    assert "<del>offert</del> <ins>gratuit</ins>" in html
    # amounts and dates as the reader's language writes them (French here), not as stored
    assert "18\u00a0000,00" in html and "18000.00" not in html
    assert "04/05/2026" in html and "2026-05-04" not in html


def test_the_campaign_page_links_the_brief(personas, campaign):
    page = _client(personas.bob).get(reverse("campaigns_detail", args=["acme", campaign.pk]))
    assert reverse("brief_detail", args=["acme", campaign.pk]).encode() in page.content


def test_another_workspaces_campaign_page_is_404(personas):
    theirs = f.CampaignFactory(workspace=personas.globex)
    for name in ("brief_detail", "brief_versions", "brief_compare"):
        url = reverse(name, args=["acme", theirs.pk])
        assert _client(personas.alice).get(url).status_code == 404
