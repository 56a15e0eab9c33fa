"""Reading one row of the file into field values, or saying which cells are wrong; and the
preview of the first rows as they will be stored."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from cordee.core.spreadsheet import unneutralise
from cordee.core.text import control_character
from cordee.dataio.imports import reading
from cordee.dataio.imports.duplicates import CHECKED_ROWS, CONTACT_KINDS, duplicate_warnings
from cordee.dataio.imports.kinds import handler_for
from cordee.dataio.imports.layouts import (
    CHOICE,
    COUNTRY,
    DATE,
    DATETIME,
    DECIMAL,
    EMAIL,
    INT,
    FieldSpec,
    field_specs,
)
from cordee.dataio.imports.rows import Preview, PreviewRow, Row, RowError
from cordee.dataio.imports.values import (
    CellError,
    parse_country,
    parse_datetime,
    parse_decimal,
    parse_email,
    text,
)
from cordee.dataio.imports.words import later as _

if TYPE_CHECKING:
    from cordee.dataio.models import ImportJob


class RowReader:
    """Turns the cells of one record into field values, or says which cells are wrong."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.handler = handler_for(job)
        self.tz = job.workspace.zone
        header = job.detected["format"]["header"]
        self.width = len(header)
        specs = field_specs(job.kind)
        self.columns: list[tuple[int, str, FieldSpec, str, str]] = []
        for column, name in job.mapping.items():
            if column in header and name in specs:
                date = job.detected.get("dates", {}).get(column, {})
                number = job.detected.get("numbers", {}).get(column, {})
                # a column remapped after detection follows the workspace's language
                french = job.workspace.default_language == "fr"
                order = date.get("order", "iso")
                if order == "iso":
                    order = "dmy" if french else "mdy"
                decimal = number.get("decimal", "," if french else ".")
                self.columns.append((header.index(column), column, specs[name], order, decimal))
        self.required = [s for s in specs.values() if s.required]
        self.column_of = {spec.name: column for _i, column, spec, _o, _d in self.columns}

    def read(self, line: int, cells: list[Any]) -> tuple[dict[str, Any], list[RowError]]:
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        if len(cells) > self.width and any(text(c) for c in cells[self.width :]):
            errors.append(
                RowError(
                    line,
                    "",
                    _("This line has %(found)s values but the header names %(expected)s columns.")
                    % {"found": len(cells), "expected": self.width},
                )
            )
        for index, column, spec, order, decimal in self.columns:
            raw = cells[index]
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                value = self._convert(spec, raw, order, decimal)
            except CellError as exc:
                errors.append(RowError(line, column, exc.reason))
                continue
            if value is not None and value != "":
                values[spec.name] = value
        for spec in self.required:
            if spec.name not in values and not any(
                e.column == self.column_of.get(spec.name) for e in errors
            ):
                # named by the file's column (the same in every language) when it is mapped
                column = self.column_of.get(spec.name) or str(spec.label).capitalize()
                errors.append(
                    RowError(line, column, _("%(field)s is required.") % {"field": column})
                )
        if not errors:
            for column_name, reason in self.handler.check(values):
                errors.append(RowError(line, self.column_of.get(column_name, ""), reason))
        return values, errors

    def _convert(self, spec: FieldSpec, raw: Any, order: str, decimal: str) -> Any:
        kind = spec.type
        if kind == EMAIL:
            return parse_email(raw)
        if kind == DATETIME:
            return parse_datetime(raw, order, self.tz)
        if kind == DATE:
            return parse_datetime(raw, order, self.tz, date_only=True)
        if kind == DECIMAL:
            return parse_decimal(raw, decimal)
        if kind == INT:
            number = parse_decimal(raw, decimal)
            if number != number.to_integral_value():
                raise CellError(_("'%(value)s' is not a whole number.") % {"value": raw})
            return int(number)
        if kind == COUNTRY:
            return parse_country(raw)
        if kind == CHOICE:
            assert spec.choices is not None
            return spec.choices.parse(raw)
        value = unneutralise(raw.strip()) if type(raw) is str and "\r" not in raw else text(raw)
        code = control_character(value, multiline=True)  # core.text: the API's and forms' rule
        if code:
            raise CellError(
                _("This text contains a control character (%(code)s), which is not allowed here.")
                % {"code": code}
            )
        if spec.max_length and len(value) > spec.max_length:
            raise CellError(
                _("Too long: %(length)s characters, at most %(max)s.")
                % {"length": len(value), "max": spec.max_length}
            )
        return value


def formats_used(job: ImportJob) -> tuple[dict[str, Any], dict[str, Any]]:
    """The detected date and number formats of the columns mapped to date and number fields."""
    specs = field_specs(job.kind)
    dates, numbers = {}, {}
    for column, name in job.mapping.items():
        spec = specs.get(name)
        if spec is None:
            continue
        if spec.is_date and column in job.detected.get("dates", {}):
            dates[column] = job.detected["dates"][column]
        if spec.is_number and column in job.detected.get("numbers", {}):
            numbers[column] = job.detected["numbers"][column]
    return dates, numbers


# -- preview ---------------------------------------------------------------------------------


def _display(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return timezone.localtime(value, value.tzinfo).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def preview(job: ImportJob, *, rows: int = 10) -> Preview:
    fmt = reading.SourceFormat.from_dict(job.detected["format"])
    reader = RowReader(job)
    shown: list[PreviewRow] = []
    # rows compared for duplicates: the whole file (up to a bound) for the kinds that have them
    compared: list[Row] = []
    wanted = CHECKED_ROWS if job.kind in (*CONTACT_KINDS, "accounts") else 0
    for line, cells in reading.records(job.source_file_path(), fmt):
        values, errors = reader.read(line, cells)
        if len(shown) < rows:
            shown.append(PreviewRow(line, {k: _display(v) for k, v in values.items()}, errors))
        if not errors and len(compared) < wanted:
            compared.append(Row(line, values))
        if len(shown) >= rows and len(compared) >= wanted:
            break
    specs = field_specs(job.kind)
    mapped = set(job.mapping.values())
    return Preview(
        kind=job.kind,
        source_system=job.source_system,
        file_type=fmt.file_type,
        encoding=fmt.encoding,
        delimiter=fmt.delimiter,
        header=fmt.header,
        mapping=dict(job.mapping),
        fields=list(specs.values()),
        rows_total=job.rows_total,
        dates=formats_used(job)[0],
        numbers=formats_used(job)[1],
        missing_required=[s.name for s in specs.values() if s.required and s.name not in mapped],
        rows=shown,
        duplicates=duplicate_warnings(job.workspace, job.kind, compared, reader.column_of),
    )
