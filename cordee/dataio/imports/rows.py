"""What an import reads and reports: rows, records (groups of rows), row errors, the preview."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cordee.dataio.imports.layouts import (
    FieldSpec,
)
from cordee.dataio.imports.words import Text, stored


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: Text

    def as_dict(self) -> dict[str, Any]:
        """As a report keeps it: the reason as code and parameters (see ``words``)."""
        return {"line": self.line, "column": self.column, "reason": stored(self.reason)}


@dataclass
class Row:
    line: int
    values: dict[str, Any]


@dataclass
class Group:
    """One record of the file: the rows sharing its keys, merged in file order."""

    lines: list[int]
    values: dict[str, Any]
    pk: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class PreviewRow:
    line: int
    values: dict[str, str]
    errors: list[RowError]


@dataclass
class Preview:
    kind: str
    source_system: str
    file_type: str
    encoding: str
    delimiter: str
    header: list[str]
    mapping: dict[str, str]
    fields: list[FieldSpec]
    rows_total: int
    dates: dict[str, dict[str, Any]]
    numbers: dict[str, dict[str, Any]]
    missing_required: list[str]
    rows: list[PreviewRow]
    # rows that look like existing records or other rows (``duplicates.py``): warnings
    duplicates: list[RowError] = field(default_factory=list)
