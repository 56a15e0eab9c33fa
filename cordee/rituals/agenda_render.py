"""An agenda item in the reader's language, and the page of the object it names.

An item keeps the numbers it was written with (``params``: counts, shares, names, ISO dates);
its line is written when read, in the active language. Nothing here reads the database: the
meeting page and the pre-read render every line without a query per item."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from cordee.funnel.goals import KPIS
from cordee.people.notices import day
from cordee.rituals.models import AgendaItem, AgendaSource

Params = Mapping[str, Any]


def breach_kind_words(kind: str) -> str:
    """A kind of breach, as a line names it."""
    words = {
        "first_touch": pgettext("breach kind", "first touch"),
        "attempts": pgettext("breach kind", "attempts"),
        "decision": pgettext("breach kind", "decision"),
        "mql_volume": pgettext("breach kind", "MQL volume"),
        "acceptance": pgettext("breach kind", "acceptance rate"),
    }
    return words.get(kind, kind)


def _day(value: Any) -> str:
    try:
        return day(str(value))
    except ValueError:
        return str(value or "")


def _action(p: Params) -> str:
    words = {"title": p.get("title", ""), "owner": p.get("owner", ""), "due": _day(p.get("due"))}
    if p.get("late"):
        return _("Action carried over: “%(title)s” — %(owner)s, late since %(due)s") % words
    return _("Action carried over: “%(title)s” — %(owner)s, due %(due)s") % words


def _breach(p: Params) -> str:
    count = int(p.get("count") or 1)
    words = {"count": count, "kind": breach_kind_words(str(p.get("kind", "")))}
    if p.get("side") == "marketing":
        line = ngettext(
            "%(count)s breach of the marketing SLA (%(kind)s)",
            "%(count)s breaches of the marketing SLA (%(kind)s)",
            count,
        )
    else:
        line = ngettext(
            "%(count)s breach of the sales SLA (%(kind)s)",
            "%(count)s breaches of the sales SLA (%(kind)s)",
            count,
        )
    line %= words
    if p.get("name"):
        line = f"{line} — {p['name']}"
    return line


def _goal(p: Params) -> str:
    kpi = KPIS.get(str(p.get("kpi", "")))
    words = {
        "kpi": _(kpi.label) if kpi else str(p.get("kpi", "")),
        "period": p.get("period", ""),
        "percent": p.get("percent", ""),
    }
    if p.get("status") == "at_risk":
        return _("Goal “%(kpi)s” (%(period)s) at risk: %(percent)s %% of target") % words
    return _("Goal “%(kpi)s” (%(period)s) off track: %(percent)s %% of target") % words


def _feedback(p: Params) -> str:
    votes, days = int(p.get("votes") or 0), int(p.get("days") or 0)
    return _("Feedback: “%(title)s” — %(votes)s, open %(days)s") % {
        "title": p.get("title", ""),
        "votes": ngettext("%(n)s vote", "%(n)s votes", votes) % {"n": votes},
        "days": ngettext("%(n)s day", "%(n)s days", days) % {"n": days},
    }


def _override(p: Params) -> str:
    words = {"campaign": p.get("campaign", ""), "day": _day(p.get("day")), "by": p.get("by", "")}
    if words["by"]:
        return _("Launched without sales approval: “%(campaign)s” on %(day)s by %(by)s") % words
    return _("Launched without sales approval: “%(campaign)s” on %(day)s") % words


def _debrief(p: Params) -> str:
    words = {"campaign": p.get("campaign", ""), "day": _day(p.get("opened"))}
    if p.get("complete"):
        return _("Debrief to discuss: “%(campaign)s” (complete)") % words
    return _("Debrief due: “%(campaign)s” (open since %(day)s)") % words


def _rejections(p: Params) -> str:
    return _(
        "Rejections for “%(reason)s”: %(share)s %% of the %(total)s rejections, against "
        "%(before)s %% before"
    ) % {
        "reason": p.get("reason", ""),
        "share": p.get("share", ""),
        "total": p.get("total", ""),
        "before": p.get("before", ""),
    }


def _exchange(p: Params) -> str:
    return _(
        "Vis-ma-vie debrief of %(participant)s (%(programme)s): “%(surprised)s” — will change: "
        "“%(will_change)s”"
    ) % {
        "participant": p.get("participant", ""),
        "programme": p.get("programme", ""),
        "surprised": p.get("surprised", ""),
        "will_change": p.get("will_change", ""),
    }


LINES: dict[str, Callable[[Params], str]] = {
    AgendaSource.ACTION: _action,
    AgendaSource.BREACH: _breach,
    AgendaSource.GOAL: _goal,
    AgendaSource.FEEDBACK: _feedback,
    AgendaSource.OVERRIDE: _override,
    AgendaSource.DEBRIEF: _debrief,
    AgendaSource.REJECTIONS: _rejections,
    AgendaSource.EXCHANGE: _exchange,
}


def item_label(item: AgendaItem) -> str:
    """The item's line, in the active language."""
    if item.title:
        return item.title
    line = LINES.get(item.source)
    if line is not None and item.params:
        return line(item.params)
    return f"{item.get_source_display()} #{item.object_id}"


def _reverse(name: str, *args: Any) -> str | None:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def meeting_url(workspace_slug: str, meeting_id: int) -> str | None:
    """A meeting's page (the meetings part's), or its agenda's when that page is not there."""
    return _reverse("meeting_detail", workspace_slug, meeting_id) or _reverse(
        "meeting_agenda", workspace_slug, meeting_id
    )


def item_url(item: AgendaItem, workspace_slug: str) -> str | None:
    """The page of the object the item names (None for a hand-added line)."""
    p, pk = item.params, item.object_id
    if item.source == AgendaSource.ACTION and p.get("meeting"):
        return meeting_url(workspace_slug, int(p["meeting"]))
    if item.source == AgendaSource.BREACH:
        if pk is not None and p.get("lead"):
            return _reverse("leads_detail", workspace_slug, int(p["lead"]))
        if pk is not None and p.get("contract"):
            return _reverse("sla-contracts_detail", workspace_slug, int(p["contract"]))
        url = _reverse("meeting_preread", workspace_slug, item.meeting_id)
        return f"{url}#breaches" if url else None
    if item.source == AgendaSource.GOAL and pk is not None:
        return _reverse("goal_detail", workspace_slug, pk)
    if item.source == AgendaSource.FEEDBACK and pk is not None:
        return _reverse("feedback_detail", workspace_slug, pk)
    if item.source == AgendaSource.OVERRIDE and p.get("campaign_id"):
        return _reverse("brief_detail", workspace_slug, int(p["campaign_id"]))
    if item.source == AgendaSource.DEBRIEF and p.get("campaign_id"):
        return _reverse("debrief_detail", workspace_slug, int(p["campaign_id"]))
    if item.source == AgendaSource.EXCHANGE and p.get("programme_id") and pk is not None:
        url = _reverse("programme_detail", workspace_slug, int(p["programme_id"]))
        return f"{url}#debrief-{pk}" if url else None
    if item.source == AgendaSource.REJECTIONS:
        url = _reverse("rejections_report", workspace_slug)
        if url is None:
            return None
        return f"{url}?{urlencode({'by': 'pod', 'days': p.get('days') or 30})}"
    return None
