"""The demo workspace: realistic rates, determinism, idempotency, logins, pods, history.

Rates are computed here from the rows (stage history, opportunities) with plain ORM
queries, independently of the generator's parameters.
"""

from __future__ import annotations

import io
import itertools
import statistics
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, F, Max, OuterRef, Q, Subquery

from cordee.codesign.models import BriefComment, BriefVersion, LeadRating, Review
from cordee.crm.models import Account, Campaign, CampaignStatus, Contact
from cordee.demo import DEMO_PASSWORD, DEMO_SLUG, demo_exists, demo_logins, writers
from cordee.demo import builder as b
from cordee.demo import pay as demo_pay
from cordee.demo.common import SIZES
from cordee.funnel.models import (
    Lead,
    LeadStageChange,
    Opportunity,
    OpportunityStage,
    Stage,
    Touchpoint,
)
from cordee.people.models import Pod
from cordee.tenancy.models import Membership, Workspace
from tests.conftest import DemoSnapshot, put_the_demo


@pytest.fixture(scope="module")
def demo(
    demo_snapshot: DemoSnapshot | None, django_db_setup: Any, django_db_blocker: Any
) -> Iterator[dict[str, Any]]:
    """The small demo, seed 1, for the module (committed, removed afterwards): the session's
    build (tests/conftest.py: copied on SQLite, built on PostgreSQL)."""
    with django_db_blocker.unblock():
        b.delete_workspace(DEMO_SLUG)
        result = put_the_demo(demo_snapshot)
        ws = Workspace.objects.get(slug=DEMO_SLUG)
        first = Lead.objects.filter(workspace=ws).order_by("id").select_related("contact").first()
        assert first is not None
        yield {
            "result": result,
            "ws": ws,
            "first_email": first.contact.email,
            "history": _history(ws),
            "codesign": _codesign(ws),
        }
        # everything the build committed goes, the background tasks it queued included (they
        # outlived delete_workspace and were seen by later tests that count queued tasks), as a
        # transactional test's database is emptied after it
        call_command("flush", interactive=False, verbosity=0)


def _history(ws: Workspace) -> list[tuple[Any, ...]]:
    """Every stage change, named by its lead's e-mail (ids differ between builds)."""
    return sorted(
        LeadStageChange.objects.filter(workspace=ws).values_list(
            "lead__contact__email", "to_stage", "at", "rule", "reason", "reason_params"
        ),
        key=repr,
    )


def _codesign(ws: Workspace) -> list[Any]:
    """The co-design story (issue 18), named by campaign (ids differ between builds)."""
    tables = [
        (BriefVersion, "campaign__name", ("number", "created_at", "objective", "offer", "expected_mqls")),
        (Review, "campaign__name", ("pod__name", "reviewer__email", "requested_at", "state", "decided_at")),
        (BriefComment, "campaign__name", ("created_at", "field", "body", "resolved_at")),
        (LeadRating, "debrief__campaign__name", ("rep__email", "rating", "rated_at")),
    ]  # fmt: skip
    return [
        list(model.objects.filter(workspace=ws).order_by(name, *cols).values_list(name, *cols))  # type: ignore[attr-defined]
        for model, name, cols in tables
    ]


def _rate(ws: Workspace, frm: str, to: str) -> float:
    exits = LeadStageChange.objects.filter(workspace=ws, from_stage=frm).aggregate(
        all=Count("id"), hit=Count("id", filter=Q(to_stage=to))
    )
    assert exits["all"] > 30, f"too few exits from {frm}"
    return exits["hit"] / exits["all"]


@pytest.mark.django_db
def test_small_demo_size(demo: dict[str, Any]) -> None:
    """Its size (its build time is printed by `cordee demo`, not asserted: a timed test fails
    on a busy machine and proves nothing on a quiet one)."""
    result = demo["result"]
    assert result.created
    assert 1_500 <= result.counts["leads"] <= 3_000
    assert result.counts["touchpoints"] >= 5 * result.counts["leads"]
    assert 35 <= result.counts["campaigns"] <= 55
    assert result.seconds > 0
    assert demo_exists()


