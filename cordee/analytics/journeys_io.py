"""Reading journeys from files (CSV or Parquet) for the ``cordee attribution`` command — no Django.

Two layouts:

- **touchpoints**: ``journey_id, ts, channel, converted[, value]``. ``ts`` is ISO 8601 (or a
  Parquet timestamp); ``converted`` is true/false/1/0. Touches are ordered by ``ts``; ties keep
  the order of the rows in the file. A journey is converted if any of its rows says so; its value
  is the largest value on its rows.
- **paths** (ChannelAttribution's layout): ``path`` as ``a > b > c``, ``total_conversions``,
  ``total_null``[, ``total_conversion_value``]. Each row becomes a converted journey weighted by
  its conversions and a non-converted one weighted by its nulls.

A bad file is refused with an error naming the column and, for a bad value, the line (the header
is line 1).
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import numpy as np

from cordee.analytics.attribution import EXACT_SHAPLEY_MAX, Journeys, PathSummary


def _load_kernel() -> Any:
    """The optional compiled reader of paths (``_paths_kernel.c``, built by ``setup.py`` where a
    C compiler is found), or None: the NumPy code then runs."""
    import importlib

    try:
        return importlib.import_module("cordee.analytics._paths_kernel")
    except ImportError:
        return None


kernel: Any = _load_kernel()
# The kernel cuts the rows into consecutive parts of at least this many rows (at most
# MAX_KERNEL_PARTS), scanned on as many threads as there are cores: the parts depend on the input
# only, so the sums (added part after part) are the same on any machine. One part (small inputs)
# sums in the NumPy reader's order, to the last bit.
KERNEL_PART_ROWS = 1 << 17
KERNEL_PART_BYTES = 4 << 20  # the same for a CSV read by the kernel, in bytes
MAX_KERNEL_PARTS = 16

TRUE = {"true", "1", "yes", "vrai", "t", "y"}
FALSE = {"false", "0", "no", "faux", "f", "n", ""}


class InputError(ValueError):
    """A file that cannot be read as journeys; the message names the column and the line."""


def _table(path: Path, types: dict[str, Any] | None = None) -> Any:
    """The file as an Arrow table; ``types`` fixes CSV column types (where present)."""
    import pyarrow.csv as pacsv

    if not path.exists():
        raise InputError(f"{path}: no such file.")
    if path.suffix.lower() in {".parquet", ".pq"}:
        import pyarrow.parquet as pq

        return pq.read_table(path)
    import pyarrow as pa

    options = pacsv.ConvertOptions(strings_can_be_null=False, column_types=types or {})
    read = pacsv.ReadOptions(autogenerate_column_names=False, block_size=8 << 20)
    try:
        return pacsv.read_csv(path, read_options=read, convert_options=options)
    except pa.ArrowInvalid as error:
        raise _csv_error(path, error) from error


def _csv_error(path: Path, error: Exception) -> InputError:
    """Arrow's CSV errors quote the row but not its line: find the first row whose number of
    fields differs from the header's, and name its line."""
    import csv

    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.reader(f)
            header = next(reader, [])
            for row in reader:
                if row and len(row) != len(header):
                    return InputError(
                        f"line {reader.line_num}: {len(row)} fields where the header has "
                        f"{len(header)}."
                    )
    except (UnicodeDecodeError, csv.Error) as problem:
        return InputError(f"{path}: not a readable CSV file ({problem}).")
    return InputError(f"{path}: {error}")


def _require(table: Any, columns: list[str], path: Path) -> None:
    _require_names(table.column_names, columns, path)


def _require_names(names: list[str], columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in names]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)} (found: {', '.join(names)})."
        )


def _columns(path: Path) -> tuple[list[str], Any]:
    """The file's column names, and a function returning one column. Parquet is read column by
    column (strings kept dictionary-encoded); a CSV is read once."""
    if path.exists() and path.suffix.lower() in {".parquet", ".pq"}:
        import pyarrow.parquet as pq

        schema = pq.read_schema(path)
        strings = "channel" in schema.names and str(schema.field("channel").type) in {
            "string",
            "large_string",
        }
        source = pq.ParquetFile(path, read_dictionary=["channel"] if strings else None)

        def parquet_column(name: str) -> Any:
            return source.read(columns=[name]).column(0)

        return list(schema.names), parquet_column
    table = _table(path)
    return list(table.column_names), table.column


