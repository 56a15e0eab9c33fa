"""Charts: Vega-Lite specs built by ``chart_spec`` below, rendered to SVG on the server by vl-convert.

Every chart is one mark over inline values, so a spec is a plain dict in Vega-Lite's own words
(docs/adr/0003-charts-without-altair.md says why not Altair). One spec serves pages, e-mails
and the API. Rendering costs ~1 s for the first chart of a process and tens of milliseconds
after, so SVGs are cached by a key that changes when the data does (callers put a data version
or the hour in it) — never rendered per request.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.cache import cache

PALETTE = ["#4f46e5", "#0f9d8a", "#e8833a", "#c2417a", "#3b82c4", "#8a6d3b", "#6b7280", "#9b59b6"]
FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"

THEME: dict[str, Any] = {
    "background": "transparent",
    "font": FONT,
    "view": {"stroke": None},
    "aria": False,
    "axis": {
        "labelColor": "#4b5563",
        "titleColor": "#374151",
        "gridColor": "#eceef2",
        "domainColor": "#d1d5db",
        "tickColor": "#d1d5db",
        "labelFontSize": 11,
        "titleFontSize": 11,
        "titleFontWeight": 600,
    },
    "legend": {
        "labelColor": "#374151",
        "titleColor": "#374151",
        "labelFontSize": 11,
        "titleFontSize": 11,
        "orient": "bottom",
    },
    "range": {"category": PALETTE},
    "title": {"color": "#111827", "fontSize": 13, "anchor": "start"},
}


SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
BAR: dict[str, Any] = {"type": "bar", "cornerRadiusEnd": 2}
LINE: dict[str, Any] = {"type": "line", "point": True, "strokeWidth": 2}
NEGATIVE = "#c2362f"  # bars below zero


def chart_spec(
    values: list[dict[str, Any]],
    *,
    mark: str | dict[str, Any],
    encoding: dict[str, Any],
    width: int,
    height: int | dict[str, Any],
) -> dict[str, Any]:
    """The Vega-Lite spec of one ``mark`` over ``values``; ``encoding`` in Vega-Lite's names
    (``x``, ``y``, ``color``, ``tooltip``…); the theme is added when rendering."""
    return {
        "$schema": SCHEMA,
        "width": width,
        "height": height,
        "data": {"values": values},
        "mark": dict(mark) if isinstance(mark, dict) else mark,
        "encoding": encoding,
    }


def signed_colour(field: str, colour: str) -> dict[str, Any]:
    """``colour`` for a ``field`` at or above zero, red below."""
    return {"condition": {"test": f"datum.{field} < 0", "value": NEGATIVE}, "value": colour}


def themed(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec with Cordée's look (colours, font, axes)."""
    return {**spec, "config": {**THEME, **spec.get("config", {})}}


def render_svg(spec: dict[str, Any]) -> str:
    """SVG in the active language's number and date formats. Vega's generated ARIA
    descriptions are English-only, so they are switched off; pages label each chart
    themselves (``aria-label`` on the figure)."""
    import vl_convert
    from django.utils.translation import get_language

    if (get_language() or "fr").startswith("fr"):
        svg: str = vl_convert.vegalite_to_svg(
            themed(spec), format_locale="fr-FR", time_format_locale="fr-FR"
        )
    else:
        svg = vl_convert.vegalite_to_svg(
            themed(spec), format_locale="en-US", time_format_locale="en-US"
        )
    return svg


def cached_svg(key: str, build: Callable[[], dict[str, Any]], *, timeout: int = 3600) -> str:
    """The SVG of ``build()``'s spec, cached under ``key`` + a digest of the spec itself."""
    spec = build()
    digest = hashlib.sha256(json.dumps(spec, sort_keys=True, default=str).encode()).hexdigest()[:16]
    from django.utils.translation import get_language

    full_key = f"chart:{key}:{get_language()}:{digest}"
    svg = cache.get(full_key)
    if svg is None:
        svg = render_svg(spec)
        cache.set(full_key, svg, timeout)
    return str(svg)