@pytest.mark.django_db
def test_seed_1_rates_are_realistic(demo: dict[str, Any]) -> None:
    ws = demo["ws"]
    assert 0.40 <= _rate(ws, Stage.MQL, Stage.SAL) <= 0.70
    assert 0.40 <= _rate(ws, Stage.SAL, Stage.SQL) <= 0.70
    opps = Opportunity.objects.filter(workspace=ws).aggregate(
        won=Count("id", filter=Q(stage=OpportunityStage.WON)),
        lost=Count("id", filter=Q(stage=OpportunityStage.LOST)),
    )
    assert opps["won"] + opps["lost"] > 50
    win_rate = opps["won"] / (opps["won"] + opps["lost"])
    assert 0.15 <= win_rate <= 0.35
    # The history tells the same story as the opportunities.
    assert _rate(ws, Stage.SQL, Stage.WON) == pytest.approx(win_rate)
    cycles = [
        (close - created).days
        for created, close in Opportunity.objects.filter(
            workspace=ws, stage__in=[OpportunityStage.WON, OpportunityStage.LOST]
        ).values_list("created_on", "close_date")
    ]
    assert 30 <= statistics.median(cycles) <= 120


@pytest.mark.django_db
def test_opportunities_are_plausible(demo: dict[str, Any]) -> None:
    ws = demo["ws"]
    opps = Opportunity.objects.filter(workspace=ws)
    # deal sizes are log-normal, not clipped (test_demo_story checks the law): positive, and a
    # median that a mid-market software vendor would recognise
    amounts = sorted(opps.values_list("amount", flat=True))
    assert amounts[0] > 0
    assert 15_000 <= statistics.median(amounts) <= 60_000
    assert not opps.filter(stage=OpportunityStage.LOST, loss_reason="").exists()
    assert not opps.exclude(stage=OpportunityStage.LOST).exclude(loss_reason="").exists()
    assert set(opps.values_list("source", flat=True)) == {"marketing", "sales", "partner"}
    # Every opportunity comes from a lead that reached SQL on the day it was created.
    sql_at = LeadStageChange.objects.filter(lead=OuterRef("lead"), to_stage=Stage.SQL).values("at")[
        :1
    ]
    for created_on, at in opps.annotate(sql_at=Subquery(sql_at)).values_list(
        "created_on", "sql_at"
    ):
        assert at is not None and at.date() == created_on


