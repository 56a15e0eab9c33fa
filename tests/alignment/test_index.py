"""The alignment index on a hand-worked month: March 2026 in Acme (UTC, a 9:00–17:00 Monday to
Friday calendar: tests/feedback/handmade.py), each part and the composite computed by hand here.

Members active in Acme: alice, mia (marketing), bob, dave, sara (sales: sara the SDR comes
with the feedback set), erin, rita = 7. Pod Nord: alice and bob.

| part                | what happened in March                                            | by hand                   |
|---------------------|-------------------------------------------------------------------|---------------------------|
| sales SLA           | 3 MQLs on Mon 2 March 9:00 under a signed Q1 contract (first touch | 6 kept of 9 due → 66.67   |
|                     | within 4 bh, decision within 8 bh, 3 attempts within 2 days): La   |                           |
|                     | and Lc called 9:30, 10:00, 10:30 and decided 11:00 (3 kept each);  |                           |
|                     | Lb never touched nor decided (3 due, 0 kept)                       |                           |
| acceptance          | La accepted, Lc rejected, Lb undecided                             | 1 SAL of 2 decided → 50   |
| marketing SLA       | the contract ends 31 March: volume 3 MQLs < 4 (missed), quality    | 1 kept of 2 judged → 50   |
|                     | 1 accepted of 2 decided = 50 % ≥ floor 40 % (kept)                 |                           |
| feedback latency    | handmade's median 0.75 business days, target 1 day                 | L ≤ T → 100               |
| feedback closure    | handmade: 7 items, 1 closed with an answer                         | 1/7 → 14.29               |
| shared goals        | acceptance ≥ 80 % in 2026-03 (actual 50 %: 0.625); sales SLA ≥ 50 % | (62.5 + 100 + 100) / 3   |
|                     | in 2026-Q1 (6/9 ≥ 0.5: 1); Nord's acceptance ≥ 40 % (its 1 of 2:  | = 87.5                    |
|                     | 1); a marketing side's count goal is not shared, a person's goal  |                           |
|                     | is not read, April's goal is not March's                          |                           |
| campaigns approved  | C1 approved by Nord the day before its launch; C2 overridden      | 1/2 → 50                  |
| rituals             | one committee meeting held: alice present, mia absent; bob and     | (50 + 100) / 2 = 75       |
|                     | dave present                                                       |                           |
| kudos               | alice → bob and bob → mia (cross-side), bob → dave (same side), one | 100 × 2 / 3.5 = 57.14    |
|                     | cross-side in April                                               |                           |
| diagnostic gap      | no wave → left out; then a closed wave with 5 marketing answers of | 100 − 100 × 20/80 = 75   |
|                     | all 4s (total 80) and 5 sales of all 3s (60): gap 20               |                           |
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from cordee.alignment import index
from cordee.alignment.index_services import index_weights_set
from cordee.codesign.models import BriefVersion, LaunchOverride, Review, ReviewState
from cordee.core.errors import NotFound, PermissionDenied, ValidationFailed
from cordee.core.models import AuditEntry, FieldChange
from cordee.diagnostic.models import Response, Wave
from cordee.feedback.models import FeedbackItem, FeedbackSettings
from cordee.funnel.models import (
    Goal,
    LeadAssignment,
    LeadDecision,
    SlaContract,
    Stage,
    TouchKind,
)
from cordee.funnel.models.decisions import DecisionKind
from cordee.funnel.stages import ImportedStep, lead_history_import
from cordee.people.models import PodMember
from cordee.rituals.models import Attendance, Committee, Meeting, MeetingState
from cordee.wins.models import Kudos
from tests import factories as f
from tests.feedback.handmade import handmade
from tests.fixtures.api import error_fields

UTC = dt.UTC
MARCH = dt.date(2026, 3, 1)
DEFAULTS = {
    "sla_marketing": 10,
    "sla_sales": 15,
    "acceptance": 15,
    "feedback_latency": 5,
    "feedback_closure": 10,
    "shared_goals": 15,
    "campaigns_approved": 10,
    "rituals": 5,
    "kudos": 5,
    "diagnostic_gap": 10,
}


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=UTC)


def _lead(ws: Any, owner: Any, steps: list[tuple[str, dt.datetime]]) -> Any:
    lead = f.LeadFactory(
        workspace=ws, owner=owner, stage=steps[-1][0], stage_entered_at=steps[-1][1],
        mql_at=steps[0][1],
    )  # fmt: skip
    lead_history_import(
        workspace_id=ws.pk, lead=lead, steps=[ImportedStep(s, when) for s, when in steps]
    )
    return lead


def _calls(lead: Any, actor: Any, times: list[dt.datetime]) -> None:
    for when in times:
        f.TouchpointFactory(
            workspace=lead.workspace, contact=lead.contact, lead=lead, actor=actor,
            kind=TouchKind.CALL, occurred_at=when,
        )  # fmt: skip


def _decided(lead: Any, kind: str, when: dt.datetime) -> None:
    LeadDecision.objects.create(
        workspace_id=lead.workspace_id, lead=lead, mql_at=at(2, 9), kind=kind, decided_at=when
    )


def _goal(ws: Any, kpi: str, scope: str, period: str, start: dt.date, end: dt.date, target: str):
    return Goal.objects.create(
        workspace=ws, kpi=kpi, scope=scope, period=period, period_start=start, period_end=end,
        target=Decimal(target),
    )  # fmt: skip


def _campaign(ws: Any, name: str, pod: Any, launch: dt.datetime) -> Any:
    campaign = f.CampaignFactory(
        workspace=ws, name=name, start_date=launch.date(), end_date=dt.date(2026, 5, 31),
        status="active",
    )  # fmt: skip
    BriefVersion.objects.create(workspace=ws, campaign=campaign, number=1, pods=[pod.pk])
    FieldChange.objects.create(
        workspace=ws, record="campaigns", record_id=campaign.pk, field="status",
        before="planned", after="active", at=launch,
    )  # fmt: skip
    return campaign


def _kudos(ws: Any, sender: Any, sender_side: str, recipient: Any, side: str, when: dt.datetime):
    kudos = Kudos.objects.create(
        workspace=ws, sender=sender, sender_side=sender_side, recipient=recipient,
        recipient_side=side, cross_side=sender_side != side, message="Merci !",
    )  # fmt: skip
    Kudos.objects.filter(pk=kudos.pk).update(created_at=when)


@pytest.fixture
def march(personas: Any) -> dict[str, Any]:
    ws = personas.acme
    handmade(personas, dt.datetime(2026, 3, 2, tzinfo=UTC), at(16, 12))
    FeedbackSettings.objects.create(workspace=ws, acknowledge_within_days=1)
    alice, bob, dave, mia = personas.alice, personas.bob, personas.dave, personas.mia
    nord = f.PodFactory(workspace=ws, name="Nord")
    for user in (alice, bob):
        PodMember.objects.create(pod=nord, user=user)

    signed = dt.datetime(2026, 2, 20, tzinfo=UTC)
    SlaContract.objects.create(
        workspace=ws, name="T1 2026", period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31), first_touch_hours=Decimal(4), decision_hours=Decimal(8),
        attempts_required=3, attempts_within_days=2, mql_volume=4,
        acceptance_floor=Decimal(40), marketing_signed_by=mia, marketing_signed_at=signed,
        sales_signed_by=dave, sales_signed_at=signed,
    )  # fmt: skip
    la = _lead(ws, bob, [(Stage.MQL, at(2, 9)), (Stage.SAL, at(2, 11))])
    _lead(ws, bob, [(Stage.MQL, at(2, 9))])
    lc = _lead(ws, bob, [(Stage.MQL, at(2, 9)), (Stage.RECYCLED, at(2, 11))])
    for lead in (la, lc):
        _calls(lead, bob, [at(2, 9, 30), at(2, 10), at(2, 10, 30)])
        LeadAssignment.objects.create(
            workspace=ws, lead=lead, to_owner=bob, pod=nord, at=at(2, 9), rule="test"
        )
    _decided(la, DecisionKind.ACCEPT, at(2, 11))
    _decided(lc, DecisionKind.REJECT, at(2, 11))

    q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    _goal(ws, "acceptance_rate", "workspace", "2026-03", MARCH, dt.date(2026, 3, 31), "0.8")
    _goal(ws, "sales_sla_compliance", "workspace", "2026-Q1", *q1, "0.5")
    _goal(ws, "mqls_created", "side:marketing", "2026-03", MARCH, dt.date(2026, 3, 31), "10")
    _goal(ws, "acceptance_rate", f"person:{bob.pk}", "2026-03", MARCH, dt.date(2026, 3, 31), "1")
    _goal(ws, "acceptance_rate", "workspace", "2026-04", dt.date(2026, 4, 1),
          dt.date(2026, 4, 30), "0.9")  # fmt: skip
    _goal(ws, "acceptance_rate", f"pod:{nord.pk}", "2026-03", MARCH, dt.date(2026, 3, 31), "0.4")

    c1 = _campaign(ws, "C1", nord, at(10, 10))
    Review.objects.create(
        workspace=ws, campaign=c1, pod=nord, reviewer=dave, version=1, requested_at=at(6, 9),
        due_at=at(8, 9), state=ReviewState.APPROVED, decided_at=at(9, 10), decided_version=1,
    )  # fmt: skip
    c2 = _campaign(ws, "C2", nord, at(11, 9))
    LaunchOverride.objects.create(
        workspace=ws, campaign=c2, by=mia, reason="Salon avancé", missing_pods=[nord.pk],
        created_at=at(11, 9),
    )  # fmt: skip

    committee = Committee.objects.create(
        workspace=ws, name="Comité revenus", rrule="FREQ=MONTHLY", first_at=at(17, 14)
    )
    meeting = Meeting.objects.create(
        workspace=ws, committee=committee, starts_at=at(17, 14), ends_at=at(17, 15),
        state=MeetingState.HELD,
    )  # fmt: skip
    for user, present in ((alice, True), (mia, False), (bob, True), (dave, True)):
        Attendance.objects.create(workspace=ws, meeting=meeting, user=user, present=present)

    _kudos(ws, alice, "marketing", bob, "sales", at(12, 10))
    _kudos(ws, bob, "sales", mia, "marketing", at(20, 10))
    _kudos(ws, bob, "sales", dave, "sales", at(21, 10))
    _kudos(ws, alice, "marketing", dave, "sales", at(2, 10, month=4))
    return {"nord": nord}


def _wave(ws: Any, marketing: int = 4, sales: int = 3, pods: list[int] | None = None) -> Wave:
    wave = Wave.objects.create(
        workspace=ws, title="Printemps", period_start=MARCH, period_end=dt.date(2026, 3, 31),
        closes_on=dt.date(2026, 4, 10), closed_at=at(10, 12, month=4),
    )  # fmt: skip
    for side, answer in (("marketing", marketing), ("sales", sales)):
        for _i in range(5):
            Response.objects.create(wave=wave, side=side, pod_ids=pods or [], answers=[answer] * 20)
    return wave


def _values(result: index.IndexResult) -> dict[str, float | None]:
    return {p.code: p.value for p in result.parts}


# -- the hand-worked month ------------------------------------------------------------------------

BY_HAND = {
    "sla_marketing": 100 * 1 / 2,
    "sla_sales": 100 * 6 / 9,
    "acceptance": 100 * 1 / 2,
    "feedback_latency": 100.0,
    "feedback_closure": 100 * 1 / 7,
    "shared_goals": 100 * (0.5 / 0.8 + 1 + 1) / 3,
    "campaigns_approved": 100 * 1 / 2,
    "rituals": (100 * 1 / 2 + 100 * 2 / 2) / 2,
    "kudos": 100 * 2 / (0.5 * 7),
}


def test_each_part_of_the_month_by_hand(personas, march):
    result = index.index_month(personas.acme, dt.date(2026, 3, 15))
    assert result.month == MARCH
    values = _values(result)
    for code, expected in BY_HAND.items():
        assert values[code] == pytest.approx(expected), code
    assert values["diagnostic_gap"] is None
    assert result.missing == ["diagnostic_gap"]
    raw = {p.code: (p.numerator, p.denominator) for p in result.parts}
    assert raw["sla_sales"] == (6, 9)
    assert raw["sla_marketing"] == (1, 2)
    assert raw["acceptance"] == (1, 2)
    assert raw["feedback_closure"] == (1, 7)
    assert raw["feedback_latency"] == (0.75, 1)
    assert raw["campaigns_approved"] == (1, 2)
    assert raw["kudos"] == (2, 7)
    assert raw["shared_goals"] == pytest.approx((0.625 + 1 + 1, 3))
    assert raw["rituals"] == (None, None)  # a mean of two rates: its words give both


def test_the_composite_leaves_the_missing_part_out_and_renormalises(personas, march):
    result = index.index_month(personas.acme, MARCH)
    # by hand: every default weight but the diagnostic's (10): Σ w = 90
    total = sum(BY_HAND[c] * DEFAULTS[c] for c in BY_HAND)
    assert sum(DEFAULTS[c] for c in BY_HAND) == 90
    assert result.score == pytest.approx(total / 90)
    assert result.score == pytest.approx(59.6230, abs=1e-4)
    parts = {p.code: p for p in result.parts}
    assert parts["acceptance"].effective_weight == pytest.approx(15 / 90)
    assert parts["acceptance"].contribution == pytest.approx(50 * 15 / 90)
    assert parts["diagnostic_gap"].effective_weight == 0
    assert parts["diagnostic_gap"].contribution is None
    assert sum(p.contribution or 0 for p in result.parts) == pytest.approx(result.score)


def test_a_wave_brings_the_diagnostic_gap_in(personas, march):
    _wave(personas.acme)
    result = index.index_month(personas.acme, MARCH)
    # totals 20 × 4 = 80 and 20 × 3 = 60: gap 20 → 100 − 100 × 20 / 80 = 75
    assert _values(result)["diagnostic_gap"] == pytest.approx(75)
    assert result.missing == []
    total = sum(BY_HAND[c] * DEFAULTS[c] for c in BY_HAND) + 75 * 10
    assert result.score == pytest.approx(total / 100)


def test_a_side_with_fewer_than_five_answers_is_no_gap(personas, march):
    wave = _wave(personas.acme)
    Response.objects.filter(wave=wave, side="sales").first().delete()
    assert "diagnostic_gap" in index.index_month(personas.acme, MARCH).missing


def test_a_month_with_nothing_has_no_score(personas):
    result = index.index_month(personas.acme, dt.date(2025, 6, 1))
    # seven active members, and nobody ever sent kudos: the practice has not begun, the kudos
    # part is missing like every other, and there is no score (not 0)
    assert result.missing == list(DEFAULTS)
    assert result.score is None
    assert index.index_month(personas.globex, dt.date(2025, 6, 1)).score is None


def test_kudos_count_from_the_workspaces_first_kudos(personas):
    """Once anyone sent kudos (here a marketer to a marketer: not across the sides), a month
    without cross-side kudos counts 0 for the part: 100 × min(1, 0 ÷ 3.5) = 0."""
    Kudos.objects.create(
        workspace=personas.acme,
        sender=personas.alice,
        sender_side="marketing",
        recipient=personas.mia,
        recipient_side="marketing",
        message="Merci",
    )
    result = index.index_month(personas.acme, personas.acme.today())
    assert _values(result)["kudos"] == 0
    assert result.missing == [c for c in DEFAULTS if c != "kudos"]
    assert result.score == 0


def test_a_pods_month_by_hand(personas, march):
    """Pod Nord (alice, bob): La and Lc routed to it → acceptance 1 of 2 = 50; the sales SLA of a
    pod counts the leads whose pod it is (the pod SLA contracts govern by): none, La and Lc were
    only routed → nothing due, left out; the pod's feedback items A, D, F (median 0.5 and 2.5 → 1.5 business days
    against a target of 1: 100 × (3 − 1.5) / 2 = 75; none closed with an answer: 0 of 3 = 0);
    its goal acceptance ≥ 40 %: 0.5 / 0.4 → 1 → 100; C1 and C2 target it: 1 of 2 = 50; no
    committee of the pod (left out); kudos sent to or by alice or bob: alice → bob, bob → mia
    cross-side = 2 for 2 members → min(1, 2 / 1) = 100; no marketing contract of the pod and
    no wave (left out)."""
    nord = march["nord"]
    FeedbackItem.objects.filter(title__in=["A", "D", "F", "G"]).update(pod=nord)
    result = index.index_month(personas.acme, MARCH, pod=nord)
    by_hand = {
        "acceptance": 50.0,
        "feedback_latency": 75.0,
        "feedback_closure": 0.0,
        "shared_goals": 100.0,
        "campaigns_approved": 50.0,
        "kudos": 100.0,
    }
    values = _values(result)
    for code, expected in by_hand.items():
        assert values[code] == pytest.approx(expected), code
    assert result.missing == ["sla_marketing", "sla_sales", "rituals", "diagnostic_gap"]
    weights = sum(DEFAULTS[c] for c in by_hand)
    assert weights == 60
    # 50 × 15 + 75 × 5 + 0 × 10 + 100 × 15 + 50 × 10 + 100 × 5 = 3 625 → 3 625 / 60
    assert result.score == pytest.approx(3625 / 60)


def test_the_trend_reads_a_constant_number_of_queries_per_month(
    personas, march, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(months: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            trend = index.index_trend(personas.acme, MARCH, months=months)
        assert len(trend) == months and trend[-1].month == MARCH
        return len(ctx.captured_queries)

    three, six, twelve = count(3), count(6), count(12)
    per_month = (six - three) / 3
    assert twelve - six == per_month * 6  # linear: a constant per month
    assert per_month <= 16
    trend = index.index_trend(personas.acme, MARCH, months=12)
    assert trend[-1].score == pytest.approx(index.index_month(personas.acme, MARCH).score)
    assert [r.month for r in trend][:2] == [dt.date(2025, 4, 1), dt.date(2025, 5, 1)]


# -- the weights ------------------------------------------------------------------------------------


def test_weights_change_the_composite(personas, march):
    rita = personas.actor("rita")
    weights = index_weights_set(actor=rita, weights={"kudos": 0, "acceptance": 30})
    assert weights == {**DEFAULTS, "kudos": 0, "acceptance": 30}
    result = index.index_month(personas.acme, MARCH)
    present = {**DEFAULTS, "kudos": 0, "acceptance": 30}
    total_weight = sum(present[c] for c in BY_HAND)
    assert total_weight == 100
    assert result.score == pytest.approx(sum(BY_HAND[c] * present[c] for c in BY_HAND) / 100)
    entry = AuditEntry.objects.get(target="alignment-index-weights")
    assert entry.action == "weights_set"
    assert entry.before == {"weight_acceptance": 15, "weight_kudos": 5}
    assert entry.after == {"weight_acceptance": 30, "weight_kudos": 0}
    assert index_weights_set(actor=rita, reset=True) == DEFAULTS
    assert index.index_weights(personas.acme) == DEFAULTS
    assert AuditEntry.objects.filter(action="weights_reset").count() == 1


@pytest.mark.parametrize(
    ("weights", "field"),
    [
        ({"charisma": 5}, "charisma"),
        ({"kudos": -1}, "kudos"),
        ({"kudos": 101}, "kudos"),
        ({"kudos": 2.5}, "kudos"),
        ({"kudos": "5"}, "kudos"),
        (dict.fromkeys(DEFAULTS, 0), "weights"),
    ],
)
def test_bad_weights_are_refused_naming_the_field(personas, weights, field):
    with pytest.raises(ValidationFailed) as caught:
        index_weights_set(actor=personas.actor("rita"), weights=weights)
    assert field in caught.value.field_errors
    assert index.index_weights(personas.acme) == DEFAULTS


def test_only_revops_sets_the_weights(personas):
    for name in ("alice", "dave", "erin"):
        with pytest.raises(PermissionDenied):
            index_weights_set(actor=personas.actor(name), weights={"kudos": 1})


def test_another_workspaces_pod_is_a_404(personas, march):
    other = f.PodFactory(workspace=personas.globex, name="Globex pod")
    with pytest.raises(NotFound):
        index.pod_read(personas.acme, other.pk)
    with pytest.raises(NotFound):
        index.pod_read(personas.acme, "abc")


def test_a_month_after_the_current_one_is_refused(personas):
    ws = personas.acme
    with pytest.raises(ValidationFailed) as caught:
        index.month_read(ws, "2099-01")
    assert "month" in caught.value.field_errors
    for text in ("2026-13", "2026", "2026-Q1", "mars"):
        with pytest.raises(ValidationFailed):
            index.month_read(ws, text)
    assert index.month_read(ws, "2026-03") == MARCH
    assert index.month_read(ws, None) == ws.today().replace(day=1)


# -- the API, the page and the exports agree ------------------------------------------------------


def _signed_in(user: Any, language: str = "fr") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def test_the_api_gives_every_part(personas, march, api_as):
    response = api_as("bob").get("alignment/index", {"month": "2026-03"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["month"] == "2026-03" and body["scope"] == "workspace"
    assert body["score"] == "59.62"
    assert body["missing"] == ["diagnostic_gap"]
    parts = {p["code"]: p for p in body["parts"]}
    assert parts["sla_sales"]["value"] == "66.67"
    assert (parts["sla_sales"]["numerator"], parts["sla_sales"]["denominator"]) == (
        "6.0000",
        "9.0000",
    )
    assert parts["acceptance"]["effective_weight"] == "0.1667"
    assert parts["acceptance"]["contribution"] == "8.33"
    assert parts["diagnostic_gap"]["missing"] is True
    assert parts["diagnostic_gap"]["value"] is None


def test_the_api_per_pod_and_another_workspaces_pod(personas, march, api_as):
    nord = march["nord"]
    response = api_as("bob").get("alignment/index", {"month": "2026-03", "pod": nord.pk})
    assert response.status_code == 200
    assert response.json()["scope"] == f"pod:{nord.pk}"
    other = f.PodFactory(workspace=personas.globex, name="G")
    assert api_as("bob").get("alignment/index", {"pod": other.pk}).status_code == 404
    assert api_as("carol").get("alignment/index", {"pod": nord.pk}).status_code == 404


def test_the_api_refuses_a_bad_month(personas, api_as):
    response = api_as("bob").get("alignment/index", {"month": "2026-13"})
    assert response.status_code == 422
    assert "month" in error_fields(response)
    response = api_as("bob").get("alignment/index/trend", {"months": "99"})
    assert response.status_code == 422
    assert "months" in error_fields(response)


def test_the_api_trend(personas, march, api_as):
    response = api_as("erin").get("alignment/index/trend", {"month": "2026-03", "months": 3})
    assert response.status_code == 200
    months = response.json()["months"]
    assert [m["month"] for m in months] == ["2026-01", "2026-02", "2026-03"]
    assert months[-1]["score"] == "59.62"
    assert months[-1]["values"]["kudos"] == "57.14"


def _put(client: Any, body: dict[str, Any]) -> Any:
    return client._call("put", "alignment/index/weights", body)


def test_the_api_weights(personas, api_as):
    assert api_as("bob").get("alignment/index/weights").json()["weights"] == DEFAULTS
    assert _put(api_as("bob"), {"weights": {"kudos": 9}}).status_code == 403
    response = _put(api_as("rita"), {"weights": {"kudos": 9}})
    assert response.status_code == 200
    assert response.json()["weights"]["kudos"] == 9
    response = _put(api_as("rita"), {"weights": {"kudos": -2}})
    assert response.status_code == 422 and "kudos" in error_fields(response)
    response = _put(api_as("rita"), {"weights": {"luck": 2}})
    assert response.status_code == 422 and "luck" in error_fields(response)
    response = _put(api_as("rita"), {"reset": True})
    assert response.json()["weights"] == DEFAULTS


def test_the_page_shows_the_apis_numbers(personas, march, api_as):
    api = api_as("bob").get("alignment/index", {"month": "2026-03"}).json()
    response = _signed_in(personas.bob, "en").get("/w/acme/alignment/", {"month": "2026-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-score="59.6"' in html
    assert api["score"].startswith("59.6")
    assert 'id="index-part-sla_sales"' in html and 'data-value="66.7"' in html
    assert 'id="index-missing"' in html
    assert "<svg" in html
    assert 'id="index-weights"' not in html  # bob does not set the weights
    french = _signed_in(personas.bob).get("/w/acme/alignment/", {"month": "2026-03"})
    assert 'data-score="59,6"' in french.content.decode()


def test_the_page_per_pod_and_404s(personas, march):
    nord = march["nord"]
    client = _signed_in(personas.alice)
    assert client.get("/w/acme/alignment/", {"month": "2026-03", "pod": nord.pk}).status_code == 200
    other = f.PodFactory(workspace=personas.globex, name="G")
    assert client.get("/w/acme/alignment/", {"pod": other.pk}).status_code == 404
    assert _signed_in(personas.carol).get("/w/acme/alignment/").status_code == 404
    bad = client.get("/w/acme/alignment/", {"month": "2026-13"})
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.content.decode()


def test_revops_sets_the_weights_on_the_page(personas, march):
    client = _signed_in(personas.rita)
    page = client.get("/w/acme/alignment/", {"month": "2026-03"})
    assert 'id="index-weights"' in page.content.decode()
    data = {**{c: str(w) for c, w in DEFAULTS.items()}, "kudos": "0", "month": "2026-03"}
    response = client.post("/w/acme/alignment/weights/", data)
    assert response.status_code == 302 and "month=2026-03" in response["Location"]
    assert index.index_weights(personas.acme)["kudos"] == 0
    zero = dict.fromkeys(DEFAULTS, "0")
    response = client.post("/w/acme/alignment/weights/", zero)
    assert response.status_code == 422
    assert index.index_weights(personas.acme)["kudos"] == 0
    response = client.post("/w/acme/alignment/weights/", {"reset": "1"})
    assert response.status_code == 302
    assert index.index_weights(personas.acme) == DEFAULTS
    forbidden = _signed_in(personas.mia).post("/w/acme/alignment/weights/", {"reset": "1"})
    assert forbidden.status_code == 403


def test_the_exports_hold_the_pages_numbers(personas, march):
    client = _signed_in(personas.erin, "en")
    response = client.get("/w/acme/alignment/export/", {"month": "2026-03", "file": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert len(lines) == 1 + 10 + 1  # header, the parts, the index
    assert lines[-1].endswith(",59.62,,,")
    sales = next(line for line in lines if line.startswith("2026-03,Whole workspace,Sales SLA"))
    # 6/9 → 66.67, weight 15 of 90 → 0.1667, contribution 66.67 × 15 / 90 = 11.11
    assert sales.endswith(",6,9,66.67,15,0.1667,11.11")
    xlsx = client.get("/w/acme/alignment/export/", {"month": "2026-03", "file": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    trend = client.get("/w/acme/alignment/export/trend/", {"month": "2026-03", "file": "csv"})
    rows = b"".join(trend.streaming_content).decode("utf-8-sig").strip().splitlines()
    assert len(rows) == 1 + 12
    assert rows[-1].startswith("2026-03,Whole workspace,59.62,")
    assert client.get("/w/acme/alignment/export/", {"file": "pdf"}).status_code == 422
