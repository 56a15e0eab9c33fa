"""The search page's result lines, written in Python: the page shows up to 50 of them, and the
template engine spent a few milliseconds of every search on their ~250 lookups and escapes."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from cordee.search.selectors import Hit

register = template.Library()


@register.filter
def result_lines(hits: Iterable[Hit]) -> SafeString:
    """``<li>`` per hit: its name linked to its page, then its detail, shortened (escaped)."""
    return format_html_join(
        "\n",
        '<li><a href="{}">{}</a>{}</li>',
        (
            (
                hit.url,
                hit.title,
                format_html(' <span class="muted">{}</span>', hit.summary) if hit.detail else "",
            )
            for hit in hits
        ),
    )
