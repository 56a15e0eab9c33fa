"""Funnel metrics on a hand-worked example: the page, the API and the CSV show the counts, rates,
median days in stage, pipeline per source and lead velocity computed by hand below.

The example (Acme, time zone Europe/Paris, currency EUR), period 1 January – 31 March 2026:

| lead | source / campaign | MQL (Paris)          | then                                         | routed to        |
|------|-------------------|----------------------|----------------------------------------------|------------------|
| L1   | seo / Webinaire IA | 10 Jan 09:00        | SAL +2 d, SQL +10 d, Won +30 d               | Nord (then Sud)  |
| L2   | seo / —           | 20 Jan 09:00         | SAL +4 d, SQL +14 d, Lost                    | Nord             |
| L3a  | webinar / Salon   | 1 Feb 00:30 (31 Jan in UTC) | recycled 3 Feb                        | Sud              |
| L3b  | (same lead)       | 5 Mar 10:00          | SAL +1 d                                     | Nord             |
| L4   | — / —             | 10 Feb 09:00         | SQL +10 d (imported: no SAL), Won +10 d      | — (lead's pod Sud) |
| L5   | webinar / Salon   | 10 Mar 09:00         | still MQL                                    | Sud              |
| L8   | seo / —           | 20 Mar 09:00         | still MQL                                    | —                |

Outside: four MQLs in December 2025 (the LVR base, not in the cohorts), one in April 2026, and
Globex's leads and opportunities (never counted for Acme).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from cordee.funnel.models import LeadAssignment, OpportunityStage, Stage
from cordee.funnel.stages import ImportedStep, lead_history_import
from cordee.funnel.version import funnel_changed
from cordee.people.services import api_token_create
from tests import factories as f
from tests.conftest import Personas, copy_for_the_test, make_personas, rows_kept_for_the_module

PARIS = ZoneInfo("Europe/Paris")
PERIOD = {"from": "2026-01-01", "to": "2026-03-31"}


def at(day: str, time: str = "09:00") -> dt.datetime:
    return dt.datetime.fromisoformat(f"{day}T{time}").replace(tzinfo=PARIS)


def _lead(ws: Any, steps: list[tuple[str, dt.datetime]], **kwargs: Any) -> Any:
    lead = f.LeadFactory(workspace=ws, stage_entered_at=steps[0][1], **kwargs)
    lead_history_import(
        workspace_id=ws.pk, lead=lead, steps=[ImportedStep(s, when) for s, when in steps]
    )
    return lead


def _route(lead: Any, pod: Any, when: dt.datetime) -> None:
    LeadAssignment.objects.create(
        workspace_id=lead.workspace_id, lead=lead, pod=pod, at=when, rule="test"
    )


def build_hand_worked_funnel(personas: Any) -> dict[str, Any]:
    """The leads, routings and opportunities of the table above; their campaigns and pods."""
    ws = personas.acme
    c1 = f.CampaignFactory(workspace=ws, name="Webinaire IA")
    c2 = f.CampaignFactory(workspace=ws, name="Salon Lyon", channel="event")
    nord = f.PodFactory(workspace=ws, name="Pod Nord")
    sud = f.PodFactory(workspace=ws, name="Pod Sud")
    M, A, Q, W = Stage.MQL, Stage.SAL, Stage.SQL, Stage.WON

    l1 = _lead(
        ws,
        [
            (M, at("2026-01-10")),
            (A, at("2026-01-12")),
            (Q, at("2026-01-22")),
            (W, at("2026-02-21")),
        ],
        source_channel="seo",
        source_campaign=c1,
    )
    _route(l1, nord, at("2026-01-10"))
    _route(l1, sud, at("2026-01-11"))  # a later reassignment: the routing of the cycle is Nord
    l2 = _lead(
        ws,
        [
            (M, at("2026-01-20")),
            (A, at("2026-01-24")),
            (Q, at("2026-02-07")),
            (Stage.LOST, at("2026-03-01")),
        ],
        source_channel="seo",
    )
    _route(l2, nord, at("2026-01-20"))
    l3 = _lead(
        ws,
        [
            (M, at("2026-02-01", "00:30")),
            (Stage.RECYCLED, at("2026-02-03")),
            (M, at("2026-03-05", "10:00")),
            (A, at("2026-03-06", "10:00")),
        ],
        source_channel="webinar",
        source_campaign=c2,
        pod=nord,  # its pod today; its first cycle was routed to Sud
    )
    _route(l3, sud, at("2026-02-01", "00:30"))
    _route(l3, nord, at("2026-03-05", "10:00"))
    _lead(
        ws,
        [(M, at("2026-02-10")), (Q, at("2026-02-20")), (W, at("2026-03-02"))],
        pod=sud,  # never assigned: the lead's pod
    )
    l5 = _lead(ws, [(M, at("2026-03-10"))], source_channel="webinar", source_campaign=c2)
    _route(l5, sud, at("2026-03-10"))
    _lead(ws, [(M, at("2026-03-20"))], source_channel="seo")
    # outside the period: December (LVR base) and April
    for day in ("2025-12-15", "2025-12-16", "2025-12-17"):
        _lead(ws, [(M, at(day))], source_channel="seo")
    _lead(ws, [(M, at("2025-12-18")), (A, at("2026-01-05"))], source_channel="seo")
    _lead(ws, [(M, at("2026-04-02"))], source_channel="seo")

    # opportunities created in the period, by source
    def opp(source: str, amount: str, created: str, stage: str, currency: str = "") -> None:
        f.OpportunityFactory(
            workspace=ws,
            source=source,
            amount=Decimal(amount),
            created_on=dt.date.fromisoformat(created),
            stage=stage,
            currency=currency,
        )

    opp("marketing", "24000.10", "2026-01-22", OpportunityStage.WON, "EUR")
    opp("marketing", "8000.00", "2026-02-07", OpportunityStage.LOST)
    opp("sales", "15000.00", "2026-02-20", OpportunityStage.WON)
    opp("partner", "5000.55", "2026-03-15", OpportunityStage.PROPOSAL)
    opp("marketing", "999.99", "2026-03-20", OpportunityStage.WON, "USD")  # left out
    opp("marketing", "7777.00", "2025-12-20", OpportunityStage.WON)  # before the period

    # Globex: a full path and a won deal in the same months, never counted for Acme
    g = personas.globex
    g_steps = [(M, at("2026-01-15")), (A, at("2026-01-16")), (Q, at("2026-01-17"))]
    _lead(g, [*g_steps, (W, at("2026-01-18"))], source_channel="seo")
    _lead(g, [(M, at("2025-12-10"))], source_channel="seo")
    f.OpportunityFactory(
        workspace=g,
        source="marketing",
        amount=Decimal("100000"),
        created_on=dt.date(2026, 2, 1),
        stage=OpportunityStage.WON,
    )
    return {"c1": c1, "c2": c2, "nord": nord, "sud": sud}


@pytest.fixture(scope="module")
def _funnel_rows(django_db_setup: Any, django_db_blocker: Any) -> Iterator[tuple[Personas, Any]]:
    """Built once for the module; each test runs in a savepoint rolled back after it."""

    def build() -> tuple[Personas, dict[str, Any]]:
        personas = make_personas()
        return personas, build_hand_worked_funnel(personas)

    with rows_kept_for_the_module(django_db_blocker, build) as rows:
        yield rows


@pytest.fixture
def _funnel_copy(_funnel_rows: Any, db: Any) -> tuple[Personas, dict[str, Any]]:
    return copy_for_the_test(_funnel_rows)


@pytest.fixture
def personas(_funnel_copy: tuple[Personas, dict[str, Any]]) -> Personas:
    return _funnel_copy[0]


@pytest.fixture
def hand_worked_funnel(_funnel_copy: tuple[Personas, dict[str, Any]]) -> dict[str, Any]:
    """The campaigns ("c1", "c2") and pods ("nord", "sud") of the hand-worked example."""
    return _funnel_copy[1]


# -- the expected numbers, worked out by hand from the table above -------------------------------

# (label, MQLs, SAL, SQL, Won, MQL→SAL, SAL→SQL, SQL→Won, median days MQL→SAL, SAL→SQL, SQL→Won)
BY_MONTH = [
    # L1, L2: accepted after 2 and 4 days, qualified after 10 and 14, L1 won 30 days later
    ("January 2026", 2, 2, 2, 1, 1.0, 1.0, 0.5, 3.0, 12.0, 30.0),
    # L3a (1 Feb in Paris) recycled; L4 skipped SAL (implied), won 10 days after SQL
    ("February 2026", 2, 1, 1, 1, 0.5, 1.0, 1.0, None, None, 10.0),
    # L3b accepted after 1 day; L5, L8 waiting
    ("March 2026", 3, 1, 0, 0, 1 / 3, 0.0, None, 1.0, None, None),
]
# medians of 2, 4, 1 / 10, 14 / 30, 10
TOTAL = ("All MQLs", 7, 4, 3, 2, 4 / 7, 3 / 4, 2 / 3, 2.0, 12.0, 20.0)
BY_SOURCE = [
    ("SEO", 3, 2, 2, 1, 2 / 3, 1.0, 0.5, 3.0, 12.0, 30.0),  # L1, L2, L8
    ("Webinar", 3, 1, 0, 0, 1 / 3, 0.0, None, 1.0, None, None),  # L3a, L3b, L5
    ("No source", 1, 1, 1, 1, 1.0, 1.0, 1.0, None, None, 10.0),  # L4
]
BY_CAMPAIGN = [
    ("Salon Lyon", 3, 1, 0, 0, 1 / 3, 0.0, None, 1.0, None, None),  # L3a, L3b, L5
    ("No campaign", 3, 2, 2, 1, 2 / 3, 1.0, 0.5, 4.0, 14.0, 10.0),  # L2, L4, L8
    ("Webinaire IA", 1, 1, 1, 1, 1.0, 1.0, 1.0, 2.0, 10.0, 30.0),  # L1
]
BY_POD = [
    ("Pod Nord", 3, 3, 2, 1, 1.0, 2 / 3, 0.5, 2.0, 12.0, 30.0),  # L1, L2, L3b
    ("Pod Sud", 3, 1, 1, 1, 1 / 3, 1.0, 1.0, None, None, 10.0),  # L3a, L4 (lead's pod), L5
    ("No pod", 1, 0, 0, 0, 0.0, None, None, None, None, None),  # L8
]
# MQL entries per month in Paris: December 4, January 2, February 2, March 3
VELOCITY = [("2026-01", 2, 4, -0.5), ("2026-02", 2, 2, 0.0), ("2026-03", 3, 2, 0.5)]
# marketing: 24 000.10 (won) + 8 000.00 (lost); partner 5 000.55 open; sales 15 000.00 won;
# the USD opportunity is left out, December's is outside the period
PIPELINE = {
    "marketing": ("32000.10", "24000.10", 2, 1),
    "partner": ("5000.55", "0.00", 1, 0),
    "sales": ("15000.00", "15000.00", 1, 1),
}


def _api(user: Any, workspace: Any, **params: str) -> Any:
    from cordee.core.actor import Actor

    role = user.memberships.get(workspace=workspace).role
    _token, secret = api_token_create(
        actor=Actor(user=user, workspace=workspace, role=role), name="test"
    )
    return Client().get(
        "/api/v1/funnel/metrics",
        params,
        headers={"Authorization": f"Bearer {secret}", "Accept-Language": "en"},
    )


def _as_tuple(row: dict[str, Any]) -> tuple[Any, ...]:
    return (
        row["label"],
        row["mqls"],
        row["sal"],
        row["sql"],
        row["won"],
        row["mql_to_sal"],
        row["sal_to_sql"],
        row["sql_to_won"],
        row["median_days_mql_to_sal"],
        row["median_days_sal_to_sql"],
        row["median_days_sql_to_won"],
    )


def _same(actual: tuple[Any, ...], expected: tuple[Any, ...]) -> bool:
    return len(actual) == len(expected) and all(
        (a is None and e is None) or (a is not None and e is not None and a == pytest.approx(e))
        if not isinstance(e, str)
        else a == e
        for a, e in zip(actual, expected, strict=True)
    )


@pytest.mark.parametrize(
    ("by", "expected"),
    [("month", BY_MONTH), ("source", BY_SOURCE), ("campaign", BY_CAMPAIGN), ("pod", BY_POD)],
)
def test_api_gives_the_hand_worked_numbers(personas, hand_worked_funnel, by, expected):
    response = _api(personas.erin, personas.acme, by=by, **PERIOD)  # executives read it too
    assert response.status_code == 200, response.content
    body = response.json()
    rows = [_as_tuple(r) for r in body["rows"]]
    assert len(rows) == len(expected)
    for row, want in zip(rows, expected, strict=True):
        assert _same(row, want), (row, want)
    assert _same(_as_tuple(body["total"]), TOTAL), body["total"]
    # the product of the three rates is the lead-to-customer rate (PRODUCT.md planning maths)
    t = body["total"]
    assert t["mql_to_sal"] * t["sal_to_sql"] * t["sql_to_won"] == pytest.approx(t["mql_to_won"])
    assert t["mql_to_won"] == pytest.approx(2 / 7)
    assert (body["start"], body["end"], body["currency"]) == ("2026-01-01", "2026-03-31", "EUR")


def test_api_keys_name_the_cohorts(personas, hand_worked_funnel):
    body = _api(personas.alice, personas.acme, by="pod", **PERIOD).json()
    assert [r["key"] for r in body["rows"]] == [
        str(hand_worked_funnel["nord"].pk),
        str(hand_worked_funnel["sud"].pk),
        "",
    ]
    body = _api(personas.alice, personas.acme, by="month", **PERIOD).json()
    assert [r["key"] for r in body["rows"]] == ["2026-01", "2026-02", "2026-03"]


def test_api_pipeline_and_velocity(personas, hand_worked_funnel):
    body = _api(personas.alice, personas.acme, **PERIOD).json()
    pipeline = {
        p["source"]: (p["created"], p["won"], p["opportunities"], p["won_opportunities"])
        for p in body["pipeline"]
    }
    assert pipeline == PIPELINE  # decimal strings, exact
    assert [p["source"] for p in body["pipeline"]] == ["marketing", "partner", "sales"]
    assert (body["other_currency_count"], body["other_currencies"]) == (1, ["USD"])
    velocity = [(v["month"], v["mqls"], v["previous_mqls"], v["lvr"]) for v in body["velocity"]]
    assert [v[:3] for v in velocity] == [v[:3] for v in VELOCITY]
    for (*_, got), (*_, want) in zip(velocity, VELOCITY, strict=True):
        assert got == pytest.approx(want)


def test_api_validation_names_the_field(personas, hand_worked_funnel):
    bad = _api(personas.alice, personas.acme, by="channel")
    assert bad.status_code == 422
    error = bad.json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == ["by"]
    assert "month, source, campaign, pod" in error["fields"]["by"][0]
    bad = _api(personas.alice, personas.acme, **{"from": "2026-13-01"})
    assert bad.status_code == 422 and list(bad.json()["error"]["fields"]) == ["from"]
    bad = _api(personas.alice, personas.acme, **{"from": "2026-03-01", "to": "2026-02-01"})
    assert bad.status_code == 422 and list(bad.json()["error"]["fields"]) == ["to"]


def test_default_period_is_the_last_twelve_months(personas, hand_worked_funnel, monkeypatch):
    """No dates: the 12 calendar months up to today (in the workspace time zone)."""
    import cordee.funnel.metrics as metrics

    monkeypatch.setattr(metrics, "local_today", lambda ws: dt.date(2026, 4, 15))
    body = _api(personas.alice, personas.acme).json()
    assert (body["start"], body["end"]) == ("2025-05-01", "2026-04-15")
    # December's four, the seven of the example and April's one
    assert body["total"]["mqls"] == 12
    assert body["velocity"][0]["month"] == "2025-05"
    # complete months only: April (15 days so far) is not compared with a whole March
    assert [v["month"] for v in body["velocity"]][-1] == "2026-03"
    assert len(body["velocity"]) == 11


def test_another_workspace_sees_only_its_own(personas, hand_worked_funnel):
    body = _api(personas.carol, personas.globex, **PERIOD).json()
    assert [(r["key"], r["mqls"], r["won"]) for r in body["rows"]] == [("2026-01", 1, 1)]
    assert body["pipeline"][0]["created"] == "100000.00"
    assert [(v["month"], v["mqls"], v["previous_mqls"]) for v in body["velocity"]] == [
        ("2026-01", 1, 1),
        ("2026-02", 0, 1),
        ("2026-03", 0, 0),
    ]


def test_snapshot_is_reused_until_the_funnel_moves(
    personas, hand_worked_funnel, django_assert_num_queries
):
    from cordee.funnel.metrics import funnel_metrics, metrics_request

    actor = personas.actor("alice")
    by, period = metrics_request(actor.workspace, by="month", start="2026-01-01", end="2026-03-31")
    first = funnel_metrics(actor=actor, by=by, period=period)
    with django_assert_num_queries(0):  # no history scan while the snapshot is valid
        again = funnel_metrics(actor=actor, by=by, period=period)
    assert again.total.mqls == first.total.mqls == 7
    _lead(personas.acme, [(Stage.MQL, at("2026-03-25"))])
    funnel_changed(personas.acme.pk)  # what every live stage move does
    assert funnel_metrics(actor=actor, by=by, period=period).total.mqls == 8


# -- the page ------------------------------------------------------------------------------------


class Tables(HTMLParser):
    """The text of every cell of every table row, per table."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _page(user: Any, lang: str = "en", **params: str) -> Any:
    client = Client(headers={"accept-language": lang})
    client.force_login(user)
    client.cookies["django_language"] = lang
    return client.get("/w/acme/funnel/metrics/", params)


