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
from pathlib import Path
from typing import Any

import numpy as np

from cordee.analytics.attribution import Journeys

TRUE = {"true", "1", "yes", "vrai", "t", "y"}
FALSE = {"false", "0", "no", "faux", "f", "n", ""}


class InputError(ValueError):
    """A file that cannot be read as journeys; the message names the column and the line."""


def _table(path: Path) -> Any:
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if not path.exists():
        raise InputError(f"{path}: no such file.")
    if path.suffix.lower() in {".parquet", ".pq"}:
        return pq.read_table(path)
    options = pacsv.ConvertOptions(strings_can_be_null=False, column_types={})
    read = pacsv.ReadOptions(autogenerate_column_names=False)
    return pacsv.read_csv(path, read_options=read, convert_options=options)


def _require(table: Any, columns: list[str], path: Path) -> None:
    missing = [c for c in columns if c not in table.column_names]
    if missing:
        raise InputError(
            f"{path}: missing column(s) {', '.join(missing)} (found: {', '.join(table.column_names)})."
        )


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
    """Columnar (Arrow compute + NumPy) for speed; a column that does not parse that way is
    re-read row by row only to name the first bad line."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = _table(path)
    _require(table, ["journey_id", "ts", "channel", "converted"], path)
    journey_codes = pc.dictionary_encode(
        table.column("journey_id").cast(pa.string())
    ).combine_chunks()
    journey = np.asarray(journey_codes.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    n_journeys = len(journey_codes.dictionary)
    ts = _seconds_column(table.column("ts"))
    converted_rows = _flags_column(table.column("converted"))
    channel_codes = pc.dictionary_encode(
        pc.utf8_trim_whitespace(table.column("channel").cast(pa.string()))
    ).combine_chunks()
    names = [str(c) for c in channel_codes.dictionary.to_pylist()]
    row_channel = np.asarray(channel_codes.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    if "" in names:
        bad = int(np.flatnonzero(row_channel == names.index(""))[0])
        raise InputError(f"line {bad + 2}, column channel: empty channel.")
    channels = sorted(names)
    remap = np.array([channels.index(n) for n in names], dtype=np.int64)
    converted = np.zeros(n_journeys, dtype=bool)
    np.logical_or.at(converted, journey, converted_rows)
    value = np.ones(n_journeys)
    if "value" in table.column_names:
        row_value = _values_column(table.column("value"))
        value = np.zeros(n_journeys)
        np.maximum.at(value, journey, row_value)
    order = np.lexsort(
        (np.arange(len(journey)), ts, journey)
    )  # journey, then time, then file order
    return Journeys(
        channels=channels,
        journey=journey[order],
        channel=remap[row_channel][order],
        converted=converted,
        value=value,
        ts=ts[order],
    )


def _first_bad(values: list[Any], check: Any) -> None:
    for i, v in enumerate(values):
        check(v, i + 2)


def _seconds_column(column: Any) -> np.ndarray:
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_timestamp(column.type):
        unit = column.type.unit
        scale = {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[unit]
        return column.cast(pa.int64()).to_numpy().astype(np.float64) / scale
    try:
        text = pc.utf8_trim_whitespace(column.cast(pa.string()))
        parsed = pc.cast(text, pa.timestamp("us", tz="UTC"))
        return parsed.cast(pa.int64()).to_numpy().astype(np.float64) / 1e6
    except pa.ArrowException:  # not parseable as a column: find and name the bad line
        values = column.to_pylist()
        _first_bad(values, _seconds)
        return np.array([_seconds(v, i + 2) for i, v in enumerate(values)], dtype=np.float64)


def _flags_column(column: Any) -> np.ndarray:
    import pyarrow as pa

    if pa.types.is_boolean(column.type):
        return np.asarray(column.to_numpy(zero_copy_only=False), dtype=bool)
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
        return np.nan_to_num(column.cast(pa.float64()).to_numpy(zero_copy_only=False), nan=0.0)
    values = column.to_pylist()
    return np.array([_number(v, "value", i + 2) for i, v in enumerate(values)], dtype=np.float64)


def read_paths(path: Path) -> Journeys:
    """Columnar: paths split by Arrow compute, channels dictionary-encoded, one converted journey
    weighted by ``total_conversions`` and one non-converted weighted by ``total_null`` per row."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = _table(path)
    _require(table, ["path", "total_conversions", "total_null"], path)
    conversions = _count_column(table.column("total_conversions"), "total_conversions")
    nulls = _count_column(table.column("total_null"), "total_null")
    steps = pc.split_pattern(table.column("path").cast(pa.string()), ">").combine_chunks()
    flat = pc.utf8_trim_whitespace(steps.flatten())
    lengths = pc.list_value_length(steps).to_numpy(zero_copy_only=False)
    empty = np.asarray(pc.equal(flat, "").to_numpy(zero_copy_only=False), dtype=bool)
    if empty.any() or (lengths == 0).any():
        row = (
            int(np.searchsorted(np.cumsum(lengths), np.flatnonzero(empty)[0], side="right"))
            if empty.any()
            else int(np.flatnonzero(lengths == 0)[0])
        )
        raise InputError(f"line {row + 2}, column path: empty path or step.")
    codes = pc.dictionary_encode(flat)
    names = [str(c) for c in codes.dictionary.to_pylist()]
    channels = sorted(names)
    remap = np.array([channels.index(n) for n in names], dtype=np.int64)
    touch_channel = remap[np.asarray(codes.indices.to_numpy(zero_copy_only=False), dtype=np.int64)]
    row_of_touch = np.repeat(np.arange(len(lengths)), lengths)
    # every row twice: converted (weight = conversions) then not (weight = nulls); drop zero weights
    kinds = [(True, conversions), (False, nulls)]
    journeys_touch, journeys_channel, converted, weight, value = [], [], [], [], []
    has_value = "total_conversion_value" in table.column_names
    totals = (
        _count_column(table.column("total_conversion_value"), "total_conversion_value")
        if has_value
        else None
    )
    offset = 0
    for is_converted, counts in kinds:
        keep_rows = np.flatnonzero(counts > 0)
        keep_touch = np.isin(row_of_touch, keep_rows)
        new_index = np.full(len(lengths), -1, dtype=np.int64)
        new_index[keep_rows] = np.arange(len(keep_rows)) + offset
        journeys_touch.append(new_index[row_of_touch[keep_touch]])
        journeys_channel.append(touch_channel[keep_touch])
        converted.append(np.full(len(keep_rows), is_converted))
        weight.append(counts[keep_rows].astype(np.float64))
        if is_converted and totals is not None:
            value.append(
                np.divide(
                    totals[keep_rows],
                    counts[keep_rows],
                    out=np.ones(len(keep_rows)),
                    where=counts[keep_rows] > 0,
                )
            )
        else:
            value.append(np.ones(len(keep_rows)))
        offset += len(keep_rows)
    journey = np.concatenate(journeys_touch)
    order = np.argsort(journey, kind="stable")
    return Journeys(
        channels=channels,
        journey=journey[order],
        channel=np.concatenate(journeys_channel)[order],
        converted=np.concatenate(converted),
        value=np.concatenate(value),
        weight=np.concatenate(weight),
    )


def _count_column(column: Any, name: str) -> np.ndarray:
    import pyarrow as pa

    if pa.types.is_integer(column.type) or pa.types.is_floating(column.type):
        values = np.nan_to_num(column.cast(pa.float64()).to_numpy(zero_copy_only=False), nan=0.0)
    else:
        values = np.array(
            [_number(v, name, i + 2) for i, v in enumerate(column.to_pylist())], dtype=np.float64
        )
    if (values < 0).any():
        raise InputError(
            f"line {int(np.flatnonzero(values < 0)[0]) + 2}: counts cannot be negative."
        )
    return values
