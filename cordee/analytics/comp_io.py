"""Reading a variable-pay plan, its credits and its metrics from files (``cordee comp``) — no
Django.

- the plan: a JSON document (``comp_plan.plan_parse``);
- ``CREDITS.csv``: ``deal_id,person,amount,share,closed_on,cancelled_on`` (+ an optional
  ``campaign`` column for the spiffs); ``cancelled_on`` may be empty; the shares of a deal add
  up to 1;
- ``METRICS.csv``: ``metric,scope,period,actual,target``; one row per metric, scope and period.

Every error names the file, and for a bad value its line (the header is line 1) and column.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np

from cordee.analytics.comp_data import CreditTable, MetricKey
from cordee.analytics.comp_plan import MAX_SHARE_DECIMALS, Plan, PlanError, period_parse, plan_parse

CREDIT_COLUMNS = ("deal_id", "person", "amount", "share", "closed_on", "cancelled_on")
METRIC_COLUMNS = ("metric", "scope", "period", "actual", "target")


class InputError(ValueError):
    """A file that cannot be read; the message names the file, the line and the column."""


def plan_read(path: Path) -> Plan:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error}).") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{path}: line {error.lineno}, column {error.colno}: not valid JSON ({error.msg})."
        ) from None
    try:
        return plan_parse(document)
    except PlanError as error:
        raise InputError(f"{path}: {error}") from None


def _rows(path: Path, required: tuple[str, ...]) -> tuple[list[str], Any]:
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as error:
        raise InputError(f"{path}: cannot be read ({error.strerror or error}).") from None
    reader = csv.reader(handle)
    try:
        header = [h.strip() for h in next(reader, [])]
    except (csv.Error, UnicodeDecodeError) as error:
        handle.close()
        raise InputError(f"{path}: line 1: not a readable CSV file ({error}).") from None
    missing = [c for c in required if c not in header]
    if missing:
        handle.close()
        raise InputError(
            f"{path}: line 1: missing column(s) {', '.join(missing)} "
            f"(found: {', '.join(header) or 'nothing'})."
        )
    return header, (handle, reader)


def _each(path: Path, header: list[str], source: Any) -> Any:
    handle, reader = source
    with handle:
        try:
            for row in reader:
                if not row or row == [""]:
                    continue
                if len(row) != len(header):
                    raise InputError(
                        f"{path}: line {reader.line_num}: {len(row)} fields where the header "
                        f"has {len(header)}."
                    )
                yield reader.line_num, dict(zip(header, row, strict=True))
        except (csv.Error, UnicodeDecodeError) as error:
            raise InputError(f"{path}: line {reader.line_num}: not readable ({error}).") from None


def _number(path: Path, line: int, column: str, text: str, places: int | None = None) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InputError(f"{path}: line {line}, column {column}: '{text}' is not a number.")
    if places is not None and -int(value.as_tuple().exponent) > places:
        raise InputError(
            f"{path}: line {line}, column {column}: '{text}' has more than {places} decimal places."
        )
    return value


def _day(path: Path, line: int, column: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"{path}: line {line}, column {column}: '{text}' is not a date (YYYY-MM-DD)."
        ) from None


_AMOUNT = r"^[0-9]{1,13}(\.[0-9]{1,2})?$"
_SHARE = r"^(0\.[0-9]{1,6}|1(\.0{1,6})?)$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def credits_read(path: Path) -> CreditTable:
    """The credits file as columns (see the module's docstring). A file in the plain form
    (amounts like 1234.50, shares like 0.6, ISO dates) is read by Arrow in one pass; anything
    else — and any file with a problem — by the row reader, which names the line and column."""
    fast = _credits_columns(path)
    return fast if fast is not None else _credits_rows(path)


def _credits_columns(path: Path) -> CreditTable | None:
    """The credits through Arrow when every value is in the plain form and every rule holds;
    None otherwise (the row reader then reads the file and names the problem)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            header = next(csv.reader(handle), [])
        types = {name: pa.string() for name in header}
        table = pacsv.read_csv(
            path,
            convert_options=pacsv.ConvertOptions(column_types=types, strings_can_be_null=False),
        )
    except (pa.ArrowInvalid, OSError, UnicodeDecodeError, csv.Error):
        return None
    if any(c not in table.column_names for c in CREDIT_COLUMNS) or table.num_rows == 0:
        return None
    col = {name: table[name] for name in table.column_names}
    cancelled_text = col["cancelled_on"]
    has_cancel = pc.not_equal(cancelled_text, "")
    checks = [
        pc.all(pc.match_substring_regex(col["amount"], _AMOUNT)),
        pc.all(pc.match_substring_regex(col["share"], _SHARE)),
        pc.all(pc.match_substring_regex(col["closed_on"], _DATE)),
        pc.all(pc.or_(pc.invert(has_cancel), pc.match_substring_regex(cancelled_text, _DATE))),
        pc.all(pc.match_substring_regex(col["deal_id"], r"^\S(.*\S)?$")),
        pc.all(pc.match_substring_regex(col["person"], r"^\S(.*\S)?$")),
    ]
    if not all(check.as_py() for check in checks):
        return None
    share_text = col["share"].to_numpy(zero_copy_only=False).astype(str)
    places = max(0, int(np.char.str_len(share_text).max()) - 2)
    scale = 10**places
    share = np.rint(share_text.astype(np.float64) * scale).astype(np.int64)
    amount = np.rint(col["amount"].to_numpy(zero_copy_only=False).astype(np.float64) * 100)
    try:
        closed = col["closed_on"].to_numpy(zero_copy_only=False).astype("datetime64[D]")
        cancel_text = cancelled_text.to_numpy(zero_copy_only=False).astype(object)
        cancel_text[cancel_text == ""] = "NaT"
        cancelled = cancel_text.astype(str).astype("datetime64[D]")
    except ValueError:
        return None
    deal = col["deal_id"].to_numpy(zero_copy_only=False).astype(object)
    person = col["person"].to_numpy(zero_copy_only=False).astype(object)
    if share.min() <= 0 or (cancelled < closed).any():
        return None
    pairs = pa.table({"d": col["deal_id"], "p": col["person"]})
    if pairs.group_by(["d", "p"]).aggregate([]).num_rows != table.num_rows:
        return None  # a person credited twice on a deal
    sums = pa.table({"d": col["deal_id"], "s": share}).group_by("d").aggregate([("s", "sum")])
    if not pc.all(pc.equal(sums["s_sum"], scale)).as_py():
        return None
    campaign = np.full(table.num_rows, None, dtype=object)
    if "campaign" in col:
        text = col["campaign"].to_numpy(zero_copy_only=False).astype(object)
        campaign = np.array([str(x).strip() or None for x in text], dtype=object)
    return CreditTable(
        deal_id=deal,
        person=person,
        amount_cents=amount.astype(np.int64),
        share=share,
        share_scale=scale,
        closed_on=closed,
        cancelled_on=cancelled,
        campaign=campaign,
    )


def _credits_rows(path: Path) -> CreditTable:
    header, source = _rows(path, CREDIT_COLUMNS)
    deals, persons, amounts, shares, closed, cancelled, campaigns = [], [], [], [], [], [], []
    first_line: dict[str, int] = {}
    share_sum: dict[str, Decimal] = {}
    seen: set[tuple[str, str]] = set()
    places = 0
    for line, row in _each(path, header, source):
        deal, person = row["deal_id"].strip(), row["person"].strip()
        for column, text in (("deal_id", deal), ("person", person)):
            if not text:
                raise InputError(f"{path}: line {line}, column {column}: empty.")
        if (deal, person) in seen:
            raise InputError(
                f"{path}: line {line}, column person: {person} is credited twice on {deal}."
            )
        seen.add((deal, person))
        amount = _number(path, line, "amount", row["amount"], places=2)
        if amount < 0:
            raise InputError(f"{path}: line {line}, column amount: {amount} is below 0.")
        share = _number(path, line, "share", row["share"], places=MAX_SHARE_DECIMALS)
        if not 0 < share <= 1:
            raise InputError(f"{path}: line {line}, column share: {share} is not in (0, 1].")
        closed_on = _day(path, line, "closed_on", row["closed_on"])
        cancelled_on = None
        if row["cancelled_on"].strip():
            cancelled_on = _day(path, line, "cancelled_on", row["cancelled_on"])
            if cancelled_on < closed_on:
                raise InputError(
                    f"{path}: line {line}, column cancelled_on: {cancelled_on} comes before "
                    f"closed_on ({closed_on})."
                )
        first_line.setdefault(deal, line)
        share_sum[deal] = share_sum.get(deal, Decimal(0)) + share
        places = max(places, -int(share.normalize().as_tuple().exponent))
        deals.append(deal)
        persons.append(person)
        amounts.append(int(amount * 100))
        shares.append(share)
        closed.append(closed_on)
        cancelled.append(cancelled_on or np.datetime64("NaT"))
        campaigns.append((row.get("campaign") or "").strip() or None)
    for deal, total in share_sum.items():
        if total != 1:
            raise InputError(
                f"{path}: line {first_line[deal]}, column share: the shares of {deal} add up to "
                f"{total}, not 1."
            )
    scale = 10 ** max(places, 0)
    return CreditTable(
        deal_id=np.array(deals, dtype=object),
        person=np.array(persons, dtype=object),
        amount_cents=np.array(amounts, dtype=np.int64),
        share=np.array([int(s * scale) for s in shares], dtype=np.int64),
        share_scale=scale,
        closed_on=np.array(closed, dtype="datetime64[D]"),
        cancelled_on=np.array(cancelled, dtype="datetime64[D]"),
        campaign=np.array(campaigns, dtype=object),
    )


def metrics_read(path: Path, first_month: int = 1) -> dict[MetricKey, tuple[Fraction, Fraction]]:
    """The metrics file: (metric, scope, period) → (actual, target)."""
    header, source = _rows(path, METRIC_COLUMNS)
    out: dict[MetricKey, tuple[Fraction, Fraction]] = {}
    for line, row in _each(path, header, source):
        metric, scope = row["metric"].strip(), row["scope"].strip()
        for column, text in (("metric", metric), ("scope", scope)):
            if not text:
                raise InputError(f"{path}: line {line}, column {column}: empty.")
        try:
            label = period_parse(row["period"], first_month).label
        except ValueError as error:
            raise InputError(f"{path}: line {line}, column period: {error}") from None
        actual = _number(path, line, "actual", row["actual"])
        target = _number(path, line, "target", row["target"])
        if target <= 0:
            raise InputError(f"{path}: line {line}, column target: {target} is not above 0.")
        if (metric, scope, label) in out:
            raise InputError(
                f"{path}: line {line}, column period: a second row for {metric}, {scope}, {label}."
            )
        out[(metric, scope, label)] = (Fraction(actual), Fraction(target))
    return out
