"""The campaign debrief: its numbers on a hand-worked campaign, the job that opens it once and
tells both sides, ratings and lessons with their permissions, completion and reopening, the API
and the pages (another workspace's campaign is 404 everywhere).

The hand-worked campaign (Acme, Europe/Paris, EUR, fiscal year = calendar year): "Webinaire
Santé", 1–31 October 2026, budget 6 000.00; its brief expects 10 MQLs, 4 SQLs, 40 000.00 of
pipeline. Its leads (source campaign) and what happened to them:

| lead | MQL             | then                                                  |
|------|-----------------|-------------------------------------------------------|
| L1   | 5 Oct           | SAL 6 Oct, SQL 10 Oct: O1 created 10 Oct, 10 000.00, won 20 Nov |
| L2   | 7 Oct           | SAL 8 Oct, SQL 15 Oct: O2 created 15 Oct, 5 000.00 (open)        |
| L3   | 9 Oct           | SAL 10 Oct                                            |
| L4   | 12 Oct, 2 Nov   | rejected 13 Oct "Hors cible" (recycled), MQL again 2 Nov, not decided |
| L5   | 14 Oct          | rejected 15 Oct "Hors cible"                          |
| L6   | 20 Oct          | rejected 21 Oct "Pas de budget"                       |
| L7   | 25 Oct          | not decided                                           |

And L8, a lead of another campaign (MQL 6 Oct, SAL 7 Oct, its opportunity O8 created 12 Oct,
99 000.00): counted nowhere in the debrief.

By hand:
- MQLs: 8 cycles (L4 counts twice: a recycled lead that comes back is a new MQL);
- SALs 3 (L1, L2, L3); rejected and not accepted 3 (L4's first cycle, L5, L6); MQLs decided
  3 + 3 = 6; acceptance rate 3 ÷ 6 = 50 %;
- rejection reasons: Hors cible 2, Pas de budget 1;
- SQLs 2 (O1, O2), pipeline sourced 10 000.00 + 5 000.00 = 15 000.00;
- cost per MQL 6 000.00 ÷ 8 = 750.00; cost per SQL 6 000.00 ÷ 2 = 3 000.00.

Attribution by campaign, fiscal year 2026. Marketing touches: L1 — the campaign on 3 Oct, then
"Autre campagne" on 4 Oct; L2 — the campaign on 6 Oct; L8 — "Autre campagne" on 5 Oct.
- First touch: won revenue — O1 (10 000.00) all to the campaign (L1's first touch) → 10 000.00;
  pipeline — O1 10 000.00 + O2 5 000.00 → 15 000.00 (O8 to the other campaign).
- Linear: won revenue — O1 split in two → 5 000.00; pipeline — O1 half (5 000.00) + O2 whole
  (5 000.00) → 10 000.00.

Ratings: Bob 4, Dave 3 → mean 7 ÷ 2 = 3.5 from 2 ratings.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse

from cordee.attribution.services import lock_sign
from cordee.attribution.snapshots import snapshot_compute
from cordee.codesign import debrief as services
from cordee.codesign.debrief_numbers import LOCKED, NOT_COMPUTED, NOT_LOCKED, debrief_numbers
from cordee.codesign.models import BriefVersion, Debrief, LeadRating
from cordee.codesign.selectors import committee_agenda_debriefs
from cordee.codesign.services import brief_save
from cordee.core.errors import Conflict, PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry
from cordee.crm.models import CampaignStatus
from cordee.funnel.models import (
    DecisionKind,
    LeadDecision,
    OpportunityStage,
    RejectionReason,
    Stage,
)
from cordee.funnel.stages import ImportedStep, lead_history_import
from cordee.people.models import Notification, PodMember
from tests import factories as f
from tests.fixtures.api import error_fields

PARIS = ZoneInfo("Europe/Paris")
TODAY = dt.date(2026, 12, 1)  # the numbers' "today" (the window's last day)
M, A, Q = Stage.MQL, Stage.SAL, Stage.SQL


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{hour:02d}:00").replace(tzinfo=PARIS)


@pytest.fixture
def campaign(personas: Any) -> Any:
    return make_campaign(personas)


def make_campaign(personas: Any) -> Any:
    return f.CampaignFactory(
        workspace=personas.acme,
        name="Webinaire Santé",
        owner=personas.alice,
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 10, 31),
        budget=Decimal("6000.00"),
    )


@pytest.fixture
def pod(personas: Any) -> Any:
    return make_pod(personas)


def make_pod(personas: Any) -> Any:
    """Pod Nord: Alice (marketer), Bob (rep), Dave (sales manager), Erin (executive)."""
    pod = f.PodFactory(workspace=personas.acme, name="Nord")
    for name in ("alice", "bob", "dave", "erin"):
        PodMember.objects.create(pod=pod, user=getattr(personas, name))
    return pod


@pytest.fixture
def brief(personas: Any, campaign: Any, pod: Any) -> BriefVersion:
    return make_brief(personas, campaign, pod)


def make_brief(personas: Any, campaign: Any, pod: Any) -> BriefVersion:
    """Mia writes the brief, targeting Pod Nord."""
    return brief_save(
        personas.actor("mia"),
        campaign,
        {
            "objective": "Remplir le pipeline des cliniques",
            "pods": [pod.pk],
            "start_date": "2026-10-01",
            "end_date": "2026-10-31",
            "budget": "6000",
            "expected_mqls": "10",
            "expected_sqls": "4",
            "expected_pipeline": "40000",
        },
    )


def _lead(ws: Any, campaign: Any, steps: list[tuple[str, str]]) -> Any:
    lead = f.LeadFactory(workspace=ws, source_campaign=campaign, stage_entered_at=at(steps[0][1]))
    lead_history_import(
        workspace_id=ws.pk, lead=lead, steps=[ImportedStep(s, at(d)) for s, d in steps]
    )
    return lead


def _reject(ws: Any, lead: Any, mql: str, day: str, reason: Any) -> None:
    LeadDecision.objects.create(
        workspace=ws,
        lead=lead,
        mql_at=at(mql),
        kind=DecisionKind.REJECT,
        reason=reason,
        outcome="recycled",
        decided_at=at(day),
    )


def _touch(ws: Any, lead: Any, campaign: Any, day: str) -> None:
    f.TouchpointFactory(
        workspace=ws,
        contact=lead.contact,
        lead=lead,
        campaign=campaign,
        kind="webinar_attended",
        occurred_at=at(day),
    )


def _opportunity(ws: Any, lead: Any, amount: str, created: str, **kw: Any) -> Any:
    return f.OpportunityFactory(
        workspace=ws,
        lead=lead,
        amount=Decimal(amount),
        created_on=dt.date.fromisoformat(created),
        **kw,
    )


@pytest.fixture
def results(personas: Any, campaign: Any) -> None:
    make_results(personas, campaign)


def make_results(personas: Any, campaign: Any) -> None:
    """The campaign's leads, decisions, opportunities and touches of the module's table."""
    ws = personas.acme
    other = f.CampaignFactory(workspace=ws, name="Autre campagne")
    off_target = RejectionReason.objects.create(workspace=ws, code="bad_fit", label="Hors cible")
    no_budget = RejectionReason.objects.create(
        workspace=ws, code="no_budget", label="Pas de budget"
    )
    l1 = _lead(ws, campaign, [(M, "2026-10-05"), (A, "2026-10-06"), (Q, "2026-10-10")])
    l2 = _lead(ws, campaign, [(M, "2026-10-07"), (A, "2026-10-08"), (Q, "2026-10-15")])
    _lead(ws, campaign, [(M, "2026-10-09"), (A, "2026-10-10")])
    l4 = _lead(
        ws,
        campaign,
        [(M, "2026-10-12"), (Stage.RECYCLED, "2026-10-13"), (M, "2026-11-02")],
    )
    _reject(ws, l4, "2026-10-12", "2026-10-13", off_target)
    l5 = _lead(ws, campaign, [(M, "2026-10-14"), (Stage.RECYCLED, "2026-10-15")])
    _reject(ws, l5, "2026-10-14", "2026-10-15", off_target)
    l6 = _lead(ws, campaign, [(M, "2026-10-20"), (Stage.RECYCLED, "2026-10-21")])
    _reject(ws, l6, "2026-10-20", "2026-10-21", no_budget)
    _lead(ws, campaign, [(M, "2026-10-25")])
    l8 = _lead(ws, other, [(M, "2026-10-06"), (A, "2026-10-07"), (Q, "2026-10-12")])
    _opportunity(
        ws,
        l1,
        "10000.00",
        "2026-10-10",
        stage=OpportunityStage.WON,
        close_date=dt.date(2026, 11, 20),
    )
    _opportunity(ws, l2, "5000.00", "2026-10-15", stage="proposal")
    _opportunity(ws, l8, "99000.00", "2026-10-12", stage="proposal")
    _touch(ws, l1, campaign, "2026-10-03")
    _touch(ws, l1, other, "2026-10-04")
    _touch(ws, l2, campaign, "2026-10-06")
    _touch(ws, l8, other, "2026-10-05")


def _put(client: Any, path: str, body: dict[str, Any]) -> Any:
    return client._call("put", path, body)


def _numbers(personas: Any, campaign: Any, brief: Any = None, debrief: Any = None) -> Any:
    return debrief_numbers(personas.acme, campaign, brief, debrief, today=TODAY)


# -- the numbers ----------------------------------------------------------------------------------


def test_the_numbers_of_the_hand_worked_campaign(personas, campaign, brief, results):
    n = _numbers(personas, campaign, brief)
    assert (n.expected_mqls, n.expected_sqls, n.expected_pipeline) == (
        10,
        4,
        Decimal("40000.00"),
    )
    assert (n.start, n.end) == (dt.date(2026, 10, 1), TODAY)
    assert n.mqls == 8
    assert (n.sals, n.decided) == (3, 6)
    assert (n.acceptance.numerator, n.acceptance.denominator) == (3, 6)
    assert n.acceptance.value == Fraction(1, 2)
    assert n.rejected == 3
    assert n.reasons == (("Hors cible", 2), ("Pas de budget", 1))
    assert (n.sqls, n.pipeline_sourced) == (2, Decimal("15000.00"))
    assert n.cost_per_mql.value == Decimal("750.00")
    assert n.cost_per_sql.value == Decimal("3000.00")
    assert n.attributed.state == NOT_COMPUTED  # no snapshot of the period


def test_the_attributed_numbers_under_the_locked_model(personas, campaign, brief, results):
    ws = personas.acme
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    snapshot_compute(workspace=ws, start=start, end=end, dimension="campaign")
    lock_sign(
        actor=personas.actor("mia"), start=start, end=end, dimension="campaign", model="first"
    )
    proposed = _numbers(personas, campaign, brief).attributed
    # one side signed: not locked yet; the model it proposed is read from the latest snapshot
    assert (proposed.state, proposed.model) == (NOT_LOCKED, "first")
    lock_sign(
        actor=personas.actor("dave"), start=start, end=end, dimension="campaign", model="first"
    )
    a = _numbers(personas, campaign, brief).attributed
    assert (a.state, a.model, a.period_key) == (LOCKED, "first", "FY2026")
    assert a.revenue == Decimal("10000.00")
    assert a.pipeline == Decimal("15000.00")


def test_the_attributed_numbers_not_locked_read_the_proposed_model(
    personas, campaign, brief, results
):
    ws = personas.acme
    start, end = dt.date(2026, 1, 1), dt.date(2026, 12, 31)
    snapshot_compute(workspace=ws, start=start, end=end, dimension="campaign")
    lock_sign(
        actor=personas.actor("mia"), start=start, end=end, dimension="campaign", model="linear"
    )
    a = _numbers(personas, campaign, brief).attributed
    assert (a.state, a.model) == (NOT_LOCKED, "linear")
    assert a.revenue == Decimal("5000.00")
    assert a.pipeline == Decimal("10000.00")


def test_costs_are_none_when_nothing_was_counted(personas):
    empty = f.CampaignFactory(workspace=personas.acme, start_date=None, end_date=None)
    n = _numbers(personas, empty)
    assert (n.mqls, n.sqls) == (0, 0)
    assert n.cost_per_mql.value is None and n.cost_per_sql.value is None
    assert n.acceptance.value is None
    assert n.rating_average is None


def test_the_ratings_mean(personas, campaign, brief):
    debrief = services.debrief_open(personas.actor("alice"), campaign, today=TODAY)
    services.rating_set(personas.actor("bob"), campaign, 4, "Bons contacts")
    services.rating_set(personas.actor("dave"), campaign, 3)
    n = _numbers(personas, campaign, brief, debrief)
    assert (n.ratings, n.rating_total) == (2, 7)
    assert n.rating_average == Fraction(7, 2)
    assert n.rating_shown == Decimal("3.5")


# -- opening ----------------------------------------------------------------------------------------


def _told(code: str = "codesign.debrief_opened") -> set[str]:
    return set(Notification.objects.filter(code=code).values_list("user__email", flat=True))


def test_the_job_opens_the_debrief_once_and_tells_both_sides(personas, campaign, brief):
    ws = personas.acme
    ending_today = f.CampaignFactory(
        workspace=ws, start_date=dt.date(2026, 10, 1), end_date=dt.date(2026, 11, 1)
    )
    too_old = f.CampaignFactory(
        workspace=ws, start_date=dt.date(2026, 8, 1), end_date=dt.date(2026, 9, 1)
    )
    cancelled = f.CampaignFactory(
        workspace=ws, end_date=dt.date(2026, 10, 20), status=CampaignStatus.CANCELLED
    )
    assert services.debriefs_open_due(ws, today=dt.date(2026, 10, 31)) == 0  # its last day
    assert services.debriefs_open_due(ws, today=dt.date(2026, 11, 1)) == 1
    assert services.debriefs_open_due(ws, today=dt.date(2026, 11, 1)) == 0
    assert services.debriefs_open_due(ws, today=dt.date(2026, 11, 2)) == 1  # ending_today's
    assert Debrief.objects.filter(campaign=campaign).count() == 1
    assert not Debrief.objects.filter(campaign__in=[too_old, cancelled]).exists()
    assert Debrief.objects.filter(campaign=ending_today).exists()
    # marketing: the owner (Alice) and the brief's author (Mia); sales: the pod's Bob and Dave
    # (Erin, an executive in the pod, is not on a side)
    debrief = Debrief.objects.get(campaign=campaign)
    told = Notification.objects.filter(
        code="codesign.debrief_opened", params__campaign=campaign.name
    )
    assert set(told.values_list("user__email", flat=True)) == {
        "alice@example.fr",
        "mia@example.fr",
        "bob@example.fr",
        "dave@example.fr",
    }
    assert told.count() == 4  # once each
    assert all(n.url.endswith(f"/campaigns/{campaign.pk}/debrief/") for n in told)
    entry = AuditEntry.objects.get(target="debriefs", target_id=debrief.pk)
    assert entry.action == "create"


def test_the_notification_speaks_french_and_english(personas, campaign, brief):
    from django.utils import translation

    from cordee.people.notices import notice_render

    services.debriefs_open_due(personas.acme, today=dt.date(2026, 11, 1))
    n = Notification.objects.filter(user=personas.bob).get()
    with translation.override("en"):
        title, _body = notice_render(n.code, n.params)
        assert (
            title == "The debrief of “Webinaire Santé” is open (the campaign ended on 10/31/2026)"
        )
    with translation.override("fr"):
        title, _body = notice_render(n.code, n.params)
        assert title.startswith("Le débrief de « Webinaire Santé » est ouvert")
        assert "31/10/2026" in title


def test_marketing_opens_the_debrief_by_hand_after_the_end_date(personas, campaign, brief):
    with pytest.raises(Conflict):
        services.debrief_open(personas.actor("alice"), campaign, today=dt.date(2026, 10, 31))
    with pytest.raises(PermissionDenied):
        services.debrief_open(personas.actor("bob"), campaign, today=dt.date(2026, 11, 1))
    first = services.debrief_open(personas.actor("alice"), campaign, today=dt.date(2026, 11, 1))
    again = services.debrief_open(personas.actor("mia"), campaign, today=dt.date(2026, 11, 5))
    assert first.pk == again.pk
    assert Notification.objects.filter(code="codesign.debrief_opened").count() == 4


# -- ratings, lessons, completion -----------------------------------------------------------------


@pytest.fixture
def debrief(personas: Any, campaign: Any, brief: Any) -> Debrief:
    return services.debrief_open(personas.actor("alice"), campaign, today=TODAY)


@pytest.mark.parametrize("value", [0, 6, "x", None])
def test_a_rating_is_from_1_to_5(personas, campaign, debrief, value):
    with pytest.raises(ValidationFailed) as exc:
        services.rating_set(personas.actor("bob"), campaign, value)
    assert set(exc.value.field_errors) == {"rating"}


def test_a_rep_rates_once_and_changes_the_rating(personas, campaign, debrief):
    services.rating_set(personas.actor("bob"), campaign, 2, "Peu qualifiés")
    services.rating_set(personas.actor("bob"), campaign, 4, "Finalement bons")
    (row,) = LeadRating.objects.filter(debrief=debrief)
    assert (row.rep_id, row.rating, row.comment) == (personas.bob.pk, 4, "Finalement bons")
    assert [e.action for e in AuditEntry.objects.filter(target="lead-ratings")] in (
        ["create", "update"],
        ["update", "create"],
    )


@pytest.mark.parametrize("name", ["alice", "mia", "erin"])
def test_marketing_and_executives_cannot_rate(personas, campaign, debrief, name):
    with pytest.raises(PermissionDenied):
        services.rating_set(personas.actor(name), campaign, 3)


def test_a_rep_cannot_write_marketings_lessons_nor_a_marketer_sales(personas, campaign, debrief):
    with pytest.raises(PermissionDenied):
        services.lessons_set(personas.actor("bob"), campaign, "marketing", "Rien")
    with pytest.raises(PermissionDenied):
        services.lessons_set(personas.actor("alice"), campaign, "sales", "Rien")
    with pytest.raises(ValidationFailed):
        services.lessons_set(personas.actor("alice"), campaign, "finance", "Rien")


def test_rating_before_the_debrief_opens_is_refused(personas, campaign):
    with pytest.raises(Conflict):
        services.rating_set(personas.actor("bob"), campaign, 3)


def test_the_debrief_completes_with_both_lessons_and_a_manager_reopens_it(
    personas, campaign, debrief
):
    assert list(committee_agenda_debriefs(personas.acme)) == [debrief]
    half = services.lessons_set(personas.actor("alice"), campaign, "marketing", "Cibler les DAF")
    assert half.completed_at is None
    done = services.lessons_set(personas.actor("bob"), campaign, "sales", "Rappeler sous 24 h")
    assert done.completed_at is not None
    # complete but not discussed yet: still on the agenda; discussed: off it
    assert list(committee_agenda_debriefs(personas.acme)) == [debrief]
    with pytest.raises(Conflict):
        services.rating_set(personas.actor("bob"), campaign, 5)
    with pytest.raises(Conflict):
        services.lessons_set(personas.actor("alice"), campaign, "marketing", "Autre")
    with pytest.raises(PermissionDenied):
        services.debrief_reopen(personas.actor("alice"), campaign)
    reopened = services.debrief_reopen(personas.actor("dave"), campaign)
    assert reopened.completed_at is None
    assert services.rating_set(personas.actor("bob"), campaign, 5).rating == 5
    with pytest.raises(Conflict):
        services.debrief_reopen(personas.actor("mia"), campaign)  # open already
    Debrief.objects.filter(pk=debrief.pk).update(
        completed_at=reopened.opened_at, discussed_at=reopened.opened_at
    )
    assert list(committee_agenda_debriefs(personas.acme)) == []


# -- the API ----------------------------------------------------------------------------------------


def test_api_round_trip(personas, campaign, brief, results, api_as):
    url = f"/campaigns/{campaign.pk}/debrief"
    assert api_as("bob").get(url).status_code == 404  # not open yet
    assert api_as("bob").post(f"{url}/open").status_code == 403
    opened = api_as("alice").post(f"{url}/open")
    assert opened.status_code == 200, opened.content
    rated = _put(api_as("bob"), f"{url}/rating", {"rating": 4, "comment": "Bons contacts"})
    assert rated.status_code == 200, rated.content
    assert rated.json()["rating"] == 4
    refused = _put(api_as("bob"), f"{url}/rating", {"rating": 9})
    assert refused.status_code == 422 and set(error_fields(refused)) == {"rating"}
    assert _put(api_as("alice"), f"{url}/rating", {"rating": 3}).status_code == 403
    assert (
        _put(api_as("bob"), f"{url}/lessons", {"side": "marketing", "text": "x"}).status_code == 403
    )
    assert (
        _put(api_as("alice"), f"{url}/lessons", {"side": "marketing", "text": "DAF"}).json()[
            "completed_at"
        ]
        is None
    )
    done = _put(api_as("bob"), f"{url}/lessons", {"side": "sales", "text": "24 h"}).json()
    assert done["completed_at"] is not None
    assert _put(api_as("bob"), f"{url}/rating", {"rating": 2}).status_code == 409
    got = api_as("erin").get(url).json()
    assert [(r["rep_name"], r["rating"]) for r in got["ratings"]] == [("Bob Test", 4)]
    n = got["numbers"]
    assert n["mqls"] == 8 and n["expected_mqls"] == 10
    assert n["acceptance_rate"] == {"numerator": 3, "denominator": 6, "value": 0.5}
    assert n["rejection_reasons"] == [
        {"reason": "Hors cible", "count": 2},
        {"reason": "Pas de budget", "count": 1},
    ]
    assert (n["sqls"], n["pipeline_sourced"]) == (2, "15000.00")
    assert n["cost_per_mql"] == {"budget": "6000.00", "count": 8, "value": "750.00"}
    assert n["cost_per_sql"]["value"] == "3000.00"
    assert n["rating"] == {"numerator": 4, "denominator": 1, "value": 4.0}
    assert api_as("dave").post(f"{url}/reopen").json()["completed_at"] is None


def test_another_workspaces_campaign_is_404_on_every_endpoint(personas, api_as):
    theirs = f.CampaignFactory(workspace=personas.globex)
    Debrief.objects.create(workspace=personas.globex, campaign=theirs, opened_at=at("2026-04-01"))
    url = f"/campaigns/{theirs.pk}/debrief"
    assert api_as("alice").get(url).status_code == 404
    assert api_as("alice").post(f"{url}/open").status_code == 404
    assert _put(api_as("bob"), f"{url}/rating", {"rating": 3}).status_code == 404
    assert (
        _put(api_as("alice"), f"{url}/lessons", {"side": "marketing", "text": "x"}).status_code
        == 404
    )
    assert api_as("dave").post(f"{url}/reopen").status_code == 404


# -- the pages --------------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(name: str, campaign: Any, slug: str = "acme") -> str:
    return reverse(name, args=[slug, campaign.pk])


def test_the_page_shows_results_next_to_expectations(personas, campaign, brief, results, debrief):
    services.rating_set(personas.actor("bob"), campaign, 4, "Bons contacts")
    page = _client(personas.bob).get(_url("debrief_detail", campaign))
    assert page.status_code == 200
    html = page.content.decode()
    assert "3 ÷ 6" in html  # the acceptance rate's numerator and denominator
    assert "Hors cible" in html and "Pas de budget" in html
    assert "Bons contacts" in html
    assert 'id="rating-form"' in html and 'id="lessons-sales-form"' in html
    assert 'id="lessons-marketing-form"' not in html  # a rep does not write marketing's


def test_the_page_actions(personas, campaign, brief):
    alice, bob, dave = (_client(getattr(personas, n)) for n in ("alice", "bob", "dave"))
    assert 'id="debrief-open"' in alice.get(_url("debrief_detail", campaign)).content.decode()
    assert alice.post(_url("debrief_open", campaign)).status_code == 302
    assert Debrief.objects.filter(campaign=campaign).exists()
    assert bob.post(_url("debrief_rate", campaign), {"rating": "5"}).status_code == 302
    assert LeadRating.objects.get(rep=personas.bob).rating == 5
    assert alice.post(_url("debrief_rate", campaign), {"rating": "5"}).status_code == 403
    bad = bob.post(_url("debrief_rate", campaign), {"rating": "7"}, follow=True)
    assert "flash__item--error" in bad.content.decode()  # the refusal told on the page
    assert LeadRating.objects.get(rep=personas.bob).rating == 5
    alice.post(_url("debrief_lessons", campaign), {"side": "marketing", "text": "Cibler"})
    bob.post(_url("debrief_lessons", campaign), {"side": "sales", "text": "Rappeler"})
    assert Debrief.objects.get(campaign=campaign).completed_at is not None
    assert dave.post(_url("debrief_reopen", campaign)).status_code == 302
    assert Debrief.objects.get(campaign=campaign).completed_at is None


def test_the_campaign_page_has_the_debrief_card(personas, campaign, brief):
    page = _client(personas.bob).get(reverse("campaigns_detail", args=["acme", campaign.pk]))
    html = page.content.decode()
    assert _url("debrief_detail", campaign) in html
    assert 'id="campaign-debrief-state"' in html


@pytest.mark.parametrize(
    "name", ["debrief_detail", "debrief_open", "debrief_rate", "debrief_lessons", "debrief_reopen"]
)
def test_another_workspaces_campaign_page_is_404(personas, name):
    theirs = f.CampaignFactory(workspace=personas.globex)
    Debrief.objects.create(workspace=personas.globex, campaign=theirs, opened_at=at("2026-04-01"))
    client = _client(personas.dave)
    url = _url(name, theirs)
    response = client.get(url) if name == "debrief_detail" else client.post(url, {"rating": "3"})
    assert response.status_code == 404


def test_the_periodic_job_is_registered_and_opens_yesterdays_campaigns(personas):
    from cordee.codesign.jobs import open_due_debriefs
    from cordee.core import scheduler

    assert any(job.func is open_due_debriefs for job in scheduler.jobs())
    yesterday = personas.acme.today() - dt.timedelta(days=1)
    ended = f.CampaignFactory(workspace=personas.acme, start_date=yesterday, end_date=yesterday)
    open_due_debriefs()
    open_due_debriefs()
    assert Debrief.objects.filter(campaign=ended).count() == 1
