"""A pod's living page (/w/<slug>/pods/<id>/) and its API overview: exactly the pod's members by
side, a missing side flagged, the pod's numbers as the KPI catalogue's (read by hand from the
rows made below), each block's objects and links, the pods list, and queries that do not grow
with the pod.

The clock is fixed at Friday 20 March 2026, 12:00 UTC (Acme: fiscal year = calendar year), so
the current month is 2026-03 and the quarter 2026-Q1.

Hand-made funnel of pod Nord (the leads' pod; no assignment to another pod):

| lead | MQL       | then                        | pod  |
|------|-----------|-----------------------------|------|
| L1   | 2 March   | SAL 4 March (accepted)      | Nord |
| L2   | 5 March   | rejected 6 March → recycled | Nord |
| L3   | 3 March   | SAL 4 March                 | —    |

By hand, pod Nord, March and Q1 alike: MQLs created = 2 (L1, L2; L3 is not the pod's), SALs =
1 (L1), MQLs decided = 2 (L1 accepted, L2 rejected) → acceptance = 1/2 = 50 %. Its leads by stage
now: SAL 1 (L1), recycled 1 (L2).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cordee.alignment.index import index_month
from cordee.alignment.models import ValueEntry
from cordee.codesign.models import BriefVersion
from cordee.feedback.models import FeedbackItem
from cordee.funnel.models import Goal, LeadDecision, Stage
from cordee.funnel.models.decisions import DecisionKind
from cordee.funnel.stages import ImportedStep, lead_history_import
from cordee.people.models import PodMember
from cordee.rituals.models import Committee, Meeting, MeetingState
from cordee.wins.models import WinPost
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

NOW = dt.datetime(2026, 3, 20, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=dt.UTC)


def _lead(ws: Any, steps: list[tuple[str, dt.datetime]], **kwargs: Any) -> Any:
    lead = f.LeadFactory(workspace=ws, stage_entered_at=steps[0][1], **kwargs)
    lead_history_import(
        workspace_id=ws.pk, lead=lead, steps=[ImportedStep(s, when) for s, when in steps]
    )
    return lead


@pytest.fixture
def nord(personas: Any) -> Any:
    """Pod Nord: alice (marketing, pod lead) and bob (sales); the funnel of the table above."""
    ws = personas.acme
    pod = f.PodFactory(workspace=ws, name="Nord", mission="Le Nord industriel, ensemble.")
    PodMember.objects.create(pod=pod, user=personas.alice, is_lead=True)
    PodMember.objects.create(pod=pod, user=personas.bob)
    M, A = Stage.MQL, Stage.SAL
    _lead(ws, [(M, at("2026-03-02")), (A, at("2026-03-04"))], owner=personas.bob, pod=pod)
    l2 = _lead(
        ws,
        [(M, at("2026-03-05")), (Stage.RECYCLED, at("2026-03-06"))],
        owner=personas.bob,
        pod=pod,
    )
    LeadDecision.objects.create(
        workspace=ws,
        lead=l2,
        mql_at=at("2026-03-05"),
        kind=DecisionKind.REJECT,
        decided_at=at("2026-03-06"),
    )
    _lead(ws, [(M, at("2026-03-03")), (A, at("2026-03-04"))], owner=personas.dave)
    return pod


def _page(client: Any, user: Any, pod: Any) -> str:
    client.force_login(user)
    response = client.get(f"/w/acme/pods/{pod.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _side(html: str, side: str) -> str:
    start = html.index(f'data-side="{side}"')
    return html[start : html.index("</div>", start)]


def test_the_page_lists_exactly_the_pods_members_by_side(client, personas, nord):
    html = _page(client, personas.erin, nord)
    marketing, sales = _side(html, "marketing"), _side(html, "sales")
    assert "Alice Test" in marketing and "Bob" not in marketing
    assert "Bob Test" in sales and "Alice" not in sales
    assert "Pod lead" in marketing and "Pod lead" not in sales
    for outsider in ("Mia", "Dave", "Rita"):  # the workspace's others are not the pod's
        assert outsider not in marketing + sales
    assert 'data-side="other"' not in html
    assert "pod__missing" not in html


def test_a_pod_missing_a_side_is_flagged(client, personas):
    pod = f.PodFactory(workspace=personas.acme, name="Marketing seul")
    PodMember.objects.create(pod=pod, user=personas.alice)
    html = _page(client, personas.bob, pod)
    assert 'data-missing="sales"' in html
    assert "This pod has no one from sales." in html
    rows = client.get("/w/acme/pods/").content.decode()
    assert f'data-pod="{pod.pk}" data-missing="sales"' in rows


def _kpi(html: str, period: str, key: str) -> str:
    block = html[html.index(f'data-period="{period}"') :]
    start = block.index(f'data-kpi="{key}"')
    return block[start : block.index("</div>", start)]


def test_the_numbers_are_the_kpi_catalogues_for_the_pod_and_period(client, personas, nord):
    html = _page(client, personas.bob, nord)
    for period in ("2026-03", "2026-Q1"):
        acceptance = _kpi(html, period, "acceptance_rate")
        assert 'data-numerator="1" data-denominator="2"' in acceptance  # 1 SAL of 2 decided
        assert "50" in acceptance
        assert ">2<" in _kpi(html, period, "mqls_created")  # L1, L2 (L3 is not the pod's)
        assert ">1<" in _kpi(html, period, "sals")
    assert 'data-stage="sal" data-count="1"' in html
    assert 'data-stage="recycled" data-count="1"' in html
    assert 'data-stage="mql" data-count="0"' in html


def test_the_api_overview_gives_the_same_numbers(personas, api_as, nord):
    body = api_as("erin").get(f"pods/{nord.pk}/overview").json()
    assert [(m["name"], m["side"], m["is_lead"]) for m in body["members"]] == [
        ("Alice Test", "marketing", True),
        ("Bob Test", "sales", False),
    ]
    assert body["missing_sides"] == []
    month, quarter = body["periods"]
    assert (month["period"], quarter["period"]) == ("2026-03", "2026-Q1")
    for period in (month, quarter):
        kpis = {k["key"]: k for k in period["kpis"]}
        assert (kpis["acceptance_rate"]["numerator"], kpis["acceptance_rate"]["denominator"]) == (
            1,
            2,
        )
        assert Decimal(kpis["acceptance_rate"]["value"]) == Decimal("0.5")
        assert (kpis["mqls_created"]["value"], kpis["sals"]["value"]) == ("2", "1")
    stages = {s["stage"]: s["count"] for s in body["stages"]}
    assert (stages["sal"], stages["recycled"], stages["won"]) == (1, 1, 0)
    # the pod's index: only its acceptance could be measured (1 of 2 → 50), every other part
    # left out and the weights renormalised over that one
    assert body["index"]["score"] == 50.0
    assert body["index"]["url"] == f"/w/acme/alignment/?pod={nord.pk}"


def test_each_block_shows_the_pods_objects_and_links_where_the_work_is(client, personas, nord):
    ws = personas.acme
    other = f.PodFactory(workspace=ws, name="Sud")
    goal = Goal.objects.create(
        workspace=ws,
        kpi="sals",
        scope=f"pod:{nord.pk}",
        period="2026-Q1",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        target=Decimal(4),
    )
    WinPost.objects.create(
        workspace=ws, kind="deal_won", key="w1", at=at("2026-03-10"), pod=nord,
        params={"deal": {"name": "Aciéries du Nord"}, "amount": "12000", "owner": {"name": "Bob"}},
    )  # fmt: skip
    WinPost.objects.create(
        workspace=ws, kind="deal_won", key="w2", at=at("2026-03-11"), pod=other,
        params={"deal": {"name": "Gagné au Sud"}, "amount": "9000", "owner": {"name": "Dave"}},
    )  # fmt: skip
    mine = FeedbackItem.objects.create(
        workspace=ws, kind="objection", title="Trop cher pour les PME", author=personas.bob,
        submitted_at=at("2026-03-12"),
    )  # fmt: skip
    FeedbackItem.objects.create(
        workspace=ws, kind="objection", title="Avis de Dave", author=personas.dave,
        submitted_at=at("2026-03-12"),
    )  # fmt: skip
    april = {"start_date": dt.date(2026, 4, 2), "end_date": dt.date(2026, 4, 3)}
    campaign = f.CampaignFactory(workspace=ws, name="Salon Nord", **april)
    BriefVersion.objects.create(workspace=ws, campaign=campaign, number=1, pods=[nord.pk])
    elsewhere = f.CampaignFactory(workspace=ws, name="Salon Sud", **april)
    BriefVersion.objects.create(workspace=ws, campaign=elsewhere, number=1, pods=[other.pk])
    committee = Committee.objects.create(
        workspace=ws, name="Hebdo Nord", pod=nord, rrule="FREQ=WEEKLY", first_at=at("2026-03-03")
    )
    Meeting.objects.create(
        workspace=ws, committee=committee, starts_at=at("2026-03-24", "09:00"),
        ends_at=at("2026-03-24", "10:00"), state=MeetingState.PLANNED,
    )  # fmt: skip
    html = _page(client, personas.erin, nord)
    assert f'data-goal="{goal.pk}"' in html and f"/w/acme/goals/{goal.pk}/" in html
    assert "Aciéries du Nord" in html and "Gagné au Sud" not in html
    assert f"/w/acme/feedback/{mine.pk}/" in html and "Avis de Dave" not in html
    assert "Salon Nord" in html and "Salon Sud" not in html
    assert f"/w/acme/campaigns/{campaign.pk}/" in html
    assert f"/w/acme/committees/{committee.pk}/" in html and "24 March 2026" in html
    # the pod's index as the index defines it (its own hand-worked tests: tests/alignment/
    # test_index.py), the same on the pod's page
    score = index_month(ws, ws.today(), pod=nord).score
    assert f"/w/acme/alignment/?pod={nord.pk}" in html and f'data-score="{score}"' in html
    assert f"/w/acme/leads/?pod={nord.pk}&amp;stage=sal" in html
    assert f"/w/acme/feedback/?pod={nord.pk}" in html


def test_the_old_detail_name_leads_to_the_living_page(client, personas, nord):
    from django.urls import reverse

    assert reverse("pods_detail", args=["acme", nord.pk]) == f"/w/acme/pods/{nord.pk}/"
    assert 'id="value-log"' in _page(client, personas.alice, nord)


def test_the_pods_list_shows_each_pods_members_by_side(client, personas, nord):
    lone = f.PodFactory(workspace=personas.acme, name="Vide")
    client.force_login(personas.bob)
    html = client.get("/w/acme/pods/").content.decode()
    card = html[html.index(f'data-pod="{nord.pk}"') :]
    card = card[: card.index("</li>")]
    assert 'data-missing=""' in card
    assert 'data-side="marketing" data-count="1"' in card and "Alice Test" in card
    assert 'data-side="sales" data-count="1"' in card and "Bob Test" in card
    assert f'data-pod="{lone.pk}" data-missing="marketing,sales"' in html


def test_another_workspaces_pod_is_a_404(client, personas, api_as, nord):
    client.force_login(personas.carol)
    assert client.get(f"/w/acme/pods/{nord.pk}/").status_code == 404
    theirs = f.PodFactory(workspace=personas.globex, name="Globex pod")
    client.force_login(personas.alice)
    assert client.get(f"/w/acme/pods/{theirs.pk}/").status_code == 404
    assert api_as("alice").get(f"pods/{theirs.pk}/overview").status_code == 404


def _grow(personas: Any, pod: Any, first: int, n: int) -> None:
    """``n`` more of everything the page lists: members, leads, entries, feedback, wins."""
    ws = personas.acme
    for i in range(first, first + n):
        user = f.UserFactory(first_name=f"Membre{i}")
        f.MembershipFactory(workspace=ws, user=user, role="marketer" if i % 2 else "sales_rep")
        PodMember.objects.create(pod=pod, user=user)
        f.LeadFactory(workspace=ws, pod=pod, stage=Stage.MQL, mql_at=at("2026-03-09"),
                      stage_entered_at=at("2026-03-09"))  # fmt: skip
        ValueEntry.objects.create(
            workspace=ws, pod=pod, author=user, on=dt.date(2026, 3, 1), title=f"Entrée {i}"
        )
        FeedbackItem.objects.create(workspace=ws, kind="objection", title=f"Retour {i}",
                                    author=user, pod=pod, submitted_at=at("2026-03-12"))  # fmt: skip
        WinPost.objects.create(workspace=ws, kind="deal_won", key=f"g{i}", pod=pod,
                               at=at("2026-03-13"), params={"title": f"Gain {i}"})  # fmt: skip


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_queries_do_not_grow_with_the_pod(client, personas, nord):
    client.force_login(personas.alice)
    _grow(personas, nord, 0, 1)  # one of each: the sizes differ, not what is read
    page, listing = f"/w/acme/pods/{nord.pk}/", "/w/acme/pods/"
    client.get(page)  # warm the session and the caches
    small = (_queries(client, page), _queries(client, listing))
    _grow(personas, nord, 1, 12)
    big = (_queries(client, page), _queries(client, listing))
    assert big == small


def test_the_api_overview_queries_do_not_grow_with_the_pod(personas, api_as, nord):
    api = api_as("erin")
    _grow(personas, nord, 0, 1)
    api.get(f"pods/{nord.pk}/overview")
    with CaptureQueriesContext(connection) as small:
        api.get(f"pods/{nord.pk}/overview")
    _grow(personas, nord, 1, 12)
    with CaptureQueriesContext(connection) as big:
        assert api.get(f"pods/{nord.pk}/overview").status_code == 200
    assert len(big) == len(small)
