"""The campaign calendar's pages: the month (weeks of days, each campaign a bar over its days;
on a phone, the weeks as lists), the quarter (a row per campaign), their filters by pod and
channel; the person's ICS feed (made, replaced, revoked here) and the feed's URL itself, which
needs no session (its secret authenticates)."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cordee.codesign import calendar, calendar_render, feeds
from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.core.redirects import next_url
from cordee.core.web import workspace_view
from cordee.crm.models import Channel

_NEW_FEED_KEY = "new_calendar_feed_secret"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(value: str | None, default: dt.date) -> dt.date:
    """``YYYY-MM`` as its first day (anything else: ``default``'s month)."""
    found = _MONTH.match(value or "")
    if found:
        year, month = int(found.group(1)), int(found.group(2))
        if 1900 <= year <= 2999 and 1 <= month <= 12:
            return dt.date(year, month, 1)
    return calendar.month_start(default)


def _query(request: HttpRequest) -> dict[str, list[str]]:
    """The page's filters as they came (kept on every link of the page)."""
    return {
        k: [v for v in request.GET.getlist(k) if v]
        for k in ("pod", "channel")
        if request.GET.get(k)
    }


def _link(path: str, query: dict[str, list[str]], **more: str) -> str:
    pairs = [(k, v) for k, values in query.items() for v in values] + list(more.items())
    return path + ("?" + urllib.parse.urlencode(pairs) if pairs else "")


def _common(request: HttpRequest, actor: Actor) -> dict[str, Any]:
    query = _query(request)
    filters = calendar.filters_parse(query.get("pod", []), query.get("channel", []), actor=actor)
    pods = calendar.pod_names(actor=actor)
    feed = feeds.feed_current(actor=actor)
    secret = request.session.pop(_NEW_FEED_KEY, None)
    return {
        "nav": "campaign_calendar",
        "query": query,
        "filters": filters,
        "pods": pods,
        "pod_choice": (query.get("pod") or [""])[0],
        "channel_choice": (query.get("channel") or [""])[0],
        "channels": Channel.choices,
        "channel_labels": dict(Channel.choices),
        "no_pod": calendar.NO_POD,
        "my_pods": calendar.MY_PODS,
        "feed": feed,
        "feed_urls": (
            {
                "all": feeds.feed_url(secret),
                "mine": feeds.feed_url(secret, {"pod": [calendar.MY_PODS]}),
                "these": feeds.feed_url(secret, query) if query else "",
            }
            if secret
            else None
        ),
        "today": actor.workspace.today(),
    }


def _writer(actor: Actor, context: dict[str, Any]) -> calendar_render.Writer:
    return calendar_render.Writer(actor.workspace.slug, context["channel_labels"], context["pods"])


@workspace_view
def calendar_month(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The month: a grid of weeks starting on the workspace's first weekday, each campaign a
    bar over its days, and the same weeks as lists (what a phone shows)."""
    context = _common(request, actor)
    today = context["today"]
    month = _month(request.GET.get("month"), today)
    first_day = calendar.first_weekday(actor.workspace.country)
    start, end = calendar.grid_range(month, first_day)
    entries = calendar.campaigns_between(
        actor=actor, start=start, end=end, filters=context["filters"]
    )
    weeks = calendar.month_weeks(entries, month, first_day)
    path = reverse("campaign_calendar", args=[actor.workspace.slug])
    query = context["query"]
    writer = _writer(actor, context)
    context.update(
        {
            "view": "month",
            "month": month,
            "weeks": [
                {
                    "start": w.start,
                    "days": w.days,
                    "cells": calendar_render.week_days(w, month.month, today),
                    "entries": w.entries,
                    "bars": calendar_render.week_bars(writer, w),
                    "list": calendar_render.week_list(writer, w.entries),
                }
                for w in weeks
            ],
            "weekdays": weeks[0].days if weeks else [],
            "count": len(entries),
            "prev_url": _link(path, query, month=f"{calendar.add_months(month, -1):%Y-%m}"),
            "next_url": _link(path, query, month=f"{calendar.add_months(month, 1):%Y-%m}"),
            "today_url": _link(path, query),
            "month_url": _link(path, query, month=f"{month:%Y-%m}"),
            "quarter_url": _link(
                reverse("campaign_calendar_quarter", args=[actor.workspace.slug]),
                query,
                start=f"{calendar.quarter_start(month, actor.workspace.fiscal_year_start_month):%Y-%m}",
            ),
            "self_path": path,
        }
    )
    return render(request, "codesign/calendar_month.html", context)


@workspace_view
def calendar_quarter(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Three months (the workspace's fiscal quarter by default), a row per campaign."""
    context = _common(request, actor)
    today = context["today"]
    fiscal = actor.workspace.fiscal_year_start_month
    start = calendar.quarter_start(_month(request.GET.get("start"), today), fiscal)
    if request.GET.get("start") and _MONTH.match(request.GET["start"]):
        start = _month(request.GET.get("start"), today)  # any three months the link asks for
    end = calendar.month_end(calendar.add_months(start, 2))
    entries = calendar.campaigns_between(
        actor=actor, start=start, end=end, filters=context["filters"]
    )
    path = reverse("campaign_calendar_quarter", args=[actor.workspace.slug])
    query = context["query"]
    total = (end - start).days + 1
    today_offset = (today - start).days * 100 // total if start <= today <= end else None
    context.update(
        {
            "view": "quarter",
            "start": start,
            "end": end,
            "rows": calendar_render.gantt_rows(
                _writer(actor, context), calendar.quarter_rows(entries, start, end), today_offset
            ),
            "marks": calendar.month_marks(start, end),
            "count": len(entries),
            "prev_url": _link(path, query, start=f"{calendar.add_months(start, -3):%Y-%m}"),
            "next_url": _link(path, query, start=f"{calendar.add_months(start, 3):%Y-%m}"),
            "today_url": _link(path, query),
            "month_url": _link(
                reverse("campaign_calendar", args=[actor.workspace.slug]),
                query,
                month=f"{start:%Y-%m}",
            ),
            "quarter_url": _link(path, query, start=f"{start:%Y-%m}"),
            "self_path": path,
        }
    )
    return render(request, "codesign/calendar_quarter.html", context)


def _back(request: HttpRequest, actor: Actor) -> str:
    """Back to the calendar page the form was on (same site only), at its feed section."""
    fallback = reverse("campaign_calendar", args=[actor.workspace.slug])
    return next_url(request, fallback) + "#calendar-feed"


@require_POST
@workspace_view
def calendar_feed_create(request: HttpRequest, actor: Actor) -> HttpResponse:
    """A new feed URL (the one before, if any, stops working); shown once on the page."""
    _feed, secret = feeds.feed_create(actor=actor)
    request.session[_NEW_FEED_KEY] = secret
    return HttpResponseRedirect(_back(request, actor))


@require_POST
@workspace_view
def calendar_feed_revoke(request: HttpRequest, actor: Actor) -> HttpResponse:
    if feeds.feed_revoke(actor=actor):
        messages.success(request, _("Your calendar feed was revoked: its address no longer works."))
    return HttpResponseRedirect(_back(request, actor))


@require_GET
def calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    """The ICS feed: no session, the secret in the URL authenticates; 404 for anything that is
    not a live feed."""
    try:
        feed, actor = feeds.feed_by_secret(secret)
    except NotFound:
        return HttpResponse(b"Not found\n", status=404, content_type="text/plain; charset=utf-8")
    body = feeds.feed_document(feed, actor, {k: request.GET.getlist(k) for k in request.GET})
    feeds.feed_touch(feed)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="campaigns.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response
