"""Benchmark: Cordée's attribution vs ChannelAttribution, and the aggregation vs DuckDB/pandas.

    python bench/attribution.py [--sizes 10000,100000,1000000] [--channels 12,20] [--repeat 3]

Journeys are generated (geometric path length, mean ≈ 4) and written once per size as
aggregated paths (CSV) and as touchpoints (Parquet). Each measurement runs in its own process
(whole-process wall time and peak memory, median of ``--repeat``):

- ``cordee all models (paths)``: first, last, linear, position, Markov and Shapley from the paths;
- ``ChannelAttribution markov_model`` (defaults, ``var_null``) and ``heuristic_models``;
- ``cordee end to end (touchpoints)``: read the touchpoint Parquet, build journeys, Markov;
- ``ChannelAttribution pipeline``: build its path strings from the same Parquet with pandas, then
  ``markov_model``;
- ``DuckDB`` and ``pandas`` group-bys of the same transitions (the aggregation alone).

Writes ``bench/results/attribution.md`` with the raw timings, the command and the commit.
"""

from __future__ import annotations

import argparse
import json
import random
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
import sys
sys.path.insert(0, {root!r})
from cordee.analytics.journeys_io import read_touchpoints
from cordee.analytics.attribution import attribute
attribute(read_touchpoints(__import__('pathlib').Path({touches!r})), "markov")
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
    "pandas_groupby": """
import pandas as pd
t = pd.read_parquet({touches!r}).sort_values(["journey_id", "ts", "seq"], kind="stable")
t["nxt"] = t.groupby("journey_id", sort=False)["channel"].shift(-1)
t.groupby(["channel", "nxt"], dropna=False).size()
""",
}

LABELS = {
    "cordee_paths": "Cordée, all models from paths",
    "ca_markov": "ChannelAttribution markov_model",
    "ca_heuristic": "ChannelAttribution heuristic_models",
    "cordee_touches": "Cordée end to end (touchpoint Parquet → Markov)",
    "ca_pipeline": "ChannelAttribution pipeline (pandas paths → markov_model)",
    "duckdb_groupby": "DuckDB transition group-by",
    "pandas_groupby": "pandas transition group-by",
}


def generate(n: int, channels: int, folder: Path, seed: int = 1) -> tuple[Path, Path]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = random.Random(seed)
    names = [f"c{i:02d}" for i in range(channels)]
    journey, ts, seq, channel, converted = [], [], [], [], []
    paths: dict[str, list[int]] = {}
    k = 0
    for j in range(n):
        length = 1
        while rng.random() < 0.75:
            length += 1
        steps = [rng.choice(names) for _ in range(length)]
        conv = rng.random() < 0.08 + 0.02 * (steps[-1] in names[:3])
        for i, step in enumerate(steps):
            journey.append(j)
            ts.append(1_700_000_000 + j + i * 3600)
            seq.append(k)
            channel.append(step)
            converted.append(conv)
            k += 1
        key = " > ".join(steps)
        counts = paths.setdefault(key, [0, 0])
        counts[0 if conv else 1] += 1
    touches = folder / f"touches-{n}-{channels}.parquet"
    pq.write_table(
        pa.table(
            {
                "journey_id": journey,
                "ts": pa.array(ts, pa.timestamp("s")),
                "seq": seq,
                "channel": channel,
                "converted": converted,
            }
        ),
        touches,
    )
    paths_file = folder / f"paths-{n}-{channels}.csv"
    with paths_file.open("w") as f:
        f.write("path,total_conversions,total_null\n")
        for key, (c, nl) in paths.items():
            f.write(f"{key},{c},{nl}\n")
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
        f"- commit: {report.commit()}; each cell: median whole-process wall seconds of {repeat} fresh processes (peak RSS in MB, GNU time)",
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
            lines.append("")
    lines += ["Raw timings (seconds):", "", "```", json.dumps(raw, indent=1), "```", ""]
    return report.save(lines, out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
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
