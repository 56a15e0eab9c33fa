"""The monthly executive report (cordee.alignment.report): its numbers are the KPI catalogue's
for the month, its page, its PDF and its API; every member reads it, another workspace's pod is
a 404, a month that is not one is refused naming ``month``.

Acme in Paris, November 2026 (the clock on 10 December 2026), worked by hand:

| lead | MQL       | then                          | opportunity                              |
|------|-----------|-------------------------------|------------------------------------------|
| L1   | 3 Nov     | SAL 4 Nov                     | O1 created 10 Nov, 10 000.00 €, won 25 Nov |
| L2   | 3 Nov     | SAL 4 Nov                     | O2 created 12 Nov, 5 000.00 €, open       |
| L3   | 5 Nov     | SAL 6 Nov                     |                                          |
| L4   | 5 Nov     | rejected 6 Nov                |                                          |
| L5   | 20 Nov    | still MQL (nobody decided)    |                                          |
| L6   | 15 Oct    | SAL 16 Oct (October)          | O3 created 20 Oct, 99 999.00 €, won 30 Oct |

- MQLs created in November: L1–L5 = 5; decided: L1–L4 = 4; accepted (SAL): L1, L2, L3 = 3;
  acceptance rate 3 ÷ 4 = 75 %.
- SQLs (opportunities created from a lead in November): O1, O2 = 2; pipeline created
  10 000.00 + 5 000.00 = 15 000.00 €; revenue won (close date in November): O1 = 10 000.00 €.
- No SLA contract: no commitment due on either side, so no compliance (0 of 0: none).
- Feedback themes of November: « Prix » 3 items, « Délais » 1 (its October item not counted).
- Wins: one post in November (another withdrawn, one in October): 1.
"""

from __future__ import annotations

import datetime as dt
import re
import zlib
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from cordee.alignment import report as reads
from cordee.alignment.index import IndexPart, IndexResult
from cordee.core.actor import Actor
from cordee.core.errors import NotFound, ValidationFailed
from cordee.feedback.models import FeedbackItem, FeedbackTheme
from cordee.funnel import kpis
from cordee.funnel.models import Goal, LeadDecision, OpportunityStage, Stage
from cordee.funnel.models.decisions import DecisionKind
from cordee.funnel.stages import ImportedStep, lead_history_import
from cordee.tenancy.models import Workspace
from cordee.wins.models import WinPost
from tests import factories as f

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 12, 10, 9, 0, tzinfo=dt.UTC)
NOVEMBER = dt.date(2026, 11, 1)
M, A = Stage.MQL, Stage.SAL


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)


