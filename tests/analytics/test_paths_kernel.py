"""The compiled paths kernel (``_paths_kernel.c``) against the NumPy reader it stands in for: the
same channels, the same Markov counts, the same credits for every from-paths model, and the
NumPy reader's errors when a row is bad; and the NumPy reader when the kernel is off."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from cordee.analytics import journeys_io
from cordee.analytics.attribution import attribute, coalition_counts, markov_counts
from cordee.analytics.journeys_io import InputError, read_paths

MODELS = ("first", "last", "linear", "position", "markov", "shapley")

needs_kernel = pytest.mark.skipif(
    journeys_io.kernel is None, reason="the C kernel is not built (no compiler)"
)


def _names(k: int) -> list[str]:
    # multi-byte names, names longer than 8 bytes, one a prefix of another
    base = ["Email", "Paid search", "Salon", "É-book", "Webinaire partenaires", "E", "Emailing"]
    return (base + [f"canal {i:02d}" for i in range(k)])[:k]


def _write(tmp_path, k: int, seed: int, *, value: bool, layout: str = "csv"):
    rng = np.random.default_rng(seed)
    names = _names(k)
    rows = []
    for _ in range(800):
        length = int(rng.geometric(0.3))
        path = [names[int(c)] for c in rng.integers(0, k, length)]
        if rng.random() < 0.3:  # consecutive repeats
            path.insert(0, path[0])
        conversions = int(rng.integers(0, 4)) if rng.random() < 0.5 else 0
        rows.append((path, conversions, int(rng.integers(0, 6)), float(rng.random() * 300)))
    texts = [rng.choice([" > ", ">", "  >", "> ", " >  ", "\t> "]).join(p) for p, *_ in rows]
    texts = [f"  {t} " if i % 7 == 0 else t for i, t in enumerate(texts)]
    columns = {
        "path": texts,
        "total_conversions": [c for _p, c, _n, _v in rows],
        "total_null": [n for _p, _c, n, _v in rows],
    }
    if value:
        columns["total_conversion_value"] = [v if c else 0.0 for _p, c, _n, v in rows]
    if layout == "parquet":  # several chunks
        f = tmp_path / "paths.parquet"
        pq.write_table(pa.table(columns), f, row_group_size=97)
        return f
    f = tmp_path / "paths.csv"
    header = ",".join(columns)
    lines = [header]
    for i in range(len(rows)):
        lines.append(
            ",".join(f'"{columns[c][i]}"' if c == "path" else str(columns[c][i]) for c in columns)
        )
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f


def _numpy_reader(monkeypatch, f):
    with monkeypatch.context() as m:
        m.setattr(journeys_io, "kernel", None)
        return read_paths(f)


@needs_kernel
@pytest.mark.parametrize("k", [12, 25])
@pytest.mark.parametrize("value", [False, True])
@pytest.mark.parametrize("layout", ["csv", "parquet"])
def test_kernel_and_numpy_agree_on_every_model(tmp_path, monkeypatch, k, value, layout):
    f = _write(tmp_path, k, seed=k + value, value=value, layout=layout)
    fast = read_paths(f)
    assert fast.summary is not None
    slow = _numpy_reader(monkeypatch, f)
    assert slow.summary is None
    assert fast.channels == slow.channels == sorted(_names(k))
    assert np.array_equal(markov_counts(fast)[0], markov_counts(slow)[0])
    if k <= 20:
        for a, b in zip(coalition_counts(fast), coalition_counts(slow), strict=True):
            assert np.array_equal(a, b)
    else:
        assert fast.summary.coalition_journeys is None  # sampled Shapley: the touches, lazily
    for model in MODELS:
        # beyond 20 channels Shapley is sampled from the touches (the same code on the same
        # touches, and slow): once
        for use_value in (False,) if model == "shapley" and k > 20 else (False, True):
            a, b = (
                attribute(fast, model, use_value=use_value),
                attribute(slow, model, use_value=use_value),
            )
            assert a.total == b.total
            np.testing.assert_allclose(a.credits, b.credits, rtol=1e-12, atol=0)
            if b.removal_effects is not None:
                np.testing.assert_allclose(a.removal_effects, b.removal_effects, rtol=1e-12)
    # the touches are still there for whoever asks (made by the NumPy reader on first use)
    assert np.array_equal(fast.journey, slow.journey)
    assert np.array_equal(fast.channel, slow.channel)


@needs_kernel
def test_zero_conversions(tmp_path, monkeypatch):
    f = tmp_path / "paths.csv"
    f.write_text("path,total_conversions,total_null\nA > B > B,0,3\nB,0,1\n")
    fast, slow = read_paths(f), _numpy_reader(monkeypatch, f)
    assert fast.summary is not None
    for model in MODELS:
        assert attribute(fast, model).credits.tolist() == attribute(slow, model).credits.tolist()
        assert attribute(fast, model).credits.tolist() == [0.0, 0.0]


@needs_kernel
@pytest.mark.parametrize(
    ("path", "line"),
    [("A > ", 3), ("A > > B", 3), ("> A", 3), ("", 3), ("   ", 3), (">", 3), ("A >\u00a0> B", 3)],
)
def test_a_bad_step_gets_the_numpy_readers_error(tmp_path, path, line):
    f = tmp_path / "paths.csv"
    f.write_text(f'path,total_conversions,total_null\nA > B,1,0\n"{path}",1,0\nB,0,1\n')
    with pytest.raises(InputError, match=rf"line {line}, column path"):
        read_paths(f)


def test_without_the_kernel_the_numpy_reader_runs(tmp_path, monkeypatch):
    f = _write(tmp_path, 12, seed=3, value=True)
    monkeypatch.setenv("CORDEE_PATHS_KERNEL", "0")
    journeys = read_paths(f)
    assert journeys.summary is None
    assert len(journeys.channel) == len(journeys.journey) > 0
    monkeypatch.delenv("CORDEE_PATHS_KERNEL")
    monkeypatch.setattr(journeys_io, "kernel", None)
    assert read_paths(f).summary is None
    assert attribute(read_paths(f), "markov").credits.sum() == pytest.approx(
        attribute(journeys, "markov").credits.sum()
    )
