"""Quarterly (or monthly) advances on a yearly payout, trued up at year end (issue 17, item 4):
every number worked by hand in the test.

The plan: ``shared`` on ``marketing_pipeline`` for the workspace, quarterly for sales and yearly
for marketing, weight 0.4, curve (0.8, 0.5) (1, 1), cap 1.5; marketing gets quarterly advances
of half the quarter's payout. A marketer's variable target is 8,000, so a quarter's target pay
is 8,000 × 0.4 × 1/4 = 800 and the year's 8,000 × 0.4 = 3,200.

The quarters' values (actual / target): Q1 900,000 / 1,000,000 = 0.9 → fraction 0.5 + 0.1 × 2.5
= 0.75 → 600, advance 300.00; Q2 1.1 → 1 + 0.1 × 2.5 = 1.25 → 1,000, advance 500.00; Q3 0.7,
below the hurdle → 0, advance 0.00; Q4 1.0 → 800, advance 400.00. The year: 3,700,000 /
4,000,000 = 0.925 → 0.5 + 0.125 × 2.5 = 0.8125 → 3,200 × 0.8125 = 2,600.00.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from cordee.analytics.comp import (
    Credit,
    Metric,
    Payouts,
    PlanError,
    plan_parse,
    statements_compute,
)
from cordee.analytics.comp_plan import PROBLEMS
from cordee.cli.management.commands.comp import main

D = Decimal
PIPELINE = "marketing_pipeline"


def shared(**extra: Any) -> dict[str, Any]:
    return {
        "id": "shared",
        "kind": "attainment",
        "metric": PIPELINE,
        "scope": "workspace",
        "period": {"sales": "quarter", "marketing": "year"},
        "weight": "0.4",
        "curve": {"points": [["0.8", "0.5"], ["1.0", "1.0"]], "cap": "1.5"},
        "advances": {"marketing": {"period": "quarter", "share": "0.5"}},
        **extra,
    }


def person(email: str, side: str, start: str = "2026-01-01", **extra: Any) -> dict[str, Any]:
    return {
        "person": email,
        "side": side,
        "variable_target": "8000.00",
        "start": start,
        "end": None,
        "components": ["shared"],
        **extra,
    }


def document(*participants: dict[str, Any], component: dict[str, Any] | None = None) -> dict:
    return {
        "currency": "EUR",
        "year": 2026,
        "clawback_days": 90,
        "components": [component or shared()],
        "participants": list(participants)
        or [person("claire@x.fr", "marketing"), person("sam@x.fr", "sales")],
    }


QUARTERS = {"2026-Q1": 900_000, "2026-Q2": 1_100_000, "2026-Q3": 700_000, "2026-Q4": 1_000_000}


def metrics(year_actual: int = 3_700_000, year_target: int = 4_000_000) -> list[Metric]:
    out = [Metric(PIPELINE, "workspace", p, D(a), D(1_000_000)) for p, a in QUARTERS.items()]
    return [*out, Metric(PIPELINE, "workspace", "2026", D(year_actual), D(year_target))]


def lines(statements: list[Any], email: str) -> list[tuple[str, str, str | None, str]]:
    found = [s for s in statements if s.person == email]
    assert len(found) == 1, f"one statement of {email}"
    return [
        (x.component, x.kind, x.as_dict()["attainment"], x.as_dict()["payout"])
        for x in found[0].lines
    ]


def total(statements: list[Any], email: str) -> Decimal:
    return next(s.total for s in statements if s.person == email)


def test_quarterly_advances_and_the_year_true_up_by_hand():
    doc, values = document(), metrics()
    q1 = statements_compute(doc, [], values, "2026-Q1")
    assert lines(q1, "claire@x.fr") == [("shared", "advance", "0.9000", "300.00")]
    assert total(q1, "claire@x.fr") == D("300.00")
    # the rep is paid the whole quarter's payout, as before: 800 × 0.75
    assert lines(q1, "sam@x.fr") == [("shared", "attainment", "0.9000", "600.00")]
    q2 = statements_compute(doc, [], values, "2026-Q2")
    assert lines(q2, "claire@x.fr") == [("shared", "advance", "1.1000", "500.00")]
    assert lines(statements_compute(doc, [], values, "2026-Q3"), "claire@x.fr") == [
        ("shared", "advance", "0.7000", "0.00")
    ]
    assert lines(statements_compute(doc, [], values, "2026-Q4"), "claire@x.fr") == [
        ("shared", "advance", "1.0000", "400.00")
    ]
    # the advance's drill-down: the quarter's KPI value, its target pay (800) and the share
    advance = next(s for s in q2 if s.person == "claire@x.fr").lines[0]
    assert (advance.actual, advance.target, advance.target_pay) == (1_100_000, 1_000_000, 800)
    assert advance.share == D("0.5") and advance.metric == (PIPELINE, "workspace", "2026-Q2")

    year = statements_compute(doc, [], values, "2026")
    # the year's line is the full payout; the true-up = −(300 + 500 + 0 + 400)
    assert lines(year, "claire@x.fr") == [
        ("shared", "attainment", "0.9250", "2600.00"),
        ("shared", "true_up", None, "-1200.00"),
    ]
    assert total(year, "claire@x.fr") == D("1400.00")  # 2,600 − 1,200
    true_up = next(s for s in year if s.person == "claire@x.fr").lines[1]
    assert true_up.advances == (
        ("2026-Q1", D("300.00")),
        ("2026-Q2", D("500.00")),
        ("2026-Q3", D("0.00")),
        ("2026-Q4", D("400.00")),
    )
    assert [s.person for s in year] == ["claire@x.fr"]  # the rep has no yearly component

    # the totals on arrays say the same: 300 + 500 + 0 + 400 + 1,400 = 2,600, the year's payout
    payouts = Payouts(plan_parse(doc), [], values)
    assert payouts.total_cents("quarter")[0].tolist() == [30_000, 50_000, 0, 40_000]
    assert payouts.total_cents("year")[0].tolist() == [140_000]


def test_an_advance_is_prorated_for_a_start_in_mid_quarter():
    """Inès starts on 16 May: Q2 has 91 days (30 + 31 + 30), hers are 16 May – 30 June = 16 + 30
    = 46. Q2's advance = 0.5 × 800 × 46/91 × 1.25 = 23,000/91 = 252.747… → 252.75. Q1 pays her
    nothing (no line); Q3 0.00; Q4 400.00. Her share of the year: 1 Jan – 15 May is 31 + 28 + 31
    + 30 + 15 = 135 days, so 230 of 365; year line 2,600 × 230/365 = 1,638.356… → 1,638.36;
    true-up −(252.75 + 0 + 400) = −652.75; total 985.61."""
    doc, values = document(person("ines@x.fr", "marketing", start="2026-05-16")), metrics()
    q1 = statements_compute(doc, [], values, "2026-Q1")
    assert lines(q1, "ines@x.fr") == []
    assert lines(statements_compute(doc, [], values, "2026-Q2"), "ines@x.fr") == [
        ("shared", "advance", "1.1000", "252.75")
    ]
    year = statements_compute(doc, [], values, "2026")
    assert lines(year, "ines@x.fr") == [
        ("shared", "attainment", "0.9250", "1638.36"),
        ("shared", "true_up", None, "-652.75"),
    ]
    assert total(year, "ines@x.fr") == D("985.61")
    true_up = year[0].lines[1]
    assert [label for label, _ in true_up.advances] == ["2026-Q2", "2026-Q3", "2026-Q4"]


def test_a_participant_who_leaves_gets_no_advance_after_the_end():
    """Leaving on 31 March: Q1's advance 300.00 only; the year's share 90/365 of 2,600 =
    641.095… → 641.10; true-up −300.00; total 341.10."""
    doc = document(person("leo@x.fr", "marketing", end="2026-03-31"))
    values = metrics()
    assert lines(statements_compute(doc, [], values, "2026-Q2"), "leo@x.fr") == []
    year = statements_compute(doc, [], values, "2026")
    assert lines(year, "leo@x.fr") == [
        ("shared", "attainment", "0.9250", "641.10"),
        ("shared", "true_up", None, "-300.00"),
    ]
    assert total(year, "leo@x.fr") == D("341.10")


def test_advances_above_the_year_payout_give_a_negative_total():
    """The year's goal missed: 3,700,000 / 5,000,000 = 0.74, below the hurdle → 0.00; the
    advances (1,200.00) are taken back: total −1,200.00."""
    year = statements_compute(document(), [], metrics(year_target=5_000_000), "2026")
    assert lines(year, "claire@x.fr") == [
        ("shared", "attainment", "0.7400", "0.00"),
        ("shared", "true_up", None, "-1200.00"),
    ]
    assert total(year, "claire@x.fr") == D("-1200.00")


def test_monthly_advances_on_a_yearly_quota_on_the_person():
    """A marketer on her own revenue, yearly (weight 1, curve (0, 0) (1, 1), no cap), annual
    quota 120,000, variable target 12,000, with monthly advances of a quarter of the month's
    payout. January: 15,000 won against 120,000 / 12 = 10,000 → 1.5 (the slope continues) ×
    1,000 = 1,500 → advance 375.00. February: 5,000 → 0.5 × 1,000 = 500 → 125.00. March: nothing
    → 0.00. The year: 20,000 / 120,000 = 1/6 × 12,000 = 2,000.00; true-up −(375 + 125) = −500.00
    (every other month 0.00); total 1,500.00."""
    component = {
        "id": "own",
        "kind": "attainment",
        "metric": "revenue_won",
        "scope": "person",
        "period": {"marketing": "year"},
        "weight": "1",
        "curve": {"points": [["0", "0"], ["1", "1"]]},
        "advances": {"marketing": {"period": "month", "share": "0.25"}},
    }
    who = person("mia@x.fr", "marketing", components=["own"], quota={"own": "120000.00"})
    who["variable_target"] = "12000.00"
    doc = document(who, component=component)
    credits = [
        Credit("d1", "mia@x.fr", D("15000.00"), D(1), dt.date(2026, 1, 20)),
        Credit("d2", "mia@x.fr", D("5000.00"), D(1), dt.date(2026, 2, 10)),
    ]
    january = statements_compute(doc, credits, [], "2026-01")
    assert lines(january, "mia@x.fr") == [("own", "advance", "1.5000", "375.00")]
    assert january[0].lines[0].deals == (("d1", D("15000.00")),)
    assert lines(statements_compute(doc, credits, [], "2026-02"), "mia@x.fr") == [
        ("own", "advance", "0.5000", "125.00")
    ]
    assert lines(statements_compute(doc, credits, [], "2026-03"), "mia@x.fr") == [
        ("own", "advance", "0.0000", "0.00")
    ]
    assert statements_compute(doc, credits, [], "2026-Q1") == []  # no quarterly component
    year = statements_compute(doc, credits, [], "2026")
    assert lines(year, "mia@x.fr") == [
        ("own", "attainment", "0.1666", "2000.00"),
        ("own", "true_up", None, "-500.00"),
    ]
    assert total(year, "mia@x.fr") == D("1500.00")


def test_a_missing_quarter_value_is_an_error_for_its_advance_and_the_true_up():
    values = [m for m in metrics() if m.period != "2026-Q3"]
    marketer = document(person("claire@x.fr", "marketing"))
    with pytest.raises(ValueError, match=r"marketing_pipeline.*2026-Q3"):
        statements_compute(marketer, [], values, "2026-Q3")
    with pytest.raises(ValueError, match=r"marketing_pipeline.*2026-Q3"):
        statements_compute(marketer, [], values, "2026")
    # someone who joins in Q4 needs only Q4's and the year's values
    late = document(person("zoe@x.fr", "marketing", start="2026-10-01"))
    year = statements_compute(late, [], values, "2026")
    # 92 of 365 days: 2,600 × 92/365 = 655.342… → 655.34; Q4's advance 400.00
    assert lines(year, "zoe@x.fr") == [
        ("shared", "attainment", "0.9250", "655.34"),
        ("shared", "true_up", None, "-400.00"),
    ]


def test_each_advance_is_rounded_half_up_and_the_true_up_takes_them_as_paid():
    """Weight 1, a variable target of 4.04: a quarter's target pay is 1.01; at attainment 1 the
    quarter pays 1.01 and its advance 0.5 × 1.01 = 0.505 → 0.51 (half up). Four such quarters:
    the true-up is −(4 × 0.51) = −2.04 — the advances as paid, not −0.5 × 4.04 = −2.02 — and the
    year (4.04 at attainment 1) totals 2.00."""
    component = shared(weight="1")
    who = person("ana@x.fr", "marketing")
    who["variable_target"] = "4.04"
    doc = document(who, component=component)
    values = [Metric(PIPELINE, "workspace", p, D(1), D(1)) for p in (*QUARTERS, "2026")]
    assert lines(statements_compute(doc, [], values, "2026-Q3"), "ana@x.fr") == [
        ("shared", "advance", "1.0000", "0.51")
    ]
    year = statements_compute(doc, [], values, "2026")
    assert lines(year, "ana@x.fr") == [
        ("shared", "attainment", "1.0000", "4.04"),
        ("shared", "true_up", None, "-2.04"),
    ]
    assert total(year, "ana@x.fr") == D("2.00")


# -- validation ------------------------------------------------------------------------------------


def with_advances(advances: Any, period: Any = None) -> dict[str, Any]:
    component = shared(advances=advances)
    if period is not None:
        component["period"] = period
    return document(component=component)


@pytest.mark.parametrize(
    ("advances", "period", "path", "code"),
    [
        # the sales side is paid quarterly: no advance on it
        ({"sales": {"period": "quarter", "share": "0.5"}}, None, "components[0].advances.sales",
         "advance_not_yearly"),
        ({"marketing": {"period": "quarter", "share": "0.5"}}, "quarter",
         "components[0].advances.marketing", "advance_not_yearly"),
        ({"marketing": {"period": "quarter", "share": "0"}}, None,
         "components[0].advances.marketing.share", "share_out_of_range"),
        ({"marketing": {"period": "quarter", "share": "1.01"}}, None,
         "components[0].advances.marketing.share", "share_out_of_range"),
        ({"marketing": {"period": "quarter", "share": "-0.5"}}, None,
         "components[0].advances.marketing.share", "share_out_of_range"),
        ({"marketing": {"period": "quarter", "share": 0.5}}, None,
         "components[0].advances.marketing.share", "not_a_number_string"),
        ({"finance": {"period": "quarter", "share": "0.5"}}, None,
         "components[0].advances.finance", "not_a_side"),
        ({"marketing": {"period": "year", "share": "0.5"}}, None,
         "components[0].advances.marketing.period", "not_one_of"),
        ({"marketing": {"share": "0.5"}}, None, "components[0].advances.marketing.period",
         "required"),
        ({"marketing": "quarter"}, None, "components[0].advances.marketing", "not_an_object"),
        (["marketing"], None, "components[0].advances", "not_an_object"),
    ],
)  # fmt: skip
def test_a_wrong_advance_is_named_by_its_json_path(advances, period, path, code):
    with pytest.raises(PlanError) as error:
        plan_parse(with_advances(advances, period))
    assert (error.value.path, error.value.code) == (path, code)
    assert code in PROBLEMS


def test_the_sentences_of_the_new_codes():
    with pytest.raises(PlanError) as error:
        plan_parse(with_advances({"sales": {"period": "month", "share": "0.5"}}))
    assert str(error.value) == (
        "components[0].advances.sales: advances are paid ahead of a yearly payout: the sales "
        "side is not paid yearly on this component."
    )
    with pytest.raises(PlanError) as error:
        plan_parse(with_advances({"marketing": {"period": "month", "share": "2"}}))
    assert str(error.value) == (
        "components[0].advances.marketing.share: a share is above 0 and at most 1, got 2."
    )


def test_a_share_of_one_and_no_advances_are_valid():
    full = plan_parse(with_advances({"marketing": {"period": "month", "share": "1"}}))
    assert full.components[0].advances == {"marketing": ("month", D("1"))}
    assert plan_parse(with_advances(None)).components[0].advances == {}
    assert plan_parse(with_advances({})).components[0].advances == {}


# -- the command line -----------------------------------------------------------------------------


def test_the_command_line_marks_advance_and_true_up_lines(tmp_path: Path, capsys):
    (tmp_path / "plan.json").write_text(json.dumps(document()), encoding="utf-8")
    (tmp_path / "credits.csv").write_text(
        "deal_id,person,amount,share,closed_on,cancelled_on\n", encoding="utf-8"
    )
    rows = ["metric,scope,period,actual,target"] + [
        f"{m.metric},{m.scope},{m.period},{m.actual},{m.target}" for m in metrics()
    ]
    (tmp_path / "metrics.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")

    def run(label: str) -> dict[str, Any]:
        args = ["compute", "--period", label]
        for name in ("plan", "credits", "metrics"):
            suffix = "json" if name == "plan" else "csv"
            args += [f"--{name}", str(tmp_path / f"{name}.{suffix}")]
        assert main(args) == 0
        return json.loads(capsys.readouterr().out)

    assert run("2026-Q2") == {
        "period": "2026-Q2",
        "statements": [
            {
                "person": "claire@x.fr",
                "lines": [
                    {
                        "component": "shared",
                        "attainment": "1.1000",
                        "payout": "500.00",
                        "kind": "advance",
                    }
                ],
                "total": "500.00",
            },
            {
                "person": "sam@x.fr",
                "lines": [{"component": "shared", "attainment": "1.1000", "payout": "1000.00"}],
                "total": "1000.00",
            },
        ],
    }
    assert run("2026") == {
        "period": "2026",
        "statements": [
            {
                "person": "claire@x.fr",
                "lines": [
                    {"component": "shared", "attainment": "0.9250", "payout": "2600.00"},
                    {
                        "component": "shared",
                        "attainment": None,
                        "payout": "-1200.00",
                        "kind": "true_up",
                    },
                ],
                "total": "1400.00",
            }
        ],
    }
    args = ["compute", "--period", "2026", "--format", "table"]
    args += ["--plan", str(tmp_path / "plan.json"), "--credits", str(tmp_path / "credits.csv")]
    assert main([*args, "--metrics", str(tmp_path / "metrics.csv")]) == 0
    assert "shared (true_up)" in capsys.readouterr().out


def test_the_issue_plan_without_advances_is_unchanged():
    """A plan without ``advances`` pays as before: no advance line, no true-up."""
    doc = copy.deepcopy(document())
    del doc["components"][0]["advances"]
    assert statements_compute(doc, [], metrics(), "2026-Q1")[0].person == "sam@x.fr"
    year = statements_compute(doc, [], metrics(), "2026")
    assert lines(year, "claire@x.fr") == [("shared", "attainment", "0.9250", "2600.00")]
