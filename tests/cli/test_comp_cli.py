"""``cordee comp compute`` on files written by the tests: the issue's example worked by hand, and
the errors that name the file, the line and the column (or the plan's JSON path), exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cordee.cli.management.commands.comp import main

ROOT = Path(__file__).resolve().parents[2]

ISSUE_PLAN = {
    "currency": "EUR",
    "year": 2026,
    "clawback_days": 90,
    "components": [
        {
            "id": "quota",
            "kind": "attainment",
            "metric": "revenue_won",
            "scope": "person",
            "period": "quarter",
            "weight": "0.6",
            "curve": {"points": [["0.5", "0"], ["1.0", "1.0"], ["1.5", "2.0"]], "cap": "2.5"},
        },
        {
            "id": "shared",
            "kind": "attainment",
            "metric": "marketing_pipeline",
            "scope": "workspace",
            "period": {"sales": "quarter", "marketing": "year"},
            "weight": "0.4",
            "curve": {"points": [["0.8", "0.5"], ["1.0", "1.0"]], "cap": "1.5"},
        },
        {
            "id": "commission",
            "kind": "commission",
            "basis": "revenue_won",
            "scope": "person",
            "period": "month",
            "mode": "marginal",
            "tiers": [{"up_to": "50000", "rate": "0.02"}, {"up_to": None, "rate": "0.04"}],
        },
    ],
    "participants": [
        {
            "person": "julie.ventes@demo.cordee.fr",
            "side": "sales",
            "variable_target": "24000.00",
            "start": "2026-02-16",
            "end": None,
            "components": ["quota", "shared", "commission"],
            "quota": {"quota": "600000.00"},
        },
    ],
}

CREDITS = """deal_id,person,amount,share,closed_on,cancelled_on
d1,julie.ventes@demo.cordee.fr,80000.00,1,2026-04-10,
d2,julie.ventes@demo.cordee.fr,50000.00,0.6,2026-05-03,2026-07-01
d2,marc.ventes@demo.cordee.fr,50000.00,0.4,2026-05-03,2026-07-01
"""
METRICS = """metric,scope,period,actual,target
marketing_pipeline,workspace,2026-Q2,900000,1000000
marketing_pipeline,workspace,2026-Q3,1050000,1000000
"""


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {
        "plan": tmp_path / "plan.json",
        "credits": tmp_path / "credits.csv",
        "metrics": tmp_path / "metrics.csv",
    }
    out["plan"].write_text(json.dumps(ISSUE_PLAN))
    out["credits"].write_text(CREDITS)
    out["metrics"].write_text(METRICS)
    return out


def run(files: dict[str, Path], period: str, *extra: str) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    argv = [
        "compute",
        "--plan",
        str(files["plan"]),
        "--credits",
        str(files["credits"]),
        "--metrics",
        str(files["metrics"]),
        "--period",
        period,
        *extra,
    ]
    sys_stderr, sys.stderr = sys.stderr, err
    try:
        code = main(argv, stdout=out)
    finally:
        sys.stderr = sys_stderr
    return code, out.getvalue(), err.getvalue()


def test_the_issue_example_as_json(files):
    # Q2, Julie employed all quarter (proration 1). Her credits closed in Q2: d1 80000 + d2 50000 ×
    # 0.6 = 30000 → 110000 (Marc is no participant: his 0.4 is ignored). Quota 600000 ÷ 4 =
    # 150000 → attainment 0.73333… → fraction (0.7333… − 0.5) ÷ 0.5 = 0.46666…; target pay
    # 24000 × 0.6 ÷ 4 = 3600 → 1680.00.
    # Shared: 900000 ÷ 1000000 = 0.9 → 0.5 + (0.9 − 0.8) × 2.5 = 0.75 × (24000 × 0.4 ÷ 4 = 2400)
    # = 1800.00. The monthly commission is not on a quarter. Total 3480.00.
    code, out, _err = run(files, "2026-Q2")
    assert code == 0
    assert json.loads(out) == {
        "period": "2026-Q2",
        "statements": [
            {
                "person": "julie.ventes@demo.cordee.fr",
                "lines": [
                    {"component": "quota", "attainment": "0.7333", "payout": "1680.00"},
                    {"component": "shared", "attainment": "0.9000", "payout": "1800.00"},
                ],
                "total": "3480.00",
            }
        ],
    }


def test_the_clawback_of_the_cancelled_split_deal(files):
    # d2 is cancelled on 1 July, 59 days after 3 May (≤ 90). July: no deal → commission 0.00;
    # May's commission was 30000 × 2 % = 600, without d2 0 → −600.00.
    code, out, _err = run(files, "2026-07")
    assert code == 0
    assert json.loads(out)["statements"][0]["lines"] == [
        {"component": "commission", "attainment": None, "payout": "0.00"},
        {"component": "commission", "attainment": None, "payout": "-600.00", "deal_id": "d2"},
    ]
    # Q3: quota line 0 (no deal), shared 1.05 → 1.125 × 2400 = 2700; the quota's clawback:
    # Q2 without d2 is 80000 ÷ 150000 = 0.5333… → 0.0666… × 3600 = 240, so −(1680 − 240) = −1440.
    code, out, _err = run(files, "2026-Q3")
    statement = json.loads(out)["statements"][0]
    assert [(x["component"], x["payout"], x.get("deal_id")) for x in statement["lines"]] == [
        ("quota", "0.00", None),
        ("shared", "2700.00", None),
        ("quota", "-1440.00", "d2"),
    ]
    assert statement["total"] == "1260.00"


def test_the_table_format(files):
    code, out, _err = run(files, "2026-04", "--format", "table")
    # April: d1 80000 → 50000 × 2 % + 30000 × 4 % = 2200.00
    assert code == 0
    assert out.splitlines()[1].split() == ["julie.ventes@demo.cordee.fr", "commission", "2200.00"]
    assert out.splitlines()[2].split() == ["julie.ventes@demo.cordee.fr", "total", "2200.00"]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        (
            "credits",
            CREDITS.replace("80000.00", "quatre-vingt mille"),
            "credits.csv: line 2, column amount",
        ),
        (
            "credits",
            CREDITS.replace("2026-05-03,2026-07-01\nd2,marc", "2026-05-03,1er juillet\nd2,marc"),
            "credits.csv: line 3, column cancelled_on",
        ),
        (
            "credits",
            CREDITS.replace(",0.4,", ",0.3,"),
            "credits.csv: line 3, column share: the shares of d2 add up to 0.9",
        ),
        (
            "credits",
            CREDITS.replace("closed_on", "won_on"),
            "credits.csv: line 1: missing column(s) closed_on",
        ),
        (
            "credits",
            CREDITS + "d3,x@y.fr,10\n",
            "credits.csv: line 5: 3 fields where the header has 6",
        ),
        ("metrics", METRICS.replace("2026-Q3", "T3 2026"), "metrics.csv: line 3, column period"),
        (
            "metrics",
            METRICS.replace("1000000\nmarketing", "0\nmarketing"),
            "metrics.csv: line 2, column target",
        ),
        (
            "metrics",
            METRICS.replace("2026-Q2", "2026-Q4"),
            "metrics.csv: no value (or no positive target) of the metric marketing_pipeline for the scope workspace in 2026-Q2",
        ),
    ],
)
def test_a_bad_file_names_the_file_the_line_and_the_column(files, name, text, message):
    files[name].write_text(text)
    code, out, err = run(files, "2026-Q2")
    assert code == 2 and out == ""
    assert message in err and err.startswith("error: ")


def test_a_period_before_the_plan_s_year_is_refused(files):
    code, out, err = run(files, "2025-Q4")
    assert code == 2 and out == ""
    assert "error: --period: 2025-Q4 ends before the plan's year 2026" in err


def test_a_bad_plan_names_the_json_path(files):
    plan = json.loads(json.dumps(ISSUE_PLAN))
    plan["components"][0]["curve"]["points"][2] = ["0.9", "2.0"]
    files["plan"].write_text(json.dumps(plan))
    code, _out, err = run(files, "2026-Q2")
    assert code == 2
    assert f"{files['plan']}: components[0].curve.points[2]: attainments must increase" in err
    files["plan"].write_text(
        '{"currency": "EUR",\n "year": 2026,,}'
    )  # the second comma, 15th character
    code, _out, err = run(files, "2026-Q2")
    assert code == 2 and "plan.json: line 2, column 15: not valid JSON" in err


def test_the_django_command_gives_the_same_output_and_exit_status(files):
    out = StringIO()
    args = [
        "compute",
        "--plan",
        str(files["plan"]),
        "--credits",
        str(files["credits"]),
        "--metrics",
        str(files["metrics"]),
    ]
    call_command("comp", *args, "--period", "2026-Q2", stdout=out)
    assert json.loads(out.getvalue())["statements"][0]["total"] == "3480.00"
    files["credits"].write_text(CREDITS.replace("2026-04-10", "10/04/2026"))
    with pytest.raises(CommandError, match=r"line 2, column closed_on") as error:
        call_command("comp", *args, "--period", "2026-Q2")
    assert error.value.returncode == 2


def test_cordee_comp_runs_without_starting_django(files):
    args = [
        "compute",
        "--plan",
        str(files["plan"]),
        "--credits",
        str(files["credits"]),
        "--metrics",
        str(files["metrics"]),
        "--period",
        "2026-Q2",
    ]
    probe = (
        "import sys\n"
        "from cordee.__main__ import main\n"
        "try:\n"
        f"    main(['cordee', 'comp', *{args!r}])\n"
        "except SystemExit as exit:\n"
        "    print('django' in sys.modules, exit.code, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.stderr.strip() == "False 0"
    assert json.loads(done.stdout)["statements"][0]["total"] == "3480.00"
    files["credits"].write_text(CREDITS.replace("0.6", "six dixièmes"))
    done = subprocess.run(
        [sys.executable, "-m", "cordee", "comp", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "credits.csv: line 3, column share" in done.stderr


def test_the_column_reader_and_the_row_reader_read_the_same_credits(tmp_path):
    from cordee.analytics.comp_io import _credits_columns, _credits_rows, credits_read

    plain = tmp_path / "plain.csv"
    plain.write_text(
        "deal_id,person,amount,share,closed_on,cancelled_on,campaign\n"
        "d1,a@x.fr,80000.5,1,2026-04-10,,Salon\n"
        "d2,a@x.fr,50000.00,0.25,2026-05-03,2026-07-01,\n"
        "d2,b@x.fr,50000.00,0.75,2026-05-03,2026-07-01, Webinaire \n"
    )
    fast, rows = _credits_columns(plain), _credits_rows(plain)
    assert fast is not None
    for name in ("deal_id", "person", "amount_cents", "share", "closed_on", "campaign"):
        assert list(getattr(fast, name)) == list(getattr(rows, name)), name
    assert fast.share_scale == rows.share_scale == 100
    assert [str(d) for d in fast.cancelled_on] == ["NaT", "2026-07-01", "2026-07-01"]
    assert list(fast.amount_cents) == [8000050, 5000000, 5000000]
    assert list(fast.campaign) == ["Salon", None, "Webinaire"]
    # a value in another form (spaces, an exponent) is left to the row reader, which accepts it
    other = tmp_path / "other.csv"
    other.write_text(
        "deal_id,person,amount,share,closed_on,cancelled_on\nd1, a@x.fr ,8E4,1.0,2026-04-10,\n"
    )
    assert _credits_columns(other) is None
    read = credits_read(other)
    assert list(read.person) == ["a@x.fr"] and list(read.amount_cents) == [8000000]
