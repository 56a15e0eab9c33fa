"""A person's ICS feed of the campaign calendar: a secret URL a calendar application reads
without a session (``/feeds/calendar/<secret>.ics``).

The secret is shown once, when made (as an API token); only its SHA-256 is kept. A person has at
most one live feed: making a new one revokes the one before (its URL answers 404 from then on),
and revoking ends it. A URL that is not a live feed's — revoked, never made, a guess, a
deactivated member's — answers the same 404, so it tells nothing of other feeds. Reading a feed
records ``last_used_at`` at most once a minute.

The feed's events: the campaigns of ``calendar.campaigns_between`` over ``FEED_PAST_DAYS``
before today to ``FEED_FUTURE_DAYS`` after, filtered by the URL's query (``pod``, ``channel``,
as the pages), each an all-day VEVENT (RFC 5545, written by the ``icalendar`` package: escaping,
line folding at 75 octets, CRLF).

Other apps add their events to the same feed through ``feed_source_register(fn)``: ``fn(actor,
query)`` gives a list of ``icalendar.Event`` (called in the reader's language), so a person
subscribes once — the rituals app adds the meetings of the committees the person sits on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import urllib.parse
from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from cordee.codesign import calendar
from cordee.codesign.models import CalendarFeed
from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.crm.models import CampaignStatus, Channel
from cordee.people.services import speaking_to
from cordee.tenancy.models import Membership

audit.audit_kind_register("calendar_feed", CalendarFeed._meta.verbose_name, CalendarFeed)

FeedSource = Callable[[Actor, Mapping[str, list[str]]], list[Event]]
_SOURCES: list[FeedSource] = []


def feed_source_register(source: FeedSource) -> None:
    """Add ``source``'s events to every person's feed (an upper app, from its ``ready()``)."""
    if source not in _SOURCES:
        _SOURCES.append(source)


FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 365
TOUCH_EVERY = dt.timedelta(minutes=1)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_url(secret: str, query: Mapping[str, Sequence[str]] | None = None) -> str:
    """The feed's absolute URL (``CORDEE_BASE_URL``), with its filters as the query."""
    url = settings.CORDEE_BASE_URL + reverse("calendar_feed", args=[secret])
    pairs = [(k, v) for k, values in (query or {}).items() for v in values]
    return url + ("?" + urllib.parse.urlencode(pairs) if pairs else "")


def feed_current(*, actor: Actor) -> CalendarFeed | None:
    """The actor's live feed in this workspace, if any."""
    return (
        CalendarFeed.objects.filter(
            workspace=actor.workspace, user=actor.user, revoked_at__isnull=True
        )
        .order_by("-created_at")
        .first()
    )


def _revoke_all(actor: Actor, now: dt.datetime) -> int:
    live = list(
        CalendarFeed.objects.select_for_update().filter(
            workspace=actor.workspace, user=actor.user, revoked_at__isnull=True
        )
    )
    for feed in live:
        feed.revoked_at = now
        feed.save(update_fields=["revoked_at", "updated_at"])
        audit.audit_write(
            actor=actor,
            action="revoke",
            target="calendar_feed",
            target_id=feed.pk,
            target_label=str(actor.user),
            before={"revoked_at": None},
            after={"revoked_at": now},
        )
    return len(live)


def feed_create(*, actor: Actor) -> tuple[CalendarFeed, str]:
    """A new feed for the actor (the one before, if any, revoked): the feed and its secret,
    which is never shown again."""
    secret = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        _revoke_all(actor, now)
        feed = CalendarFeed.objects.create(
            workspace=actor.workspace,
            user=actor.user,
            token_hash=secret_hash(secret),
            created_at=now,
        )
        audit.audit_write(
            actor=actor,
            action="create",
            target="calendar_feed",
            target_id=feed.pk,
            target_label=str(actor.user),
            after={"created_at": now},
        )
    return feed, secret


def feed_revoke(*, actor: Actor) -> int:
    """End the actor's feed (its URL answers 404 from now on); how many were live (0 or 1)."""
    with transaction.atomic():
        return _revoke_all(actor, timezone.now())


