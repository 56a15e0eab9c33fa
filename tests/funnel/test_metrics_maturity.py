"""Cohorts too recent to have converted, and the lead velocity rate on complete months (issue #12,
item 7), on hand-made leads.

Too recent — by source, MQLs counted back from now (Acme, Europe/Paris):

| source  | lead | MQL          | then                          |
|---------|------|--------------|-------------------------------|
| SEO     | S1   | now − 200 d  | SAL +1 d, SQL +10 d, Won +30 d |
| SEO     | S2   | now − 199 d  | SAL +2 d, SQL +20 d, Won +40 d |
| SEO     | S3   | now − 198 d  | SAL +3 d, SQL +30 d, Won +50 d |
| event   | E1   | now − 100 d  | nothing                       |
| event   | E2   | now − 98 d   | nothing                       |
| webinar | W1   | now − 14 d   | SAL +1 d                      |
| webinar | W2   | now − 10 d   | nothing yet                   |

Median days from MQL, over every cycle that reached the stage (all within the 365 days):
SAL median(1, 2, 3, 1) = 1.5; SQL median(10, 20, 30) = 20; Won median(30, 40, 50) = 40.
Cohort ages (from the middle MQL): SEO 199 d, event 99 d, webinar 12 d. The webinar cohort is
older than 1.5 d (its MQL → SAL, 1 of 2 = 50 %, is shown) but younger than 20 and 40 d: its
SAL → SQL (0 of 1 so far) and MQL → Won (0 of 2) are "too recent", not 0 %. The event cohort,
99 days old, converted nobody: it IS at 0 %.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cordee.funnel import metrics
from cordee.funnel.models import Stage
from cordee.funnel.stages import ImportedStep, lead_history_import
from tests import factories as f

pytestmark = pytest.mark.usefixtures("english_pages")

M, A, Q, W = Stage.MQL, Stage.SAL, Stage.SQL, Stage.WON
DAY = dt.timedelta(days=1)


def _lead(ws: Any, steps: list[tuple[str, dt.datetime]], **kwargs: Any) -> Any:
    lead = f.LeadFactory(workspace=ws, stage_entered_at=steps[0][1], **kwargs)
    lead_history_import(
        workspace_id=ws.pk, lead=lead, steps=[ImportedStep(s, when) for s, when in steps]
    )
    return lead


@pytest.fixture
def cohorts(personas: Any) -> dt.datetime:
    ws = personas.acme
    now = timezone.now().replace(microsecond=0)
    for ago, sal, sql, won in ((200, 1, 10, 30), (199, 2, 20, 40), (198, 3, 30, 50)):
        mql = now - ago * DAY
        steps = [(M, mql), (A, mql + sal * DAY), (Q, mql + sql * DAY), (W, mql + won * DAY)]
        _lead(ws, steps, source_channel="seo")
    for ago in (100, 98):
        _lead(ws, [(M, now - ago * DAY)], source_channel="event")
    _lead(ws, [(M, now - 14 * DAY), (A, now - 13 * DAY)], source_channel="webinar")
    _lead(ws, [(M, now - 10 * DAY)], source_channel="webinar")
    return now


def test_a_cohort_younger_than_the_median_time_to_a_stage_is_too_recent_not_zero(personas, cohorts):
    ws = personas.acme
    result = metrics.compute_funnel_metrics(ws, "source", metrics.default_period(ws), now=cohorts)
    assert result.median_days_to == {"sal": 1.5, "sql": 20.0, "won": 40.0}
    rows = {r.key: r for r in result.rows}
    webinar, event, seo = rows["webinar"], rows["event"], rows["seo"]
    assert (webinar.mqls, webinar.sal, webinar.sql, webinar.won) == (2, 1, 0, 0)
    assert webinar.too_recent == ("sql", "won")  # 12 d old: < 20 and < 40, but > 1.5
    assert (event.mqls, event.sal, event.too_recent) == (2, 0, ())  # 99 d old: mature
    assert event.mql_to_sal == 0.0  # an old cohort that converted nobody is at 0 %
    assert seo.too_recent == ()


def test_the_page_says_too_recent_with_the_medians_and_an_old_cohort_shows_zero(personas, cohorts):
    client = Client(headers={"accept-language": "en"})
    client.force_login(personas.alice)
    html = client.get("/w/acme/funnel/metrics/", {"by": "source"}).content.decode()
    rows = {
        cells[0]: cells[1:]
        for cells in (
            [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", tr)]
            for tr in re.findall(r"<tr>(.*?)</tr>", html, re.S)
        )
        if cells
    }
    # MQLs, SAL, SQL, Won, MQL→SAL, SAL→SQL, SQL→Won, MQL→Won (then the three medians)
    recent = "too recent"
    assert rows["Webinar"][:8] == ["2", "1", "0", "0", "50 %", recent, recent, recent]
    assert rows["Trade show / event"][:8] == ["2", "0", "0", "0", "0 %", "—", "—", "0.0 %"]
    assert "SAL 2 days, SQL 20 days, Won 40 days" in html  # the medians, rounded to a day
    # the chart leaves the unknown rates out and labels the cohort
    chart = html[html.index("<svg") : html.index("</svg>")]
    assert "too recent" in chart and "SQL 20 d · Won 40 d" in chart


def test_the_csv_names_the_stages_too_recent(personas, cohorts):
    client = Client()
    client.force_login(personas.bob)
    response = client.get("/w/acme/funnel/metrics/", {"by": "source", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][-1] == "too_recent"
    assert {r[1]: r[-1] for r in rows[1:]} == {"seo": "", "event": "", "webinar": "sql won"}


def test_the_api_flags_too_recent_stages(personas, cohorts, api_as):
    body = api_as("alice").get("/funnel/metrics", {"by": "source"}).json()
    flags = {r["key"]: r["too_recent"] for r in body["rows"]}
    assert flags == {"seo": [], "event": [], "webinar": ["sql", "won"]}
    assert body["median_days_to"] == {"sal": 1.5, "sql": 20.0, "won": 40.0}


def test_lead_velocity_compares_complete_months_only(personas, monkeypatch):
    """Today 15 April 2026. MQLs: February 4, March 5, April 1–15: 3. The old figure compared
    April so far with a whole March: (3 − 5) ÷ 5 = −40 %. Complete months only: the latest point
    is March, (5 − 4) ÷ 4 = +25 %; April is left out until it has ended."""
    ws = personas.acme
    monkeypatch.setattr(metrics, "local_today", lambda workspace: dt.date(2026, 4, 15))

    def at(day: str) -> dt.datetime:
        return dt.datetime.fromisoformat(f"{day}T10:00").replace(tzinfo=ws.zone)

    for day in ("02-03", "02-10", "02-17", "02-24", "03-02", "03-09", "03-16", "03-23", "03-30"):
        _lead(ws, [(M, at(f"2026-{day}"))])
    for day in ("04-01", "04-08", "04-14"):
        _lead(ws, [(M, at(f"2026-{day}"))])
    period = metrics.Period(dt.date(2026, 3, 1), dt.date(2026, 4, 15))
    result = metrics.compute_funnel_metrics(ws, "month", period)
    assert [(v.month, v.mqls, v.previous_mqls, v.lvr) for v in result.velocity] == [
        ("2026-03", 5, 4, 0.25)
    ]
    assert result.total.mqls == 8  # the cohorts still count April's MQLs
    # a period that ends on a month's last day, already past, takes that month
    march = metrics.compute_funnel_metrics(
        ws, "month", metrics.Period(period.start, dt.date(2026, 3, 31))
    )
    assert [v.month for v in march.velocity] == ["2026-03"]
