"""The home page per role (issue 20, part 5): each role's home lists exactly the hand-made
items due for that person, and nothing else; the API answers what the page prints; another
workspace's person sees none of it; the queries do not grow with the data."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cordee.codesign.models import BriefVersion, Debrief, Kit, KitAcknowledgement, Review
from cordee.crm.models import CampaignStatus
from cordee.feedback.services import feedback_submit
from cordee.funnel import kpis, services
from cordee.funnel.models import SlaBreach, SlaContract, Stage
from cordee.people.models import PodMember
from cordee.rituals.models import ActionItem, Committee, Meeting
from tests import factories as f

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def _api(personas: Any, name: str) -> Any:
    from cordee.people.services import api_token_create
    from tests.fixtures.api import ApiClient

    _token, secret = api_token_create(actor=personas.actor(name), name="tests")
    return ApiClient({"Authorization": f"Bearer {secret}"})


def _needs(personas: Any, name: str) -> dict[str, list[str]]:
    """The API's "what needs me now": block code → the titles of its items."""
    response = _api(personas, name).get("me/home")
    assert response.status_code == 200, response.content
    return {b["code"]: [i["title"] for i in b["items"]] for b in response.json()["needs"]}


def _contract(personas: Any, name: str, hours: int, pod: Any = None, signed: bool = True) -> Any:
    now = timezone.now()
    return SlaContract.objects.create(
        workspace=personas.acme,
        name=name,
        pod=pod,
        period_start=now.date() - dt.timedelta(days=30),
        period_end=now.date() + dt.timedelta(days=30),
        first_touch_hours=Decimal(hours),
        decision_hours=Decimal(hours * 10),
        marketing_signed_at=now if signed else None,
        sales_signed_at=now if signed else None,
    )


def _mql(personas: Any, owner: Any, last_name: str, hours_ago: int, pod: Any = None) -> Any:
    at = timezone.now() - dt.timedelta(hours=hours_ago)
    contact = f.ContactFactory(workspace=personas.acme, first_name="Léa", last_name=last_name)
    return f.LeadFactory(
        workspace=personas.acme,
        contact=contact,
        stage=Stage.MQL,
        owner=owner,
        pod=pod,
        mql_at=at,
        stage_entered_at=at,
    )


def _action(personas: Any, owner: Any, title: str, in_days: int, done: bool = False) -> Any:
    now = timezone.now()
    committee = Committee.objects.create(
        workspace=personas.acme, name=f"Comité {title}", rrule="FREQ=WEEKLY", first_at=now
    )
    meeting = Meeting.objects.create(
        workspace=personas.acme,
        committee=committee,
        starts_at=now,
        ends_at=now + dt.timedelta(hours=1),
    )
    return ActionItem.objects.create(
        workspace=personas.acme,
        committee=committee,
        meeting=meeting,
        title=title,
        owner=owner,
        due_on=personas.acme.today() + dt.timedelta(days=in_days),
        done_at=now if done else None,
    )


def _campaign(personas: Any, name: str, owner: Any = None, **data: Any) -> Any:
    return f.CampaignFactory(workspace=personas.acme, name=name, owner=owner, **data)


def _review(personas: Any, campaign: Any, pod: Any, reviewer: Any, state: str = "pending") -> Any:
    now = timezone.now()
    return Review.objects.create(
        workspace=personas.acme,
        campaign=campaign,
        pod=pod,
        reviewer=reviewer,
        version=1,
        requested_at=now,
        due_at=now + dt.timedelta(days=2),
        state=state,
        decided_at=None if state == "pending" else now,
    )


def _kit(personas: Any, campaign: Any, pod: Any) -> Kit:
    BriefVersion.objects.create(workspace=personas.acme, campaign=campaign, number=1, pods=[pod.pk])
    return Kit.objects.create(
        workspace=personas.acme, campaign=campaign, version=1, updated_at=timezone.now()
    )


