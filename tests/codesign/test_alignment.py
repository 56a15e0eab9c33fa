"""The alignment numbers of a hand-worked quarter (cordee/codesign/alignment.py), the page and the
API.

Acme (Europe/Paris, French holidays, 09:00–12:30 and 14:00–18:00 Monday to Friday: 7.5 business
hours a day), period 2026-Q2 (1 April – 30 June 2026). Pods Nord, Sud, Est.

Reps (active SDRs and sales reps): Nord — bob, nina; Sud — sam, sara, nina (nina in both);
Est — eve. Not reps: dave (sales manager, in Nord), olga (a sales rep no longer active, in Sud).

| campaign | brief pods | launch (first status → active)       | sales review                      |
|----------|------------|---------------------------------------|-----------------------------------|
| C1       | Nord, Sud  | 10 June 10:00 (again 20 June)         | Nord, Sud approved before         |
| C2       | Nord       | 11 June, **overridden**               | Nord pending                      |
| C3       | Sud        | 15 June                               | changes requested, then approved  |
| C4       | no brief   | none recorded: active, starts 4 May   | —                                 |
| C5       | Est        | 2 June                                | approved 20 May, closed 25 May    |
| C11      | Nord       | 30 June 23:30 Paris (21:30 UTC)       | —                                 |
| C10      | Nord       | 1 July 00:30 Paris: next quarter      | —                                 |
| C6       | Nord, Est  | 20 March: last quarter                | approved in March                 |
| C8       | Sud        | planned, starts 10 May: not launched  | —                                 |

**Approved before launch**: launched C1, C2, C3, C4, C5, C11 = 6; approved C1, C3 (C2 overridden,
C4 no brief, C5's approval closed before its launch, C11 none) → workspace 2/6; Nord (C1, C2,
C11) 1/3; Sud (C1, C3) 2/2; Est (C5) 0/1.

**Review rounds answered in the quarter** (business hours):
C1/Nord asked Friday 5 June 16:00, approved Monday 8 June 10:00: 2 + 1 = 3 h (the weekend is
not counted); C1/Sud Monday 8 June 09:00 → 15:00: 3.5 + 1 = 4.5 h; C3/Sud round 1 Tuesday 9 June
11:00 → Wednesday 10 June 11:00 (changes): 1.5 + 4 + 2 = 7.5 h; round 2 Wednesday 11:00 →
Thursday 11 June 14:30: 1.5 + 4 + 3.5 + 0.5 = 9.5 h; C5/Est Monday 18 May 09:00 → Wednesday
20 May 09:00: 15 h. Not counted: C2's and C5's pending rounds, C6's March round, Globex's.
→ workspace median of 3, 4.5, 7.5, 9.5, 15 = 7.5 h (5 rounds); Nord 3 h; Sud 7.5 h; Est 15 h.

**Kit** (campaigns launched in the quarter with a kit): C1's kit at version 2 — bob read v2,
nina read v1 (an old version: not counted), sam read v2, sara nothing; C3's kit at version 1 —
sara read v1, dave read v1 (not a rep). C1 reaches bob, nina, sam, sara (nina once), 2 read;
C3 reaches sam, sara, nina, 1 read → workspace 3/7; Nord (C1: bob, nina) 1/2; Sud (C1: sam,
sara, nina: 1; C3: 1) 2/6; Est no kit → none (0/0). C6's kit (launched last quarter) not counted.

**Debriefs** of the campaigns ending in the quarter: C4 (ends 5 June) completed, rating 3; C6
(20 June) completed, ratings 4 and 5; C7 (Sud, 25 June) opened, rating 2; C2 (30 June) none; C9
(ends 10 July) completed, rating 1: not counted → workspace 2/3, mean (3 + 4 + 5 + 2) / 4 = 3.5
(4 ratings); Nord (C6) 1/1, 4.5; Sud (C7) 0/1, 2; Est (C6) 1/1, 4.5.

Globex has a launched, approved campaign with a kit, a debrief and a rating in the quarter, and a
field change naming C8's id: none of it counts.
"""

from __future__ import annotations