def _flag(value: Any, column: str, line: int) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise InputError(f"line {line}, column {column}: '{value}' is not true/false/1/0.")


def _number(value: Any, column: str, line: int) -> float:
    if value is None or value == "":
        return 0.0
    try:
        return float(str(value).replace(",", ".")) if isinstance(value, str) else float(value)
    except ValueError as exc:
        raise InputError(f"line {line}, column {column}: '{value}' is not a number.") from exc


def _seconds(value: Any, line: int) -> float:
    if isinstance(value, dt.datetime):
        stamp = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return stamp.timestamp()
    try:
        stamp = dt.datetime.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise InputError(
            f"line {line}, column ts: '{value}' is not an ISO 8601 date-time."
        ) from exc
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.UTC)).timestamp()


def read_touchpoints(path: Path) -> Journeys:
    """Columnar (Arrow + NumPy) for speed and memory: only the needed columns are read, channels
    are dictionary-encoded (Parquet keeps them so), integer journey ids are used as they are, and
    rows already in (journey, time) order are not sorted again. A column that does not parse
    that way is re-read row by row only to name the first bad line."""
    names, column = _columns(path)
    _require_names(names, ["journey_id", "ts", "channel", "converted"], path)
    # one column at a time, each turned into NumPy before the next is read (peak memory)
    journey, n_journeys = _journey_codes(column("journey_id"))
    ts = _seconds_column(column("ts"))
    converted_rows = _flags_column(column("converted"))
    channels, channel = _channel_codes(column("channel"))
    row_value = _values_column(column("value")) if "value" in names else None
    # journey, then time, then file order (a stable sort); skipped when the file is in order
    same = journey[1:] == journey[:-1]
    in_order = bool(np.all((journey[1:] > journey[:-1]) | (same & (ts[1:] >= ts[:-1]))))
    del same
    if not in_order:
        order = np.lexsort((ts, journey))
        journey, ts, channel = journey[order], ts[order], channel[order]
        converted_rows = converted_rows[order]
        row_value = row_value[order] if row_value is not None else None
        del order
    first = np.flatnonzero(np.concatenate([[True], journey[1:] != journey[:-1]]))
    if len(journey) == 0:
        first = np.empty(0, dtype=np.int64)
    converted = np.logical_or.reduceat(converted_rows, first) if len(first) else np.zeros(0, bool)
    value = np.ones(n_journeys)
    if row_value is not None and len(first):
        value = np.maximum.reduceat(row_value, first)
    return Journeys(
        channels=channels,
        journey=journey,
        channel=channel,
        converted=converted.astype(bool),
        value=value,
        ts=ts,
    )


