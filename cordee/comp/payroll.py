"""The payroll file of a plan's approved period: CSV in the reader's dialect (their language's
separator and decimal mark: ``;`` and ``1680,00`` in French), written by ``core.exports`` (its
cells through ``core.spreadsheet``, the one CSV writer). One line per person and component
(clawbacks summed into their component) and one per adjustment (``comp.selectors.payroll_rows``).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from cordee.comp.selectors import PayrollRow, payroll_rows
from cordee.core.actor import Actor
from cordee.core.exports import ExportColumn, csv_lines, list_dialect


def payroll_columns() -> list[ExportColumn]:
    return [
        ExportColumn(_("Period"), lambda r: r.period),
        ExportColumn(_("E-mail"), lambda r: r.email),
        ExportColumn(_("Person"), lambda r: r.name),
        ExportColumn(_("Component"), lambda r: r.component),
        ExportColumn(_("Kind"), lambda r: r.kind),
        ExportColumn(_("Amount"), lambda r: r.amount, money=True),
        ExportColumn(_("Currency"), lambda r: r.currency),
    ]


def payroll_csv(actor: Actor, plan_id: int, period: str) -> Iterator[str]:
    """The file's lines (a byte-order mark first), headers in the workspace's language. Reads
    and checks at once (403, 404, 409 before the first line)."""
    rows: list[PayrollRow] = payroll_rows(actor, plan_id, period)
    workspace = actor.workspace
    # the headers and the dialect of the reader's language, as every export of Cordée
    columns = payroll_columns()
    fixed = [ExportColumn(str(c.header), c.value, c.money) for c in columns]
    dialect = list_dialect()
    return iter(list(csv_lines(rows, fixed, dialect=dialect, tz=workspace.zone)))


def payroll_filename(actor: Actor, plan_id: int, period: str) -> str:
    return f"{actor.workspace.slug}-payroll-{plan_id}-{period}.csv"