import datetime as dt
import statistics
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cordee.analytics import alignment_campaigns as m
from cordee.analytics.planning import plan_period
from cordee.codesign import alignment
from cordee.codesign.models import (
    BriefVersion,
    Debrief,
    Kit,
    KitAcknowledgement,
    LaunchOverride,
    LeadRating,
    Review,
    ReviewState,
)
from cordee.core.models import FieldChange
from cordee.crm.models import CampaignStatus
from cordee.people.models import PodMember
from tests import factories as f
from tests.fixtures.api import error_fields

PARIS = ZoneInfo("Europe/Paris")
Q2 = plan_period("2026-Q2", 1)


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=PARIS)


def _campaign(ws: Any, name: str, start: str, end: str, status: str = "active") -> Any:
    return f.CampaignFactory(
        workspace=ws,
        name=name,
        start_date=dt.date.fromisoformat(start),
        end_date=dt.date.fromisoformat(end),
        status=status,
    )


def _brief(campaign: Any, pods: list[Any], number: int = 1) -> None:
    BriefVersion.objects.create(
        workspace=campaign.workspace, campaign=campaign, number=number, pods=[p.pk for p in pods]
    )


def _launch(campaign: Any, when: str) -> None:
    FieldChange.objects.create(
        workspace=campaign.workspace,
        record="campaigns",
        record_id=campaign.pk,
        field="status",
        before="planned",
        after="active",
        at=at(when),
    )


def _round(
    campaign: Any,
    pod: Any,
    reviewer: Any,
    asked: str,
    state: str = ReviewState.PENDING,
    decided: str | None = None,
    closed: str | None = None,
) -> Review:
    return Review.objects.create(
        workspace=campaign.workspace,
        campaign=campaign,
        pod=pod,
        reviewer=reviewer,
        version=1,
        requested_at=at(asked),
        due_at=at(asked) + dt.timedelta(days=2),
        state=state,
        decided_at=at(decided) if decided else None,
        decided_version=1 if decided else None,
        superseded_at=at(closed) if closed else None,
    )


def _kit(campaign: Any, version: int, reads: list[tuple[Any, int]]) -> None:
    kit = Kit.objects.create(
        workspace=campaign.workspace,
        campaign=campaign,
        version=version,
        updated_at=at("2026-06-01T09:00"),
    )
    for user, read in reads:
        KitAcknowledgement.objects.create(
            workspace=campaign.workspace,
            kit=kit,
            user=user,
            version=read,
            acknowledged_at=at("2026-06-09T09:00"),
        )


def _debrief(campaign: Any, completed: bool, ratings: list[tuple[Any, int]]) -> None:
    debrief = Debrief.objects.create(
        workspace=campaign.workspace,
        campaign=campaign,
        opened_at=at("2026-06-26T09:00"),
        completed_at=at("2026-06-29T09:00") if completed else None,
    )
    for rep, rating in ratings:
        LeadRating.objects.create(
            workspace=campaign.workspace,
            debrief=debrief,
            rep=rep,
            rating=rating,
            rated_at=at("2026-06-27T09:00"),
        )


def _person(ws: Any, name: str, role: str, active: bool = True) -> Any:
    user = f.UserFactory(email=f"{name}@example.fr", first_name=name.capitalize())
    f.MembershipFactory(workspace=ws, user=user, role=role, is_active=active)
    return user


