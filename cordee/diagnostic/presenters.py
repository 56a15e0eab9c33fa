"""What the diagnostic's pages, API and export show of a wave's results, in the reader's
language: each side (its count, and its total and type only when shown), the gaps per statement
(largest first), the next moves for the types reached, the two charts (SVG from
``core.charts``) and the trend. Everything comes from ``results.py``: no number is computed
here, only worded."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from cordee.analytics import diagnostic as maths
from cordee.core.charts import BAR, LINE, cached_svg, chart_spec, signed_colour
from cordee.diagnostic import results
from cordee.diagnostic.statements import NEXT_MOVES, STATEMENTS, TYPE_NAMES
from cordee.tenancy.models import Workspace

TYPE_ORDER = tuple(name for name, _low, _high in maths.TYPES)


def side_label(side: str) -> str:
    return {"marketing": _("Marketing"), "sales": _("Sales")}.get(side, _("Other"))


def type_label(code: str | None) -> str:
    return str(TYPE_NAMES[code]) if code else ""


def type_range(code: str) -> str:
    low, high = next((lo, hi) for name, lo, hi in maths.TYPES if name == code)
    return f"{low}–{high}"


def statement_text(index: int) -> str:
    return str(STATEMENTS[index][1])


@dataclass(frozen=True)
class SideView:
    side: str
    label: str
    count: int
    shown: bool
    total: float | None  # one decimal
    type: str | None
    type_label: str


def side_views(found: results.WaveResults) -> list[SideView]:
    out = []
    for side in results.SIDES:
        group = found.sides[side]
        out.append(
            SideView(
                side=side,
                label=side_label(side),
                count=group.count,
                shown=group.shown,
                total=None if group.total is None else round(group.total, 1),
                type=group.type,
                type_label=type_label(group.type),
            )
        )
    return out


@dataclass(frozen=True)
class GapView:
    number: int  # 1 to 20
    key: str
    text: str
    marketing: float  # the side's mean answer, two decimals
    sales: float
    gap: float  # marketing − sales, two decimals


def gap_views(found: results.WaveResults) -> list[GapView]:
    if found.gaps is None:
        return []
    marketing, sales = found.sides["marketing"].means, found.sides["sales"].means
    assert marketing is not None and sales is not None
    return [
        GapView(
            number=i + 1,
            key=STATEMENTS[i][0],
            text=statement_text(i),
            marketing=round(marketing[i], 2),
            sales=round(sales[i], 2),
            gap=round(gap, 2),
        )
        for i, gap in found.gaps
    ]


@dataclass(frozen=True)
class MovesView:
    type: str
    type_label: str
    sides: list[str]  # the sides' labels that reached it
    next_label: str  # the next type's name ("" from Integrated)
    moves: list[str]


def next_moves(found: results.WaveResults) -> list[MovesView]:
    """For each type a shown side reached (lowest first): what moves it up."""
    reached: dict[str, list[str]] = {}
    for side in results.SIDES:
        group = found.sides[side]
        if group.type:
            reached.setdefault(group.type, []).append(side_label(side))
    out = []
    for code in TYPE_ORDER:
        if code not in reached:
            continue
        position = TYPE_ORDER.index(code)
        following = TYPE_ORDER[position + 1] if position + 1 < len(TYPE_ORDER) else None
        out.append(
            MovesView(
                type=code,
                type_label=type_label(code),
                sides=reached[code],
                next_label=type_label(following),
                moves=[str(m) for m in NEXT_MOVES[code]],
            )
        )
    return out


def gaps_chart(found: results.WaveResults) -> str:
    """Each statement's gap (marketing − sales), largest first, labelled by its number (the
    table beside it has the words; the tooltip too); red where sales rates higher."""
    rows = [
        {"statement": f"{g.number}.", "gap": g.gap, "text": f"{g.number}. {g.text}"}
        for g in gap_views(found)
    ]
    if not rows:
        return ""
    title_statement, title_gap = _("Statement"), _("Marketing − sales (points of 1–5)")
    return cached_svg(
        f"diagnostic-gaps:{found.wave.pk}:{found.pod_id}",
        lambda: chart_spec(
            rows,
            mark=BAR,
            width=480,
            height={"step": 18},
            encoding={
                "y": {
                    "field": "statement",
                    "type": "nominal",
                    "title": title_statement,
                    "sort": None,
                },
                "x": {"field": "gap", "type": "quantitative", "title": title_gap},
                "color": signed_colour("gap", "#4f46e5"),
                "tooltip": [
                    {"field": "text", "title": title_statement},
                    {"field": "gap", "title": title_gap, "format": "+.2f"},
                ],
            },
        ),
    )


@dataclass(frozen=True)
class TrendPoint:
    wave_id: int
    title: str
    period_end: str  # ISO day
    marketing: float | None  # None: not shown (fewer than 5, or a pod's group hidden)
    sales: float | None


def _one_decimal(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def trend_points(workspace: Workspace, pod_id: int | None = None) -> list[TrendPoint]:
    points = []
    for found in results.trend(workspace, pod_id=pod_id):
        totals = {side: _one_decimal(found.sides[side].total) for side in results.SIDES}
        points.append(
            TrendPoint(
                wave_id=found.wave.pk,
                title=found.wave.title,
                period_end=found.wave.period_end.isoformat(),
                marketing=totals["marketing"],
                sales=totals["sales"],
            )
        )
    return points


def trend_chart(points: list[TrendPoint], key: str) -> str:
    """Each side's total per closed wave (a side not shown has no point)."""
    rows: list[dict[str, Any]] = []
    for p in points:
        for side in results.SIDES:
            value = getattr(p, side)
            if value is not None:
                rows.append({"wave": p.title, "side": side_label(side), "total": value})
    if not rows:
        return ""
    title_wave, title_total, title_side = _("Wave"), _("Total (20–100)"), _("Side")
    return cached_svg(
        f"diagnostic-trend:{key}",
        lambda: chart_spec(
            rows,
            mark=LINE,
            width=480,
            height=220,
            encoding={
                "x": {
                    "field": "wave",
                    "type": "ordinal",
                    "title": title_wave,
                    "sort": [p.title for p in points],
                },
                "y": {
                    "field": "total",
                    "type": "quantitative",
                    "title": title_total,
                    "scale": {"domain": [maths.TOTAL_MIN, maths.TOTAL_MAX]},
                },
                "color": {"field": "side", "type": "nominal", "title": title_side},
                "tooltip": [
                    {"field": "wave", "title": title_wave},
                    {"field": "side", "title": title_side},
                    {"field": "total", "title": title_total},
                ],
            },
        ),
    )
