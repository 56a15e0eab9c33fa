"""Breach detection on a hand-worked case (Paris calendar, 09:00–12:30 / 14:00–18:00).

Contract: first touch within 4 business hours, decision within 8, 3 attempts within 2 business
days (a business day here is 7.5 h, so 15 h). The lead became MQL on Friday 6 March 2026 at
16:00 CET (15:00 UTC):
- first touch due Monday 9 March 11:00 CET  = 10:00 UTC  (2 h Friday + 2 h Monday);
- decision due    Monday 9 March 16:30 CET  = 15:30 UTC  (2 + 3.5 + 2.5);
- attempts due    Tuesday 10 March 16:00 CET = 15:00 UTC (2 + 7.5 + 3.5 + 2).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from cordee.funnel.models import LeadDecision, SlaBreach, SlaContract, Stage, TouchKind
from cordee.funnel.sla import sla_check_workspace
from cordee.tenancy.models import Team
from tests import factories as f

UTC = dt.UTC
MQL = dt.datetime(2026, 3, 6, 15, 0, tzinfo=UTC)


@pytest.fixture
def contract(personas):
    return SlaContract.objects.create(
        workspace=personas.acme,
        name="T1 2026",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 3, 31),
        first_touch_hours=Decimal(4),
        decision_hours=Decimal(8),
        attempts_required=3,
        attempts_within_days=2,
        marketing_signed_by=personas.mia,
        marketing_signed_at=timezone.now(),
        sales_signed_by=personas.dave,
        sales_signed_at=timezone.now(),
    )


@pytest.fixture
def lead(personas):
    return f.LeadFactory(
        workspace=personas.acme,
        stage=Stage.MQL,
        stage_entered_at=MQL,
        mql_at=MQL,
        owner=personas.bob,
    )


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def kinds(workspace) -> dict[str, str]:
    return {b.kind: b.due_at.isoformat() for b in SlaBreach.objects.filter(workspace=workspace)}


def sales_touch(lead, actor, when, kind=TouchKind.CALL):
    return f.TouchpointFactory(
        workspace=lead.workspace,
        contact=lead.contact,
        lead=lead,
        actor=actor,
        kind=kind,
        occurred_at=when,
    )


def test_first_touch_breach_is_detected_at_its_exact_due_time_and_recorded_once(
    personas, contract, lead
):
    assert sla_check_workspace(personas.acme, at(2026, 3, 9, 10, 0)).total_new == 0  # due, not past
    result = sla_check_workspace(personas.acme, at(2026, 3, 9, 10, 1))
    assert dict(result.new) == {"first_touch": 1}
    assert kinds(personas.acme) == {"first_touch": "2026-03-09T10:00:00+00:00"}
    assert sla_check_workspace(personas.acme, at(2026, 3, 9, 10, 30)).total_new == 0
    assert SlaBreach.objects.count() == 1


def test_all_three_sales_breaches_by_wednesday(personas, contract, lead):
    sla_check_workspace(personas.acme, at(2026, 3, 11, 9, 0))
    assert kinds(personas.acme) == {
        "first_touch": "2026-03-09T10:00:00+00:00",
        "decision": "2026-03-09T15:30:00+00:00",
        "attempts": "2026-03-10T15:00:00+00:00",
    }
    breach = SlaBreach.objects.get(kind="attempts")
    assert (breach.owner, breach.side, breach.committee_pending, breach.detail) == (
        personas.bob,
        "sales",
        True,
        {"attempts_made": 0},
    )


def test_an_owner_call_in_time_and_a_timely_decision_keep_the_contract(personas, contract, lead):
    sales_touch(lead, personas.bob, at(2026, 3, 9, 9, 30))
    sales_touch(lead, personas.bob, at(2026, 3, 9, 13, 30))
    sales_touch(lead, personas.bob, at(2026, 3, 10, 14, 59))
    LeadDecision.objects.create(
        workspace=personas.acme,
        lead=lead,
        mql_at=MQL,
        kind="accept",
        decided_by=personas.bob,
        decided_at=at(2026, 3, 9, 15, 30),
    )
    sla_check_workspace(personas.acme, at(2026, 3, 12, 9, 0))
    assert kinds(personas.acme) == {}


def test_marketing_touches_and_other_teams_do_not_count_as_sales_attempts(personas, contract, lead):
    sales_team = Team.objects.create(workspace=personas.acme, name="Ventes", side="sales")
    other_team = Team.objects.create(workspace=personas.acme, name="Autre", side="sales")
    personas.bob.memberships.update(team=sales_team)
    personas.dave.memberships.update(team=other_team)
    sales_touch(lead, personas.alice, at(2026, 3, 9, 9, 0), kind=TouchKind.EMAIL_CLICK)
    sales_touch(lead, personas.dave, at(2026, 3, 9, 9, 5))
    sla_check_workspace(personas.acme, at(2026, 3, 9, 11, 0))
    assert set(kinds(personas.acme)) == {"first_touch"}


def test_a_teammate_call_counts(personas, contract, lead):
    team = Team.objects.create(workspace=personas.acme, name="Ventes", side="sales")
    personas.bob.memberships.update(team=team)
    personas.dave.memberships.update(team=team)
    sales_touch(lead, personas.dave, at(2026, 3, 9, 9, 5))
    sla_check_workspace(personas.acme, at(2026, 3, 9, 11, 0))
    assert kinds(personas.acme) == {}


def test_an_unsigned_contract_governs_nothing(personas, contract, lead):
    SlaContract.objects.filter(pk=contract.pk).update(sales_signed_at=None)
    assert sla_check_workspace(personas.acme, at(2026, 3, 12, 9, 0)).total_new == 0


def test_pod_contract_takes_precedence_over_the_workspace_default(personas, contract, lead):
    pod = f.PodFactory(workspace=personas.acme)
    lead.pod = pod
    lead.save()
    SlaContract.objects.create(
        workspace=personas.acme,
        name="Pod",
        pod=pod,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 31),
        first_touch_hours=Decimal(1),
        decision_hours=Decimal(40),
        attempts_required=0,
        attempts_within_days=1,
        marketing_signed_at=timezone.now(),
        sales_signed_at=timezone.now(),
    )
    sla_check_workspace(personas.acme, at(2026, 3, 9, 9, 0))
    # 1 business hour after Fri 16:00 CET → 17:00 CET = 16:00 UTC the same Friday.
    assert kinds(personas.acme) == {"first_touch": "2026-03-06T16:00:00+00:00"}


def test_cli_reads_a_time_without_offset_in_the_workspace_time_zone(personas, contract, lead):
    # 10:59 in Paris is 09:59 UTC: before the 10:00 UTC due time (read as UTC it would be late).
    out = StringIO()
    args = ["sla", "check", "--workspace", "acme", "--language", "en", "--at"]
    call_command(*args, "2026-03-09T10:59", stdout=out)
    assert "new breaches: none" in out.getvalue()
    call_command(*args, "2026-03-09T11:00:30", stdout=out)
    assert "new breaches: First touch late 1" in out.getvalue()
    call_command(*args, "2026-03-09T11:00:30", stdout=out)
    assert out.getvalue().rstrip().endswith("new breaches: none")


def test_cli_speaks_one_language_per_run(personas, contract, lead):
    """The whole line in the asked language, the instant in its format; the workspace's
    language without --language."""
    out = StringIO()
    at = ["--workspace", "acme", "--at", "2026-03-09T11:00:30"]
    call_command("sla", "check", *at, "--language", "fr", stdout=out)
    assert out.getvalue().strip() == (
        "acme : 1 leads vérifiés au 09/03/2026 11:00 ; nouveaux manquements : "
        "Premier contact en retard 1"
    )
    out = StringIO()
    call_command("sla", "check", *at, "--language", "en", stdout=out)
    assert out.getvalue().strip() == (
        "acme: checked 1 leads as of 03/09/2026 11 a.m.; new breaches: none"
    )


def _mql_event(personas, when, decision=None):
    lead = f.LeadFactory(
        workspace=personas.acme, stage=Stage.MQL, stage_entered_at=when, mql_at=when
    )
    from cordee.funnel.models import LeadStageChange

    LeadStageChange.objects.create(
        workspace=personas.acme, lead=lead, from_stage="inquiry", to_stage="mql", at=when
    )
    if decision:
        LeadDecision.objects.create(
            workspace=personas.acme,
            lead=lead,
            mql_at=when,
            kind=decision,
            decided_at=when + dt.timedelta(hours=1),
        )
    return lead


def test_marketing_volume_and_quality_are_judged_at_period_end(personas, contract):
    from cordee.funnel.sla import marketing_status, sla_check_marketing

    SlaContract.objects.filter(pk=contract.pk).update(mql_volume=5, acceptance_floor=Decimal("60"))
    contract.refresh_from_db()
    # 4 MQLs in the quarter: 2 accepted, 1 rejected, 1 undecided → acceptance 2/3 = 66.67 %.
    _mql_event(personas, at(2026, 1, 10, 9, 0), "accept")
    _mql_event(personas, at(2026, 2, 10, 9, 0), "accept")
    _mql_event(personas, at(2026, 2, 11, 9, 0), "reject")
    _mql_event(personas, at(2026, 3, 2, 9, 0))
    _mql_event(personas, at(2026, 4, 2, 9, 0), "reject")  # next quarter: not this contract's

    mid = marketing_status(contract, at(2026, 2, 15, 0, 0))
    # Paris midnight 1 Jan = 31 Dec 23:00 UTC; 15 Feb 00:00 UTC → 45 days 1 h of a 90-day quarter.
    assert (mid.mqls, mid.decided, mid.accepted) == (3, 3, 2)
    assert mid.projected_mqls == round(3 / ((45 * 24 + 1) / (90 * 24)))
    assert sla_check_marketing(personas.acme, at(2026, 3, 31, 12, 0)) == {}  # period not over

    new = sla_check_marketing(personas.acme, at(2026, 4, 1, 8, 0))
    assert dict(new) == {"mql_volume": 1}
    breach = SlaBreach.objects.get(kind="mql_volume")
    assert (breach.side, breach.owner, breach.detail) == (
        "marketing",
        personas.mia,
        {"mqls": 4, "committed": 5},
    )
    assert breach.due_at == at(2026, 3, 31, 22, 0)  # midnight Paris (CEST) after 31 March
    assert sla_check_marketing(personas.acme, at(2026, 4, 2, 8, 0)) == {}


def test_acceptance_below_the_floor_is_a_marketing_breach(personas, contract):
    from cordee.funnel.sla import sla_check_marketing

    SlaContract.objects.filter(pk=contract.pk).update(mql_volume=0, acceptance_floor=Decimal("70"))
    _mql_event(personas, at(2026, 1, 10, 9, 0), "accept")
    _mql_event(personas, at(2026, 1, 11, 9, 0), "reject")
    new = sla_check_marketing(personas.acme, at(2026, 4, 1, 8, 0))
    assert dict(new) == {"acceptance": 1}
    assert SlaBreach.objects.get(kind="acceptance").detail == {
        "acceptance_rate": "50.00",
        "floor": "70.00",
    }


def test_a_contract_may_reassign_a_lead_after_a_first_touch_breach(personas, contract, lead):
    from cordee.funnel.models import LeadAssignment
    from cordee.people.models import PodMember

    pod = f.PodFactory(workspace=personas.acme)
    carl = f.UserFactory(email="carl@example.fr")
    f.MembershipFactory(workspace=personas.acme, user=carl, role="sales_rep")
    for user in (personas.bob, carl):
        PodMember.objects.create(pod=pod, user=user)
    lead.pod = pod
    lead.save()
    SlaContract.objects.filter(pk=contract.pk).update(reassign_on_breach=True)
    sla_check_workspace(personas.acme, at(2026, 3, 9, 10, 30))
    lead.refresh_from_db()
    assert lead.owner == carl
    assignment = LeadAssignment.objects.get(lead=lead)
    assert (assignment.from_owner, assignment.to_owner) == (personas.bob, carl)
    # the clocks do not restart: the decision is still due Monday 15:30 UTC
    sla_check_workspace(personas.acme, at(2026, 3, 9, 15, 31))
    assert SlaBreach.objects.filter(kind="decision").get().due_at == at(2026, 3, 9, 15, 30)


def test_lead_sla_shows_due_times_in_the_workspace_zone_and_business_time_used(
    personas, contract, lead
):
    from cordee.funnel.selectors import lead_sla

    sales_touch(lead, personas.bob, at(2026, 3, 9, 8, 30))  # Monday 09:30 CET: in time
    status = lead_sla(actor=personas.actor("bob"), lead=lead, at=at(2026, 3, 9, 12, 0))
    assert status is not None
    due = {c.name: c.due_at.isoformat() for c in status.clocks}
    assert due == {
        "first_touch": "2026-03-09T11:00:00+01:00",
        "decision": "2026-03-09T16:30:00+01:00",
        "attempts": "2026-03-10T16:00:00+01:00",
    }
    # as of Monday 13:00 CET (lunch): Friday 16:00–18:00 (2 h) + Monday 09:00–12:30 (3.5 h) = 5.5 h
    assert status.business_seconds_used == int(5.5 * 3600)
    met = {c.name: (c.met, c.breached) for c in status.clocks}
    assert met == {
        "first_touch": (True, False),
        "decision": (False, False),
        "attempts": (False, False),
    }
    assert (status.attempts_made, status.attempts_required) == (1, 3)


def test_stage_exits_and_time_in_stage_from_the_history(personas):
    from cordee.funnel.models import LeadStageChange
    from cordee.funnel.reports import stage_exits

    t0 = at(2026, 3, 2, 9, 0)
    # three MQLs: accepted after 1 day, rejected (recycled) after 3 days, still waiting
    for exit_stage, days in (("sal", 1), ("recycled", 3), (None, None)):
        lead = f.LeadFactory(workspace=personas.acme)
        LeadStageChange.objects.create(workspace=personas.acme, lead=lead, to_stage="mql", at=t0)
        if exit_stage:
            LeadStageChange.objects.create(
                workspace=personas.acme,
                lead=lead,
                from_stage="mql",
                to_stage=exit_stage,
                at=t0 + dt.timedelta(days=days),
            )
    result = stage_exits(personas.acme, "mql", at(2026, 3, 1, 0, 0))
    assert (result.entered, result.exits, result.still_in, result.median_days_in_stage) == (
        3,
        {"sal": 1, "recycled": 1},
        1,
        2.0,
    )


def test_compliance_counts_kept_clocks_by_month_and_pod(personas, contract, lead):
    from cordee.funnel.reports import sla_compliance

    # a second March MQL, called by its owner in time; the fixture's lead was never touched
    other = f.LeadFactory(
        workspace=personas.acme,
        stage=Stage.MQL,
        stage_entered_at=MQL,
        mql_at=MQL,
        owner=personas.bob,
    )
    sales_touch(other, personas.bob, at(2026, 3, 9, 8, 30))
    rows = {
        (r.month, r.clock): (r.due, r.kept)
        for r in sla_compliance(personas.acme, at(2026, 3, 9, 12, 0), months=3)
    }
    # as of Monday 12:00 UTC only first touch (due 10:00 UTC) has come due: 1 of 2 kept
    assert rows == {("2026-03", "first_touch"): (2, 1)}


def test_breaches_are_found_from_each_contracts_start_not_only_the_last_90_days(personas):
    """A contract signed for 1 September 2025 – 30 June 2026, checked on 20 March 2026 (200 days
    after its start). Its lead became MQL on Friday 14 November 2025 at 16:00 CET, 126 days
    before the check — beyond the old 90-day window — and was never touched nor decided:
    first touch due Mon 17 Nov 11:00 CET (2 h Friday + 2 h Monday) = 10:00 UTC; decision due Mon
    16:30 CET (2 + 3.5 + 2.5) = 15:30 UTC; attempts due Tue 18 Nov 16:00 CET (2 + 7.5 + 5.5) =
    15:00 UTC. A lead that became MQL before the contract began is not judged by it."""
    SlaContract.objects.create(
        workspace=personas.acme,
        name="Since September",
        period_start=dt.date(2025, 9, 1),
        period_end=dt.date(2026, 6, 30),
        first_touch_hours=Decimal(4),
        decision_hours=Decimal(8),
        attempts_required=3,
        attempts_within_days=2,
        marketing_signed_at=timezone.now(),
        sales_signed_at=timezone.now(),
    )
    mql = at(2025, 11, 14, 15, 0)
    f.LeadFactory(
        workspace=personas.acme,
        stage=Stage.MQL,
        stage_entered_at=mql,
        mql_at=mql,
        owner=personas.bob,
    )
    before = at(2025, 8, 29, 9, 0)
    f.LeadFactory(workspace=personas.acme, stage=Stage.MQL, stage_entered_at=before, mql_at=before)

    result = sla_check_workspace(personas.acme, at(2026, 3, 20, 12, 0))
    assert dict(result.new) == {"first_touch": 1, "decision": 1, "attempts": 1}
    assert kinds(personas.acme) == {
        "first_touch": "2025-11-17T10:00:00+00:00",
        "decision": "2025-11-17T15:30:00+00:00",
        "attempts": "2025-11-18T15:00:00+00:00",
    }
    # found four months late: on the record and the committee's agenda, but nobody is pinged
    assert all(b.silent for b in SlaBreach.objects.all())


def test_leads_whose_clocks_fall_due_at_the_same_instant_each_have_their_breach(personas, contract):
    """Two leads became MQL on Saturday 7 March 2026 (10:00 and 15:00 CET): the business clock
    starts for both on Monday 09:00, so both first touches are due Monday 9 March 14:30 CET
    (09:00–12:30, then 14:00–14:30) = 13:30 UTC, under the same contract. Each is a breach of
    its own."""
    for hour in (9, 14):
        mql = at(2026, 3, 7, hour, 0)
        f.LeadFactory(
            workspace=personas.acme,
            stage=Stage.MQL,
            stage_entered_at=mql,
            mql_at=mql,
            owner=personas.bob,
        )
    result = sla_check_workspace(personas.acme, at(2026, 3, 9, 13, 31))
    assert dict(result.new) == {"first_touch": 2}
    due = SlaBreach.objects.filter(kind="first_touch").values_list("due_at", flat=True)
    assert sorted(d.isoformat() for d in due) == ["2026-03-09T13:30:00+00:00"] * 2
