"""Reading CSV and XLSX files record by record, with the line number users see in their editor.

CSV: the encoding is detected — a byte-order mark (UTF-8, UTF-16, UTF-32), UTF-16 without one
(its NUL bytes give it away), strict UTF-8, else cp1252 (French Excel's "CSV (séparateur :
point-virgule)"); a file mixing UTF-8 and cp1252 is refused, never half-decoded into mojibake,
and a binary file is refused as such. The separator (``,`` ``;`` or tab) is detected; a quoted
field may hold newlines, and a record's line number is the 1-based *physical* line where it
starts (the header is line 1). XLSX (openpyxl, read-only, streamed): the first sheet, the line
number is the sheet row; the archive is checked before openpyxl opens it (``xlsx_check``).
A header naming a column twice is refused (a column would silently be lost).

Every refusal is a ``ReadError`` whose message is stored as a code and its parameters
(``words``): an import's report reads in its reader's language.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
import zlib
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from cordee.dataio.imports.words import Later, Text
from cordee.dataio.imports.words import later as _

CSV_MAX_FIELD = 10_000_000  # characters in one CSV field
csv.field_size_limit(CSV_MAX_FIELD)

XLSX_MAGIC = b"PK\x03\x04"
DELIMITERS = (",", ";", "\t")
# The XLSX format's own limits: a bigger sheet or cell did not come from a spreadsheet program.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CELL = 32_767
# A cell of XLSX_MAX_CELL characters written as XML: 4 bytes a character at most, escapes
# (``&amp;``) longer still; a longer run of text between two tags is a bomb, not a cell.
XLSX_MAX_TEXT_BYTES = XLSX_MAX_CELL * 6
# XML parts openpyxl reads whole into memory (styles, workbook, theme…) are small in real files.
XLSX_MAX_PART_BYTES = 10 * 1024 * 1024
CHUNK = 1 << 20


class ReadError(ValueError):
    """The file cannot be read as a table; the message says why (a ``Later``: it is written in
    the reader's language, and a report keeps it as code and parameters)."""

    def __init__(self, message: Text) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def _not_a_table() -> Later:
    return _("This is not a CSV or XLSX file (it holds binary data, not text).")


@dataclass
class SourceFormat:
    file_type: str  # "csv" | "xlsx"
    encoding: str = "utf-8"
    delimiter: str = ","
    header: list[str] = field(default_factory=list)
    sheet: str = ""
    # XLSX: the data rows the sheet says it has (only an estimate: not stored, not trusted)
    rows_declared: int = 0

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
    try:
        header = next((row for row in reader if any(c.strip() for c in row)), None)
    except csv.Error as exc:
        raise _csv_refusal(exc, reader.line_num) from exc
    if not header:
        raise ReadError(_("The file is empty."))
    return SourceFormat("csv", encoding, delimiter, _clean_header(header))


_BOMS = (  # UTF-32 first: its little-endian mark begins with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# a Latin letter or a typographic sign in UTF-8 (é, ü, œ, ł: U+0080–U+017F; ’ “ ” – … €:
# U+2000–U+20BF): its presence among bytes that are not UTF-8 means a file mixing two
# encodings. Not any UTF-8 sequence: cp1252 text holds some by chance ("ÉTÉ–HIVER" is C9 96,
# "éœœ" E9 9C 9C), never these — they would read "Ã©", "Å“", "â€™" in cp1252
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xc5][\x80-\xbf]|\xe2[\x80-\x82][\x80-\xbf]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


def detect_encoding(path: str) -> str:
    """The file's encoding: its byte-order mark; UTF-16 without one (NUL bytes at every other
    place); UTF-8 when every byte of the file decodes; else cp1252 (Latin-1 when it uses one of
    the five bytes cp1252 leaves undefined). Refused: binary data, and a file that is UTF-8 in
    places and something else elsewhere (named by its first line that is not UTF-8)."""
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    encoding = _utf16_without_bom(head)
    if encoding:
        return encoding
    if b"\x00" in head:
        raise ReadError(_not_a_table())
    bad_line = _first_line_not_utf8(path)
    if bad_line is None:
        return "utf-8"
    if _holds_utf8_sequences(path):
        raise ReadError(
            _(
                "The file mixes two encodings: it is UTF-8, but line %(line)s is not (probably "
                "Windows/Excel text pasted in). Save the whole file as UTF-8 and upload it again."
            )
            % {"line": bad_line}
        )
    encoding = "cp1252"
    try:  # cp1252 leaves five bytes undefined; such a file is Latin-1
        text = head.decode("cp1252")
        with open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                chunk.decode("cp1252")
    except UnicodeDecodeError:
        encoding, text = "latin-1", head.decode("latin-1")
    if len(_CONTROL.findall(text)) > len(text) // 100:
        raise ReadError(_not_a_table())  # text has no control characters; binary data does
    return encoding


def _utf16_without_bom(head: bytes) -> str:
    """UTF-16 text without a byte-order mark: mostly ASCII characters, so a NUL byte at every
    odd place (little-endian) or every even one (big-endian), and hardly any elsewhere."""
    half = len(head) // 2
    if half < 2:
        return ""
    even, odd = head[0 : 2 * half : 2].count(0), head[1 : 2 * half : 2].count(0)
    if odd >= 0.4 * half and even <= 0.02 * half:
        return "utf-16-le"
    if even >= 0.4 * half and odd <= 0.02 * half:
        return "utf-16-be"
    return ""


def _first_line_not_utf8(path: str) -> int | None:
    """The physical line of the first byte that is not UTF-8, None when the whole file is."""
    return first_undecodable_line(path, "utf-8")


def first_undecodable_line(path: str, encoding: str) -> int | None:
    """The physical line of the first byte that does not decode, None when the whole file
    does."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 0
    with open(path, "rb") as handle:
        while True:
            chunk = handle.read(CHUNK)
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                before = (pending + chunk)[: exc.start].decode(encoding, errors="replace")
                return lines + before.count("\n") + 1
            if not chunk:
                return None
            lines += text.count("\n")


def _holds_utf8_sequences(path: str) -> bool:
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            if _UTF8_SEQUENCE.search(chunk):
                return True
    return False


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
    _refuse_duplicates(names)
    return names


def _refuse_duplicates(names: list[str]) -> None:
    """Two columns of the same name would be one in the mapping: the second one lost."""
    letters: dict[str, list[str]] = {}
    for number, name in enumerate(names, start=1):
        if name:
            letters.setdefault(name, []).append(get_column_letter(number))
    twice = [f"“{name}” ({', '.join(at)})" for name, at in letters.items() if len(at) > 1]
    if twice:
        raise ReadError(
            _(
                "Several columns have the same name: %(columns)s. Rename them so that each name "
                "is used once, or one of them would be lost."
            )
            % {"columns": "; ".join(twice)}
        )


Records = Generator[tuple[int, list[Any]], None, None]


def records(path: str, fmt: SourceFormat) -> Records:
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
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _csv_refusal(exc, last_line + 1) from exc
            except UnicodeDecodeError as exc:  # decoded by blocks: the line is looked for
                line = first_undecodable_line(path, fmt.encoding) or last_line + 1
                raise ReadError(
                    _("Line %(line)s cannot be read as %(encoding)s text.")
                    % {"line": line, "encoding": fmt.encoding}
                ) from exc
            start, last_line = last_line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if not seen_header:
                seen_header = True
                continue
            if len(row) < width:
                row.extend([""] * (width - len(row)))
            yield start, row


def _csv_refusal(exc: csv.Error, line: int) -> ReadError:
    if "field limit" in str(exc):
        return ReadError(
            _(
                "Line %(line)s holds a value longer than %(max)s characters, the most an import "
                "reads in one cell (a quote left open makes the rest of the file one value)."
            )
            % {"line": line, "max": CSV_MAX_FIELD}
        )
    return ReadError(
        _("Line %(line)s cannot be read as CSV: %(error)s") % {"line": line, "error": str(exc)}
    )


# -- XLSX --------------------------------------------------------------------------------------


def xlsx_check(path: str) -> int:
    """Refuse an archive that would unpack into more than an import reads, before openpyxl
    opens it: a 1 MB file can hold a 1 GiB cell. The declared size of every XML part is checked
    first (the sheets and the shared strings up to ``IMPORT_MAX_XLSX_XML_MB``, the parts read
    whole — styles, workbook… — up to 10 MB), then the sheets and shared strings are unpacked
    once, streamed, counting their real size and refusing a text longer than a cell can hold.
    (Python's zipfile already stops at the declared size and fails the CRC check beyond it;
    counting costs nothing and does not depend on it.) Returns the most rows a sheet has (its
    ``<row>`` elements, blank ones included): an estimate of its size."""
    limit = settings.IMPORT_MAX_XLSX_XML_MB * 1024 * 1024
    try:
        with zipfile.ZipFile(path) as archive:
            parts = []
            for info in archive.infolist():
                name = info.filename.lower()
                data = "worksheets/" in name or name.endswith("sharedstrings.xml")
                if not data and not name.endswith((".xml", ".rels")):
                    continue  # pictures, printer settings…: openpyxl does not read them
                most = limit if data else XLSX_MAX_PART_BYTES
                if info.file_size > most:
                    raise _too_big(info.filename, info.file_size, most)
                if data:
                    parts.append(info)
            rows = 0
            for info in parts:
                sheet = "worksheets/" in info.filename.lower()
                rows = max(rows, _scan_part(archive, info, limit, sheet=sheet))
            return rows
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError) as exc:
        if isinstance(exc, ReadError):
            raise
        raise ReadError(_("This file is not a readable XLSX workbook.")) from exc


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, *, sheet: bool) -> int:
    """The part's ``<row>`` elements, once its size and texts are found within bounds."""
    size = run = rows = 0  # run: bytes since the last "<", carried from one chunk to the next
    with archive.open(info) as member:
        while chunk := member.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise _too_big(info.filename, size, limit)
            pieces = chunk.split(b"<")
            longest = run + len(pieces[0])
            if len(pieces) > 1:
                longest = max(longest, *map(len, pieces[1:]))
                run = len(pieces[-1])
            else:
                run = longest
            if sheet:
                rows += chunk.count(b"<row ") + chunk.count(b"<row>")
                if _row_past_the_last(chunk):
                    raise _too_many_rows()
            if longest > XLSX_MAX_TEXT_BYTES:
                raise ReadError(
                    _(
                        "The workbook holds a text of more than %(max)s characters, longer than "
                        "a spreadsheet cell can hold: it is not read."
                    )
                    % {"max": XLSX_MAX_CELL}
                )
    return rows


# a row numbered 1,000,000 or more: rare enough to look at each one (a row split between two
# chunks escapes this, not the reader's own count)
_HIGH_ROW = re.compile(rb'<row\b[^>]*?\sr="(\d{7,})"')


def _row_past_the_last(chunk: bytes) -> bool:
    return any(int(found[1]) > XLSX_MAX_ROWS for found in _HIGH_ROW.finditer(chunk))


def _too_many_rows() -> ReadError:
    return ReadError(
        _("The sheet has more than %(max)s rows, more than a spreadsheet holds.")
        % {"max": XLSX_MAX_ROWS}
    )


def _too_big(part: str, size: int, limit: int) -> ReadError:
    return ReadError(
        _(
            "The workbook unpacks to more than an import reads: %(part)s is %(size)s MB, at most "
            "%(max)s MB (the CORDEE_IMPORT_MAX_XLSX_XML_MB setting)."
        )
        % {"part": part, "size": _megabytes(size), "max": _megabytes(limit)}
    )


def _megabytes(size: int) -> int:
    """Whole megabytes, rounded up (a number, not a text: the reader's language writes it)."""
    return -(-size // (1024 * 1024))


def _open_xlsx(path: str) -> tuple[Any, int]:
    """The workbook, read-only, once checked, and the estimate of its rows. openpyxl reads a
    sheet without a ``<dimension>`` (Excel always writes one) to its end while opening it:
    bounded by the checks above, a cost paid once per opening."""
    rows = xlsx_check(path)
    try:
        return load_workbook(path, read_only=True, data_only=True), rows
    except Exception as exc:  # a damaged zip, not a workbook…
        raise ReadError(_("This file is not a readable XLSX workbook.")) from exc


def _sheet_rows(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """(sheet row, cells) of the streamed sheet, within the format's limits. The sheet's own
    dimensions are ignored: a forged one would pad every row to 16,384 columns."""
    sheet.reset_dimensions()
    rows = enumerate(sheet.iter_rows(values_only=True), start=1)
    while True:
        try:
            number, row = next(rows)
        except StopIteration:
            return
        except Exception as exc:  # broken XML, a cell reference out of range…
            raise ReadError(_("This file is not a readable XLSX workbook.")) from exc
        if number > XLSX_MAX_ROWS:
            raise _too_many_rows()
        cells = ["" if c is None else c for c in row]
        for column, cell in enumerate(cells, start=1):
            if isinstance(cell, str) and len(cell) > XLSX_MAX_CELL:
                raise ReadError(
                    _(
                        "Line %(line)s, column %(column)s holds %(length)s characters, more "
                        "than a spreadsheet cell holds (%(max)s)."
                    )
                    % {
                        "line": number,
                        "column": get_column_letter(column),
                        "length": len(cell),
                        "max": XLSX_MAX_CELL,
                    }
                )
        yield number, cells


def sniff_records(path: str) -> tuple[SourceFormat, Records]:
    """``sniff`` and ``records`` of a new file, an XLSX opened once (openpyxl may read the
    whole sheet while opening it: see ``_open_xlsx``)."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head != XLSX_MAGIC:
        fmt = sniff(path)
        return fmt, records(path, fmt)
    workbook, counted = _open_xlsx(path)
    try:
        fmt, rows = _xlsx_header(workbook.worksheets[0], counted)
    except BaseException:
        workbook.close()
        raise
    return fmt, _xlsx_data(workbook, rows, len(fmt.header))


def _sniff_xlsx(path: str) -> SourceFormat:
    workbook, counted = _open_xlsx(path)
    try:
        return _xlsx_header(workbook.worksheets[0], counted)[0]
    finally:
        workbook.close()


def _blank(cells: list[Any]) -> bool:
    return not any(str(c).strip() for c in cells)


def _xlsx_header(sheet: Any, counted: int) -> tuple[SourceFormat, Iterator[tuple[int, list[Any]]]]:
    """The format read from the sheet's first non-blank row, and the sheet's rows after it."""
    declared = sheet.max_row or counted  # its <dimension>, else its rows: an estimate
    rows = _sheet_rows(sheet)
    for number, cells in rows:
        if not _blank(cells):
            fmt = SourceFormat("xlsx", "", "", _clean_header(cells), sheet.title)
            fmt.rows_declared = max(declared - number, 0)
            return fmt, rows
    raise ReadError(_("The file is empty."))


def _xlsx_records(path: str, fmt: SourceFormat) -> Records:
    workbook, _rows = _open_xlsx(path)
    sheet = workbook[fmt.sheet] if fmt.sheet else workbook.worksheets[0]
    rows = _sheet_rows(sheet)
    for _number, cells in rows:
        if not _blank(cells):
            break  # the header
    yield from _xlsx_data(workbook, rows, len(fmt.header))


def _xlsx_data(workbook: Any, rows: Iterator[tuple[int, list[Any]]], width: int) -> Records:
    """The records after the header, padded to its width; closes the workbook at the end."""
    try:
        for number, cells in rows:
            if _blank(cells):
                continue
            if len(cells) < width:
                cells.extend([""] * (width - len(cells)))
            elif len(cells) > width and _blank(cells[width:]):
                cells = cells[:width]
            yield number, [c.strip() if isinstance(c, str) else c for c in cells]
    finally:
        workbook.close()
