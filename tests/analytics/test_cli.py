"""``cordee attribution`` on small files written by the tests."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args: str) -> str:
    out = StringIO()
    call_command("attribution", *args, stdout=out)
    return out.getvalue()


def test_touchpoints_csv_markov_json(tmp_path):
    f = tmp_path / "touches.csv"
    f.write_text(
        "journey_id,ts,channel,converted\n"
        "j1,2026-03-01T10:00:00,A,true\n"
        "j2,2026-03-01T09:00:00,B,0\n"
        "j2,2026-03-02T09:00:00,A,0\n"
    )
    data = json.loads(run("--input", str(f), "--model", "markov"))
    assert data["model"] == "markov" and data["total_conversions"] == 1
    assert data["credits"] == pytest.approx({"A": 2 / 3, "B": 1 / 3})
    assert data["removal_effects"] == pytest.approx({"A": 1.0, "B": 0.5})


def test_ties_keep_the_file_order(tmp_path):
    f = tmp_path / "ties.csv"
    f.write_text(
        "journey_id,ts,channel,converted\nj,2026-03-01T10:00:00,B,1\nj,2026-03-01T10:00:00,A,1\n"
    )
    assert json.loads(run("--input", str(f), "--model", "first"))["credits"] == {"A": 0.0, "B": 1.0}


def test_value_once_or_on_every_row(tmp_path):
    f = tmp_path / "value.csv"
    f.write_text(
        "journey_id,ts,channel,converted,value\n"
        "j1,2026-03-01T10:00:00,A,1,900\nj1,2026-03-02T10:00:00,B,1,900\n"
        "j2,2026-03-01T10:00:00,A,0,\nj2,2026-03-02T10:00:00,B,1,300\n"
    )
    data = json.loads(run("--input", str(f), "--model", "linear", "--value"))
    assert data["credits"] == pytest.approx({"A": 600.0, "B": 600.0})


def test_paths_layout_with_counts(tmp_path):
    f = tmp_path / "paths.csv"
    f.write_text("path,total_conversions,total_null\nA,1,0\nB > A,0,1\n")
    data = json.loads(run("--input", str(f), "--input-format", "paths", "--model", "markov"))
    assert data["credits"] == pytest.approx({"A": 2 / 3, "B": 1 / 3})
    csv_out = run(
        "--input", str(f), "--input-format", "paths", "--model", "shapley", "--format", "csv"
    )
    assert csv_out.splitlines()[0] == "channel,credit"


def test_time_decay_on_paths_is_refused(tmp_path):
    f = tmp_path / "paths.csv"
    f.write_text("path,total_conversions,total_null\nA,1,0\n")
    with pytest.raises(CommandError, match="timestamps"):
        run("--input", str(f), "--input-format", "paths", "--model", "time_decay")


def test_a_bad_value_names_its_line_and_column(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("journey_id,ts,channel,converted\nj1,2026-03-01T10:00:00,A,1\nj2,hier,B,0\n")
    with pytest.raises(CommandError, match=r"line 3, column ts"):
        run("--input", str(f), "--model", "first")
    f.write_text("journey_id,ts,channel,converted\nj1,2026-03-01T10:00:00,A,peut-être\n")
    with pytest.raises(CommandError, match=r"line 2, column converted"):
        run("--input", str(f), "--model", "first")


def test_a_missing_column_is_named(tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text("journey,ts,channel,converted\nj1,2026-03-01T10:00:00,A,1\n")
    with pytest.raises(CommandError, match=r"missing column.*journey_id"):
        run("--input", str(f), "--model", "first")


def test_parquet_input(tmp_path):
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq

    f = tmp_path / "touches.parquet"
    pq.write_table(
        pa.table(
            {
                "journey_id": ["j1", "j2", "j2"],
                "ts": [
                    dt.datetime(2026, 3, 1, 10),
                    dt.datetime(2026, 3, 1, 9),
                    dt.datetime(2026, 3, 2, 9),
                ],
                "channel": ["A", "B", "A"],
                "converted": [True, False, False],
            }
        ),
        f,
    )
    assert json.loads(run("--input", str(f), "--model", "markov"))["credits"] == pytest.approx(
        {"A": 2 / 3, "B": 1 / 3}
    )


def test_the_same_command_runs_without_django(tmp_path):
    """``python -m cordee.cli.management.commands.attribution`` gives the same JSON as
    ``cordee attribution``, and never imports Django, Ibis or pandas."""
    import subprocess
    import sys

    f = tmp_path / "paths.csv"
    f.write_text("path,total_conversions,total_null\nA,1,0\nB > A,0,1\n")
    code = (
        "import sys\n"
        "from cordee.cli.management.commands.attribution import main\n"
        f"status = main(['--input', {str(f)!r}, '--input-format', 'paths', '--model', 'markov'])\n"
        "heavy = [m for m in ('django', 'ibis', 'pandas', 'altair') if m in sys.modules]\n"
        "print('HEAVY', heavy, status)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    body, _sep, tail = done.stdout.rpartition("HEAVY")
    assert tail.strip() == "[] 0"
    assert json.loads(body) == json.loads(
        run("--input", str(f), "--input-format", "paths", "--model", "markov")
    )


def test_without_django_a_bad_file_exits_1_with_the_message(tmp_path, capsys):
    from cordee.cli.management.commands.attribution import main

    f = tmp_path / "paths.csv"
    f.write_text("path,total_conversions,total_null\nA > ,1,0\n")
    assert main(["--input", str(f), "--input-format", "paths", "--model", "first"]) == 1
    assert "line 2, column path" in capsys.readouterr().err


def test_a_row_with_a_missing_field_is_named_by_line(tmp_path, capsys):
    from cordee.cli.management.commands.attribution import main

    f = tmp_path / "paths.csv"
    f.write_text("path,total_conversions,total_null\nA > B,1,0\nB,1\nA,0,2\n")
    assert main(["--input", str(f), "--input-format", "paths", "--model", "markov"]) == 1
    assert "line 3: 2 fields where the header has 3." in capsys.readouterr().err


def test_the_command_offers_every_model():
    from cordee.analytics.attribution import MODELS
    from cordee.cli.management.commands import attribution as command

    assert command.MODELS == MODELS
