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
import re
from collections.abc import Callable
from typing import Any, Literal

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


# ISO months ("2026-03") and days ("2026-03-12"), as the data of every dated axis holds them
_ISO_DATE = {"month": re.compile(r"^\d{4}-\d{2}$"), "day": re.compile(r"^\d{4}-\d{2}-\d{2}$")}
# how each locale writes them (d3 time formats; month names come from time_format_locale)
DATE_FORMATS = {
    "fr": {"month": "%b %Y", "day": "%d/%m/%Y"},  # janv. 2026, 12/03/2026
    "en": {"month": "%b %Y", "day": "%m/%d/%Y"},  # Jan 2026, 03/12/2026
}
Locale = Literal["fr-FR", "en-US"]
LOCALES: dict[str, Locale] = {"fr": "fr-FR", "en": "en-US"}


def _date_kind(values: list[dict[str, Any]], field: str) -> str | None:
    """ "month" or "day" when every value of ``field`` is an ISO month or day; else None."""
    found = [v.get(field) for v in values if v.get(field) is not None]
    for kind, pattern in _ISO_DATE.items():
        if found and all(isinstance(x, str) and pattern.match(x) for x in found):
            return kind
    return None


def dated_axes(spec: dict[str, Any], language: str) -> dict[str, Any]:
    """The spec with every axis over ISO months or days labelled in ``language``'s format
    ("janv. 2026", "12/03/2026"): the data keeps ISO values (they sort), only labels change,
    read in UTC so that a day stays itself. (Temporal axes need nothing: Vega writes their ticks
    with ``time_format_locale``.)"""
    formats = DATE_FORMATS["fr" if language.startswith("fr") else "en"]
    values = spec.get("data", {}).get("values") or []
    encoding = dict(spec.get("encoding", {}))
    for channel in ("x", "y"):
        enc = encoding.get(channel)
        if not isinstance(enc, dict) or "field" not in enc:
            continue
        if enc.get("type") not in ("ordinal", "nominal"):
            continue
        kind = _date_kind(values, enc["field"])
        if kind is None:
            continue
        axis = dict(enc.get("axis") or {})
        axis.setdefault("labelExpr", f"utcFormat(toDate(datum.value), '{formats[kind]}')")
        encoding[channel] = {**enc, "axis": axis}
    return {**spec, "encoding": encoding}


def render_svg(spec: dict[str, Any]) -> str:
    """SVG in the active language's number and date formats (dated axes included). Vega's
    generated ARIA descriptions are English-only, so they are switched off; pages label each
    chart themselves (``aria-label`` on the figure)."""
    import vl_convert
    from django.utils.translation import get_language

    language = "fr" if (get_language() or "fr").startswith("fr") else "en"
    svg: str = vl_convert.vegalite_to_svg(
        themed(dated_axes(spec, language)),
        format_locale=LOCALES[language],
        time_format_locale=LOCALES[language],
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
