"""The executive report shown: the page's context in the reader's language (each number written
as its KPI's values are, the charts as SVG rendered on the server by ``core.charts``) and the
PDF, made on the server by WeasyPrint from the same template (its print variant, without the
navigation).

The PDF never reaches the network: the stylesheets are read from the static files on disk, the
charts are inline SVG, and the fetcher WeasyPrint is given refuses any URL but a file under the
static folder (and ``data:``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from cordee.alignment.index_page import points
from cordee.alignment.report import ExecutiveReport, Number
from cordee.analytics import kpis as catalogue
from cordee.core.charts import BAR, LINE, cached_svg, chart_spec
from cordee.core.templatetags.cordee import percent
from cordee.funnel.goals_page import status_labels
from cordee.funnel.kpis_page import shown
from cordee.wins.story import post_title

if TYPE_CHECKING:
    from django.http import HttpRequest

STYLESHEETS = ("cordee/cordee.css", "cordee/report.css")  # the PDF's styles, read from disk


def number_row(number: Number, currency: str) -> dict[str, Any]:
    """A KPI of the month as the report writes it: its value, and a rate's parts."""
    kpi = number.kpi
    parts = ""
    if kpi.unit == catalogue.RATE and number.denominator is not None:
        parts = _("%(numerator)s of %(denominator)s") % {
            "numerator": number.numerator,
            "denominator": number.denominator,
        }
    return {
        "key": kpi.key,
        "label": _(kpi.label),
        "value": shown(kpi.unit, number.value, currency),
        "parts": parts,
        "other": [shown(catalogue.MONEY, v, code) for code, v in number.other_currencies.items()],
        "side": kpi.side,
    }


_score = points  # the index's one way of writing a value: "68,7", "—" when missing


def trend_chart(report: ExecutiveReport) -> str:
    """The index month by month (the months measured), or "" when none was."""
    rows = [
        {"month": f"{r.month:%Y-%m}", "score": round(r.score, 1)}
        for r in report.trend
        if r.score is not None
    ]
    if not rows:
        return ""
    month, score = _("Month"), _("Alignment index")
    return cached_svg(
        f"report-trend:{report.workspace.pk}:{report.pod.pk if report.pod else 0}:{report.key}",
        lambda: chart_spec(
            rows,
            mark=LINE,
            width=520,
            height=180,
            encoding={
                "x": {"field": "month", "type": "ordinal", "title": month},
                "y": {
                    "field": "score",
                    "type": "quantitative",
                    "title": score,
                    "scale": {"domain": [0, 100]},
                },
            },
        ),
    )


def parts_chart(report: ExecutiveReport) -> str:
    """Each measured part's value (0–100), or "" when no part was measured."""
    rows = [
        {"part": p.label, "value": round(p.value, 1)}
        for p in report.index.parts
        if p.value is not None
    ]
    if not rows:
        return ""
    part, value = _("Part"), _("Value (0–100)")
    return cached_svg(
        f"report-parts:{report.workspace.pk}:{report.pod.pk if report.pod else 0}:{report.key}",
        lambda: chart_spec(
            rows,
            mark=BAR,
            width=420,
            height={"step": 22},
            encoding={
                "y": {"field": "part", "type": "nominal", "title": part, "sort": None},
                "x": {
                    "field": "value",
                    "type": "quantitative",
                    "title": value,
                    "scale": {"domain": [0, 100]},
                },
            },
        ),
    )


def context(report: ExecutiveReport) -> dict[str, Any]:
    """What the report's template shows, in the active language."""
    currency = report.workspace.currency
    labels = status_labels()
    slug = report.workspace.slug
    query = f"?pod={report.pod.pk}" if report.pod else ""
    return {
        "report": report,
        "month_label": month_label(report.month),
        "index": report.index,
        "score": _score(report.index.score),
        "parts": [
            {
                "part": p,
                "value": _score(p.value),
                "weight": percent(p.effective_weight, 1) if p.value is not None else "—",
                "contribution": "—" if p.contribution is None else f"{p.contribution:.1f}",
            }
            for p in report.index.parts
        ],
        "missing": [p.label for p in report.index.parts if p.value is None],
        "trend": [(r.month, _score(r.score)) for r in report.trend],
        "trend_chart": trend_chart(report),
        "parts_chart": parts_chart(report),
        "sla": [number_row(n, currency) for n in report.sla],
        "funnel": [number_row(n, currency) for n in report.funnel],
        "goals": [
            {
                "id": g.goal.pk,
                "label": _(g.kpi.label),
                "period": g.goal.period,
                "target": shown(g.kpi.unit, g.goal.target, currency),
                "actual": shown(g.kpi.unit, g.progress.actual, currency),
                "status": g.progress.status,
                "status_label": labels.get(g.progress.status, g.progress.status),
            }
            for g in report.goals
        ],
        "themes": report.themes,
        "wins": [
            {
                "post": w,
                "title": post_title(w),
                "amount": shown(catalogue.MONEY, w.amount, w.currency or currency)
                if w.amount is not None
                else "",
            }
            for w in report.wins
        ],
        "page_url": reverse("report_month", args=[slug, report.key]) + query,
        "pdf_url": reverse("report_pdf", args=[slug, report.key]) + query,
    }


# -- the PDF --------------------------------------------------------------------------------------


def _static_root() -> Path:
    found = finders.find(STYLESHEETS[0])
    return Path(str(found)).resolve().parent


def stylesheet_paths() -> list[Path]:
    """The report's stylesheets as files on disk (never fetched over HTTP)."""
    paths = []
    for name in STYLESHEETS:
        found = finders.find(name)
        if not found:
            raise FileNotFoundError(name)
        paths.append(Path(str(found)))
    return paths


def local_fetcher(root: Path) -> Any:
    """A WeasyPrint URL fetcher that reads only files under ``root`` and ``data:`` URLs: a
    remote URL (an image, a font, a stylesheet) is refused, so making a PDF never waits on the
    network nor reaches another host."""
    from weasyprint.urls import URLFetcher

    class LocalOnly(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = urlparse(url).scheme.lower()
            if scheme == "file":
                path = Path(unquote(urlparse(url).path)).resolve()
                if not path.is_relative_to(root):
                    raise ValueError(f"Not a file of the report: {url}")
            elif scheme != "data":
                raise ValueError(f"The report's PDF fetches nothing remote: {url}")
            return super().fetch(url, headers)

    return LocalOnly(allowed_protocols={"file", "data"}, allow_redirects=False)


def report_html(report: ExecutiveReport, request: HttpRequest | None = None) -> str:
    """The report's print variant (no navigation), as the PDF is made from it."""
    return render_to_string(
        "alignment/report_print.html", {**context(report), "printed": True}, request=request
    )


def report_pdf(report: ExecutiveReport, request: HttpRequest | None = None) -> bytes:
    """The report as a PDF, made on the server."""
    import weasyprint

    root = _static_root()
    html = weasyprint.HTML(
        string=report_html(report, request),
        base_url=root.as_uri() + "/",
        url_fetcher=local_fetcher(root),
    )
    stylesheets = [weasyprint.CSS(filename=str(p)) for p in stylesheet_paths()]
    return bytes(html.write_pdf(stylesheets=stylesheets))


def pdf_filename(report: ExecutiveReport) -> str:
    pod = f"-pod-{report.pod.pk}" if report.pod else ""
    return f"{report.workspace.slug}-report-{report.key}{pod}.pdf"


def month_label(month: dt.date) -> str:
    """ "November 2026", "novembre 2026": the month in the active language."""
    return str(formats.date_format(month, "YEAR_MONTH_FORMAT"))
