"""Charts are built one way: plain Vega-Lite specs from ``core.charts.chart_spec`` (ADR 0003)."""

from __future__ import annotations

import html
import re
from pathlib import Path

from django.utils import translation

from cordee.core import charts

CORDEE = Path(__file__).resolve().parents[2] / "cordee"


def test_every_chart_spec_comes_from_the_one_builder():
    # five modules wrote their own Vega-Lite dicts (schema, data, marks) while Altair sat unused
    writers = sorted(
        str(path.relative_to(CORDEE))
        for path in CORDEE.rglob("*.py")
        if "vega.github.io/schema" in path.read_text() or "import altair" in path.read_text()
    )
    assert writers == ["core/charts.py"]


def test_a_spec_renders_and_keeps_its_marks_apart():
    values = [{"month": "2026-01", "lvr": -0.25}, {"month": "2026-02", "lvr": 0.5}]
    spec = charts.chart_spec(
        values,
        mark=charts.BAR,
        width=200,
        height=100,
        encoding={
            "x": {"field": "month", "type": "ordinal"},
            "y": {"field": "lvr", "type": "quantitative"},
            "color": charts.signed_colour("lvr", "#0f9d8a"),
        },
    )
    spec["mark"]["cornerRadiusEnd"] = 9  # a caller's change stays in its own spec
    assert charts.BAR == {"type": "bar", "cornerRadiusEnd": 2}
    svg = charts.render_svg(spec)
    assert svg.startswith("<svg") and charts.NEGATIVE in svg and "#0f9d8a" in svg


def _svg_texts(svg: str) -> list[str]:
    return [html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def _dated_chart(field_type: str, values: list[str]) -> dict:
    return charts.chart_spec(
        [{"when": v, "n": i + 1} for i, v in enumerate(values)],
        mark=charts.BAR,
        width=300,
        height=100,
        encoding={
            "x": {"field": "when", "type": field_type, "title": None},
            "y": {"field": "n", "type": "quantitative", "title": None},
        },
    )


def test_a_french_chart_writes_its_months_and_days_in_french_never_iso():
    months = _dated_chart("ordinal", ["2026-01", "2026-02", "2026-03"])
    days = _dated_chart("ordinal", ["2026-03-12", "2026-03-13"])
    with translation.override("fr"):
        month_labels, day_labels = (_svg_texts(charts.render_svg(s)) for s in (months, days))
    with translation.override("en"):
        english = _svg_texts(charts.render_svg(months)) + _svg_texts(charts.render_svg(days))

    # d3's French short months: janv., févr., mars; days as dd/mm/yyyy
    assert {"janv. 2026", "févr. 2026", "mars 2026"} <= set(month_labels)
    assert {"12/03/2026", "13/03/2026"} <= set(day_labels)
    assert {"Jan 2026", "Feb 2026", "Mar 2026", "03/12/2026", "03/13/2026"} <= set(english)
    iso = re.compile(r"\d{4}-\d{2}")
    assert not [t for t in month_labels + day_labels + english if iso.search(t)]
