"""Benchmark: Cordée's attribution vs ChannelAttribution, and the aggregation vs DuckDB/pandas.

    python bench/attribution.py [--sizes 10000,100000,1000000,5000000] [--channels 12,20] [--repeat 3]

Journeys are generated (geometric path length, mean 4; NumPy, seeded) and written once per size
as aggregated paths (CSV, ChannelAttribution's layout) and as touchpoints (Parquet). Each
measurement runs in its own process (whole-process wall time and peak memory, median of
``--repeat``):

- ``cordee all models (paths)``: first, last, linear, position, Markov and Shapley from the paths;
- ``cordee CLI, Markov (paths)``: ``python -m cordee.cli.management.commands.attribution``;
- ``Arrow CSV read``: the interpreter, the NumPy/Arrow imports and ``pyarrow.csv.read_csv`` of
  the paths, nothing else (what reading the file costs through Arrow; with the compiled kernel,
  Cordée reads the CSV itself and no longer pays it);
- ``ChannelAttribution markov_model`` (defaults, ``var_null``) and ``heuristic_models``;
- ``cordee CLI end to end (touchpoints)``: the same command on the touchpoint Parquet, Markov;
- ``ChannelAttribution pipeline``: build its path strings from the same Parquet with pandas, then
  ``markov_model``;
- ``DuckDB``, ``Polars`` and ``pandas`` group-bys of the same transitions (the aggregation alone).

Writes ``bench/results/attribution.md`` with the raw timings, the command and the commit.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench import report

WORKERS = {
    "cordee_paths": """
import sys, numpy as np
sys.path.insert(0, {root!r})
from cordee.analytics.journeys_io import read_paths
from cordee.analytics.attribution import attribute
j = read_paths(__import__('pathlib').Path({paths!r}))
for m in ("first", "last", "linear", "position", "markov", "shapley"):
    attribute(j, m)
""",
    "cordee_cli_paths": """
import sys, io
sys.path.insert(0, {root!r})
from cordee.cli.management.commands.attribution import main
main(["--input", {paths!r}, "--input-format", "paths", "--model", "markov"], stdout=io.StringIO())
""",
    "floor_paths": """
import numpy, pyarrow.compute, pyarrow.csv
pyarrow.csv.read_csv({paths!r})
""",
    "ca_markov": """
import pandas as pd
from ChannelAttribution import markov_model
df = pd.read_csv({paths!r})
markov_model(df, "path", "total_conversions", var_null="total_null", verbose=False, flg_pro=False)
""",
    "ca_heuristic": """
import pandas as pd
from ChannelAttribution import heuristic_models
df = pd.read_csv({paths!r})
heuristic_models(df, "path", "total_conversions", flg_pro=False)
""",
    "cordee_touches": """
import sys, io
sys.path.insert(0, {root!r})
from cordee.cli.management.commands.attribution import main
main(["--input", {touches!r}, "--model", "markov"], stdout=io.StringIO())
""",
    "ca_pipeline": """
import pandas as pd
from ChannelAttribution import markov_model
t = pd.read_parquet({touches!r}).sort_values(["journey_id", "ts", "seq"], kind="stable")
g = t.groupby("journey_id", sort=False).agg(path=("channel", " > ".join), conv=("converted", "max"))
df = g.groupby("path").agg(total_conversions=("conv", "sum"), total=("conv", "size")).reset_index()
df["total_null"] = df["total"] - df["total_conversions"]
markov_model(df, "path", "total_conversions", var_null="total_null", verbose=False, flg_pro=False)
""",
    "duckdb_groupby": """
import duckdb
duckdb.sql('''
  with t as (select journey_id, channel, lead(channel) over (partition by journey_id order by ts, seq) as nxt
             from read_parquet({touches!r}))
  select channel, nxt, count(*) from t group by all
''').fetchall()
""",
    "polars_groupby": """
