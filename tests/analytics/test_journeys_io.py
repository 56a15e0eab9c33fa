"""Reading files into journeys: the columnar readers against plain-Python references written
here (split the path strings, sort the rows, count), on the awkward cases — spaces around ``>``,
several Arrow chunks, sliced buffers, unsorted rows, integer or text journey ids, bad steps."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections import Counter, defaultdict

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cordee.analytics.attribution import attribute, markov_counts
from cordee.analytics.journeys_io import InputError, _tokens, read_paths, read_touchpoints

CHANNELS = ["Email", "Paid search", "Salon", "Webinaire", "É-book"]


def _reference_heuristics(rows: list[tuple[list[str], int]]) -> dict[str, dict[str, float]]:
    """first, last, linear and position credits of aggregated paths, by hand."""
    out: dict[str, dict[str, float]] = {
        m: defaultdict(float) for m in ("first", "last", "linear", "position")
    }
    for path, conversions in rows:
        out["first"][path[0]] += conversions
        out["last"][path[-1]] += conversions
        for step in path:
            out["linear"][step] += conversions / len(path)
        if len(path) == 1:
            out["position"][path[0]] += conversions
        elif len(path) == 2:
            out["position"][path[0]] += conversions / 2
            out["position"][path[1]] += conversions / 2
        else:
            out["position"][path[0]] += 0.4 * conversions
            out["position"][path[-1]] += 0.4 * conversions
            for step in path[1:-1]:
                out["position"][step] += 0.2 * conversions / (len(path) - 2)
    return out


def _random_paths(seed: int, n: int) -> list[tuple[list[str], int, int]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        path = [rng.choice(CHANNELS) for _ in range(1 + int(rng.expovariate(1 / 3)))]
        rows.append((path, rng.randint(0, 3), rng.randint(0, 5)))
    return rows


@pytest.mark.parametrize("layout", ["csv", "parquet-chunks"])
def test_paths_with_any_spacing_match_a_hand_computation(tmp_path, layout):
    rows = _random_paths(3, 600)
    rng = random.Random(4)
    texts = [
        rng.choice([" > ", ">", "  >", "> ", " >  "]).join(path) for path, _c, _n in rows
    ]  # every spacing ChannelAttribution users write
    if layout == "csv":
        f = tmp_path / "paths.csv"
        lines = ["path,total_conversions,total_null"]
        lines += [f'"{t}",{c},{n}' for t, (_p, c, n) in zip(texts, rows, strict=True)]
        f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:  # several row groups: several Arrow chunks, each with its own buffers
        f = tmp_path / "paths.parquet"
        table = pa.table(
            {
                "path": texts,
                "total_conversions": [c for _p, c, _n in rows],
                "total_null": [n for _p, _c, n in rows],
            }
        )
        pq.write_table(table, f, row_group_size=97)
    journeys = read_paths(f)
    assert journeys.channels == sorted(CHANNELS)
    expected = _reference_heuristics([(p, c) for p, c, _n in rows])
    for model, credits in expected.items():
        result = attribute(journeys, model)
        assert result.total == sum(c for _p, c, _n in rows)
        got = dict(zip(result.channels, result.credits, strict=True))
        assert got == pytest.approx({ch: credits.get(ch, 0.0) for ch in CHANNELS}, rel=1e-12)

    # Markov counts: merged repeats, each row standing for conversions + nulls journeys
    transitions: Counter = Counter()
    for path, conversions, nulls in rows:
        merged = [s for i, s in enumerate(path) if i == 0 or path[i - 1] != s]
        states = ["(start)", *merged]
        for a, b in itertools.pairwise(states):
            transitions[(a, b)] += conversions + nulls
        transitions[(merged[-1], "(conversion)")] += conversions
        transitions[(merged[-1], "(null)")] += nulls
    counts, n = markov_counts(journeys)
    state = {"(start)": 0, "(conversion)": n + 1, "(null)": n + 2}
    state.update({c: i + 1 for i, c in enumerate(journeys.channels)})
    expected_counts = np.zeros_like(counts)
    for (a, b), k in transitions.items():
        expected_counts[state[a], state[b]] = k
    assert np.array_equal(counts, expected_counts)


def test_a_sliced_chunk_is_read_from_its_own_offset():
    array = pa.array(["X > Y", "A > B > A", " C>A", "B"]).slice(1)
    codes, names, rows = _tokens(array, first_row=10)
    assert [names[c] for c in codes] == ["A", "B", "A", "C", "A", "B"]
    assert rows.tolist() == [10, 10, 10, 11, 11, 12]


@pytest.mark.parametrize(
    ("path", "line"),
    [("A > ", 3), ("A > > B", 3), ("> A", 3), ("", 3), ("   ", 3), (">", 3)],
)
def test_an_empty_step_names_its_line(tmp_path, path, line):
    f = tmp_path / "paths.csv"
    f.write_text(f'path,total_conversions,total_null\nA > B,1,0\n"{path}",1,0\nB,0,1\n')
    with pytest.raises(InputError, match=rf"line {line}, column path"):
        read_paths(f)


def test_paths_value_is_shared_per_conversion(tmp_path):
    f = tmp_path / "paths.csv"
    f.write_text(
        "path,total_conversions,total_null,total_conversion_value\nA > B,2,1,300\nB,1,0,50\n"
    )
    result = attribute(read_paths(f), "linear", use_value=True)
    assert dict(zip(result.channels, result.credits, strict=True)) == pytest.approx(
        {"A": 150.0, "B": 200.0}
    )


def _touch_rows(seed: int, n: int) -> list[tuple[int, int, str, bool, float]]:
    rng = random.Random(seed)
    rows = []
    for j in range(n):
        converted = rng.random() < 0.3
        t = rng.randint(0, 10**6)
        for _ in range(1 + int(rng.expovariate(1 / 3))):
            t += rng.choice([0, 0, 60, 3600])  # ties keep the file order
            rows.append((j * 7 + 3, t, rng.choice(CHANNELS), converted, float(rng.randint(1, 9))))
    rng.shuffle(rows)  # journeys interleaved, time out of order
    return rows


def _reference_transitions(rows) -> Counter:
    journeys: dict[int, list] = defaultdict(list)
    for i, (j, t, c, conv, _v) in enumerate(rows):
        journeys[j].append((t, i, c, conv))
    out: Counter = Counter()
    for touches in journeys.values():
        touches.sort()
        path = [c for _t, _i, c, _v in touches]
        merged = [s for k, s in enumerate(path) if k == 0 or path[k - 1] != s]
        end = "(conversion)" if any(v for *_r, v in touches) else "(null)"
        out.update(zip(["(start)", *merged], [*merged, end], strict=True))
    return out


@pytest.mark.parametrize("ids", ["int", "text"])
def test_unsorted_touchpoints_in_parquet_row_groups(tmp_path, ids):
    rows = _touch_rows(8, 400)
    f = tmp_path / "touches.parquet"
    table = pa.table(
        {
            "journey_id": [r[0] if ids == "int" else f"lead-{r[0]}" for r in rows],
            "ts": pa.array([r[1] for r in rows], pa.timestamp("s")),
            "channel": [r[2] for r in rows],
            "converted": [r[3] for r in rows],
            "value": [r[4] for r in rows],
        }
    )
    pq.write_table(table, f, row_group_size=101)
    journeys = read_touchpoints(f)
    assert journeys.n_journeys == 400
    counts, n = markov_counts(journeys)
    state = {"(start)": 0, "(conversion)": n + 1, "(null)": n + 2}
    state.update({c: i + 1 for i, c in enumerate(journeys.channels)})
    expected = np.zeros_like(counts)
    for (a, b), k in _reference_transitions(rows).items():
        expected[state[a], state[b]] = k
    assert np.array_equal(counts, expected)
    # value: the largest on the journey's rows, for converted journeys
    best: dict[int, float] = defaultdict(float)
    converted = set()
    for j, _t, _c, conv, v in rows:
        best[j] = max(best[j], v)
        if conv:
            converted.add(j)
    assert attribute(journeys, "first", use_value=True).credits.sum() == pytest.approx(
        sum(best[j] for j in converted)
    )


def test_sorted_integer_journeys_are_not_resorted_but_ties_keep_file_order(tmp_path):
    f = tmp_path / "touches.parquet"
    t = dt.datetime(2026, 3, 1, 10)
    pq.write_table(
        pa.table(
            {
                "journey_id": [1, 1, 1, 2],
                "ts": [t, t, t + dt.timedelta(hours=1), t],
                "channel": ["B", "A", "C", "A"],
                "converted": [True, True, True, False],
            }
        ),
        f,
    )
    j = read_touchpoints(f)
    assert [j.channels[c] for c in j.channel] == ["B", "A", "C", "A"]
    assert j.converted.tolist() == [True, False]


def test_a_missing_channel_in_parquet_names_its_line(tmp_path):
    f = tmp_path / "touches.parquet"
    t = dt.datetime(2026, 3, 1, 10)
    pq.write_table(
        pa.table(
            {
                "journey_id": [1, 1, 2],
                "ts": [t, t, t],
                "channel": ["A", None, "B"],
                "converted": [True, True, False],
            }
        ),
        f,
    )
    with pytest.raises(InputError, match="line 3, column channel"):
        read_touchpoints(f)