def _journey_codes(column: Any) -> tuple[np.ndarray, int]:
    """0-based journey index per row (first appearance order) and the number of journeys."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_integer(column.type) and not column.null_count:
        ids = _numpy(column, np.int64)
        if len(ids) == 0:
            return ids, 0
        if bool(np.all(ids[1:] >= ids[:-1])):  # grouped and sorted: a running count, in place
            change = ids[1:] != ids[:-1]
            ids = ids if ids.flags.writeable and ids.base is None else ids.copy()
            ids[0] = 0
            np.cumsum(change, out=ids[1:])
            return ids, int(ids[-1]) + 1
        encoded = pc.dictionary_encode(pa.array(ids))
    else:
        encoded = pc.dictionary_encode(
            column.cast(pa.string()).combine_chunks(), null_encoding="encode"
        )
    return _array(encoded.indices).astype(np.int64), len(encoded.dictionary)


def _channel_codes(column: Any) -> tuple[list[str], np.ndarray]:
    """Sorted channel names (trimmed) and each row's index among them; dictionary-encoded chunk
    by chunk so that only the few distinct names are ever Python strings."""
    import pyarrow as pa
    import pyarrow.compute as pc

    pieces = []
    for chunk in column.chunks:
        encoded = (
            chunk
            if pa.types.is_dictionary(chunk.type)
            else pc.dictionary_encode(chunk.cast(pa.string()))
        )
        names = [str(c).strip() for c in encoded.dictionary.to_pylist()]
        indices = encoded.indices
        if indices.null_count:  # a missing channel: reported as an empty one below
            indices = indices.fill_null(len(names))
            names.append("")
        codes = _array(indices)
        pieces.append((codes, names))
    channels = sorted({name for _codes, names in pieces for name in names})
    index = {name: k for k, name in enumerate(channels)}
    channel = np.empty(sum(len(codes) for codes, _names in pieces), dtype=np.int64)
    at = 0
    for codes, names in pieces:  # each chunk's codes mapped straight into the result
        remap = np.array([index[n] for n in names], dtype=np.int64)
        np.take(remap, codes, out=channel[at : at + len(codes)])
        at += len(codes)
    if "" in index:
        bad = int(np.flatnonzero(channel == index[""])[0])
        raise InputError(f"line {bad + 2}, column channel: empty channel.")
    return channels, channel


def _first_bad(values: list[Any], check: Any) -> None:
    for i, v in enumerate(values):
        check(v, i + 2)


def _seconds_column(column: Any) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    if column.null_count and not pa.types.is_string(column.type):
        bad = int(np.flatnonzero(_numpy(column.is_null()))[0])
        raise InputError(f"line {bad + 2}, column ts: missing date-time.")
    if pa.types.is_timestamp(column.type):
        unit = column.type.unit
        scale = {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[unit]
        seconds = _numpy(column, np.float64)
        return seconds / scale if scale != 1 else seconds
    try:
        text = pc.utf8_trim_whitespace(column.cast(pa.string()))
        parsed = pc.cast(text, pa.timestamp("us", tz="UTC"))
        return _numpy(parsed.cast(pa.int64())).astype(np.float64) / 1e6
    except pa.ArrowException:  # not parseable as a column: find and name the bad line
        values = column.to_pylist()
        _first_bad(values, _seconds)
        return np.array([_seconds(v, i + 2) for i, v in enumerate(values)], dtype=np.float64)


def _flags_column(column: Any) -> np.ndarray:
    import pyarrow as pa

    if pa.types.is_boolean(column.type) and not column.null_count:
        return _numpy(column).astype(bool, copy=False)
    values = np.array(
        [str(v).strip().lower() if v is not None else "" for v in column.to_pylist()], dtype=object
    )
    known = np.isin(values, list(TRUE | FALSE))
    if not known.all():
        bad = int(np.flatnonzero(~known)[0])
        raise InputError(
            f"line {bad + 2}, column converted: '{column.to_pylist()[bad]}' is not true/false/1/0."
        )
    return np.isin(values, list(TRUE))


def _values_column(column: Any) -> np.ndarray:
    import pyarrow as pa

    if (
        pa.types.is_integer(column.type)
        or pa.types.is_floating(column.type)
        or pa.types.is_decimal(column.type)
    ):
        return np.nan_to_num(_numpy(_no_nulls(column.cast(pa.float64()))), nan=0.0)
    values = column.to_pylist()
    return np.array([_number(v, "value", i + 2) for i, v in enumerate(values)], dtype=np.float64)


def read_paths(path: Path) -> Journeys:
    """Columnar and copy-free. Each row becomes one journey standing for
    ``total_conversions + total_null`` identical journeys, ``total_conversions`` of them converted
    (value per conversion: ``total_conversion_value ÷ total_conversions``).

    With the compiled kernel (``_paths_kernel.c``; off when ``CORDEE_PATHS_KERNEL=0``), one pass
    accumulates what the from-paths models need (``PathSummary``): over the CSV file itself
    (``_kernel_csv``), else over the Arrow table's buffers; the per-touch arrays are only made if
    a model asks for them. Without it — or on any row it refuses (a bad step: the NumPy reader
    then names the line) — ``_path_touches``: the strings cut at ``>`` with NumPy, the raw
    tokens dictionary-encoded by Arrow."""
    fast = _kernel_csv(path)
    if fast is not None:
        return fast
    import pyarrow as pa

    table = _table(path, {"path": pa.string()})
    _require(table, ["path", "total_conversions", "total_null"], path)
    conversions = _count_column(table.column("total_conversions"), "total_conversions")
    nulls = _count_column(table.column("total_null"), "total_null")
    column = table.column("path")
    if not pa.types.is_string(column.type):
        column = column.cast(pa.string())
    value = np.ones(len(conversions))
    has_value = "total_conversion_value" in table.column_names
    if has_value:
        totals = _count_column(table.column("total_conversion_value"), "total_conversion_value")
        np.divide(totals, conversions, out=value, where=conversions > 0)
    weight = conversions + nulls
    summary = _kernel_summary(column, weight, conversions, value if has_value else None)
    if summary is not None:
        return _lazy(summary, lambda: column, weight, conversions, value)
    names, journey, channel = _path_touches(column)
    return Journeys(
        channels=names,
        journey=journey,
        channel=channel,
        converted=conversions > 0,
        value=value,
        weight=weight,
        conversions=conversions,
    )


def _lazy(
    summary: tuple[list[str], PathSummary],
    column: Any,
    weight: np.ndarray,
    conversions: np.ndarray,
    value: np.ndarray,
) -> LazyJourneys:
    """Journeys from the kernel's summary; ``column()`` gives the path column when a model asks
    for the touches."""
    names, summary_ = summary
    return LazyJourneys(
        lambda: _path_touches(column())[1:],
        channels=names,
        journey=np.empty(0, dtype=np.int64),
        channel=np.empty(0, dtype=np.int64),
        converted=conversions > 0,
        value=value,
        weight=weight,
        conversions=conversions,
        summary=summary_,
    )


def _kernel_parts(size: int, per_part: int) -> tuple[int, int]:
    """(parts, threads) for an input of ``size`` rows or bytes: the parts from the input alone
    (so the sums are the same on any machine), the threads from the cores."""
    parts = min(MAX_KERNEL_PARTS, max(1, size // per_part))
    return parts, min(parts, os.cpu_count() or 1)


def _kernel_csv(path: Path) -> LazyJourneys | None:
    """A CSV of paths read by the kernel straight from the file (``scan_csv``: no Arrow table, the
    file mapped, its rows cut in parts at line ends). The header is read here; None when the
    kernel is off or absent, the file is not a plain CSV of paths, or the kernel refuses a row:
    the Arrow reader then reads the file and names what is wrong."""
    if kernel is None or os.environ.get("CORDEE_PATHS_KERNEL", "1") == "0":
        return None
    if path.suffix.lower() in {".parquet", ".pq"} or not path.is_file():
        return None
    import csv
    import mmap

    with path.open("rb") as f:
        first = f.readline(1 << 16)
        if not first.endswith(b"\n"):
            return None
        try:
            line = first.decode("utf-8-sig").rstrip("\r\n")
            header = next(csv.reader([line], strict=True))
        except (UnicodeDecodeError, StopIteration, csv.Error):
            return None
        roles = ["path", "total_conversions", "total_null", "total_conversion_value"]
        if len(set(header)) != len(header) or not set(roles[:3]) <= set(header):
            return None
        size = os.fstat(f.fileno()).st_size
        if size <= len(first):
            return None
        flags = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0)  # mapped at once
        try:
            mapped = mmap.mmap(f.fileno(), 0, flags=flags, prot=mmap.PROT_READ)
        except (OSError, TypeError, ValueError):  # not mappable here
            return None
        with mapped as buffer:
            parts, threads = _kernel_parts(size - len(first), KERNEL_PART_BYTES)
            out = kernel.scan_csv(
                buffer,
                len(first),
                len(header),
                *(header.index(r) if r in header else -1 for r in roles),
                EXACT_SHAPLEY_MAX,
                parts,
                threads,
            )
    if out is None:
        return None
    found, conversions_, weight_, value_ = out
    conversions = np.frombuffer(conversions_, dtype=np.float64)
    if not len(conversions):
        return None
    summary = _summary(found, 2 if value_ is not None else 1)
    if summary is None:
        return None
    value = np.ones(len(conversions)) if value_ is None else np.frombuffer(value_, np.float64)
    return _lazy(
        summary,
        lambda: _table(path, {"path": _string()}).column("path"),
        np.frombuffer(weight_, dtype=np.float64),
        conversions,
        value,
    )


def _string() -> Any:
    import pyarrow as pa

    return pa.string()


class LazyJourneys(Journeys):
    """Journeys read by the kernel: ``journey`` and ``channel`` (per touch) are made by the
    NumPy reader on first use only (no from-paths model but sampled Shapley needs them)."""

    def __init__(self, touches: Any, **fields: Any) -> None:
        super().__init__(**fields)
        self._touches = touches
        del self.journey, self.channel

    def __getattr__(self, name: str) -> Any:
        if name in ("journey", "channel") and "_touches" in self.__dict__:
            self.journey, self.channel = self._touches()
            return self.__dict__[name]
        raise AttributeError(name)


def _kernel_summary(
    column: Any, weight: np.ndarray, conversions: np.ndarray, value: np.ndarray | None
) -> tuple[list[str], PathSummary] | None:
    """The compiled one-pass summary, or None (no kernel, switched off, or a row it refuses)."""
    if kernel is None or os.environ.get("CORDEE_PATHS_KERNEL", "1") == "0":
        return None
    chunks = []
    for chunk in column.chunks:
        if chunk.null_count:
            return None
        _validity, offsets, data = chunk.buffers()
        if offsets is None or data is None:
            return None
        chunks.append((offsets, data, chunk.offset, len(chunk)))
    weight = np.ascontiguousarray(weight, dtype=np.float64)
    conversions = np.ascontiguousarray(conversions, dtype=np.float64)
    amounts = [conversions] if value is None else [conversions, conversions * value]
    parts, threads = _kernel_parts(len(weight), KERNEL_PART_ROWS)
    out = kernel.scan(chunks, weight, conversions, amounts, EXACT_SHAPLEY_MAX, parts, threads)
    return None if out is None else _summary(out, len(amounts))


def _summary(out: tuple[Any, ...], n_amounts: int) -> tuple[list[str], PathSummary] | None:
    """The kernel's sums as a ``PathSummary`` (None when a name has other Unicode spaces around
    it: the NumPy reader then says which line)."""
    names, counts, credits, journeys, converted = out
    if any(not name or name != name.strip() for name in names):  # other Unicode spaces
        return None
    n = len(names)
    by_amount = np.frombuffer(credits, dtype=np.float64).reshape(n_amounts, 4, n)
    return names, PathSummary(
        counts=np.frombuffer(counts, dtype=np.float64).reshape(n + 3, n + 3),
        credits={False: by_amount[0], True: by_amount[-1]},
        coalition_journeys=None if journeys is None else np.frombuffer(journeys, np.float64),
        coalition_conversions=None if converted is None else np.frombuffer(converted, np.float64),
    )


def _path_touches(column: Any) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(sorted channel names, journey per touch, channel per touch) of an Arrow string column of
    paths: the ``path`` strings are cut at ``>`` on their UTF-8 bytes with NumPy, the raw tokens
    (``"a > "``) are dictionary-encoded by Arrow straight over the file's buffer, and the handful
    of distinct tokens is trimmed in Python."""
    first_rows = np.concatenate([[0], np.cumsum([len(c) for c in column.chunks])]).tolist()
    if column.num_chunks > 1:  # NumPy and Arrow release the GIL: chunks in parallel
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
            pieces = list(pool.map(_tokens, column.chunks, first_rows))
    else:
        pieces = [_tokens(c, r) for c, r in zip(column.chunks, first_rows, strict=False)]
    names = sorted({name for _codes, raw, _rows in pieces for name in raw})
    index = {name: k for k, name in enumerate(names)}
    channel = np.concatenate(
        [np.array([index[r] for r in raw], dtype=np.int64)[codes] for codes, raw, _rows in pieces]
        or [np.empty(0, dtype=np.int64)]
    )
    journey = np.concatenate([rows for _codes, _raw, rows in pieces] or [np.empty(0, np.int64)])
    return names, journey, channel


