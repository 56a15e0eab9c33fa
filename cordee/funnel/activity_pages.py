"""What the activity panel, the record timeline and a queue row after a logged call show."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from cordee.core import redirects
from cordee.core.actor import Actor
from cordee.funnel import presenters
from cordee.funnel.activities import account_contacts, record_about
from cordee.funnel.models import CallOutcome, Lead, TouchKind
from cordee.funnel.timeline import SOURCES, timeline

# the other kinds a person logs with a note (calls have their one-tap outcome buttons)
OTHER_KINDS = (TouchKind.SALES_EMAIL, TouchKind.MEETING, TouchKind.MESSAGE, TouchKind.NOTE)


def local_input_datetime(actor: Actor, value: str) -> str:
    """A ``datetime-local`` control's value (no offset), read in the workspace's time zone."""
    try:
        naive = dt.datetime.fromisoformat(value)
    except ValueError:
        return value  # the schema names the field
    if naive.tzinfo is None:
        naive = naive.replace(tzinfo=actor.workspace.zone)
    return naive.isoformat()


def call_buttons() -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in CallOutcome.choices]


def timeline_query(request: HttpRequest) -> tuple[list[str], int]:
    """The timeline's filter (``kind``, repeatable) and page from a request."""
    kinds = [k for k in request.GET.getlist("kind") if k in SOURCES]
    try:
        page_number = max(int(request.GET.get("page") or 1), 1)
    except ValueError:
        page_number = 1
    return kinds, page_number


def timeline_panel(
    actor: Actor,
    record: str,
    pk: int,
    *,
    kinds: list[str] | None = None,
    page_number: int = 1,
    next_url: str = "",
) -> dict[str, Any]:
    """The panel of a record's page: log buttons, the task form, the timeline (filtered)."""
    kinds = kinds or []
    about = record_about(actor=actor, record=record, record_id=pk)
    page = timeline(actor=actor, about=about, kinds=kinds, page=page_number)
    slug = actor.workspace.slug
    timeline_url = reverse("record_timeline", args=[slug, record, pk])
    more = urlencode([*(("kind", k) for k in kinds), ("page", page.page + 1)])
    return {
        "record": record,
        "record_pk": pk,
        "timeline": page,
        "entries": [(e, SOURCES[e.kind].label) for e in page.entries],
        "more_url": f"{timeline_url}?{more}" if page.has_next else "",
        "filters": [(k, s.label, k in kinds) for k, s in SOURCES.items()],
        "chosen": kinds,
        "can_log": actor.can("activity.write"),
        "contacts": account_contacts(actor=actor, account_id=pk) if record == "account" else [],
        "call_outcomes": call_buttons(),
        "other_kinds": [(str(k), str(k.label)) for k in OTHER_KINDS],
        "log_url": reverse("activity_log", args=[slug, record, pk]),
        "task_url": reverse("task_plan", args=[slug, record, pk]),
        "timeline_url": timeline_url,
        "next": next_url,
        "default_due": (actor.workspace.now_local() + dt.timedelta(days=1))
        .replace(second=0, microsecond=0, tzinfo=None)
        .isoformat(timespec="minutes"),
        "title": _("Timeline"),
    }


def queue_row(request: HttpRequest, actor: Actor, lead_id: int) -> dict[str, Any]:
    """One queue row again, with its clocks as of now (after a logged call)."""
    lead = Lead.objects.select_related("contact__account", "owner", "pod", "source_campaign").get(
        workspace=actor.workspace, pk=lead_id
    )
    rows = presenters.queue_rows(actor, [lead])
    back = redirects.next_url(request, reverse("mql_queue", args=[actor.workspace.slug]))
    return {**rows, "row": rows["rows"][0], "next": back}