@pytest.mark.slow  # a second demo, built again: the seed's rule is the same on every engine
@pytest.mark.django_db
def test_same_seed_same_demo(demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # built again later the same day (23:59 UTC): the same demo, to the second
    day = int(time.time()) // 86_400 * 86_400
    monkeypatch.setattr(b.time, "time", lambda: day + 86_340.0)
    again = b.build_demo(size="small", seed=1, reset=True)
    monkeypatch.undo()
    assert again.created
    assert again.counts == demo["result"].counts
    assert _history(Workspace.objects.get(slug=DEMO_SLUG)) == demo["history"]
    assert _codesign(Workspace.objects.get(slug=DEMO_SLUG)) == demo["codesign"]
    assert all(demo["codesign"])
    first = Lead.objects.filter(workspace__slug=DEMO_SLUG).order_by("id").first()
    assert first is not None and first.contact.email == demo["first_email"]
    other = b.build_demo(size="small", seed=2, reset=True)
    assert other.counts != demo["result"].counts


@pytest.mark.django_db
def test_second_call_creates_nothing(demo: dict[str, Any]) -> None:
    before = b.demo_counts(demo["ws"].pk)
    out = io.StringIO()
    call_command("demo", language="en", stdout=out)
    assert "already exists" in out.getvalue()
    assert b.demo_counts(demo["ws"].pk) == before
    assert Workspace.objects.filter(slug=DEMO_SLUG).count() == 1


@pytest.mark.django_db
def test_every_demo_login_authenticates(demo: dict[str, Any]) -> None:
    logins = demo_logins()
    assert len(logins) == 7
    assert len({role for role, _ in logins}) == 7
    roles = set()
    for _, email in logins:
        user = authenticate(email=email, password=DEMO_PASSWORD)
        assert user is not None, email
        roles.add(Membership.objects.get(user=user, workspace=demo["ws"]).role)
    assert len(roles) == 7
    assert authenticate(email=logins[0][1], password="wrong") is None


@pytest.mark.django_db
def test_every_pod_has_both_sides(demo: dict[str, Any]) -> None:
    ws = demo["ws"]
    pods = Pod.objects.filter(workspace=ws)
    assert pods.count() == 3
    for pod in pods:
        roles = set(
            Membership.objects.filter(workspace=ws, user__pod_memberships__pod=pod).values_list(
                "role", flat=True
            )
        )
        assert roles & {"marketer", "marketing_manager"}, pod.name
        assert roles & {"sdr", "sales_rep", "sales_manager"}, pod.name
        assert pod.industries
        assert Lead.objects.filter(pod=pod).exists()
    assert pods.get(name="Grands comptes").named_accounts.count() > 0


@pytest.mark.django_db
def test_history_is_consistent_with_leads(demo: dict[str, Any]) -> None:
    ws = demo["ws"]
    last = LeadStageChange.objects.filter(lead=OuterRef("pk")).order_by("-at", "-id")
    leads = Lead.objects.filter(workspace=ws).annotate(
        last_to=Subquery(last.values("to_stage")[:1]),
        last_at=Subquery(last.values("at")[:1]),
        last_mql=Max("history__at", filter=Q(history__to_stage=Stage.MQL)),
    )
    for lead in leads:
        assert lead.stage == lead.last_to, lead.pk
        assert lead.stage_entered_at == lead.last_at, lead.pk
        assert lead.mql_at == lead.last_mql, lead.pk
        assert (lead.recycle_on is not None) == (lead.stage == Stage.RECYCLED), lead.pk
    # Each lead's rows chain: ∅ → inquiry first, then from = previous to, in time order.
    chains: dict[int, list[tuple[str, str, Any]]] = {}
    for lead_id, frm, to, at in (
        LeadStageChange.objects.filter(workspace=ws)
        .order_by("lead_id", "at", "id")
        .values_list("lead_id", "from_stage", "to_stage", "at")
    ):
        chains.setdefault(lead_id, []).append((frm, to, at))
    for rows in chains.values():
        assert rows[0][:2] == ("", Stage.INQUIRY)
        for prev, row in itertools.pairwise(rows):
            assert row[0] == prev[1]
            assert row[2] >= prev[2]
    rejections = LeadStageChange.objects.filter(
        workspace=ws, to_stage__in=[Stage.RECYCLED, Stage.DISQUALIFIED]
    )
    assert rejections.exists() and not rejections.filter(reason="").exists()
    assert not rejections.filter(actor__isnull=True).exists()


@pytest.mark.django_db
def test_records_look_real(demo: dict[str, Any]) -> None:
    ws = demo["ws"]
    emails = list(Contact.objects.filter(workspace=ws).values_list("email", flat=True))
    assert len(emails) == len(set(emails)) and all(e == e.lower() for e in emails)
    assert Account.objects.filter(workspace=ws, region="Grand Est").exists()
    touches = Touchpoint.objects.filter(workspace=ws)
    assert not touches.filter(is_sales_activity=True, actor__isnull=True).exists()
    assert not touches.filter(is_sales_activity=False, kind__in=["call", "meeting"]).exists()
    newest = touches.order_by("-occurred_at").first()
    oldest = touches.order_by("occurred_at").first()
    assert newest is not None and oldest is not None
    assert (newest.occurred_at - oldest.occurred_at).days >= 365
    # Leads were created over the history, not all "now".
    assert (
        Lead.objects.filter(workspace=ws).aggregate(n=Count("created_at", distinct=True))["n"]
        > 1_000
    )
    for camp in Campaign.objects.filter(workspace=ws).exclude(status=CampaignStatus.CANCELLED):
        assert camp.start_date is not None
        if camp.status == CampaignStatus.PLANNED:
            assert camp.start_date > ws.created_at.date()
        if camp.status == CampaignStatus.COMPLETED:
            assert camp.end_date is not None and camp.end_date < ws.created_at.date()


def test_writer_columns_cover_the_generated_fields() -> None:
    """The generator's columns exist; fields added later are filled with their defaults."""
    for model, cols in [
        (Account, writers.ACCOUNT_COLS),
        (Contact, writers.CONTACT_COLS),
        (Lead, writers.LEAD_COLS),
        (LeadStageChange, writers.HISTORY_COLS),
        (Touchpoint, writers.TOUCH_COLS),
        (Opportunity, writers.OPP_COLS),
    ]:
        assert set(cols) <= set(writers._concrete_columns(model)), model.__name__
        writers._extras(model, cols, prep=False)  # raises if a field has neither value nor default


@pytest.mark.django_db
def test_large_code_path_at_small_scale(demo: dict[str, Any]) -> None:
    """The large size's path (chunks, COPY on PostgreSQL, progress bar) on a tiny scale."""
    err = io.StringIO()
    result = b.build_demo(size="large", seed=3, scale=0.002, chunk_accounts=150, reset=True, progress=err)  # fmt: skip
    assert result.created
    assert result.counts["accounts"] == round(SIZES["large"][0] * 0.002)
    assert result.counts["leads"] > 1_000
    assert result.counts["touchpoints"] > 5 * result.counts["leads"]
    assert "accounts 624/624" in err.getvalue() and "rows/s" in err.getvalue()
    ws = Workspace.objects.get(slug=DEMO_SLUG)
    assert not Workspace.objects.filter(slug="demo-loading").exists()
    assert Pod.objects.get(workspace=ws, name="Grands comptes").named_accounts.exists()
    # ids reserved per chunk point at the right parents
    assert not Lead.objects.filter(workspace=ws).exclude(contact__workspace=ws).exists()
    lead_contact = Lead.objects.filter(pk=OuterRef("lead_id")).values("contact_id")[:1]
    assert not Touchpoint.objects.filter(workspace=ws).exclude(contact_id=Subquery(lead_contact)).exists()  # fmt: skip
    last = LeadStageChange.objects.filter(lead=OuterRef("pk")).order_by("-at", "-id")
    assert not (
        Lead.objects.filter(workspace=ws)
        .annotate(last_to=Subquery(last.values("to_stage")[:1]))
        .exclude(last_to=F("stage"))
        .exists()
    )


@pytest.mark.django_db
def test_every_lead_is_where_its_history_says(demo: dict[str, Any]) -> None:
    """A lead's stage, its date and its MQL date are those of its latest steps (the funnel's one
    rule, funnel.stages), recomputed here from the history rows alone."""
    ws = demo["ws"]
    last: dict[int, tuple[Any, str]] = {}
    last_mql: dict[int, Any] = {}
    for lead_id, at, to_stage in (
        LeadStageChange.objects.filter(workspace=ws)
        .order_by("at", "id")
        .values_list("lead_id", "at", "to_stage")
    ):
        last[lead_id] = (at, to_stage)
        if to_stage == Stage.MQL:
            last_mql[lead_id] = at
    wrong = [
        pk
        for pk, stage, entered, mql_at in Lead.objects.filter(workspace=ws).values_list(
            "pk", "stage", "stage_entered_at", "mql_at"
        )
        if (stage, entered, mql_at) != (last[pk][1], last[pk][0], last_mql.get(pk))
    ]
    assert len(last) == Lead.objects.filter(workspace=ws).count()
    assert wrong == []


@pytest.mark.django_db
def test_the_marketers_get_quarterly_advances_trued_up_in_the_year(demo: dict[str, Any]) -> None:
    """The pay plan gives the marketers quarterly advances on the shared goal (half of the
    quarter's payout): each quarter computed has their advance line (the one just closed
    approved), and the year's draft a true-up line = minus the advances (or waiting for a
    quarter still to come, with why)."""
    from decimal import Decimal

    from cordee.comp.models import Statement
    from cordee.funnel import kpis

    marketers = {e for e, side, *_rest in demo_pay.PARTICIPANTS if side == "marketing"}
    statements = list(
        Statement.objects.filter(workspace=demo["ws"], person__email__in=marketers).select_related(
            "person"
        )
    )
    quarters = [s for s in statements if "-Q" in s.period]
    for s in quarters:
        assert [(x["component"], x["kind"], x["share"]) for x in s.lines] == [
            ("shared", "advance", "0.5")
        ]
    if quarters:  # the demo's day is past its year's first quarter
        assert any(s.status == "approved" for s in quarters)
    for s in (x for x in statements if x.period.isdigit()):
        year_line, true_up = s.lines
        assert (year_line["kind"], true_up["kind"]) == ("attainment", "true_up")
        # the goals of every quarter up to the current one are set: the true-up waits only for
        # a quarter still to come
        current = kpis.current_period(demo["ws"], demo["ws"].today()).key.removeprefix("FY")
        if "pending" in true_up:
            assert true_up["pending"]["period"] > current, true_up["pending"]
        else:
            paid = sum((Decimal(a["payout"]) for a in true_up["advances"]), Decimal(0))
            assert Decimal(true_up["payout"]) == -paid