def _tables(html: str) -> list[list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def _pct(value: float | None, digits: int = 0, sep: str = ".") -> str:
    return "—" if value is None else f"{value * 100:.{digits}f} %".replace(".", sep)


def _days(value: float | None, sep: str = ".") -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", sep)


def _expected_cells(row: tuple[Any, ...], sep: str = ".") -> list[str]:
    label, mqls, sal, sql, won, r1, r2, r3, d1, d2, d3 = row
    return [
        label,
        str(mqls),
        str(sal),
        str(sql),
        str(won),
        _pct(r1, sep=sep),
        _pct(r2, sep=sep),
        _pct(r3, sep=sep),
        _pct(won / mqls, 1, sep),
        _days(d1, sep),
        _days(d2, sep),
        _days(d3, sep),
    ]


@pytest.mark.parametrize(("by", "expected"), [("month", BY_MONTH), ("pod", BY_POD)])
def test_page_shows_the_hand_worked_table(personas, hand_worked_funnel, by, expected):
    response = _page(personas.erin, by=by, **PERIOD)
    assert response.status_code == 200
    table = _tables(response.content.decode())[0]
    assert table[1:-1] == [_expected_cells(r) for r in expected]
    assert table[-1] == _expected_cells(TOTAL)
    html = response.content.decode()
    assert 'aria-current="page">Funnel metrics</a>' in html  # in the navigation
    assert html.count("<svg") == 3  # conversion, velocity, pipeline


def test_page_shows_velocity_and_pipeline(personas, hand_worked_funnel):
    html = _page(personas.alice, **PERIOD).content.decode()
    _cohorts, velocity, pipeline = _tables(html)
    assert velocity[1:] == [  # latest month first
        ["March 2026", "3", "2", "+50 %".lstrip("+")],
        ["February 2026", "2", "2", "0 %"],
        ["January 2026", "2", "4", "-50 %"],
    ]
    assert pipeline[1:] == [
        ["Marketing", "2", "€32,000.10", "1", "€24,000.10"],
        ["Partner", "1", "€5,000.55", "0", "€0.00"],
        ["Sales", "1", "€15,000.00", "1", "€15,000.00"],
    ]
    assert "1 opportunity in another currency (USD) is left out." in html


def test_page_in_french(personas, hand_worked_funnel):
    response = _page(personas.alice, "fr", by="month", **PERIOD)
    html = response.content.decode()
    assert '<html lang="fr">' in html
    table = _tables(html)[0]
    french = [("janvier 2026", *BY_MONTH[0][1:]), ("février 2026", *BY_MONTH[1][1:])]
    assert table[1:3] == [_expected_cells(r, ",") for r in french]
    assert "32\u00a0000,10\u00a0€" in html or "32 000,10 €" in html


def test_htmx_swaps_only_the_body(personas, hand_worked_funnel):
    client = Client()
    client.force_login(personas.alice)
    response = client.get(
        "/w/acme/funnel/metrics/", {"by": "campaign", **PERIOD}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="metrics-body">')
    assert "<html" not in html


def test_page_with_bad_dates_says_so_and_shows_the_default(personas, hand_worked_funnel):
    response = _page(personas.alice, **{"from": "yesterday", "by": "nonsense"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Some filters are not valid" in html
    assert "MQL from : Enter a date as YYYY-MM-DD." in html


def test_csv_export(personas, hand_worked_funnel):
    response = _page(personas.bob, format="csv", by="source", **PERIOD)
    assert response["Content-Type"].startswith("text/csv")
    assert "funnel-metrics-source-2026-01-01-2026-03-31.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == ["cohort", "key", "mqls", "sal", "sql", "won"]
    expected = []
    for key, row in zip(("seo", "webinar", ""), BY_SOURCE, strict=True):
        label, mqls, sal, sql, won, r1, r2, r3, d1, d2, d3 = row

        def ratio(v: float | None, digits: int) -> str:
            return "" if v is None else f"{v:.{digits}f}"

        expected.append(
            [label, key, str(mqls), str(sal), str(sql), str(won)]
            + [ratio(v, 4) for v in (r1, r2, r3, won / mqls)]
            + [ratio(v, 1) for v in (d1, d2, d3)]
            + [""]  # every cohort of early 2026 has had the time to convert
        )
    assert rows[1:] == expected
