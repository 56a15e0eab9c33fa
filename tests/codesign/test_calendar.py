"""The campaign calendar: the month grid and its filters on a hand-made set, the quarter, the
query count flat from 5 to 50 campaigns, the ICS feed (its content parsed back, escaping and
folding, a revoked or replaced or guessed URL answering 404), the API.

The hand-made set (Acme, France: weeks start on Monday). March 2026 begins on a Sunday and ends
on a Tuesday, so its grid runs from Monday 23 February to Sunday 5 April (6 weeks); February's
runs from Monday 26 January to Sunday 1 March (5 weeks).

| campaign | days                  | channel  | current brief's pods            |
|----------|-----------------------|----------|---------------------------------|
| A        | 25 Feb – 3 Mar        | event    | North                           |
| B        | 10 Mar (no end date)  | webinar  | — (no brief)                    |
| C        | 16 Mar – 12 Apr       | linkedin | South (version 1 said North)    |
| D        | 7 Apr – 20 Apr        | emailing | North (after March's grid)      |
| E        | no start date         | seo      | North (on no calendar)          |
| G        | 1 – 31 Mar            | webinar  | Globex's (never in Acme)        |

By hand, March's grid: A, B, C (the earliest first); February's: A only. A in March's first
week (23 Feb – 1 Mar): from Wednesday (column 3) for 5 days, going on after; in the second
(2 – 8 Mar): columns 1–2, begun before. B: the Tuesday of 9 – 15 Mar (column 2), one day.
C: the whole week of 16 – 22 Mar (column 1, 7 days, going on after), and the last week (30 Mar –
5 Apr), begun before and going on after.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from cordee.codesign import calendar, feeds
from cordee.codesign.models import BriefVersion, CalendarFeed
from cordee.core.models import AuditEntry
from cordee.people.models import PodMember
from cordee.tenancy.models import Membership
from tests import factories as f

pytestmark = pytest.mark.django_db

D = dt.date


def _campaign(ws: Any, name: str, start: D | None, end: D | None, channel: str, *pods: Any) -> Any:
    c = f.CampaignFactory(workspace=ws, name=name, start_date=start, end_date=end, channel=channel)
    for number, pod in enumerate(pods, start=1):
        BriefVersion.objects.create(workspace=ws, campaign=c, number=number, pods=[pod.pk])
    return c


@pytest.fixture
def hand_made(personas: Any) -> dict[str, Any]:
    ws = personas.acme
    north = f.PodFactory(workspace=ws, name="Nord")
    south = f.PodFactory(workspace=ws, name="Sud")
    PodMember.objects.create(pod=north, user=personas.bob)
    other = f.PodFactory(workspace=personas.globex, name="Globex")
    return {
        "north": north,
        "south": south,
        "A": _campaign(ws, "Salon Lyon", D(2026, 2, 25), D(2026, 3, 3), "event", north),
        "B": _campaign(ws, "Webinaire", D(2026, 3, 10), None, "webinar"),
        "C": _campaign(ws, "LinkedIn", D(2026, 3, 16), D(2026, 4, 12), "linkedin", north, south),
        "D": _campaign(ws, "E-mailing", D(2026, 4, 7), D(2026, 4, 20), "emailing", north),
        "E": _campaign(ws, "Sans date", None, None, "seo", north),
        "G": _campaign(personas.globex, "Globex", D(2026, 3, 1), D(2026, 3, 31), "webinar", other),
    }


def _ids(entries: list[calendar.Entry]) -> list[int]:
    return [e.id for e in entries]


def _between(personas: Any, start: D, end: D, pods=(), channels=(), who="alice") -> list[int]:
    actor = personas.actor(who)
    filters = calendar.filters_parse(pods, channels, actor=actor)
    return _ids(calendar.campaigns_between(actor=actor, start=start, end=end, filters=filters))


# -- the month ------------------------------------------------------------------------------------


def test_the_grid_runs_in_whole_weeks_from_the_workspaces_first_weekday():
    assert calendar.first_weekday("FR") == 0 and calendar.first_weekday("US") == 6
    assert calendar.grid_range(D(2026, 3, 1), 0) == (D(2026, 2, 23), D(2026, 4, 5))
    assert calendar.grid_range(D(2026, 2, 1), 0) == (D(2026, 1, 26), D(2026, 3, 1))
    # on Sundays (the United States): 1 March 2026 is a Sunday, 31 March a Tuesday
    assert calendar.grid_range(D(2026, 3, 1), 6) == (D(2026, 3, 1), D(2026, 4, 4))


def test_the_month_holds_the_campaigns_running_in_its_weeks(personas, hand_made):
    h = hand_made
    assert _between(personas, D(2026, 2, 23), D(2026, 4, 5)) == [h["A"].pk, h["B"].pk, h["C"].pk]
    # the campaign spanning two months is in both
    assert _between(personas, D(2026, 1, 26), D(2026, 3, 1)) == [h["A"].pk]
    entries = calendar.campaigns_between(
        actor=personas.actor("alice"), start=D(2026, 2, 23), end=D(2026, 4, 5)
    )
    weeks = calendar.month_weeks(entries, D(2026, 3, 1), 0)
    assert [w.start for w in weeks] == [D(2026, 2, 23) + dt.timedelta(weeks=i) for i in range(6)]

    def bars(week: calendar.Week) -> list[tuple[int, int, int, bool, bool]]:
        return [(b.entry.id, b.column, b.span, b.starts_before, b.ends_after) for b in week.bars]

    assert bars(weeks[0]) == [(h["A"].pk, 3, 5, False, True)]
    assert bars(weeks[1]) == [(h["A"].pk, 1, 2, True, False)]
    assert bars(weeks[2]) == [(h["B"].pk, 2, 1, False, False)]
    assert bars(weeks[3]) == [(h["C"].pk, 1, 7, False, True)]
    assert bars(weeks[5]) == [(h["C"].pk, 1, 7, True, True)]


def test_the_pods_are_the_current_briefs_and_no_brief_is_no_pod(personas, hand_made):
    h = hand_made
    march = (D(2026, 2, 23), D(2026, 4, 5))
    north, south = str(h["north"].pk), str(h["south"].pk)
    assert _between(personas, *march, pods=[north]) == [h["A"].pk]  # C's brief is South now
    assert _between(personas, *march, pods=[south]) == [h["C"].pk]
    assert _between(personas, *march, pods=["none"]) == [h["B"].pk]
    assert _between(personas, *march, pods=[north, "none"]) == [h["A"].pk, h["B"].pk]
    assert _between(personas, *march, channels=["webinar"]) == [h["B"].pk]
    assert _between(personas, *march, pods=[north], channels=["webinar"]) == []
    # "my pods": bob is in North; alice is in no pod, so hers match nothing
    assert _between(personas, *march, pods=["mine"], who="bob") == [h["A"].pk]
    assert _between(personas, *march, pods=["mine"], who="alice") == []
    # values nobody knows are dropped, not refused: a stale link still shows the calendar
    assert _between(personas, *march, pods=["x"], channels=["fax"]) == _between(personas, *march)
    entries = calendar.campaigns_between(
        actor=personas.actor("alice"), start=march[0], end=march[1]
    )
    assert {e.id: e.pods for e in entries} == {
        h["A"].pk: (h["north"].pk,),
        h["B"].pk: (),
        h["C"].pk: (h["south"].pk,),
    }


def test_the_month_page_and_its_filters(personas, hand_made):
    h = hand_made
    client = Client()
    client.force_login(personas.bob)
    url = reverse("campaign_calendar", args=["acme"])

    def shown(query: str) -> set[int]:
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200
        html = response.content.decode()
        grid = html[html.index('id="calendar-grid"') : html.index('id="calendar-agenda"')]
        listed = html[html.index('id="calendar-agenda"') :]
        ids = {int(i) for i in re.findall(r'data-campaign="(\d+)"', grid)}
        assert ids == {int(i) for i in re.findall(r'data-campaign="(\d+)"', listed)}
        return ids

    assert shown("month=2026-03") == {h["A"].pk, h["B"].pk, h["C"].pk}
    assert shown("month=2026-02") == {h["A"].pk}
    assert shown("month=2026-04") == {h["C"].pk, h["D"].pk}
    assert shown(f"month=2026-03&pod={h['north'].pk}") == {h["A"].pk}
    assert shown("month=2026-03&pod=none") == {h["B"].pk}
    assert shown("month=2026-03&channel=linkedin") == {h["C"].pk}
    assert shown("month=2026-03&pod=mine") == {h["A"].pk}
    html = client.get(f"{url}?month=2026-03&channel=linkedin").content.decode()
    # navigation keeps the filters
    assert f'href="{url}?channel=linkedin&amp;month=2026-02"' in html
    assert f'href="{url}?channel=linkedin&amp;month=2026-04"' in html
    assert reverse("campaigns_detail", args=["acme", h["C"].pk]) in html
    # Globex's campaign never shows in Acme, and Acme's never in Globex
    assert str(h["G"].pk) not in re.findall(r'data-campaign="(\d+)"', html)
    carol = Client()
    carol.force_login(personas.carol)
    other = carol.get(reverse("campaign_calendar", args=["globex"]) + "?month=2026-03")
    assert set(re.findall(r'data-campaign="(\d+)"', other.content.decode())) == {str(h["G"].pk)}
    assert carol.get(f"{url}?month=2026-03").status_code == 404


def test_the_quarter_page(personas, hand_made):
    h = hand_made
    client = Client()
    client.force_login(personas.alice)
    url = reverse("campaign_calendar_quarter", args=["acme"])
    html = client.get(f"{url}?start=2026-01").content.decode()  # January to March
    assert re.findall(r'data-campaign="(\d+)"', html) == [str(h[k].pk) for k in "ABC"]
    # 90 days (31 + 28 + 31), each bar's start in whole percent rounded down, its length rounded
    # up: A from day 55 (25 Feb) → 5500 / 90 = 61.1 → 61 %, 7 days → 7.8 → 8 %; B day 68 (10 Mar)
    # → 75.6 → 75 %, 1 day → 1.1 → 2 %; C day 74 (16 Mar) → 82.2 → 82 %, 16 days → 17.8 → 18 %
    rows = calendar.quarter_rows(
        calendar.campaigns_between(
            actor=personas.actor("alice"), start=D(2026, 1, 1), end=D(2026, 3, 31)
        ),
        D(2026, 1, 1),
        D(2026, 3, 31),
    )
    assert [(r.offset, r.width, r.ends_after) for r in rows] == [
        (61, 8, False),
        (75, 2, False),
        (82, 18, True),
    ]
    assert 'class="gantt__bar cal-bar--event off-61 pct-8"' in html
    # a fiscal year from April: the default quarter starts in January, April, July or October
    assert calendar.quarter_start(D(2026, 3, 15), 4) == D(2026, 1, 1)
    assert calendar.quarter_start(D(2026, 5, 15), 4) == D(2026, 4, 1)
    assert calendar.quarter_start(D(2026, 5, 15), 2) == D(2026, 5, 1)


def _many(ws: Any, pods: list[Any], count: int) -> None:
    for i in range(count):
        c = f.CampaignFactory(
            workspace=ws, start_date=D(2026, 3, 1 + i % 28), end_date=D(2026, 3, 28)
        )
        BriefVersion.objects.create(workspace=ws, campaign=c, number=1, pods=[pods[i % 2].pk])
        if i % 3 == 0:
            BriefVersion.objects.create(workspace=ws, campaign=c, number=2, pods=[pods[0].pk])


def test_the_query_count_does_not_grow_with_the_campaigns(personas, django_assert_num_queries):
    ws = personas.acme
    pods = [f.PodFactory(workspace=ws), f.PodFactory(workspace=ws)]
    client = Client()
    client.force_login(personas.alice)
    pages = [
        reverse("campaign_calendar", args=["acme"]) + "?month=2026-03",
        reverse("campaign_calendar_quarter", args=["acme"]) + "?start=2026-01",
        reverse("campaign_calendar", args=["acme"]) + f"?month=2026-03&pod={pods[0].pk}",
    ]

    def counts() -> list[int]:
        out = []
        for url in pages:
            client.get(url)  # the session settled
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            out.append(len(queries))
        return out

    _many(ws, pods, 5)
    five = counts()
    _many(ws, pods, 45)
    assert counts() == five
    actor = personas.actor("alice")
    with django_assert_num_queries(1):  # the selector: one query, pods included
        entries = calendar.campaigns_between(actor=actor, start=D(2026, 3, 1), end=D(2026, 3, 31))
    assert len(entries) == 50


# -- the ICS feed ---------------------------------------------------------------------------------


def _path(url: str) -> str:
    """The path and query of an absolute feed URL."""
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def test_the_feed_lists_the_campaigns_as_all_day_events(personas, hand_made):
    ws = personas.acme
    today = ws.today()
    name = "Salon, Lyon; édition 2026\nJour 2 — un nom assez long pour être plié à 75 octets"
    tricky = _campaign(ws, name, today, today + dt.timedelta(days=2), "event", hand_made["north"])
    alone = _campaign(ws, "Un jour", today + dt.timedelta(days=10), None, "webinar")
    _feed, secret = feeds.feed_create(actor=personas.actor("bob"))
    response = Client().get(reverse("calendar_feed", args=[secret]))  # no session
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    raw: bytes = response.content
    # RFC 5545: CRLF line ends, no line longer than 75 octets, folded lines go on after a space
    lines = raw.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in raw.replace(b"\r\n", b"")
    unfolded = raw.replace(b"\r\n ", b"").decode()
    assert "SUMMARY:Salon\\, Lyon\\; édition 2026\\nJour 2 — un nom" in unfolded
    assert any(line.startswith(b" ") for line in lines)  # the long name was folded
    cal = Calendar.from_ical(raw)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    uid = f"campaign-{tricky.pk}@127.0.0.1"
    event = events[uid]
    assert str(event["SUMMARY"]) == name  # escaping undone: the name as written
    assert event["DTSTART"].dt == today
    assert event["DTEND"].dt == today + dt.timedelta(days=3)  # exclusive: the day after the end
    assert event["URL"] == f"http://127.0.0.1:8000/w/acme/campaigns/{tricky.pk}/"
    assert "DTSTAMP" in event
    one = events[f"campaign-{alone.pk}@127.0.0.1"]
    assert (one["DTSTART"].dt, one["DTEND"].dt) == (
        today + dt.timedelta(days=10),
        today + dt.timedelta(days=11),
    )
    # the URL's filters: the person's pods only; March's campaigns are out of its window
    only = Client().get(reverse("calendar_feed", args=[secret]) + "?pod=mine")
    uids = {str(e["UID"]) for e in Calendar.from_ical(only.content).walk("VEVENT")}
    assert uids == {uid}
    # the same UIDs on every read (a calendar application updates, never duplicates)
    again = Calendar.from_ical(Client().get(reverse("calendar_feed", args=[secret])).content)
    assert {str(e["UID"]) for e in again.walk("VEVENT")} == set(events)


def test_a_revoked_replaced_or_guessed_feed_is_404(personas):
    actor = personas.actor("bob")
    feed, secret = feeds.feed_create(actor=actor)
    url = reverse("calendar_feed", args=[secret])
    assert Client().get(url).status_code == 200
    stored = CalendarFeed.objects.get(pk=feed.pk)
    assert stored.token_hash == feeds.secret_hash(secret) and secret not in stored.token_hash
    # replacing: the old URL stops at once, the new one works
    _new, other = feeds.feed_create(actor=actor)
    assert Client().get(url).status_code == 404
    new_url = reverse("calendar_feed", args=[other])
    assert Client().get(new_url).status_code == 200
    # alice's feed cannot be reached from bob's secret, nor by a guess of the same shape
    _alice, alice_secret = feeds.feed_create(actor=personas.actor("alice"))
    guess = alice_secret[:-4] + ("AAAA" if not alice_secret.endswith("AAAA") else "BBBB")
    for wrong in (guess, other[:-1], "x" * 43, "a" * 200):
        answer = Client().get(reverse("calendar_feed", args=[wrong]))
        assert answer.status_code == 404 and answer.content == b"Not found\n"
    # revoked: 404, the same answer
    assert feeds.feed_revoke(actor=actor) == 1
    gone = Client().get(new_url)
    assert gone.status_code == 404 and gone.content == b"Not found\n"
    # a member deactivated: their feed stops too
    Membership.objects.filter(workspace=personas.acme, user=personas.alice).update(is_active=False)
    assert Client().get(reverse("calendar_feed", args=[alice_secret])).status_code == 404
    actions = list(
        AuditEntry.objects.filter(target="calendar_feed")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "revoke", "create", "create", "revoke"]


def test_reading_the_feed_is_recorded_at_most_once_a_minute(personas, monkeypatch):
    feed, secret = feeds.feed_create(actor=personas.actor("bob"))
    url = reverse("calendar_feed", args=[secret])
    start = timezone.now()
    Client().get(url)
    first = CalendarFeed.objects.get(pk=feed.pk).last_used_at
    assert first is not None and first >= start
    with CaptureQueriesContext(connection) as queries:
        Client().get(url)
    assert not [q for q in queries if q["sql"].startswith("UPDATE")]
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at == first
    later = first + dt.timedelta(seconds=61)
    monkeypatch.setattr(feeds.timezone, "now", lambda: later)
    Client().get(url)
    assert CalendarFeed.objects.get(pk=feed.pk).last_used_at == later


def test_the_feed_is_made_shown_once_and_revoked_on_the_page(personas):
    client = Client()
    client.force_login(personas.bob)
    page = reverse("campaign_calendar", args=["acme"])
    response = client.post(reverse("campaign_calendar_feed_new", args=["acme"]), {"next": page})
    assert response.status_code == 302 and response["Location"] == page + "#calendar-feed"
    html = client.get(page).content.decode()
    url = re.search(r'id="calendar-feed-url">([^<]+)<', html).group(1)
    assert Client().get(_path(url)).status_code == 200
    assert 'id="calendar-feed-url"' not in client.get(page).content.decode()  # shown once
    client.post(reverse("campaign_calendar_feed_revoke", args=["acme"]))
    assert Client().get(_path(url)).status_code == 404


# -- the API --------------------------------------------------------------------------------------


def test_the_api_reads_the_calendar_and_makes_the_feed(personas, hand_made, api_as):
    h = hand_made
    api = api_as("bob")
    response = api.get(
        "campaigns/calendar", {"start": "2026-03-01", "end": "2026-03-31", "pod": "mine"}
    )
    assert response.status_code == 200, response.content
    assert response.json() == [
        {
            "id": h["A"].pk,
            "name": "Salon Lyon",
            "channel": "event",
            "status": "planned",
            "start_date": "2026-02-25",
            "end_date": "2026-03-03",
            "pods": [h["north"].pk],
            "url": f"http://127.0.0.1:8000/w/acme/campaigns/{h['A'].pk}/",
        }
    ]
    every = api.get("campaigns/calendar", {"start": "2026-03-01", "end": "2026-03-31"}).json()
    assert [c["id"] for c in every] == [h["A"].pk, h["B"].pk, h["C"].pk]
    assert every[1]["end_date"] == "2026-03-10" and every[1]["pods"] == []
    backwards = api.get("campaigns/calendar", {"start": "2026-03-31", "end": "2026-03-01"})
    assert backwards.status_code == 422 and "end" in backwards.json()["error"]["fields"]
    too_long = api.get("campaigns/calendar", {"start": "2026-01-01", "end": "2027-12-31"})
    assert too_long.status_code == 422
    made = api.post("me/calendar-feed")
    assert made.status_code == 201
    url = made.json()["url"]
    assert url.startswith("http://127.0.0.1:8000/feeds/calendar/") and url.endswith(".ics")
    assert Client().get(_path(url)).status_code == 200
    assert api.delete("me/calendar-feed").status_code == 204
    assert Client().get(_path(url)).status_code == 404
