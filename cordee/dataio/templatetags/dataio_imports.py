"""Links to the import wizard for the navigation and the record lists, shown only to those
who may import (``data.import``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from cordee.dataio.models import ImportKind

register = template.Library()


def _importer(context: Any) -> Any:
    actor = context.get("actor")
    return actor if actor is not None and actor.can("data.import") else None


@register.simple_tag(takes_context=True)
def imports_url(context: Any) -> str:
    """The imports page, or "" for a role that may not import."""
    actor = _importer(context)
    return reverse("imports_list", args=[actor.workspace.slug]) if actor else ""


@register.simple_tag(takes_context=True)
def import_url(context: Any, kind: str) -> str:
    """A new import of ``kind`` (a record list's key), or "" when it cannot be imported."""
    actor = _importer(context)
    if actor is None or kind not in ImportKind.values:
        return ""
    return reverse("import_new", args=[actor.workspace.slug]) + f"?kind={kind}"
