"""The compiled paths kernel (``_paths_kernel.c``) against the NumPy reader it stands in for: the
same channels, the same Markov counts, the same credits for every from-paths model, and the
NumPy reader's errors when a row is bad; and the NumPy reader when the kernel is off."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# --- the kernel reading the CSV itself (``scan_csv``) ------------------------------------------


def _rows(k: int, seed: int, n: int = 600):
    rng = np.random.default_rng(seed)
    names = [*_names(k), "Salon, Paris"]  # a comma inside a name: quoted
    out = []
    for _ in range(n):
        path = [names[int(c)] for c in rng.integers(0, len(names), int(rng.geometric(0.3)))]
        conversions = int(rng.integers(0, 4)) if rng.random() < 0.5 else 0
        value = round(float(rng.random() * 300), 2) if conversions else 0.0
        out.append((path, conversions, int(rng.integers(0, 6)), value))
    return out


def _csv(
    rows,
    *,
    quote_all=False,
    crlf=False,
    bom=False,
    blank_lines=False,
    extra=False,
    order=("path", "total_conversions", "total_null"),
    value=False,
    floats=False,
):
    """The same journeys in one of the CSV dialects people export."""
    columns = list(order) + (["total_conversion_value"] if value else [])
    if extra:
        columns = ["id", *columns, "note"]

    def cell(column, i, row):
        path, conversions, nulls, amount = row
        text = {
            "id": str(i),
            "note": "vu au salon, à relancer" if i % 3 else "",
            "path": " > ".join(path),
            "total_conversions": f"{conversions}.0" if floats else str(conversions),
            "total_null": str(nulls),
            "total_conversion_value": f"{amount:.2f}",
        }[column]
        return f'"{text}"' if quote_all or "," in text else text

    end = "\r\n" if crlf else "\n"
    lines = [",".join(f'"{c}"' if quote_all else c for c in columns)]
    for i, row in enumerate(rows):
        lines.append(",".join(cell(c, i, row) for c in columns))
        if blank_lines and i % 50 == 0:
            lines.append("")
    return ("\ufeff" if bom else "") + end.join(lines) + end


def _arrow_read(monkeypatch, f):
    """read_paths through the Arrow table (and the kernel's ``scan`` over its buffers)."""
    with monkeypatch.context() as m:
        m.setattr(journeys_io, "_kernel_csv", lambda path: None)
        return read_paths(f)


def _assert_same(a, b, *, exact=False):
    assert a.channels == b.channels
    assert np.array_equal(a.weight, b.weight)
    assert np.array_equal(a.conversions, b.conversions)
    assert np.array_equal(a.value, b.value)
    assert np.array_equal(markov_counts(a)[0], markov_counts(b)[0])  # integer counts: exact
    for x, y in zip(coalition_counts(a), coalition_counts(b), strict=True):
        assert np.array_equal(x, y)
    for model in MODELS:
        for use_value in (False, True):
            p, q = (
                attribute(a, model, use_value=use_value),
                attribute(b, model, use_value=use_value),
            )
            if exact:
                assert p.credits.tolist() == q.credits.tolist()
            else:
                np.testing.assert_allclose(p.credits, q.credits, rtol=1e-12, atol=1e-12)


DIALECTS = {
    "plain": {},
    "quote all": {"quote_all": True},
    "crlf": {"crlf": True},
    "bom": {"bom": True},
    "blank lines": {"blank_lines": True},
    "extra columns": {"extra": True},
    "reordered": {"order": ("total_null", "path", "total_conversions")},
    "with value": {"value": True},
    "float counts, value, crlf, quoted": {
        "floats": True,
        "value": True,
        "crlf": True,
        "quote_all": True,
    },
}


@needs_kernel
@pytest.mark.parametrize("dialect", DIALECTS)
@pytest.mark.parametrize("part_bytes", [1 << 30, 97])  # one part; parts cut inside quotes too
def test_the_csv_kernel_reads_what_the_arrow_reader_reads(
    tmp_path, monkeypatch, dialect, part_bytes
):
    f = tmp_path / "paths.csv"
    f.write_bytes(_csv(_rows(12, seed=len(dialect)), **DIALECTS[dialect]).encode())
    monkeypatch.setattr(journeys_io, "KERNEL_PART_BYTES", part_bytes)
    monkeypatch.setattr(journeys_io, "KERNEL_PART_ROWS", 1 << 30)  # the Arrow side: one part
    fast = journeys_io._kernel_csv(f)
    assert fast is not None, "the kernel should take this file"
    assert fast.summary is not None
    _assert_same(fast, _arrow_read(monkeypatch, f), exact=part_bytes > 1 << 20)
    _assert_same(fast, _numpy_reader(monkeypatch, f), exact=part_bytes > 1 << 20)
    # and the touches, made from the file on demand
    slow = _numpy_reader(monkeypatch, f)
    assert np.array_equal(fast.channel, slow.channel)
    assert np.array_equal(fast.journey, slow.journey)


@needs_kernel
def test_the_sums_depend_on_the_parts_not_on_the_threads(tmp_path, monkeypatch):
    f = tmp_path / "paths.csv"
    f.write_bytes(_csv(_rows(20, seed=5, n=3000), value=True).encode())
    monkeypatch.setattr(journeys_io, "KERNEL_PART_BYTES", 4096)
    monkeypatch.setattr(journeys_io, "KERNEL_PART_ROWS", 200)
    results = {}
    for cores in (1, 2, 3, 8):
        monkeypatch.setattr(journeys_io.os, "cpu_count", lambda cores=cores: cores)
        for reader in ("csv", "arrow"):
            j = read_paths(f) if reader == "csv" else _arrow_read(monkeypatch, f)
            results[reader, cores] = [
                attribute(j, m, use_value=v).credits.tolist() for m in MODELS for v in (0, 1)
            ]
    for reader in ("csv", "arrow"):
        assert results[reader, 1] == results[reader, 2] == results[reader, 3] == results[reader, 8]


DECLINED = {
    "a doubled quote": 'path,total_conversions,total_null\n"Salon ""Industrie"" > A",1,0\n',
    "a line end inside quotes": 'path,total_conversions,total_null\n"A\n> B",1,0\n',
    "a negative count": "path,total_conversions,total_null\nA > B,-1,2\n",
    "an empty count": "path,total_conversions,total_null\nA > B,,2\n",
    "an exponent": "path,total_conversions,total_null\nA > B,1e3,2\n",
    "a missing field": "path,total_conversions,total_null\nA > B,1\n",
    "an extra field": "path,total_conversions,total_null\nA > B,1,0,9\n",
    "a bad step": "path,total_conversions,total_null\nA > > B,1,0\n",
    "a quote inside a bare field": 'path,total_conversions,total_null\nA "B" > C,1,0\n',
    "a lone carriage return": "path,total_conversions,total_null\nA > B,1,0\rB,0,1\n",
    "seventeen digits": "path,total_conversions,total_null\nA > B,12345678901234567,0\n",
    "a missing column": "path,total_conversions\nA > B,1\n",
    "only a header": "path,total_conversions,total_null\n",
    "semicolons": "path;total_conversions;total_null\nA > B;1;0\n",
}


@needs_kernel
@pytest.mark.parametrize("case", DECLINED)
def test_the_csv_kernel_leaves_odd_files_to_the_arrow_reader(tmp_path, monkeypatch, case):
    """Whatever the kernel does not take for sure, it declines; the reader then answers exactly
    as without the kernel: the same journeys, or the same error naming the line."""
    f = tmp_path / "paths.csv"
    f.write_text(DECLINED[case], encoding="utf-8")
    assert journeys_io._kernel_csv(f) is None

    def outcome(read):
        try:
            j = read()
        except InputError as error:
            return ("error", str(error))
        return ("ok", j.channels, attribute(j, "linear").credits.tolist())

    with_kernel = outcome(lambda: read_paths(f))
    assert with_kernel == outcome(lambda: _numpy_reader(monkeypatch, f))


_step = st.sampled_from(["A", "B", "Salon, Paris", "é", " A", "B\t"])
_path = st.builds(
    lambda steps, sep: sep.join(steps),
    st.lists(_step, min_size=1, max_size=6),
    st.sampled_from([" > ", ">", " >  "]),
)
_garbage = st.text(alphabet='AB> ,"\r\n\t.é', min_size=0, max_size=12)
_count = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,2})?", fullmatch=True)


