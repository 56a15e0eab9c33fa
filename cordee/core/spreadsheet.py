"""THE writer of every cell Cordée hands to a spreadsheet: CSV files (list exports, reports, the
whole-workspace zip, an import's rejected rows, the ``attribution`` command) and XLSX sheets.

Spreadsheet-safe (OWASP "CSV injection"): a text starting with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return would be run as a formula by Excel, LibreOffice or Google Sheets when the
file is opened. In a CSV such a text is prefixed with ``'`` (which spreadsheets read as "this is
text" and do not show); in an XLSX it is written as a text cell carrying Excel's own quote-prefix
flag, so the value is kept verbatim and stays text even when the cell is edited.

Numbers stay numbers: an ``int``, ``float`` or ``Decimal`` is never touched, and neither is a
text that is only a number (``-12.5``, ``+33612345678``, ``1,5``) — a spreadsheet reads it as
that number, it calls nothing. ``-1+2`` or ``-x`` are neutralised.

XLSX (XML) cannot hold most control characters: a stored ``"a\\x01b"`` would make openpyxl
refuse the whole file. They are written as U+FFFD (new input refuses them: ``core.text``).

No Django here: the ``attribution`` command writes CSV without starting Django.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any, Protocol

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_STARTS = frozenset(FORMULA_START)
# A text that is only a number (sign, digits, one decimal mark, an exponent) calls nothing.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?\Z")
# What XML 1.0 cannot carry (openpyxl's ILLEGAL_CHARACTERS_RE, without importing openpyxl).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\ufffd"


def is_formula(text: str) -> bool:
    """Whether a spreadsheet would read ``text`` as a formula."""
    return text.startswith(FORMULA_START) and not _NUMBER.match(text)


def neutralise(text: str) -> str:
    """``text`` as a CSV cell no spreadsheet runs: ``'`` before a would-be formula."""
    return "'" + text if is_formula(text) else text


def unneutralise(text: str) -> str:
    """A cell read back from a file Cordée wrote (an import's rejected rows, corrected): the
    ``'`` that ``neutralise`` added is dropped."""
    return text[1:] if text.startswith("'") and is_formula(text[1:]) else text


def csv_cell(value: Any) -> Any:
    """A cell for ``csv.writer``: texts neutralised, anything else (numbers) as it is."""
    return neutralise(value) if isinstance(value, str) else value


class _Writable(Protocol):
    def write(self, s: str, /) -> Any: ...


class CsvWriter:
    """``csv.writer`` whose every cell goes through ``csv_cell``; ``writerow`` returns what the
    underlying file's ``write`` returns (a line, for a streaming echo file)."""

    def __init__(self, file: _Writable, **options: Any) -> None:
        self._writer = csv.writer(file, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        # csv_cell, inlined for the common cell (no formula character first): a list export
        # writes millions of cells
        return self._writer.writerow(
            [neutralise(v) if isinstance(v, str) and v[:1] in _STARTS else v for v in row]
        )

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(file: _Writable, **options: Any) -> CsvWriter:
    """The one way Cordée writes CSV (options as ``csv.writer``'s: ``delimiter``…)."""
    return CsvWriter(file, **options)


def xlsx_text(text: str) -> str:
    """``text`` as XML can hold it: control characters become U+FFFD."""
    return _XML_ILLEGAL.sub(REPLACEMENT, text)


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """A write-only openpyxl cell for ``value``: numbers, dates and booleans typed as they are;
    a text cleaned of what XML refuses and, when it looks like a formula, kept as quote-prefixed
    text (never a formula)."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = xlsx_text(value)
        cell = WriteOnlyCell(sheet, value=value)
        if value.startswith(FORMULA_START):
            cell.data_type = "s"  # openpyxl would store "=…" as a formula
            cell.quotePrefix = True
        return cell
    return WriteOnlyCell(sheet, value=value)
