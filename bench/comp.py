"""Benchmark: the variable-pay engine vs a straightforward per-person, per-period loop, and vs a
single vectorised group-by of the credits (the floor).

    python bench/comp.py [--participants 2000] [--deals 200000] [--repeat 5] [--out bench/results/comp.md]

Generates (NumPy, seeded) a plan of the year 2026 with three monthly components — an
attainment on the person's quota (curve with a hurdle, a slope beyond the last point and a
cap), the shared marketing-pipeline goal, a marginal commission in two tiers — for
``--participants`` people (a fifth of them marketers, one in ten starting mid-year, one in
twenty leaving), and ``--deals`` won deals closed in 2026, one in five split between two
people (0.6 / 0.4), one in twenty cancelled 0–150 days later (clawback window 90 days). Then,
in the same process and on the same data, the statements of the 12 months:

- the engine: ``Payouts(plan, credits, metrics).total_cents("month")`` from the credits as
  columns (NumPy arrays), every line and clawback computed, exact to the cent;
- the engine and the 12 months' statements as Python objects (lines with their drill-down);
- the straightforward loop: the credits as a list of ``Credit`` rows grouped by person once,
  then for each person, each month, each component, the amounts added up and the curve, the
  tiers and the clawbacks computed with ``Fraction`` (exact), as one would write it;
- the floor: one group-by of amount × share by person and month of ``closed_on`` (pandas from
  the same columns; DuckDB and a NumPy ``bincount`` on the people's codes as further
  references).

The engine's totals per person and month must equal the loop's, cent for cent. Targets (issue
17): the engine ≥ 20× faster than the loop, within 5× of the floor. Each time is the median of
``--repeat`` runs (the loop runs once unless ``--loop-repeat``). The machine is shared: quote the
ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import math
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere
from bench import report
from cordee.analytics.comp import Credit, CreditTable, Metric, Payouts, metrics_index, plan_parse

YEAR_START = np.datetime64("2026-01-01", "D")
LOOP_TARGET, FLOOR_TARGET = 20.0, 5.0


def generate(
    participants: int, deals: int, seed: int = 1
) -> tuple[dict[str, Any], CreditTable, list[Metric]]:
    """The plan document, the credits as columns and the shared goal's monthly values."""
    rng = np.random.default_rng(seed)
    people = [f"p{i:05d}@bench.cordee.fr" for i in range(participants)]
    components = [
        {
            "id": "quota",
            "kind": "attainment",
            "metric": "revenue_won",
            "scope": "person",
            "period": "month",
            "weight": "0.5",
            "curve": {"points": [["0.5", "0"], ["1.0", "1.0"], ["1.5", "2.0"]], "cap": "2.5"},
        },
        {
            "id": "shared",
            "kind": "attainment",
            "metric": "marketing_pipeline",
            "scope": "workspace",
            "period": "month",
            "weight": "0.3",
            "curve": {"points": [["0.8", "0.5"], ["1.0", "1.0"]], "cap": "1.5"},
        },
        {
            "id": "commission",
            "kind": "commission",
            "basis": "revenue_won",
            "scope": "person",
            "period": "month",
            "mode": "marginal",
            "tiers": [{"up_to": "50000", "rate": "0.02"}, {"up_to": None, "rate": "0.035"}],
        },
    ]
    members = []
    for i, person in enumerate(people):
        start = (
            dt.date(2026, 1, 1) + dt.timedelta(days=int(rng.integers(0, 200)))
            if i % 10 == 3
            else None
        )
        end = (
            dt.date(2026, 6, 1) + dt.timedelta(days=int(rng.integers(0, 180)))
            if i % 20 == 7
            else None
        )
        members.append(
            {
                "person": person,
                "side": "marketing" if i % 5 == 0 else "sales",
                "variable_target": f"{int(rng.integers(8000, 40000))}.{int(rng.integers(0, 100)):02d}",
                "start": str(start) if start else None,
                "end": str(end) if end else None,
                "components": ["quota", "shared", "commission"],
                "quota": {"quota": f"{int(rng.integers(200_000, 1_500_000))}.00"},
            }
        )
    plan = {
        "currency": "EUR",
        "year": 2026,
        "clawback_days": 90,
        "components": components,
        "participants": members,
    }
    owner = rng.integers(0, participants, deals)
    split = rng.random(deals) < 0.2
    second = (owner + rng.integers(1, participants, deals)) % participants
    amount = rng.integers(50_000, 6_000_000, deals)  # cents: 500 to 60,000 €
    closed = YEAR_START + rng.integers(0, 365, deals).astype("timedelta64[D]")
    cancelled = np.where(
        rng.random(deals) < 0.05,
        closed + rng.integers(0, 151, deals).astype("timedelta64[D]"),
        np.datetime64("NaT"),
    )
    deal_ids = np.array([f"D{i:06d}" for i in range(deals)], dtype=object)
    rows = np.concatenate([np.arange(deals), np.nonzero(split)[0]])
    person = np.concatenate([owner, second[split]])
    share = np.where(split, 6, 10)  # tenths: 1 or 0.6 for the owner …
    share = np.concatenate([share, np.full(int(split.sum()), 4)])  # … 0.4 for the second
    names = np.array(people, dtype=object)
    table = CreditTable(
        deal_id=deal_ids[rows],
        person=names[person],
        amount_cents=amount[rows].astype(np.int64),
        share=share.astype(np.int64),
        share_scale=10,
        closed_on=closed[rows],
        cancelled_on=cancelled[rows],
        campaign=np.full(len(rows), None, dtype=object),
    )
    metrics = []
    for month in range(1, 13):
        target = int(rng.integers(800_000, 1_200_000))
        actual = int(target * rng.uniform(0.6, 1.4))
        metrics.append(
            Metric(
                "marketing_pipeline",
                "workspace",
                f"2026-{month:02d}",
                Decimal(actual),
                Decimal(target),
            )
        )
    return plan, table, metrics


