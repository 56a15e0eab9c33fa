"""Where a feedback item is read: the link notifications, digests and webhooks carry."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from cordee.feedback.models import (
    FeedbackItem,
)


def item_url(item: FeedbackItem) -> str:
    """The item's page (named ``feedback_detail`` by the pages; a stable path otherwise)."""
    try:
        return reverse("feedback_detail", kwargs={"slug": item.workspace.slug, "pk": item.pk})
    except NoReverseMatch:
        return f"/w/{item.workspace.slug}/feedback/{item.pk}/"
