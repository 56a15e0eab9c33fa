"""Reading CSV and XLSX files record by record, with the line number users see in their editor.

CSV: the encoding (UTF-8 with or without BOM, else cp1252 — French Excel's "CSV (séparateur :
point-virgule)") and the separator (``,`` ``;`` or tab) are detected; a quoted field may hold
newlines, and a record's line number is the 1-based *physical* line where it starts (the header
is line 1). XLSX (openpyxl, read-only): the first sheet, the line number is the sheet row.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

csv.field_size_limit(10_000_000)

XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")


class ReadError(ValueError):
    """The file cannot be read as a table; the message says why."""


@dataclass
class SourceFormat:
    file_type: str  # "csv" | "xlsx"
    encoding: str = "utf-8"
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    sheet: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "file_type": self.file_type,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "header": self.header,
            "sheet": self.sheet,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceFormat:
        return cls(
            file_type=data["file_type"],
            encoding=data.get("encoding", "utf-8"),
            delimiter=data.get("delimiter", ","),
            header=list(data.get("header", [])),
            sheet=data.get("sheet", ""),
        )


def sniff(path: str) -> SourceFormat:
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head == XLSX_MAGIC:
        return _sniff_xlsx(path)
    encoding = detect_encoding(path)
    with open(path, encoding=encoding, newline="") as handle:
        sample = handle.read(256 * 1024)
    delimiter = detect_delimiter(sample)
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
    header = next((row for row in reader if any(c.strip() for c in row)), None)
    if not header:
        raise ReadError(_("The file is empty."))
    return SourceFormat("csv", encoding, delimiter, _clean_header(header))


def detect_encoding(path: str) -> str:
    """UTF-8 with BOM, UTF-8 (every byte of the file decodes), else cp1252."""
    with open(path, "rb") as handle:
        if handle.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            handle.seek(0)
            try:  # cp1252 leaves five bytes undefined; such a file is Latin-1
                while chunk := handle.read(1 << 20):
                    chunk.decode("cp1252")
            except UnicodeDecodeError:
                return "latin-1"
            return "cp1252"
    return "utf-8"


def detect_delimiter(sample: str) -> str:
    """The separator whose first records all have the header's number of fields (and more
    than one); ties go to the one splitting the header into more fields."""
    best, best_score = ",", (-1.0, 0)
    lines = sample if len(sample) < 256 * 1024 else sample[: sample.rfind("\n") + 1] or sample
    for delimiter in DELIMITERS:
        rows = [r for r in csv.reader(io.StringIO(lines, newline=""), delimiter=delimiter) if r]
        rows = rows[:50]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width) / len(rows)
        score = (consistent, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _clean_header(header: list[Any]) -> list[str]:
    names = [str(h or "").strip().lstrip("\ufeff") for h in header]
    while names and not names[-1]:
        names.pop()
    return names


def records(path: str, fmt: SourceFormat) -> Iterator[tuple[int, list[Any]]]:
    """(line number, cells padded to the header's width) for every non-blank record after the
    header. Extra cells beyond the header are kept (the caller may reject them)."""
    if fmt.file_type == "xlsx":
        yield from _xlsx_records(path, fmt)
        return
    with open(path, encoding=fmt.encoding, newline="") as handle:
        reader = csv.reader(handle, delimiter=fmt.delimiter)
        width = len(fmt.header)
        seen_header = False
        last_line = 0
        for row in reader:
            start, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if not seen_header:
                seen_header = True
                continue
            if len(row) < width:
                row.extend([""] * (width - len(row)))
            yield start, row


def _sniff_xlsx(path: str) -> SourceFormat:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged zip, not a workbook…
        raise ReadError(_("This file is not a readable XLSX workbook.")) from exc
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            if any(c not in (None, "") for c in row):
                return SourceFormat("xlsx", "", "", _clean_header(list(row)), sheet.title)
    finally:
        workbook.close()
    raise ReadError(_("The file is empty."))


def _xlsx_records(path: str, fmt: SourceFormat) -> Iterator[tuple[int, list[Any]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook[fmt.sheet] if fmt.sheet else workbook.worksheets[0]
        width = len(fmt.header)
        seen_header = False
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = ["" if c is None else c for c in row]
            if not any(str(c).strip() for c in cells):
                continue
            if not seen_header:
                seen_header = True
                continue
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            elif len(cells) > width and not any(str(c).strip() for c in cells[width:]):
                cells = cells[:width]
            yield number, [c.strip() if isinstance(c, str) else c for c in cells]
    finally:
        workbook.close()
