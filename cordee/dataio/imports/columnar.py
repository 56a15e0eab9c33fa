"""Reading and checking a CSV file column by column (pyarrow) instead of row by row: the same
rules as ``validation.RowReader``, the same errors on the same lines, many times faster.

How the rules stay the same: a cell is either *plainly* valid — a pattern, checked on the whole
column at once, proves that the row path would keep it as it is (a text without surrounding
space, control character or leading ``'``, within its length; an e-mail of plain ASCII letters,
digits and dots that Django's validator accepts, lower-cased) — or it goes through the row
path's own conversion (``RowReader._convert``) once per distinct value. Choices and countries
always do (a column has few distinct values). Nothing is decided twice in two ways.

The file is read this way only when its records are its lines: one record per physical line
(no line break inside a quoted value, no blank line in the middle), every line with the header's
number of values, quotes only around whole values. Then a record's line is its index plus two
(the header is line 1). Any other file — and any XLSX — goes the row path (``records``), which
reads every CSV: ``read`` returns None.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import reduce
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from cordee.dataio.imports.layouts import CHOICE, COUNTRY, EMAIL, TEXT
from cordee.dataio.imports.reading import SourceFormat
from cordee.dataio.imports.rows import Row, RowError
from cordee.dataio.imports.values import CellError
from cordee.dataio.imports.words import Text
from cordee.dataio.imports.words import later as _

if TYPE_CHECKING:
    from cordee.dataio.imports.validation import RowReader

# the kinds read this way (the others go the row path): their handler's ``check`` is known here
KINDS = ("contacts",)
# the cell types whose conversion gives a text (dates and numbers go the row path)
TYPES = (TEXT, EMAIL, COUNTRY, CHOICE)


def _whitespace() -> str:
    """Every character ``str.strip()`` removes, as an RE2 class body."""
    spaces = (chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
    return "".join(f"\\x{{{ord(c):x}}}" for c in spaces)


_WS = _whitespace()
_BLANK = object()  # a cell the row path skips (empty once stripped)
# a text the row path keeps as it is: no space around, no control character (C0, DEL; C1
# are no control characters to ``core.text`` but are spaces for one: NEL), no leading ``'``
_PLAIN_CHAR = r"[^\x00-\x1f\x7f]"
PLAIN_TEXT = f"^[^{_WS}'\\x00-\\x1f\\x7f](?:{_PLAIN_CHAR}*[^{_WS}\\x00-\\x1f\\x7f])?$"
# an e-mail Django's ``validate_email`` accepts and ``normalize_email`` only lower-cases
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
PLAIN_EMAIL = rf"^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@(?:{_LABEL}\.)+[A-Za-z]{{2,63}}$"
EMAIL_MAX = 254
# a quote that neither opens nor closes a value (nor doubles another): Python's csv module and
# pyarrow may read such a file differently, so it goes the row path
_STRAY_QUOTE = '[^{d}\\n\\r"]"[^{d}\\n\\r"]'


@dataclass
class Columns:
    """The file read and checked: the good records' values (one text column per field, null
    where the file sets nothing), their lines, and every error of the rejected ones."""

    rows: int  # records read (blank ones not counted), as the row path counts them
    lines: pa.Array  # int32: the good records' lines
    values: pa.Table  # one column per mapped field, the good records only
    errors: list[RowError] = field(default_factory=list)
    rejected_lines: set[int] = field(default_factory=set)

    def row(self, index: int) -> Row:
        return self.rows_list(index, index + 1)[0]

    def rows_list(self, start: int = 0, stop: int | None = None) -> list[Row]:
        """The good records as the row path's ``Row`` (only the fields the file sets)."""
        table = self.values.slice(start, None if stop is None else stop - start)
        return _rows(table, self.lines.slice(start, table.num_rows).to_pylist())

    def rows_of_lines(self, lines: list[int]) -> list[Row]:
        """The good records of these lines, in file order, as ``rows_list``."""
        kept = pc.is_in(self.lines, value_set=pa.array(lines, self.lines.type))
        return _rows(self.values.filter(kept), self.lines.filter(kept).to_pylist())