def _tokens(chunk: Any, first_row: int) -> tuple[np.ndarray, list[str], np.ndarray]:
    """One Arrow string chunk of paths → (raw-token code per step, the cleaned name of each code,
    the row of each step). Raises ``InputError`` on an empty path or step."""
    import pyarrow as pa

    def fail(row: int) -> None:
        raise InputError(f"line {first_row + row + 2}, column path: empty path or step.")

    if chunk.null_count:
        fail(int(np.flatnonzero(_array(chunk.is_null()))[0]))
    _validity, offsets_buffer, data_buffer = chunk.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[
        chunk.offset : chunk.offset + len(chunk) + 1
    ]
    base = int(offsets[0])
    bounds = offsets.astype(np.int64) - base  # row starts, then the end
    if (np.diff(bounds) == 0).any():
        fail(int(np.flatnonzero(np.diff(bounds) == 0)[0]))
    body = np.frombuffer(data_buffer, dtype=np.uint8)[base : base + int(bounds[-1])]
    after_separator = np.flatnonzero(body == ord(">")) + 1  # '>' never occurs inside UTF-8
    row_start = np.zeros(len(body) + 1, dtype=bool)
    row_start[bounds] = True
    if row_start[after_separator].any():  # a path ending with '>'
        bad = int(after_separator[row_start[after_separator]][0]) - 1
        fail(int(np.searchsorted(bounds, bad, side="right")) - 1)
    starts = row_start.copy()
    starts[after_separator] = True
    token_offsets = np.flatnonzero(starts)  # every step's start, then the end
    del starts, after_separator
    steps = len(token_offsets) - 1
    raw = pa.Array.from_buffers(
        pa.string(),
        steps,
        [None, pa.py_buffer((token_offsets + base).astype(np.int32)), data_buffer],
    )
    encoded = raw.dictionary_encode()
    codes = _array(encoded.indices).astype(np.int64)
    names = []
    for text in encoded.dictionary.to_pylist():
        name = text.rstrip()
        names.append((name[:-1] if name.endswith(">") else name).strip())
    rows = np.cumsum(row_start[token_offsets[:-1]]) - 1 + first_row
    if "" in names:
        empty = [k for k, name in enumerate(names) if name == ""]
        fail(int(rows[np.flatnonzero(np.isin(codes, empty))[0]]) - first_row)
    return codes, names, rows


