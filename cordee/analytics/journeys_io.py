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
    table = _table(path)
    _require(table, ["journey_id", "ts", "channel", "converted"], path)
    rows = table.to_pydict()
    has_value = "value" in rows
    order: dict[str, int] = {}
    journey_rows: list[int] = []
    for value in rows["journey_id"]:
        key = str(value)
        journey_rows.append(order.setdefault(key, len(order)))
    n_rows = len(journey_rows)
    ts = np.array([_seconds(v, i + 2) for i, v in enumerate(rows["ts"])], dtype=np.float64)
    converted = np.zeros(len(order), dtype=bool)
    value = np.zeros(len(order), dtype=np.float64)
    for i in range(n_rows):
        j = journey_rows[i]
        if _flag(rows["converted"][i], "converted", i + 2):
            converted[j] = True
        if has_value:
            value[j] = max(value[j], _number(rows["value"][i], "value", i + 2))
    channel_names = [str(c).strip() for c in rows["channel"]]
    for i, name in enumerate(channel_names):
        if not name:
            raise InputError(f"line {i + 2}, column channel: empty channel.")
    channels = sorted(set(channel_names))
    index = {c: k for k, c in enumerate(channels)}
    journey = np.array(journey_rows, dtype=np.int64)
    sort = np.lexsort((np.arange(n_rows), ts, journey))  # journey, then time, then file order
    return Journeys(
        channels=channels,
        journey=journey[sort],
        channel=np.array([index[c] for c in channel_names], dtype=np.int64)[sort],
        converted=converted,
        value=value if has_value else np.ones(len(order)),
        ts=ts[sort],
    )


def read_paths(path: Path) -> Journeys:
    table = _table(path)
    _require(table, ["path", "total_conversions", "total_null"], path)
    rows = table.to_pydict()
    has_value = "total_conversion_value" in rows
    paths: list[list[str]] = []
    converted: list[bool] = []
    weight: list[float] = []
    value: list[float] = []
    for i, text in enumerate(rows["path"]):
        line = i + 2
        steps = [s.strip() for s in str(text).split(">") if s.strip()]
        if not steps:
            raise InputError(f"line {line}, column path: empty path.")
        conversions = _number(rows["total_conversions"][i], "total_conversions", line)
        nulls = _number(rows["total_null"][i], "total_null", line)
        if conversions < 0 or nulls < 0:
            raise InputError(f"line {line}: counts cannot be negative.")
        total_value = (
            _number(rows["total_conversion_value"][i], "total_conversion_value", line)
            if has_value
            else 0.0
        )
        for conv, count in ((True, conversions), (False, nulls)):
            if count > 0:
                paths.append(steps)
                converted.append(conv)
                weight.append(count)
                value.append(
                    total_value / conversions if conv and has_value and conversions else 1.0
                )
    journeys = Journeys.from_paths(paths, converted, value=value)
    journeys.weight = np.array(weight, dtype=np.float64)
    return journeys
