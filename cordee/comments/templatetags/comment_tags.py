"""``{% comment_thread "lead" object %}``: the comments of a record, at the end of its page."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Model

from cordee.comments.views import thread_context

register = template.Library()


@register.inclusion_tag("comments/_thread.html", takes_context=True)
def comment_thread(context: template.Context, kind: str, record: Model) -> dict[str, Any]:
    request = context["request"]
    return {
        **thread_context(actor=request.actor, kind=kind, record_id=int(record.pk)),
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }
