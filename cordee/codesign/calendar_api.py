"""REST endpoints of the campaign calendar: the campaigns of a date range (the pages' selector),
and the caller's own ICS feed (made or replaced, revoked)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from cordee.codesign import calendar, feeds
from cordee.core.api import QuerySchema, current_actor
from cordee.core.errors import ValidationFailed

router = Router(tags=["Campaign calendar"])


class CalendarQuery(QuerySchema):
    start: dt.date
    end: dt.date
    pod: list[str] = Field(
        default_factory=list,
        description='Pod ids; "none": campaigns no brief places in a pod; "mine": your pods.',
    )
    channel: list[str] = Field(default_factory=list)


class CalendarCampaignOut(Schema):
    id: int
    name: str
    channel: str
    status: str
    start_date: dt.date
    end_date: dt.date = Field(description="The last day (included).")
    pods: list[int] = Field(description="The current brief's target pods ([]: no pod).")
    url: str


class CalendarFeedOut(Schema):
    url: str = Field(description="The feed's secret address: shown once, never again.")
    created_at: dt.datetime


@router.get(
    "/campaigns/calendar",
    response=list[CalendarCampaignOut],
    operation_id="campaign_calendar",
)
def campaign_calendar(request: HttpRequest, query: Query[CalendarQuery]) -> Any:
    """The campaigns running on at least one day from ``start`` to ``end`` (both included, at
    most 400 days), the earliest first, with their current brief's pods; filters as the pages
    (``pod`` and ``channel`` repeat)."""
    actor = current_actor(request)
    if query.end < query.start:
        raise ValidationFailed(
            _("The end comes before the start."),
            field_errors={"end": [_("The end comes before the start.")]},
        )
    if (query.end - query.start).days >= calendar.MAX_DAYS:
        message = _("Ask for at most %(n)s days at once.") % {"n": calendar.MAX_DAYS}
        raise ValidationFailed(message, field_errors={"end": [message]})
    filters = calendar.filters_parse(query.pod, query.channel, actor=actor)
    entries = calendar.campaigns_between(
        actor=actor, start=query.start, end=query.end, filters=filters
    )
    base = settings.CORDEE_BASE_URL
    return [
        {
            "id": e.id,
            "name": e.name,
            "channel": e.channel,
            "status": e.status,
            "start_date": e.start,
            "end_date": e.end,
            "pods": list(e.pods),
            "url": base + reverse("campaigns_detail", args=[actor.workspace.slug, e.id]),
        }
        for e in entries
    ]


@router.post(
    "/me/calendar-feed",
    response={201: CalendarFeedOut},
    operation_id="calendar_feed_create",
    tags=["Me"],
)
def calendar_feed_create(request: HttpRequest) -> Any:
    """A new address of your ICS feed of the campaign calendar (the one before, if any, stops
    working). Add ``?pod=…&channel=…`` to it to narrow the feed, as on the pages."""
    feed, secret = feeds.feed_create(actor=current_actor(request))
    return 201, {"url": feeds.feed_url(secret), "created_at": feed.created_at}


@router.delete(
    "/me/calendar-feed",
    response={204: None},
    operation_id="calendar_feed_revoke",
    tags=["Me"],
)
def calendar_feed_revoke(request: HttpRequest) -> Any:
    """Revoke your ICS feed: its address answers 404 from now on (nothing to revoke: 204 too)."""
    feeds.feed_revoke(actor=current_actor(request))
    return 204, None