@pytest.fixture
def quarter(personas: Any) -> dict[str, Any]:
    ws = personas.acme
    nord = f.PodFactory(workspace=ws, name="Nord")
    sud = f.PodFactory(workspace=ws, name="Sud")
    est = f.PodFactory(workspace=ws, name="Est")
    bob, dave = personas.bob, personas.dave
    nina = _person(ws, "nina", "sdr")
    sam = _person(ws, "sam", "sales_rep")
    sara = _person(ws, "sara", "sales_rep")
    eve = _person(ws, "eve", "sales_rep")
    olga = _person(ws, "olga", "sales_rep", active=False)
    for pod, users in ((nord, [bob, nina, dave]), (sud, [sam, sara, nina, olga]), (est, [eve])):
        for user in users:
            PodMember.objects.create(pod=pod, user=user)

    c1 = _campaign(ws, "C1", "2026-06-10", "2026-07-15")
    _brief(c1, [sud], number=1)
    _brief(c1, [nord, sud], number=2)  # the brief as last saved
    _launch(c1, "2026-06-10T10:00")
    _launch(c1, "2026-06-20T10:00")  # paused and launched again: the first launch counts
    _round(c1, nord, dave, "2026-06-05T16:00", ReviewState.APPROVED, "2026-06-08T10:00")
    _round(c1, sud, dave, "2026-06-08T09:00", ReviewState.APPROVED, "2026-06-08T15:00")
    _kit(c1, 2, [(bob, 2), (nina, 1), (sam, 2)])

    c2 = _campaign(ws, "C2", "2026-06-11", "2026-06-30")
    _brief(c2, [nord])
    _launch(c2, "2026-06-11T09:30")
    _round(c2, nord, dave, "2026-06-09T09:00")
    LaunchOverride.objects.create(
        workspace=ws,
        campaign=c2,
        by=personas.mia,
        reason="Salon avancé d’une semaine",
        missing_pods=[nord.pk],
        created_at=at("2026-06-11T09:30"),
    )

    c3 = _campaign(ws, "C3", "2026-06-15", "2026-08-01")
    _brief(c3, [sud])
    _launch(c3, "2026-06-15T09:00")
    _round(
        c3,
        sud,
        dave,
        "2026-06-09T11:00",
        ReviewState.CHANGES,
        "2026-06-10T11:00",
        "2026-06-10T11:00",
    )
    _round(c3, sud, dave, "2026-06-10T11:00", ReviewState.APPROVED, "2026-06-11T14:30")
    _kit(c3, 1, [(sara, 1), (dave, 1)])

    c4 = _campaign(ws, "C4", "2026-05-04", "2026-06-05")  # no brief, launch not recorded
    _debrief(c4, True, [(bob, 3)])

    c5 = _campaign(ws, "C5", "2026-06-02", "2026-07-31")
    _brief(c5, [est])
    _launch(c5, "2026-06-02T09:00")
    _round(
        c5,
        est,
        dave,
        "2026-05-18T09:00",
        ReviewState.APPROVED,
        "2026-05-20T09:00",
        "2026-05-25T10:00",
    )
    _round(c5, est, dave, "2026-05-25T10:00")

    c11 = _campaign(ws, "C11", "2026-06-30", "2026-07-30")
    _brief(c11, [nord])
    _launch(c11, "2026-06-30T23:30")
    c10 = _campaign(ws, "C10", "2026-07-01", "2026-07-30")
    _brief(c10, [nord])
    _launch(c10, "2026-07-01T00:30")

    c6 = _campaign(ws, "C6", "2026-03-20", "2026-06-20", CampaignStatus.COMPLETED)
    _brief(c6, [nord, est])
    _launch(c6, "2026-03-20T09:00")
    _round(c6, nord, dave, "2026-03-09T09:00", ReviewState.APPROVED, "2026-03-10T09:00")
    _kit(c6, 1, [(bob, 1)])
    _debrief(c6, True, [(bob, 4), (eve, 5)])

    c7 = _campaign(ws, "C7", "2026-03-01", "2026-06-25", CampaignStatus.COMPLETED)
    _brief(c7, [sud])
    _debrief(c7, False, [(sam, 2)])

    c8 = _campaign(ws, "C8", "2026-05-10", "2026-09-01", CampaignStatus.PLANNED)
    _brief(c8, [sud])
    c9 = _campaign(ws, "C9", "2026-06-10", "2026-07-10", CampaignStatus.PLANNED)
    _brief(c9, [sud])
    _debrief(c9, True, [(sam, 1)])

    # Globex: everything of the quarter, none of it Acme's
    g = personas.globex
    gpod = f.PodFactory(workspace=g, name="Nord")
    grep = _person(g, "gaston", "sales_rep")
    PodMember.objects.create(pod=gpod, user=grep)
    g1 = _campaign(g, "G1", "2026-05-01", "2026-06-15")
    _brief(g1, [gpod])
    _launch(g1, "2026-05-01T09:00")
    _round(g1, gpod, grep, "2026-04-27T09:00", ReviewState.APPROVED, "2026-04-28T09:00")
    _kit(g1, 1, [(grep, 1)])
    _debrief(g1, True, [(grep, 1)])
    FieldChange.objects.create(
        workspace=g,
        record="campaigns",
        record_id=c8.pk,
        field="status",
        before="planned",
        after="active",
        at=at("2026-05-12T09:00"),
    )
    return {"nord": nord, "sud": sud, "est": est}