@needs_kernel
@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(
        st.tuples(
            st.one_of(_path, _path, _path, _garbage),  # mostly paths the kernel takes
            st.one_of(_count, _count, _count, st.text(alphabet='0123456789.-" e', max_size=4)),
            _count,
        ),
        min_size=1,
        max_size=12,
    ),
    quoted=st.booleans(),
    crlf=st.booleans(),
)
def test_any_csv_gives_the_same_answer_with_or_without_the_csv_kernel(
    tmp_path, monkeypatch, cells, quoted, crlf
):
    end = "\r\n" if crlf else "\n"
    text = f"path,total_conversions,total_null{end}" + "".join(
        (f'"{p}"' if quoted or "," in p else p) + f",{c},{n}{end}" for p, c, n in cells
    )
    f = tmp_path / "fuzz.csv"
    f.write_bytes(text.encode("utf-8"))

    def outcome(read):
        try:
            j = read()
        except InputError as error:
            return ("error", str(error))
        return (
            "ok",
            j.channels,
            j.weight.tolist(),
            markov_counts(j)[0].tolist(),
            [attribute(j, m).credits.tolist() for m in ("first", "linear", "position")],
        )

    assert outcome(lambda: read_paths(f)) == outcome(lambda: _arrow_read(monkeypatch, f))