# -- a rep -----------------------------------------------------------------------------------------


@pytest.fixture
def rep_world(personas: Any) -> dict[str, Any]:
    """Bob's: two MQLs (the newer one's clock runs out first: its pod's contract gives 1 hour,
    the workspace's 48), a review to give, a kit to acknowledge, an action item due in two days.
    Beside them what is not his or not due: dave's MQL, a review asked of dave, a kit bob
    acknowledged, a kit of a pod he is not in, an action due in a month, one done."""
    ws = personas.acme
    nord, sud = f.PodFactory(workspace=ws, name="Nord"), f.PodFactory(workspace=ws, name="Sud")
    PodMember.objects.create(pod=nord, user=personas.bob)
    _contract(personas, "Tout le monde", 48)
    _contract(personas, "Nord rapide", 1, pod=nord)
    _mql(personas, personas.bob, "Ancien", hours_ago=5)
    _mql(personas, personas.bob, "Pressé", hours_ago=1, pod=nord)
    _mql(personas, personas.dave, "Autre", hours_ago=2)
    salon = _campaign(personas, "Salon Santé")
    _review(personas, salon, nord, personas.bob)
    _review(personas, _campaign(personas, "Pas pour Bob"), sud, personas.dave)
    _kit(personas, _campaign(personas, "Kit à lire", status=CampaignStatus.ACTIVE), nord)
    read = _kit(personas, _campaign(personas, "Kit lu", status=CampaignStatus.ACTIVE), nord)
    KitAcknowledgement.objects.create(
        workspace=ws, kit=read, user=personas.bob, version=1, acknowledged_at=timezone.now()
    )
    _kit(personas, _campaign(personas, "Kit du Sud", status=CampaignStatus.ACTIVE), sud)
    _kit(personas, _campaign(personas, "Kit fini", status=CampaignStatus.COMPLETED), nord)
    _action(personas, personas.bob, "Rappeler la clinique", in_days=2)
    _action(personas, personas.bob, "Plus tard", in_days=30)
    _action(personas, personas.bob, "Déjà fait", in_days=1, done=True)
    _action(personas, personas.alice, "Pas à Bob", in_days=1)
    return {"nord": nord, "sud": sud}


def test_a_reps_home_lists_exactly_his_work_the_soonest_clock_first(personas, rep_world):
    assert _needs(personas, "bob") == {
        "mqls": ["Léa Pressé", "Léa Ancien"],
        "feedback_answers": [],
        "reviews": ["Salon Santé"],
        "kits": ["Kit à lire"],
        "actions": ["Rappeler la clinique"],
    }


def test_an_mql_shows_its_next_clock_and_the_page_links_where_it_is_done(personas, rep_world):
    html = _client(personas.bob).get("/w/acme/").content.decode()
    assert html.count('data-kind="mql"') == 2
    first = html[html.index('data-kind="mql"') :]
    assert "First touch by" in first[: first.index("</li>")]
    review = Review.objects.get(campaign__name="Salon Santé")
    assert f'href="/w/acme/campaigns/{review.campaign_id}/brief/"' in html
    kit = Kit.objects.get(campaign__name="Kit à lire")
    assert f'href="/w/acme/campaigns/{kit.campaign_id}/kit/"' in html


def test_an_answer_to_my_feedback_shows_until_its_notification_is_read(personas):
    from cordee.feedback.services import feedback_respond
    from cordee.people.models import Notification

    item = feedback_submit(
        actor=personas.actor("bob"), data={"kind": "objection", "title": "Trop cher"}
    )
    feedback_respond(actor=personas.actor("alice"), item_id=item.pk, text="Vu.")
    answers = _needs(personas, "bob")["feedback_answers"]
    assert len(answers) == 1
    Notification.objects.filter(user=personas.bob).update(read_at=timezone.now())
    assert _needs(personas, "bob")["feedback_answers"] == []


# -- a marketer ------------------------------------------------------------------------------------