import polars as pl
t = pl.read_parquet({touches!r}, columns=["journey_id", "ts", "seq", "channel"]).sort(["journey_id", "ts", "seq"])
t = t.with_columns(nxt=pl.col("channel").shift(-1).over("journey_id"))
t.group_by(["channel", "nxt"]).len()
""",
    "pandas_groupby": """
import pandas as pd
t = pd.read_parquet({touches!r}).sort_values(["journey_id", "ts", "seq"], kind="stable")
t["nxt"] = t.groupby("journey_id", sort=False)["channel"].shift(-1)
t.groupby(["channel", "nxt"], dropna=False).size()
""",
}

LABELS = {
    "cordee_paths": "Cordée, all models from paths",
    "cordee_cli_paths": "Cordée CLI, Markov from paths (no Django)",
    "floor_paths": "reference: Python + NumPy/Arrow imports + Arrow reading the paths CSV",
    "ca_markov": "ChannelAttribution markov_model",
    "ca_heuristic": "ChannelAttribution heuristic_models",
    "cordee_touches": "Cordée CLI end to end (touchpoint Parquet → Markov)",
    "ca_pipeline": "ChannelAttribution pipeline (pandas paths → markov_model)",
    "duckdb_groupby": "DuckDB transition group-by",
    "polars_groupby": "Polars transition group-by",
    "pandas_groupby": "pandas transition group-by",
}


def generate(n: int, channels: int, folder: Path, seed: int = 1) -> tuple[Path, Path]:
    """``n`` journeys over ``channels`` channels: geometric length (mean 4), uniform channels,
    conversion 8 % (10 % when the last touch is one of the first three channels). Touchpoints
    (one hour apart, sorted by journey) as Parquet, and the same journeys as aggregated paths."""
    import numpy as np
    import polars as pl
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    names = pa.array([f"c{i:02d}" for i in range(channels)])
    length = rng.geometric(0.25, n)
    journey = np.repeat(np.arange(n), length)
    starts = np.cumsum(length) - length
    position = np.arange(len(journey)) - starts[journey]
    channel = rng.integers(0, channels, len(journey)).astype(np.int32)
    converted = rng.random(n) < 0.08 + 0.02 * (channel[starts + length - 1] < 3)
    touches_table = pa.table(
        {
            "journey_id": journey,
            "ts": pa.array(1_700_000_000 + journey + position * 3600, pa.timestamp("s")),
            "seq": np.arange(len(journey)),
            "channel": pa.DictionaryArray.from_arrays(channel, names).cast(pa.string()),
            "converted": converted[journey],
        }
    )
    touches = folder / f"touches-{n}-{channels}.parquet"
    pq.write_table(touches_table, touches)
    paths = (
        pl.from_arrow(touches_table.select(["journey_id", "channel", "converted"]))
        .group_by("journey_id", maintain_order=True)
        .agg(pl.col("channel").str.join(" > ").alias("path"), pl.col("converted").first())
        .group_by("path", maintain_order=True)
        .agg(
            total_conversions=pl.col("converted").sum(),
            total_null=(~pl.col("converted")).sum(),
        )
    )
    paths_file = folder / f"paths-{n}-{channels}.csv"
    paths.write_csv(paths_file)
    return paths_file, touches


def measure(name: str, paths: Path, touches: Path, timeout: int) -> tuple[float, float] | None:
    """(seconds, peak MB) of one run in a fresh process, or None on failure or timeout. The peak
    comes from GNU time around a fresh interpreter (a child's own ru_maxrss would include the
    forking parent's high-water mark)."""
    code = WORKERS[name].format(
        root=str(Path(__file__).resolve().parents[1]), paths=str(paths), touches=str(touches)
    )
    gnu_time = shutil.which("time") and Path("/usr/bin/time").exists()
    command = [
        *(["/usr/bin/time", "-f", "peak-kb %M"] if gnu_time else []),
        sys.executable,
        "-c",
        code,
    ]
    started = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        return None
    seconds = time.perf_counter() - started
    peak_kb = next(
        float(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("peak-kb")
    )
    return seconds, peak_kb / 1024


def run(sizes: list[int], channels: list[int], repeat: int, timeout: int, out: Path | None) -> str:
    lines = [
        "# Attribution: Cordée vs ChannelAttribution and group-by engines",
        "",
        f"- command: `python bench/attribution.py --sizes {','.join(map(str, sizes))} --channels "
        f"{','.join(map(str, channels))} --repeat {repeat}`",
        f"- commit: {report.commit()}{_dirty()}; each cell: median whole-process wall seconds of {repeat} fresh processes (peak RSS in MB, GNU time)",
        "",
    ]
    raw: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n_channels in channels:
            lines += [
                f"## {n_channels} channels",
                "",
                "| measure | " + " | ".join(f"{n:,} journeys" for n in sizes) + " |",
                "|---|" + "---:|" * len(sizes),
            ]
            cells: dict[str, list[str]] = {name: [] for name in WORKERS}
            for n in sizes:
                paths, touches = generate(n, n_channels, Path(tmp))
                for name in WORKERS:
                    runs = [measure(name, paths, touches, timeout) for _ in range(repeat)]
                    ok = [r for r in runs if r is not None]
                    raw[f"{name}/{n}/{n_channels}"] = [r[0] for r in ok]
                    if not ok:
                        cells[name].append("failed or > timeout")
                        continue
                    cells[name].append(
                        f"{statistics.median(r[0] for r in ok):.2f} s ({max(r[1] for r in ok):.0f} MB)"
                    )
            for name, values in cells.items():
                lines.append(f"| {LABELS[name]} | " + " | ".join(values) + " |")
            lines += ["", *_ratios(raw, sizes, n_channels), ""]
    lines += ["Raw timings (seconds):", "", "```", json.dumps(raw, indent=1), "```", ""]
    return report.save(lines, out)


def _dirty() -> str:
    """Say so when the measured code is not exactly the commit."""
    found = subprocess.run(
        ["git", "status", "--porcelain", "--", "cordee/analytics", "cordee/core", "bench"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
    )
    return " (+ uncommitted changes)" if found.stdout.strip() else ""


def _ratios(raw: dict[str, list[float]], sizes: list[int], n_channels: int) -> list[str]:
    """The issue's two ratios, from medians of the same run (``n/a`` when a side failed)."""

    def ratio(slow: str, fast: str, n: int) -> str:
        a, b = raw.get(f"{slow}/{n}/{n_channels}"), raw.get(f"{fast}/{n}/{n_channels}")
        return f"{statistics.median(a) / statistics.median(b):.1f}×" if a and b else "n/a"

    return [
        "| speed-up (median ÷ median) | " + " | ".join(f"{n:,} journeys" for n in sizes) + " |",
        "|---|" + "---:|" * len(sizes),
        "| markov_model ÷ Cordée all models from paths (target ≥ 10×) | "
        + " | ".join(ratio("ca_markov", "cordee_paths", n) for n in sizes)
        + " |",
        "| markov_model ÷ Cordée CLI Markov from paths | "
        + " | ".join(ratio("ca_markov", "cordee_cli_paths", n) for n in sizes)
        + " |",
        "| ChannelAttribution pipeline ÷ Cordée end to end (target ≥ 5×) | "
        + " | ".join(ratio("ca_pipeline", "cordee_touches", n) for n in sizes)
        + " |",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000,5000000")
    parser.add_argument("--channels", default="12,20")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=int, default=1800)
    parser.add_argument("--out", type=Path, default=report.RESULTS / "attribution.md")
    args = parser.parse_args(argv)
    started = time.monotonic()
    print(
        run(
            [int(s) for s in args.sizes.split(",")],
            [int(c) for c in args.channels.split(",")],
            args.repeat,
            args.timeout,
            args.out,
        )
    )
    print(f"({time.monotonic() - started:.0f} s)")


if __name__ == "__main__":
    main()