def as_rows(table: CreditTable) -> list[Credit]:
    """The same credits as the loop reads them: one ``Credit`` per row."""
    closed = table.closed_on.astype(object)
    cancelled = table.cancelled_on.astype(object)
    return [
        Credit(
            str(table.deal_id[i]),
            str(table.person[i]),
            Decimal(int(table.amount_cents[i])) / 100,
            Decimal(int(table.share[i])) / table.share_scale,
            closed[i],
            cancelled[i],
            None,
        )
        for i in range(len(table))
    ]


# -- the straightforward loop ---------------------------------------------------------------------


def _half_up(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2)) if x >= 0 else -math.floor(-x + Fraction(1, 2))


def loop_totals(
    doc: dict[str, Any], credits: list[Credit], metrics: list[Metric]
) -> dict[tuple[str, int], int]:
    """Each person's total in cents per month (index 0–11), the plain way."""
    comps = {c["id"]: c for c in doc["components"]}
    months = [
        (dt.date(2026, m, 1), (dt.date(2026 + m // 12, m % 12 + 1, 1) - dt.timedelta(days=1)))
        for m in range(1, 13)
    ]
    goal = {int(m.period[5:]) - 1: Fraction(m.actual) / Fraction(m.target) for m in metrics}
    by_person: dict[str, list[Credit]] = defaultdict(list)
    for c in credits:
        by_person[c.person].append(c)

    def curve(c: dict[str, Any], a: Fraction) -> Fraction:
        pts = [(Fraction(Decimal(x)), Fraction(Decimal(y))) for x, y in c["curve"]["points"]]
        if a < pts[0][0]:
            return Fraction(0)
        for (x0, y0), (x1, y1) in itertools.pairwise(pts):
            if a <= x1:
                return min(
                    y0 + (y1 - y0) * (a - x0) / (x1 - x0), Fraction(Decimal(c["curve"]["cap"]))
                )
        (x0, y0), (x1, y1) = pts[-2], pts[-1]
        return min(y1 + (y1 - y0) / (x1 - x0) * (a - x1), Fraction(Decimal(c["curve"]["cap"])))

    def commission(c: dict[str, Any], basis: Fraction) -> Fraction:
        out, low = Fraction(0), Fraction(0)
        for tier in c["tiers"]:
            up = None if tier["up_to"] is None else Fraction(Decimal(tier["up_to"]))
            top = basis if up is None else min(basis, up)
            if top > low:
                out += Fraction(Decimal(tier["rate"])) * (top - low)
            if up is None or basis <= up:
                break
            low = up
        return out

    def month_cents(p: dict[str, Any], m: int, skip: Credit | None = None) -> dict[str, int] | None:
        first, last = months[m]
        start = dt.date.fromisoformat(p["start"]) if p["start"] else first
        end = dt.date.fromisoformat(p["end"]) if p["end"] else last
        days = (min(end, last) - max(start, first)).days + 1
        if days <= 0:
            return None
        prorate = Fraction(days, (last - first).days + 1)
        actual = Fraction(0)
        for c in by_person[p["person"]]:
            if first <= c.closed_on <= last and c is not skip:
                actual += Fraction(c.amount) * Fraction(c.share)
        target_pay = Fraction(Decimal(p["variable_target"])) / 12 * prorate
        quota = Fraction(Decimal(p["quota"]["quota"])) / 12 * prorate
        q, s, k = comps["quota"], comps["shared"], comps["commission"]
        return {
            "quota": _half_up(
                target_pay * Fraction(Decimal(q["weight"])) * curve(q, actual / quota) * 100
            ),
            "shared": _half_up(
                target_pay * Fraction(Decimal(s["weight"])) * curve(s, goal[m]) * 100
            ),
            "commission": _half_up(commission(k, actual) * 100),
        }

    totals: dict[tuple[str, int], int] = {}
    for p in doc["participants"]:
        paid = {}
        for m in range(12):
            lines = month_cents(p, m)
            if lines is not None:
                paid[m] = lines
                totals[(p["person"], m)] = sum(lines.values())
        for c in by_person[p["person"]]:
            if c.cancelled_on is None or (c.cancelled_on - c.closed_on).days > doc["clawback_days"]:
                continue
            m = c.closed_on.month - 1
            if m not in paid or c.cancelled_on.year != 2026:
                continue
            without = month_cents(p, m, skip=c)
            assert without is not None
            back = sum(without[k] - paid[m][k] for k in ("quota", "commission"))
            key = (p["person"], c.cancelled_on.month - 1)
            totals[key] = totals.get(key, 0) + back
    return totals


# -- the floors --------------------------------------------------------------------------------


def floor_pandas(table: CreditTable) -> Any:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "person": table.person,
            "closed_on": table.closed_on,
            "credited": table.amount_cents * table.share,
        }
    )
    month = frame["closed_on"].dt.month
    return frame.groupby([frame["person"], month])["credited"].sum()


def floor_duckdb(table: CreditTable) -> Any:
    import duckdb
    import pandas as pd

    frame = pd.DataFrame(
        {
            "person": table.person,
            "closed_on": table.closed_on,
            "credited": table.amount_cents * table.share,
        }
    )
    with duckdb.connect() as con:
        con.register("credits", frame)
        return con.execute(
            "SELECT person, month(closed_on) AS m, sum(credited) FROM credits GROUP BY ALL"
        ).fetchnumpy()


def floor_numpy(table: CreditTable, names: Any) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc

    code = pc.index_in(pa.array(table.person, type=pa.string()), value_set=names).to_numpy()
    month = (table.closed_on.astype("datetime64[M]") - YEAR_START.astype("datetime64[M]")).astype(
        np.int64
    )
    return np.bincount(code * 12 + month, weights=table.amount_cents * table.share)


# -- measuring ---------------------------------------------------------------------------------


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), times, result