def _rows(table: pa.Table, lines: list[int]) -> list[Row]:
    """Each record of ``table`` (its lines in ``lines``) with only the fields it sets."""
    names = table.column_names
    columns = [table.column(n).to_pylist() for n in names]
    return [
        Row(line, {n: c[i] for n, c in zip(names, columns, strict=True) if c[i] is not None})
        for i, line in enumerate(lines)
    ]


def _file_bytes(path: str, fmt: SourceFormat) -> tuple[bytes, int] | None:
    """The file as UTF-8 bytes and where its text starts (after a byte-order mark), or None
    when it is no plain grid."""
    with open(path, "rb") as handle:
        data = handle.read()
    start = 0
    encoding = fmt.encoding.lower().replace("_", "-")
    if encoding in ("utf-8", "utf8", "utf-8-sig"):
        if data.startswith(b"\xef\xbb\xbf"):
            start = 3
    else:
        try:
            data = data.decode(fmt.encoding).lstrip("\ufeff").encode("utf-8")
        except (UnicodeError, LookupError):
            return None  # the row path says which line
    if b"\x00" in data or (b"\r" in data and data.count(b"\r") != data.count(b"\r\n")):
        return None
    if b'"' in data:
        stray = _STRAY_QUOTE.format(d=re.escape(fmt.delimiter)).encode()
        if re.search(stray, data):
            return None
    return data, start