def test_a_marketers_home_lists_exactly_her_work(personas):
    ws = personas.acme
    nord = f.PodFactory(workspace=ws, name="Nord")
    feedback_submit(actor=personas.actor("bob"), data={"kind": "pricing", "title": "Remise"})
    returned = _campaign(personas, "Retour des ventes", owner=personas.alice)
    _review(personas, returned, nord, personas.dave, state="changes")
    _review(
        personas, _campaign(personas, "Encore en attente", owner=personas.alice), nord, personas.bob
    )
    _review(
        personas,
        _campaign(personas, "Pas à elle", owner=personas.mia),
        nord,
        personas.dave,
        state="approved",
    )
    launched = _campaign(personas, "Lancée", owner=personas.alice, status=CampaignStatus.ACTIVE)
    _review(personas, launched, nord, personas.dave, state="approved")
    done = _campaign(personas, "Bilan à écrire", owner=personas.alice)
    Debrief.objects.create(workspace=ws, campaign=done, opened_at=timezone.now())
    written = _campaign(personas, "Bilan écrit", owner=personas.alice)
    Debrief.objects.create(
        workspace=ws, campaign=written, opened_at=timezone.now(), lessons_marketing="Trop tôt."
    )
    assert _needs(personas, "alice") == {
        "feedback_triage": ["Remise"],
        "reviews_returned": ["Retour des ventes"],
        "debriefs": ["Bilan à écrire"],
        "actions": [],
    }


# -- a manager -------------------------------------------------------------------------------------


def test_a_sales_managers_home_lists_exactly_the_breach_the_goal_and_the_signature(personas):
    ws = personas.acme
    _contract(personas, "Signé", 4)
    waiting = _contract(personas, "À signer", 4, signed=False)
    lead = _mql(personas, personas.bob, "Oubliée", hours_ago=60)
    now = timezone.now()
    for side, kind in (("sales", "first_touch"), ("marketing", "mql_volume")):
        SlaBreach.objects.create(
            workspace=ws,
            kind=kind,
            side=side,
            lead=lead if side == "sales" else None,
            mql_at=lead.mql_at,
            owner=personas.bob,
            due_at=now,
            detected_at=now,
        )
    SlaBreach.objects.create(  # discussed in committee already
        workspace=ws,
        kind="decision",
        side="sales",
        lead=lead,
        mql_at=lead.mql_at,
        owner=personas.bob,
        due_at=now,
        detected_at=now,
        committee_pending=False,
    )
    quarter = kpis.current_period(ws).key.removeprefix("FY")
    services.goal_create(
        actor=personas.actor("rita"),
        data={
            "kpi": "sqls",
            "scope": "workspace",
            "period": quarter,
            "target": "1000",
            "marketing_owner": personas.mia.pk,
            "sales_owner": personas.dave.pk,
        },
    )
    needs = _needs(personas, "dave")
    assert len(needs["breaches"]) == 1 and needs["breaches"][0].endswith(" · Léa Oubliée")
    assert len(needs["goals_at_risk"]) == 1 and needs["goals_at_risk"][0].endswith(quarter)
    assert needs["signatures"] == [waiting.name]
    assert {
        k: v for k, v in needs.items() if k not in {"breaches", "goals_at_risk", "signatures"}
    } == {"mqls": [], "feedback_answers": [], "reviews": [], "actions": []}
    # marketing's manager sees marketing's breach and the same contract to sign
    mia = _needs(personas, "mia")
    assert len(mia["breaches"]) == 1 and "Léa" not in mia["breaches"][0]
    assert mia["signatures"] == [waiting.name]


# -- RevOps and the executive ----------------------------------------------------------------------


def test_revops_sees_the_mqls_nobody_owns(personas):
    _mql(personas, None, "Orpheline", hours_ago=3)
    _mql(personas, personas.bob, "Prise", hours_ago=3)
    needs = _needs(personas, "rita")
    assert needs["unowned_mqls"] == ["Léa Orpheline"]
    assert needs["failed_imports"] == [] and needs["breaches"] == []


