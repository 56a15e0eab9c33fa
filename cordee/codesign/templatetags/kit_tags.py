"""The readiness kit's card on the campaign page (``codesign/kit_card.html``)."""

from __future__ import annotations

from typing import Any

from django import template

from cordee.codesign.kit_views import kit_card_context

register = template.Library()


@register.inclusion_tag("codesign/kit_card_body.html", takes_context=True)
def kit_card(context: template.Context, campaign: Any) -> dict[str, Any]:
    return {"workspace": context["workspace"], **kit_card_context(context["actor"], campaign)}