def _rows(personas: Any) -> dict[str, m.AlignmentNumbers]:
    rows = alignment.campaign_alignment(personas.acme, Q2)
    return {row.pod.name if row.pod else "workspace": row.numbers for row in rows}


def test_the_quarter_by_hand(personas, quarter):
    rows = _rows(personas)
    assert list(rows) == ["workspace", "Est", "Nord", "Sud"]  # the workspace, then pods by name
    ws, nord, sud, est = rows["workspace"], rows["Nord"], rows["Sud"], rows["Est"]

    assert ws.approved_before_launch == m.Rate(2, 6)
    assert nord.approved_before_launch == m.Rate(1, 3)
    assert sud.approved_before_launch == m.Rate(2, 2)
    assert est.approved_before_launch == m.Rate(0, 1)

    assert ws.median_review_hours == m.Median(7.5, 5)
    assert nord.median_review_hours == m.Median(3.0, 1)
    assert sud.median_review_hours == m.Median(7.5, 3)
    assert est.median_review_hours == m.Median(15.0, 1)

    assert ws.kit_acknowledgement == m.Rate(3, 7)
    assert nord.kit_acknowledgement == m.Rate(1, 2)
    assert sud.kit_acknowledgement == m.Rate(2, 6)
    assert est.kit_acknowledgement == m.Rate(0, 0)
    assert est.kit_acknowledgement.value is None

    assert ws.debrief_completion == m.Rate(2, 3)
    assert nord.debrief_completion == m.Rate(1, 1)
    assert sud.debrief_completion == m.Rate(0, 1)
    assert est.debrief_completion == m.Rate(1, 1)

    assert ws.lead_quality == m.Mean(14, 4)
    assert ws.lead_quality.value == Fraction(7, 2)
    assert nord.lead_quality == m.Mean(9, 2)
    assert sud.lead_quality == m.Mean(2, 1)
    assert est.lead_quality == m.Mean(9, 2)


def test_the_approval_rate_read_alone_is_the_tables_by_hand(personas, quarter):
    """What the alignment index reads each month: the same hand-worked rates as the table's."""
    pods = quarter
    assert alignment.approved_before_launch_rate(personas.acme, Q2, None) == m.Rate(2, 6)
    assert alignment.approved_before_launch_rate(personas.acme, Q2, pods["nord"].pk) == m.Rate(1, 3)
    assert alignment.approved_before_launch_rate(personas.acme, Q2, pods["sud"].pk) == m.Rate(2, 2)
    assert alignment.approved_before_launch_rate(personas.acme, Q2, pods["est"].pk) == m.Rate(0, 1)


def test_the_median_is_statistics_median_of_the_rounds(personas, quarter):
    hours = [3, 4.5, 7.5, 9.5, 15]  # worked by hand in the module's docstring
    assert _rows(personas)["workspace"].median_review_hours.value == statistics.median(hours)


def test_another_workspace_counts_only_its_own(personas, quarter):
    rows = alignment.campaign_alignment(personas.globex, Q2)
    assert [r.pod.name if r.pod else None for r in rows] == [None, "Nord"]
    ws = rows[0].numbers
    assert ws.approved_before_launch == m.Rate(1, 1)
    # asked Monday 27 April 09:00, approved Tuesday 28 April 09:00: one business day, 7.5 h
    assert ws.median_review_hours == m.Median(7.5, 1)
    assert ws.kit_acknowledgement == m.Rate(1, 1)
    assert ws.debrief_completion == m.Rate(1, 1)
    assert ws.lead_quality == m.Mean(1, 1)