def test_an_executives_home_shows_the_index_the_shared_goals_and_the_pipeline(personas):
    ws = personas.acme
    quarter = kpis.current_period(ws).key.removeprefix("FY")
    goal = services.goal_create(
        actor=personas.actor("rita"),
        data={
            "kpi": "sqls",
            "scope": "workspace",
            "period": quarter,
            "target": "10",
            "marketing_owner": personas.mia.pk,
            "sales_owner": personas.dave.pk,
        },
    )
    f.OpportunityFactory(
        workspace=ws, currency=ws.currency, amount=Decimal("1000"), stage="discovery"
    )
    f.OpportunityFactory(
        workspace=ws, currency=ws.currency, amount=Decimal("2500"), stage="proposal"
    )
    f.OpportunityFactory(
        workspace=ws, currency=ws.currency, amount=Decimal("9999"), stage="closed_won"
    )  # closed: not open
    body = _api(personas, "erin").get("me/home").json()
    blocks = {b["code"]: b for b in body["needs"]}
    assert list(blocks) == ["index", "shared_goals", "pipeline", "actions"]
    assert blocks["index"]["value"] != ""  # a score, or "not measured yet"
    assert [i["url"] for i in blocks["shared_goals"]["items"]] == [f"/w/acme/goals/{goal.pk}/"]
    assert blocks["pipeline"]["count"] == 2  # 1,000 + 2,500 open
    assert re.sub(r"\D", "", blocks["pipeline"]["value"]) == "3500"
    assert [b["code"] for b in body["together"]] == ["wins"]  # the index is already first


def test_everyone_gets_the_wins_feed_and_the_index(personas):
    for name in ("alice", "bob", "dave", "mia", "rita"):
        together = _api(personas, name).get("me/home").json()["together"]
        assert [b["code"] for b in together] == ["wins", "index"], name
        assert together[1]["see_all"] == "/w/acme/alignment/"


# -- one definition, one workspace, constant queries -----------------------------------------------


def test_the_api_answers_what_the_page_prints(personas, rep_world):
    body = _api(personas, "bob").get("me/home").json()
    html = _client(personas.bob).get("/w/acme/").content.decode()
    printed = re.findall(r'data-block="([a-z_]+)" data-count="(\d+)"', html)
    assert printed == [(b["code"], str(b["count"])) for b in body["needs"] + body["together"]]
    for block in body["needs"] + body["together"]:
        for item in block["items"]:
            assert f'href="{item["url"]}"' in html.replace("&amp;", "&")


def test_another_workspace_sees_nothing_of_acme(personas, rep_world):
    assert _client(personas.carol).get("/w/acme/").status_code == 404
    carol = _api(personas, "carol").get("me/home").json()
    assert all(b["items"] == [] for b in carol["needs"] + carol["together"])
    assert "Léa" not in _client(personas.carol).get("/w/globex/").content.decode()


def _home_queries(client: Client) -> int:
    client.get("/w/acme/")  # warm the session and the nav's cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/w/acme/").status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["bob", "alice", "dave", "rita", "erin"])
def test_the_homes_queries_do_not_grow_with_the_data(personas, rep_world, name):
    client = _client(getattr(personas, name))
    small = _home_queries(client)
    nord = rep_world["nord"]
    for n in range(12):
        _mql(personas, personas.bob if n % 2 else None, f"Lot{n}", hours_ago=n + 1, pod=nord)
        campaign = _campaign(
            personas, f"Lot {n}", owner=personas.alice, status=CampaignStatus.ACTIVE
        )
        _kit(personas, campaign, nord)
        _action(personas, getattr(personas, name), f"Action {n}", in_days=1)
        feedback_submit(actor=personas.actor("bob"), data={"kind": "pricing", "title": f"F{n}"})
    assert _home_queries(client) == small