def read(
    job: Any, fmt: SourceFormat, reader: RowReader, tick: Callable[[int], None] | None = None
) -> Columns | None:
    """The file read and checked column by column, or None when it must go the row path."""
    if job.kind not in KINDS or fmt.file_type != "csv" or not fmt.header:
        return None
    if any(spec.type not in TYPES for _i, _c, spec, _o, _d in reader.columns):
        return None
    found = _file_bytes(job.source_file_path(), fmt)
    if found is None:
        return None
    data, start = found
    end = len(data)
    while end > start and data[end - 1] in b"\r\n":
        end -= 1  # the blank lines at the end (no records: the row path skips them too)
    newline = data.find(b"\n", start, end)
    first = data[start : newline if newline >= 0 else end].rstrip(b"\r")
    try:
        header = next(
            csv.reader([first.decode("utf-8", errors="replace")], delimiter=fmt.delimiter)
        )
    except (csv.Error, StopIteration):
        return None
    if [h.strip() for h in header] != fmt.header:
        return None
    width = len(fmt.header)
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data).slice(start, end - start),
            read_options=pacsv.ReadOptions(
                column_names=[f"c{i}" for i in range(width)], skip_rows=1
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=fmt.delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=True,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={f"c{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None  # a line with another number of values…: the row path names it
    if table.num_rows != data.count(b"\n", start, end):
        return None  # a blank line or a line break inside a value: lines are not records
    if table.num_rows == 0:
        return None
    return _check(table, reader, tick)


def _check(table: pa.Table, reader: RowReader, tick: Callable[[int], None] | None) -> Columns:
    n = table.num_rows
    lines = pa.array(np.arange(2, n + 2, dtype=np.int32))
    values: dict[str, pa.Array] = {}
    blanks: list[pa.Array] = []  # per mapped column: the cells the row path skips
    # errors per row index: (order in the row, column, reason)
    cell_errors: dict[int, list[tuple[int, str, Text]]] = {}
    for order, (index, column, spec, date_order, decimal) in enumerate(reader.columns):
        cells = table.column(index).combine_chunks()
        empty = pc.equal(cells, "")
        if spec.type == TEXT:
            plain = pc.match_substring_regex(cells, PLAIN_TEXT)
            if spec.max_length:
                plain = pc.and_(plain, pc.less_equal(pc.utf8_length(cells), spec.max_length))
            kept = cells
        elif spec.type == EMAIL:
            plain = pc.and_(
                pc.match_substring_regex(cells, PLAIN_EMAIL),
                pc.less_equal(pc.utf8_length(cells), EMAIL_MAX),
            )
            kept = pc.ascii_lower(cells)
        else:
            plain = pa.repeat(pa.scalar(False), n)
            kept = cells
        other = pc.and_not(pc.invert(empty), plain)
        result = pc.if_else(plain, kept, pa.nulls(n, pa.string()))
        blank = empty
        if pc.any(other).as_py():
            # the row path's own reading, once per distinct value
            where = pc.indices_nonzero(other)
            raws = pc.take(cells, where)
            uniques = pc.unique(raws)
            results: list[str | None] = []
            skips: list[bool] = []
            reasons: list[Text | None] = []
            for raw in uniques.to_pylist():
                value: Any = None
                reason: Text | None = None
                if raw.strip():
                    try:
                        value = reader._convert(spec, raw, date_order, decimal)
                    except CellError as exc:
                        reason = exc.reason
                results.append(value if value is not None and value != "" else None)
                skips.append(not raw.strip())
                reasons.append(reason)
            # each cell takes its distinct value's outcome (no Python per cell)
            at = pc.index_in(raws, value_set=uniques)
            result = pc.replace_with_mask(
                result, other, pc.take(pa.array(results, pa.string()), at)
            )
            blank = pc.replace_with_mask(blank, other, pc.take(pa.array(skips, pa.bool_()), at))
            if any(r is not None for r in reasons):
                failed = pc.take(pa.array([r is not None for r in reasons]), at)
                where_failed = pc.filter(where, failed).to_pylist()
                for i, u in zip(where_failed, pc.filter(at, failed).to_pylist(), strict=True):
                    cell_errors.setdefault(i, []).append((order, column, reasons[u]))
        values[spec.name] = result
        blanks.append(blank)
        if tick:
            tick(n * (order + 1) // (len(reader.columns) + 1))

    # a record whose every cell is blank is no record (the row path skips it, and counts it not)
    skipped: set[int] = set()
    if blanks:
        blank_rows = reduce(pc.and_, blanks)
        if pc.any(blank_rows).as_py():
            mapped = {i for i, *_rest in reader.columns}
            others = [table.column(i) for i in range(table.num_columns) if i not in mapped]
            for i in pc.indices_nonzero(blank_rows).to_pylist():
                if not any(c[i].as_py().strip() for c in others):
                    skipped.add(i)

    # the required fields, then the handler's own check (contacts: an e-mail or an id)
    required = [
        (s, reader.column_of.get(s.name) or str(s.label).capitalize()) for s in reader.required
    ]
    later_errors: dict[int, list[tuple[int, str, Text]]] = {}
    for spec, label in required:
        missing = (
            pc.is_null(values[spec.name]) if spec.name in values else pa.repeat(pa.scalar(True), n)
        )
        for i in pc.indices_nonzero(missing).to_pylist():
            if i in skipped:
                continue
            if any(c == reader.column_of.get(spec.name) for _o, c, _r in cell_errors.get(i, [])):
                continue
            later_errors.setdefault(i, []).append(
                (1000, label, _("%(field)s is required.") % {"field": label})
            )
    keys = [pc.is_null(values[name]) for name in ("email", "external_id") if name in values]
    unfound = reduce(pc.and_, keys) if keys else pa.repeat(pa.scalar(True), n)
    for i in pc.indices_nonzero(unfound).to_pylist():
        if i in skipped or i in cell_errors or i in later_errors:
            continue
        later_errors.setdefault(i, []).append(
            (
                2000,
                reader.column_of.get("email", ""),
                _("A contact needs an e-mail or an external id to be found again on re-import."),
            )
        )

    errors: list[RowError] = []
    rejected: set[int] = set()
    for i in sorted({*cell_errors, *later_errors} - skipped):
        line = i + 2
        rejected.add(line)
        found = sorted([*cell_errors.get(i, []), *later_errors.get(i, [])], key=lambda e: e[0])
        errors.extend(RowError(line, column, reason) for _o, column, reason in found)
    bad = {*cell_errors, *later_errors, *skipped}
    if bad:
        keep = np.ones(n, dtype=bool)
        keep[sorted(bad)] = False
        mask = pa.array(keep)
        lines = lines.filter(mask)
        good = pa.table({k: v.filter(mask) for k, v in values.items()})
    else:
        good = pa.table(values) if values else pa.table({"_": pa.nulls(n)}).drop(["_"])
    return Columns(
        rows=n - len(skipped),
        lines=lines,
        values=good,
        errors=errors,
        rejected_lines=rejected,
    )
