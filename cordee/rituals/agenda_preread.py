"""The pre-read pack of a meeting: its agenda with each item's line and link, the breaches
marked for the committee, two charts (the window's breaches by side and kind; each rejection
reason's share in the window against the window before), the committee's members by side and
its open action items. Read in a handful of queries whatever the number of items; the charts
are SVG rendered on the server (``core.charts``), cached by their data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.charts import BAR, cached_svg, chart_spec
from cordee.funnel.models import SlaBreach
from cordee.rituals import agenda_sources as sources
from cordee.rituals.agenda import agenda_items
from cordee.rituals.agenda_render import breach_kind_words, item_label, item_url
from cordee.rituals.models import ActionItem, AgendaItem, CommitteeMember, Meeting, MeetingState
from cordee.rituals.selectors import meeting_runnable, member_sides
from cordee.tenancy.models import User
from cordee.tenancy.roles import Side

BREACHES_LISTED = 200  # the pack lists at most this many breaches (the charts count them all)


@dataclass(frozen=True)
class Line:
    item: AgendaItem
    label: str
    url: str | None


def lines(items: QuerySet[AgendaItem] | list[AgendaItem], slug: str) -> list[Line]:
    return [Line(i, item_label(i), item_url(i, slug)) for i in items]


def side_words(side: str) -> str:
    return {"marketing": _("Marketing"), "sales": _("Sales")}.get(side, _("Other"))


def breaches_chart(window: sources.Window) -> str:
    """Breaches detected in the window, by kind, coloured by side (the pod's, with a pod)."""
    qs = SlaBreach.objects.filter(
        workspace=window.workspace, detected_at__gte=window.start, detected_at__lt=window.end
    )
    if window.pod_id is not None:
        qs = qs.filter(pod_id=window.pod_id)
    counts = Counter(qs.values_list("side", "kind"))
    if not counts:
        return ""
    rows = [
        {"kind": breach_kind_words(kind), "side": side_words(side), "n": n}
        for (side, kind), n in sorted(counts.items())
    ]
    title_kind, title_n, title_side = _("Kind"), _("Breaches"), _("Side")
    return cached_svg(
        f"agenda-breaches:{window.meeting.pk}",
        lambda: chart_spec(
            rows,
            mark=BAR,
            width=520,
            height={"step": 26},
            encoding={
                "y": {"field": "kind", "type": "nominal", "title": title_kind, "sort": "-x"},
                "x": {
                    "field": "n",
                    "type": "quantitative",
                    "title": title_n,
                    "stack": "zero",
                    "axis": {"tickMinStep": 1, "format": "d"},
                },
                "color": {"field": "side", "type": "nominal", "title": title_side},
                "tooltip": [
                    {"field": "side", "title": title_side},
                    {"field": "kind", "title": title_kind},
                    {"field": "n", "title": title_n},
                ],
            },
        ),
    )


def rejections_chart(shares: list[sources.ReasonShare]) -> str:
    """Each reason's share of the rejections: this window next to the window before."""
    if not shares or not any(s.total_now or s.total_before for s in shares):
        return ""
    now, before = _("Since the last meeting"), _("The window before")
    rows: list[dict[str, Any]] = []
    for s in shares:
        rows.append({"reason": s.label, "window": now, "share": float(s.share_now)})
        rows.append({"reason": s.label, "window": before, "share": float(s.share_before)})
    title_reason, title_share, title_window = _("Reason"), _("Share of rejections"), _("Window")
    return cached_svg(
        "agenda-rejections",
        lambda: chart_spec(
            rows,
            mark=BAR,
            width=520,
            height={"step": 14},
            encoding={
                "y": {"field": "reason", "type": "nominal", "title": title_reason},
                "yOffset": {"field": "window", "sort": [now, before]},
                "x": {
                    "field": "share",
                    "type": "quantitative",
                    "title": title_share,
                    "axis": {"format": "%"},
                },
                "color": {
                    "field": "window",
                    "type": "nominal",
                    "title": title_window,
                    "sort": [now, before],
                },
                "tooltip": [
                    {"field": "reason", "title": title_reason},
                    {"field": "window", "title": title_window},
                    {"field": "share", "title": title_share, "format": ".0%"},
                ],
            },
        ),
    )


def members_by_side(meeting: Meeting) -> list[tuple[str, list[User]]]:
    """The committee's members by side (marketing, sales, then the others), by name."""
    members = [
        m.user
        for m in CommitteeMember.objects.filter(committee_id=meeting.committee_id)
        .select_related("user")
        .order_by("user__first_name", "user__last_name", "user_id")
    ]
    sides = member_sides(meeting.workspace_id, [u.pk for u in members])
    out = []
    for side in (Side.MARKETING, Side.SALES):
        out.append((side_words(side), [u for u in members if sides.get(u.pk) == side]))
    others = [u for u in members if sides.get(u.pk) not in (Side.MARKETING, Side.SALES)]
    if others:
        out.append((side_words(""), others))
    return out


def preread(actor: Actor, meeting: Meeting) -> dict[str, Any]:
    """What the pre-read page shows."""
    slug = actor.workspace.slug
    window = sources.agenda_window(meeting)
    shares = sources.rejection_shares(window)
    breaches = list(
        sources.breaches_pending(window).select_related("lead__contact", "contract", "owner")[
            :BREACHES_LISTED
        ]
    )
    actions = list(
        ActionItem.objects.filter(committee_id=meeting.committee_id, done_at__isnull=True)
        .select_related("owner")
        .order_by("due_on", "id")
    )
    return {
        "meeting": meeting,
        "committee": meeting.committee,
        "window": window,
        "lines": lines(agenda_items(meeting), slug),
        "breaches": breaches,
        "breaches_chart": breaches_chart(window),
        "shares": shares,
        "rejections_chart": rejections_chart(shares),
        "rejection_rule": {
            "points": sources.REJECTION_SHARE_POINTS,
            "count": sources.REJECTION_MIN_COUNT,
        },
        "members": members_by_side(meeting),
        "actions": actions,
        "today": actor.workspace.today(),
        "may_edit": meeting.state == MeetingState.PLANNED
        and meeting_runnable(actor, meeting.committee),
    }


def editor(actor: Actor, meeting: Meeting) -> dict[str, Any]:
    """What the agenda's edit page shows."""
    slug = actor.workspace.slug
    return {
        "meeting": meeting,
        "committee": meeting.committee,
        "lines": lines(agenda_items(meeting), slug),
        "removed": lines(agenda_items(meeting, removed=True).select_related("removed_by"), slug),
        "may_edit": meeting.state == MeetingState.PLANNED
        and meeting_runnable(actor, meeting.committee),
    }