def test_an_empty_period_has_no_values(personas, quarter):
    rows = alignment.campaign_alignment(personas.acme, plan_period("2025-Q1", 1))
    ws = rows[0].numbers
    assert ws.approved_before_launch == m.Rate(0, 0)
    assert ws.approved_before_launch.value is None
    assert ws.median_review_hours == m.Median(None, 0)
    assert ws.lead_quality.value is None


def _grow(personas: Any, n: int) -> None:
    """n more pods, each with a rep and a launched campaign with its rounds, kit and debrief."""
    ws = personas.acme
    for i in range(n):
        pod = f.PodFactory(workspace=ws, name=f"Pod {i:03d}")
        rep = _person(ws, f"rep{i}", "sales_rep")
        PodMember.objects.create(pod=pod, user=rep)
        c = _campaign(ws, f"X{i}", "2026-06-01", "2026-06-20")
        _brief(c, [pod])
        _launch(c, "2026-06-03T09:00")
        _round(c, pod, rep, "2026-06-01T09:00", ReviewState.APPROVED, "2026-06-02T09:00")
        _kit(c, 1, [(rep, 1)])
        _debrief(c, True, [(rep, 4)])


def _queries(personas: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        alignment.campaign_alignment(personas.acme, Q2)
    return len(ctx.captured_queries)


def test_the_reads_do_not_grow_with_campaigns_or_pods(personas, quarter):
    before = _queries(personas)
    _grow(personas, 12)
    assert _queries(personas) == before
    assert before <= 12


# -- the page and the API --------------------------------------------------------------------


def _signed_in(user: Any, language: str = "fr") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def test_the_page_shows_each_value_with_what_it_counts(personas, quarter):
    response = _signed_in(personas.bob).get("/w/acme/campaigns/alignment/", {"period": "2026-Q2"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="alignment-table"' in html
    assert "2/6" in html and "3/7" in html and "2/3" in html
    assert "7,5 h" in html  # the workspace's median, in French
    assert "3,50/5" in html


def test_the_page_in_english(personas, quarter):
    response = _signed_in(personas.erin, "en").get(
        "/w/acme/campaigns/alignment/", {"period": "2026-Q2"}
    )
    html = response.content.decode()
    assert "Campaign alignment" in html
    assert "7.5 h" in html and "3.50/5" in html and "33 %" in html


def test_the_page_names_a_bad_period(personas):
    response = _signed_in(personas.bob).get("/w/acme/campaigns/alignment/", {"period": "Q5"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_campaigns_list_links_to_the_page(personas):
    response = _signed_in(personas.alice).get("/w/acme/campaigns/")
    assert "/w/acme/campaigns/alignment/" in response.content.decode()


def test_another_workspace_member_cannot_read_the_page(personas):
    response = _signed_in(personas.carol).get("/w/acme/campaigns/alignment/")
    assert response.status_code == 404


def test_the_api_gives_numerators_denominators_and_values(personas, quarter, api_as):
    response = api_as("bob").get("campaigns/alignment", {"period": "2026-Q2"})
    assert response.status_code == 200
    body = response.json()
    assert body["period"] == {"key": "FY2026-Q2", "start": "2026-04-01", "end": "2026-06-30"}
    ws = body["rows"][0]
    assert ws["scope"] == "workspace" and ws["pod_id"] is None
    assert ws["approved_before_launch"] == {"numerator": 2, "denominator": 6, "value": "0.3333"}
    assert ws["median_review_hours"] == {"value": "7.50", "count": 5}
    assert ws["kit_acknowledgement"] == {"numerator": 3, "denominator": 7, "value": "0.4286"}
    assert ws["debrief_completion"] == {"numerator": 2, "denominator": 3, "value": "0.6667"}
    assert ws["lead_quality"] == {"value": "3.50", "total": 14, "count": 4}
    est = next(r for r in body["rows"] if r["pod_name"] == "Est")
    assert est["scope"] == f"pod:{quarter['est'].pk}"
    assert est["kit_acknowledgement"] == {"numerator": 0, "denominator": 0, "value": None}


def test_the_api_refuses_a_bad_period(personas, api_as):
    response = api_as("bob").get("campaigns/alignment", {"period": "2026-Q9"})
    assert response.status_code == 422
    assert "period" in error_fields(response)