def _count_column(column: Any, name: str) -> np.ndarray:
    """A count (or amount) column as float64: empty cells and NaN are 0, text is parsed (a bad
    cell is named by line)."""
    import pyarrow as pa

    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        if column.null_count:
            column = _no_nulls(column.cast(pa.float64()))
        values = _numpy(column, np.float64)  # a fresh copy
        if pa.types.is_floating(column.type):  # integers have no NaN: no pass over them
            values[np.isnan(values)] = 0.0
    else:
        values = np.array(
            [_number(v, name, i + 2) for i, v in enumerate(column.to_pylist())], dtype=np.float64
        )
    if (values < 0).any():
        raise InputError(
            f"line {int(np.flatnonzero(values < 0)[0]) + 2}: counts cannot be negative."
        )
    return values


def _numpy(column: Any, dtype: Any = None) -> np.ndarray:
    """A chunked column without nulls as one NumPy array, converted to ``dtype`` on the way
    (``ChunkedArray.to_numpy`` goes through pandas, a 0.3 s import)."""
    arrays = [_array(c) for c in column.chunks]
    if not arrays:
        return np.empty(0, dtype=dtype or np.float64)
    if len(arrays) == 1:
        return arrays[0] if dtype is None else arrays[0].astype(dtype)
    return np.concatenate(arrays, dtype=dtype)