def run(
    participants: int,
    deals: int,
    repeat: int,
    out: Path | None,
    loop_repeat: int = 1,
    seed: int = 1,
) -> str:
    import pyarrow as pa

    doc, table, metrics = generate(participants, deals, seed)
    plan = plan_parse(doc)
    goals = metrics_index(metrics)
    rows = as_rows(table)
    names = pa.array([p["person"] for p in doc["participants"]], type=pa.string())

    engine, engine_raw, payouts = timed(
        lambda: Payouts(plan, table, goals).total_cents("month"), repeat
    )

    def with_statements() -> int:
        result = Payouts(plan, table, goals)
        return sum(len(result.statements(f"2026-{m:02d}")) for m in range(1, 13))

    objects, objects_raw, _n = timed(with_statements, max(1, repeat // 2))
    loop, loop_raw, expected = timed(lambda: loop_totals(doc, rows, metrics), loop_repeat)
    pandas_floor, pandas_raw, _g = timed(lambda: floor_pandas(table), repeat)
    duck, duck_raw, _g = timed(lambda: floor_duckdb(table), repeat)
    numpy_floor, numpy_raw, _g = timed(lambda: floor_numpy(table, names), repeat)

    index = {p["person"]: i for i, p in enumerate(doc["participants"])}
    got = {
        (person, m): int(payouts[i, m])
        for person, i in index.items()
        for m in range(12)
        if payouts[i, m]
    }
    want = {k: v for k, v in expected.items() if v}
    identical = got == want
    if not identical:
        raise AssertionError("the engine and the loop disagree on the totals")
    cents = int(payouts.sum())
    claws = len(Payouts(plan, table, goals).clawbacks.cents)

    lines = [
        "# Variable pay: the engine vs a plain loop and a group-by of the credits",
        "",
        f"- command: `python bench/comp.py --participants {participants} --deals {deals} --repeat {repeat} --loop-repeat {loop_repeat}`",
        f"- commit: {report.commit_and_state()}; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; one process, the same data for every row",
        f"- data: {participants:,} participants × 12 monthly periods × 3 components (quota attainment, shared goal, marginal commission); "
        f"{deals:,} won deals in {len(table):,} credit rows (a fifth split 0.6 / 0.4); {claws:,} clawback lines",
        f"- the engine's totals per person and month equal the loop's, cent for cent: {'yes' if identical else 'NO'} "
        f"({len(got):,} non-zero totals, {Decimal(cents).scaleb(-2):,.2f} € in all)",
        "",
        "| measure | seconds (median) | engine is faster by | ratio to the floor |",
        "|---|---:|---:|---:|",
        f"| straightforward loop: per person, per month, per component, `Fraction` (exact) | {loop:.3f} | {loop / engine:.1f}× (target ≥ {LOOP_TARGET:.0f}×) | {loop / pandas_floor:.1f}× |",
        f'| **engine**: `Payouts(…).total_cents("month")`, every line and clawback | {engine:.3f} | 1.0× | {engine / pandas_floor:.2f}× (target ≤ {FLOOR_TARGET:.0f}×) |',
        f"| engine + the 12 months' statements as objects (lines, drill-down) | {objects:.3f} | {objects / engine:.1f}× slower | {objects / pandas_floor:.2f}× |",
        f"| **floor**: pandas group-by of amount × share by person and month | {pandas_floor:.3f} | — | 1.0× |",
        f"| DuckDB group-by of the same (from the same columns) | {duck:.3f} | — | {duck / pandas_floor:.2f}× |",
        f"| NumPy `bincount` on the people's codes (Arrow `index_in`) | {numpy_floor:.3f} | — | {numpy_floor / pandas_floor:.2f}× |",
        "",
        "Raw timings (seconds): "
        + "; ".join(
            f"{name} {', '.join(f'{x:.3f}' for x in raw)}"
            for name, raw in (
                ("engine", engine_raw),
                ("engine+statements", objects_raw),
                ("loop", loop_raw),
                ("pandas", pandas_raw),
                ("duckdb", duck_raw),
                ("numpy", numpy_raw),
            )
        ),
        "",
    ]
    return report.save(lines, out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--deals", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--loop-repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=report.RESULTS / "comp.md")
    args = parser.parse_args(argv)
    print(run(args.participants, args.deals, args.repeat, args.out, args.loop_repeat, args.seed))


if __name__ == "__main__":
    main()
