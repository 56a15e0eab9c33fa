"""A meeting's agenda: written by the data since the previous meeting, edited by hand.

(Skeleton: the builder of the items from the data is being written; ``agenda_items`` and
``agenda_item_add`` are the interface the meeting page and the programmes use.)"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone

from cordee.core.actor import Actor
from cordee.rituals.models import AgendaItem, AgendaSource, Meeting
from cordee.rituals.selectors import meeting_run_require


def agenda_items(meeting: Meeting, *, removed: bool = False) -> QuerySet[AgendaItem]:
    """The meeting's items in order (the removed ones when ``removed``)."""
    return meeting.agenda_items.filter(removed_at__isnull=not removed).order_by("position", "id")


@transaction.atomic
def agenda_item_add(
    *,
    actor: Actor,
    meeting: Meeting,
    source: str = AgendaSource.MANUAL,
    object_id: int | None = None,
    title: str = "",
    params: dict[str, object] | None = None,
) -> AgendaItem:
    """Append an item to the meeting's agenda (an object's item once: its key is unique)."""
    meeting_run_require(actor, meeting.committee)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    last = meeting.agenda_items.aggregate(m=Max("position"))["m"] or 0
    key = f"{source}:{object_id}" if object_id is not None else f"{source}:{timezone.now():%s%f}"
    item, _created = AgendaItem.objects.get_or_create(
        meeting=meeting,
        key=key,
        defaults={
            "workspace": meeting.workspace,
            "source": source,
            "object_id": object_id,
            "position": last + 1,
            "title": title,
            "params": params or {},
            "added_by": actor.user,
        },
    )
    return item