def at(day: str, time: str = "10:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=PARIS)


def _lead(ws: Any, steps: list[tuple[str, dt.datetime]], **kwargs: Any) -> Any:
    lead = f.LeadFactory(workspace=ws, stage_entered_at=steps[0][1], **kwargs)
    lead_history_import(
        workspace_id=ws.pk, lead=lead, steps=[ImportedStep(s, when) for s, when in steps]
    )
    return lead


def _win(ws: Any, key: str, when: dt.datetime, **kwargs: Any) -> WinPost:
    return WinPost.objects.create(
        workspace=ws,
        kind="deal_won",
        key=key,
        at=when,
        params={"deal": {"name": f"Gagné {key}"}, "amount": "5000", "owner": {"name": "Bob"}},
        **kwargs,
    )


@pytest.fixture
def november(personas: Any) -> dict[str, Any]:
    """The table above, in Acme; a whole month in Globex that must never count."""
    ws = personas.acme
    assert ws.time_zone == "Europe/Paris" and ws.currency == "EUR"
    bob = personas.bob
    day = dt.date.fromisoformat
    nord = f.PodFactory(workspace=ws, name="Nord")
    l1 = _lead(ws, [(M, at("2026-11-03")), (A, at("2026-11-04"))], owner=bob)
    l2 = _lead(ws, [(M, at("2026-11-03")), (A, at("2026-11-04"))], owner=bob)
    _lead(ws, [(M, at("2026-11-05")), (A, at("2026-11-06"))], owner=bob)
    l4 = _lead(ws, [(M, at("2026-11-05")), (Stage.RECYCLED, at("2026-11-06"))], owner=bob)
    LeadDecision.objects.create(
        workspace=ws, lead=l4, mql_at=at("2026-11-05"), kind=DecisionKind.REJECT,
        decided_at=at("2026-11-06"),
    )  # fmt: skip
    _lead(ws, [(M, at("2026-11-20"))], owner=bob)
    l6 = _lead(ws, [(M, at("2026-10-15")), (A, at("2026-10-16"))], owner=bob)
    won = OpportunityStage.WON
    f.OpportunityFactory(workspace=ws, lead=l1, owner=bob, amount=Decimal("10000.00"),
                         created_on=day("2026-11-10"), stage=won, close_date=day("2026-11-25"))  # fmt: skip
    f.OpportunityFactory(workspace=ws, lead=l2, owner=bob, amount=Decimal("5000.00"),
                         created_on=day("2026-11-12"), stage=OpportunityStage.PROPOSAL)  # fmt: skip
    f.OpportunityFactory(workspace=ws, lead=l6, owner=bob, amount=Decimal("99999.00"),
                         created_on=day("2026-10-20"), stage=won, close_date=day("2026-10-30"))  # fmt: skip
    prix = FeedbackTheme.objects.create(workspace=ws, label="Prix", size=3)
    delais = FeedbackTheme.objects.create(workspace=ws, label="Délais", size=2)
    for theme, when in (
        (prix, "2026-11-02"), (prix, "2026-11-09"), (prix, "2026-11-30"),
        (delais, "2026-11-15"), (delais, "2026-10-31"),
    ):  # fmt: skip
        FeedbackItem.objects.create(
            workspace=ws, kind="objection", title="Trop cher", author=bob, theme=theme,
            submitted_at=at(when), status="new",
        )  # fmt: skip
    _win(ws, "deal:1", at("2026-11-25"), amount=Decimal("10000.00"), currency="EUR")
    _win(ws, "deal:2", at("2026-11-26"), withdrawn_at=at("2026-11-27"))
    _win(ws, "deal:3", at("2026-10-30"))
    shared = Goal.objects.create(
        workspace=ws, kpi="acceptance_rate", scope="workspace", period="2026-11",
        period_start=NOVEMBER, period_end=day("2026-11-30"), target=Decimal("0.8"),
        marketing_owner=personas.mia, sales_owner=personas.dave,
    )  # fmt: skip
    Goal.objects.create(  # a person's goal: never in the report
        workspace=ws, kpi="sqls", scope=f"person:{bob.pk}", period="2026-11",
        period_start=NOVEMBER, period_end=day("2026-11-30"), target=Decimal("3"),
    )  # fmt: skip
    g = personas.globex
    gl = _lead(g, [(M, at("2026-11-03")), (A, at("2026-11-04"))])
    f.OpportunityFactory(workspace=g, lead=gl, amount=Decimal("7.00"),
                         created_on=day("2026-11-05"), stage=won, close_date=day("2026-11-06"))  # fmt: skip
    _win(g, "deal:9", at("2026-11-25"))
    return {"nord": nord, "goal": shared}


def _by_key(numbers: list[reads.Number]) -> dict[str, reads.Number]:
    return {n.kpi.key: n for n in numbers}


def test_the_reports_numbers_are_the_months_worked_by_hand(personas, november):
    report = reads.report_build(personas.acme, NOVEMBER)
    funnel = _by_key(report.funnel)
    assert funnel["mqls_created"].value == 5
    rate = funnel["acceptance_rate"]
    assert (rate.value, rate.numerator, rate.denominator) == (Fraction(3, 4), 3, 4)  # 75 %
    assert funnel["sqls"].value == 2
    assert funnel["pipeline_created"].value == Decimal("15000.00")
    assert funnel["revenue_won"].value == Decimal("10000.00")
    sla = _by_key(report.sla)
    assert [n.kpi.key for n in report.sla] == ["marketing_sla_compliance", "sales_sla_compliance"]
    assert (sla["sales_sla_compliance"].value, sla["sales_sla_compliance"].denominator) == (None, 0)
    assert [(t.label, t.items) for t in report.themes] == [("Prix", 3), ("Délais", 1)]
    assert report.wins_count == 1 and [w.key for w in report.wins] == ["deal:1"]
    assert [g.goal.pk for g in report.goals] == [november["goal"].pk]
    assert report.goals[0].progress.actual == Fraction(3, 4)
    assert report.complete and report.last_day == dt.date(2026, 11, 30)


def test_the_reports_numbers_are_the_kpi_catalogues(personas, november):
    """The same values as the catalogue's report for the month, whoever reads the catalogue."""
    report = reads.report_build(personas.acme, NOVEMBER)
    actor = personas.actor("erin")
    catalogue = kpis.kpi_report(
        actor=actor,
        scope=kpis.scope_read(actor, "workspace"),
        period=kpis.period_read(actor.workspace, "2026-11"),
    ).values
    for number in (*report.funnel, *report.sla):
        expected = catalogue[number.kpi.key]
        assert (number.value, number.numerator, number.denominator) == (
            expected.value,
            expected.numerator,
            expected.denominator,
        ), number.kpi.key


def test_a_pods_report_counts_the_pods_own(personas, november):
    nord = november["nord"]
    _win(personas.acme, "deal:4", at("2026-11-28"), pod=nord)
    report = reads.report_build(personas.acme, NOVEMBER, pod=nord)
    assert report.pod == nord
    assert [w.key for w in report.wins] == ["deal:4"]
    assert report.goals == [] and report.themes == []
    assert _by_key(report.funnel)["mqls_created"].value == 0  # nothing was routed to it


def test_the_month_is_read_and_refused_naming_the_field(personas):
    ws = personas.acme
    assert reads.month_read(ws, "2026-11") == NOVEMBER
    assert reads.month_read(ws, "2026-12") == dt.date(2026, 12, 1)  # the current month, to date
    for bad in ("2026-13", "2027-01", "nov", "1999-12", ""):
        with pytest.raises(ValidationFailed) as refused:
            reads.month_read(ws, bad)
        assert set(refused.value.field_errors) == {"month"}, bad
    with pytest.raises(NotFound):
        reads.pod_read(ws, f.PodFactory(workspace=personas.globex).pk)


def test_the_months_available_run_from_the_first_data_to_now(personas, november):
    months = reads.months_available(personas.acme)
    assert months[0] == dt.date(2026, 12, 1)
    assert dt.date(2026, 10, 1) in months  # L6's MQL, the first data
    assert months == sorted(months, reverse=True)


# -- the page ---------------------------------------------------------------------------------


def _client(user: Any, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def _scored(workspace: Workspace, month: dt.date, *, pod: Any = None) -> IndexResult:
    parts = [
        IndexPart("acceptance", "Acceptance rate", "3 of 4", 75.0, 0.5, 0.6, 45.0),
        IndexPart("sla_sales", "Sales SLA", "0 of 0", None, 0.2, 0.0, None),
        IndexPart("kudos", "Cross-side kudos", "2 of 4", 50.0, 0.3, 0.4, 20.0),
    ]
    return IndexResult(workspace, pod, month.replace(day=1), parts, 65.0, ["sla_sales"])


def test_the_page_shows_the_index_parts_and_the_numbers(personas, november, monkeypatch):
    real = reads.index_trend

    def trend(ws: Workspace, month: dt.date, **kwargs: Any) -> list[IndexResult]:
        # the month's index (the trend's last) made by hand; the months before as measured
        return [*real(ws, month, **kwargs)[:-1], _scored(ws, month, pod=kwargs.get("pod"))]

    monkeypatch.setattr(reads, "index_trend", trend)
    response = _client(personas.bob).get("/w/acme/reports/2026-11/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-score="65.0"' in html  # written as the index's page writes it
    assert 'data-part="acceptance"' in html and 'data-part="sla_sales"' in html
    assert "75.0 %" in html  # the acceptance rate, 3 of 4
    assert 'data-kpi="acceptance_rate"' in html and "3 of 4" in html
    assert 'data-theme="' in html and "Prix" in html
    assert 'data-win="' in html and "Gagné deal:1" in html
    assert "/w/acme/reports/2026-11.pdf" in html
    assert "<svg" in html  # the charts, rendered on the server
    assert 'aria-current="page"' in html and "/w/acme/reports/" in html


def test_an_index_not_measured_says_so(personas, november):
    # June 2025: nothing happened yet, no part of the index measured
    response = _client(personas.alice).get("/w/acme/reports/2025-06/")
    assert response.status_code == 200
    assert 'data-score=""' in response.content.decode()


def test_every_member_reads_it_and_another_workspace_gets_404(personas, november):
    for name in ("alice", "bob", "dave", "mia", "erin", "rita"):
        assert _client(getattr(personas, name)).get("/w/acme/reports/2026-11/").status_code == 200
    assert _client(personas.carol).get("/w/acme/reports/2026-11/").status_code == 404
    assert _client(personas.carol).get("/w/acme/reports/2026-11.pdf").status_code == 404
    assert _client(personas.carol).get("/w/acme/reports/").status_code == 404
    globex_pod = f.PodFactory(workspace=personas.globex)
    url = f"/w/acme/reports/2026-11/?pod={globex_pod.pk}"
    assert _client(personas.bob).get(url).status_code == 404
    assert _client(personas.bob).get("/w/acme/reports/2026-11/?pod=x").status_code == 404


def test_a_month_that_is_not_one_is_404_on_the_page(personas):
    client = _client(personas.bob)
    assert client.get("/w/acme/reports/2026-13/").status_code == 404
    assert client.get("/w/acme/reports/2027-01/").status_code == 404  # the future
    assert client.get("/w/acme/reports/nov/").status_code == 404


def test_the_list_page_and_the_picker(personas, november):
    client = _client(personas.erin)
    response = client.get("/w/acme/reports/")
    assert response.status_code == 200
    assert 'data-month="2026-11"' in response.content.decode()
    nord = november["nord"]
    picked = client.get("/w/acme/reports/", {"month": "2026-10", "pod": nord.pk})
    assert picked.status_code == 302
    assert picked["Location"] == f"/w/acme/reports/2026-10/?pod={nord.pk}"
    assert client.get("/w/acme/reports/", {"month": "2026-13"}).status_code == 422


def test_a_pods_page(personas, november):
    nord = november["nord"]
    response = _client(personas.bob).get(f"/w/acme/reports/2026-11/?pod={nord.pk}")
    assert response.status_code == 200
    assert f'data-pod="{nord.pk}"' in response.content.decode()


# -- the PDF ----------------------------------------------------------------------------------


def _inflated(pdf: bytes) -> bytes:
    """The PDF's bytes with its compressed streams inflated (objects, metadata, outlines)."""
    out = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(out)


def _titles(blob: bytes) -> list[str]:
    """The PDF's /Title strings (the document's, the outline's), decoded."""
    found = []
    for literal, hexa in re.findall(rb"/Title\s*(?:\(([^)]*)\)|<([0-9A-Fa-f]+)>)", blob):
        if hexa:
            raw = bytes.fromhex(hexa.decode())
            found.append(raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff" else raw.decode())
        else:
            found.append(literal.decode("latin-1"))
    return found


def test_the_pdf_is_a_real_pdf_of_the_workspaces_report(personas, november):
    response = _client(personas.bob).get("/w/acme/reports/2026-11.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF-")
    blob = _inflated(pdf)
    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", blob)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", blob)]
    assert counts and max(counts) >= 1
    assert any("Acme" in title for title in _titles(blob)), _titles(blob)


def test_the_pdf_never_fetches_a_remote_url(personas):
    from cordee.alignment.report_render import _static_root, local_fetcher

    fetcher = local_fetcher(_static_root())
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/evil.css")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    css = (_static_root() / "report.css").as_uri()
    assert b".report" in fetcher.fetch(css).read()


# -- the API ----------------------------------------------------------------------------------


def test_api_gives_the_same_numbers(personas, november, api_as):
    response = api_as("alice").get("reports/2026-11")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["month"] == "2026-11" and body["pod"] is None and body["complete"] is True
    funnel = {n["key"]: n for n in body["funnel"]}
    assert funnel["acceptance_rate"]["value"] == "0.7500"
    assert (funnel["acceptance_rate"]["numerator"], funnel["acceptance_rate"]["denominator"]) == (
        3,
        4,
    )
    assert funnel["mqls_created"]["value"] == "5"
    assert funnel["pipeline_created"]["value"] == "15000.00"
    assert funnel["revenue_won"]["value"] == "10000.00"
    assert [t["items"] for t in body["themes"]] == [3, 1]
    assert body["wins_count"] == 1
    # the index is the alignment index's own (one definition): its API gives the same score
    index_body = api_as("alice").get("alignment/index?month=2026-11").json()
    assert Decimal(body["index"]["score"]) == Decimal(index_body["score"]).quantize(Decimal("0.1"))
    assert [p["code"] for p in body["index"]["parts"]] == [p["code"] for p in index_body["parts"]]
    assert [g["id"] for g in body["shared_goals"]] == [november["goal"].pk]
    assert len(body["trend"]) == 12 and body["trend"][-1]["month"] == "2026-11"


def test_api_refuses_a_bad_month_naming_it_and_another_workspaces_pod(personas, api_as):
    from tests.fixtures.api import error_fields

    bad = api_as("bob").get("reports/2026-13")
    assert bad.status_code == 422
    assert set(error_fields(bad)) == {"month"}
    other = f.PodFactory(workspace=personas.globex)
    assert api_as("bob").get("reports/2026-11", {"pod": other.pk}).status_code == 404
    assert api_as("carol").get("reports/2026-11").json()["workspace"] == "Globex"


def test_api_pdf(personas, api_as):
    response = api_as("erin").get("reports/2026-11/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_the_report_reads_the_same_for_every_reader(personas, november):
    """No reader's right changes it: it reads the workspace's numbers as nobody in particular."""
    assert isinstance(reads._reader(personas.acme), Actor)
    first = reads.report_payload(reads.report_build(personas.acme, NOVEMBER))
    second = reads.report_payload(reads.report_build(personas.acme, NOVEMBER))
    assert first == second


def _queries(url: str, user: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(user)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_pages_queries_do_not_grow_with_the_wins_goals_and_themes(personas, november):
    """The month's wins, goals and themes are each read in a query or two, whatever their
    number."""
    url = "/w/acme/reports/2026-11/"
    _queries(url, personas.bob)  # warm the caches (charts, the navigation)
    few = _queries(url, personas.bob)
    ws, day = personas.acme, dt.date.fromisoformat
    theme = FeedbackTheme.objects.create(workspace=ws, label="Onboarding", size=4)
    for n in range(4):
        _win(ws, f"deal:more-{n}", at(f"2026-11-1{n}"), amount=Decimal("100.00"), currency="EUR")
        FeedbackItem.objects.create(
            workspace=ws, kind="objection", title=f"Lent {n}", author=personas.bob,
            theme=theme, submitted_at=at(f"2026-11-1{n}"), status="new",
        )  # fmt: skip
        Goal.objects.create(
            workspace=ws, kpi="sqls", scope="side:sales", period="2026-11",
            period_start=NOVEMBER, period_end=day("2026-11-30"), target=Decimal(n + 1),
            marketing_owner=personas.mia, sales_owner=personas.dave,
        )  # fmt: skip
    assert _queries(url, personas.bob) <= few
