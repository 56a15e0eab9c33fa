"""Template helpers of the feedback pages: the "Field feedback" button other pages show, the
nav badge, and durations in business days."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.http import urlencode

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
    """A duration in business days, the one unit of the loop-health page (the labels name it):
    "0.8", localised, one decimal; an em dash when unknown."""
    return "—" if days is None else floatformat(days, 1)
