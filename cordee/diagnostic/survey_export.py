"""A wave's results as a spreadsheet (``core.exports`` writes the cells through
``core.spreadsheet``): aggregates only, and only what the page shows — one line per side (its
number of answers; its total and type when shown) and one per statement (the two sides' mean
answers and their gap, when both are shown). Never a line of one person."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.exports import ExportColumn
from cordee.diagnostic import presenters, results


@dataclass(frozen=True)
class ExportRow:
    line: str  # "side" or "statement"
    name: str  # the side's name, or the statement's number and text
    answers: int | None  # how many people answered (a side's line)
    total: Decimal | None
    type: str
    marketing: Decimal | None
    sales: Decimal | None
    gap: Decimal | None
    note: str


def export_columns() -> list[ExportColumn]:
    return [
        ExportColumn(_("Line"), lambda r: r.line),
        ExportColumn(_("Side or statement"), lambda r: r.name),
        ExportColumn(_("Answers"), lambda r: r.answers),
        ExportColumn(_("Total (20–100)"), lambda r: r.total),
        ExportColumn(_("Type"), lambda r: r.type),
        ExportColumn(_("Marketing mean (1–5)"), lambda r: r.marketing),
        ExportColumn(_("Sales mean (1–5)"), lambda r: r.sales),
        ExportColumn(_("Gap (marketing − sales)"), lambda r: r.gap),
        ExportColumn(_("Note"), lambda r: r.note),
    ]


def _decimal(value: float | None, places: int) -> Decimal | None:
    """As the page writes it (a spreadsheet cell of a float would show its binary digits)."""
    return None if value is None else Decimal(f"{value:.{places}f}")


def export_rows(found: results.WaveResults) -> list[ExportRow]:
    if not found.closed:
        note = _("Results are shown once the wave is closed.")
    else:
        note = _("Not enough answers (fewer than %(n)s).") % {"n": presenters.maths.MIN_GROUP}
    rows = [
        ExportRow(
            line=_("side"),
            name=s.label,
            answers=s.count,
            total=_decimal(s.total, 1),
            type=s.type_label,
            marketing=None,
            sales=None,
            gap=None,
            note="" if s.shown else note,
        )
        for s in presenters.side_views(found)
    ]
    rows += [
        ExportRow(
            line=_("statement"),
            name=f"{g.number}. {g.text}",
            answers=None,
            total=None,
            type="",
            marketing=_decimal(g.marketing, 2),
            sales=_decimal(g.sales, 2),
            gap=_decimal(g.gap, 2),
            note="",
        )
        for g in presenters.gap_views(found)
    ]
    return rows


def export_filename(actor: Actor, found: results.WaveResults, fmt: str) -> str:
    pod = f"-pod{found.pod_id}" if found.pod_id else ""
    return f"{actor.workspace.slug}-diagnostic-{found.wave.pk}{pod}.{fmt}"