def feed_by_secret(secret: str) -> tuple[CalendarFeed, Actor]:
    """The live feed of ``secret`` and the person it reads as, or ``NotFound`` (one answer for a
    revoked feed, a member gone, a guess)."""
    if not secret or len(secret) > 100:
        raise NotFound(_("No such calendar feed."))
    feed = (
        CalendarFeed.objects.filter(token_hash=secret_hash(secret), revoked_at__isnull=True)
        .select_related("workspace", "user")
        .first()
    )
    membership = (
        Membership.objects.filter(
            workspace_id=feed.workspace_id, user_id=feed.user_id, is_active=True
        ).first()
        if feed is not None and feed.user.is_active
        else None
    )
    if feed is None or membership is None:
        raise NotFound(_("No such calendar feed."))
    return feed, Actor(user=feed.user, workspace=feed.workspace, role=membership.role)


def feed_touch(feed: CalendarFeed, now: dt.datetime | None = None) -> bool:
    """Record that the feed was read, at most once a minute (one UPDATE, none within the
    minute); True if recorded."""
    now = now or timezone.now()
    if feed.last_used_at is not None and now - feed.last_used_at < TOUCH_EVERY:
        return False
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    feed.last_used_at = now
    return True


def _campaign_url(workspace_slug: str, pk: int) -> str:
    return settings.CORDEE_BASE_URL + reverse("campaigns_detail", args=[workspace_slug, pk])


def ics(
    actor: Actor,
    entries: Sequence[calendar.Entry],
    pods: Mapping[int, str],
    query: Mapping[str, list[str]] | None = None,
) -> bytes:
    """The entries as an iCalendar document (RFC 5545), in the reader's language, with the
    registered sources' events (``feed_source_register``)."""
    workspace = actor.workspace
    host = urllib.parse.urlsplit(settings.CORDEE_BASE_URL).hostname or "cordee"
    channels = dict(Channel.choices)
    statuses = dict(CampaignStatus.choices)
    stamp = timezone.now()
    with speaking_to(workspace, actor.user):
        cal = Calendar()
        cal.add("prodid", "-//Cordée//Campaign calendar//EN")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        name = _("Campaigns of %(workspace)s") % {"workspace": workspace.name}
        cal.add("x-wr-calname", name)
        cal.add("x-wr-timezone", workspace.time_zone)
        for e in entries:
            event = Event()
            event.add("uid", f"campaign-{e.id}@{host}")
            event.add("dtstamp", e.updated_at or stamp)
            event.add("dtstart", e.start)  # a DATE: an all-day event
            event.add("dtend", e.end + dt.timedelta(days=1))  # exclusive: the day after
            event.add("summary", e.name)
            lines = [
                _("Channel: %(channel)s") % {"channel": channels.get(e.channel, e.channel)},
                _("Status: %(status)s") % {"status": statuses.get(e.status, e.status)},
                _("Pods: %(pods)s")
                % {"pods": ", ".join(pods.get(p, f"#{p}") for p in e.pods) or _("no pod")},
            ]
            event.add("description", "\n".join(lines))
            event.add("categories", [str(channels.get(e.channel, e.channel))])
            event.add("url", _campaign_url(workspace.slug, e.id))
            event.add("transp", "TRANSPARENT")  # a campaign does not make anyone busy
            if e.status == CampaignStatus.CANCELLED:
                event.add("status", "CANCELLED")
            cal.add_component(event)
        for source in _SOURCES:
            for extra in source(actor, query or {}):
                cal.add_component(extra)
    return bytes(cal.to_ical())


def feed_document(feed: CalendarFeed, actor: Actor, query: Mapping[str, list[str]]) -> bytes:
    """What the feed's URL answers: its campaigns, filtered by the URL's query."""
    today = actor.workspace.today()
    filters = calendar.filters_parse(query.get("pod", []), query.get("channel", []), actor=actor)
    entries = calendar.campaigns_between(
        actor=actor,
        start=today - dt.timedelta(days=FEED_PAST_DAYS),
        end=today + dt.timedelta(days=FEED_FUTURE_DAYS),
        filters=filters,
    )
    return ics(actor, entries, calendar.pod_names(actor=actor), query)