def _no_nulls(column: Any) -> Any:
    """Nulls as 0 (``fill_null`` only when needed: its scalar conversion imports pandas)."""
    return column.fill_null(0.0) if column.null_count else column


def _array(array: Any) -> np.ndarray:
    """One Arrow array of numbers, booleans or timestamps, without nulls, as NumPy — read from
    its buffer (pyarrow's ``to_numpy`` imports pandas, 0.3 s, and ``cast`` its compute module):
    booleans are unpacked from their bits, timestamps are their int64 ticks."""
    import pyarrow as pa

    data = array.buffers()[1]
    if pa.types.is_boolean(array.type):
        if data is None:
            return np.zeros(0, dtype=bool)
        bits = np.unpackbits(np.frombuffer(data, dtype=np.uint8), bitorder="little")
        return bits[array.offset : array.offset + len(array)].astype(bool)
    if pa.types.is_timestamp(array.type):
        dtype = np.dtype(np.int64)
    else:
        dtype = np.dtype(_NUMPY.get(str(array.type), str(array.type)))
    if data is None:
        return np.empty(0, dtype=dtype)
    return np.frombuffer(data, dtype=dtype)[array.offset : array.offset + len(array)]


_NUMPY = {"halffloat": "float16", "float": "float32", "double": "float64"}
