"""An agenda item in the reader's language, and the page of the object it names.

(Skeleton: each source's words and link are being written.)"""

from __future__ import annotations

from cordee.rituals.models import AgendaItem


def item_label(item: AgendaItem) -> str:
    """The item's line, in the active language."""
    return item.title or f"{item.get_source_display()} #{item.object_id}"


def item_url(item: AgendaItem, workspace_slug: str) -> str | None:
    """The page of the object the item names (None for a hand-added line)."""
    return None
