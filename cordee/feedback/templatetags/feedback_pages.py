"""Template helpers of the feedback pages: the "Field feedback" button other pages show, the
nav badge, and durations in business days."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cordee.feedback.selectors.pages import new_items_count

register = template.Library()


@register.inclusion_tag("feedback/_button.html")
def feedback_button(actor: Any, **links: Any) -> dict[str, Any]:
    """A "Field feedback" button opening the form with the record(s) it is raised from, for
    those who may raise feedback (nothing for the others)."""
    if actor is None or not actor.can("feedback.submit"):
        return {"url": ""}
    query = {k: getattr(v, "pk", v) for k, v in links.items() if v}
    url = reverse("feedback_create", args=[actor.workspace.slug])
    return {"url": f"{url}?{urlencode(query)}" if query else url}


@register.simple_tag
def feedback_new_count(actor: Any) -> int:
    """Items waiting for triage (0 for those who do not triage)."""
    return new_items_count(actor=actor) if actor is not None else 0


@register.filter
def business_days(days: float | None) -> str:
    """A duration in business days, the one unit of the loop-health page: "0.8 business days"
    (localised, one decimal at most); an em dash when unknown."""
    if days is None:
        return "—"
    shown = floatformat(days, -1)
    # English says "1 business day" but "0.5 business days"; French "0,5 jour ouvré"
    count = 1 if shown == "1" else 0 if days < 1 else 2
    return ngettext("%(n)s business day", "%(n)s business days", count) % {"n": shown}
