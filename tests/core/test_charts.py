"""Charts are built one way: plain Vega-Lite specs from ``core.charts.chart_spec`` (ADR 0003)."""

from __future__ import annotations

from pathlib import Path

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
