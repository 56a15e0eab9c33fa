"""What the field-feedback pages show, shaped for their templates: the inbox's controls, facets
and rows, the form's prefilled links, an item's triage choices, "my feedback", the loop-health
charts and the export's columns. The views parse the request and call these; the reads
themselves are the selectors'."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.core.paginator import Paginator
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.charts import cached_svg
from cordee.core.errors import ValidationFailed
from cordee.core.exports import ExportColumn
from cordee.core.selectors import workspace_users
from cordee.core.web import PAGE_SIZE
from cordee.feedback.forms import FeedbackForm
from cordee.feedback.models import FeedbackItem, FeedbackKind, FeedbackStatus
from cordee.feedback.selectors.health import (
    TopOverTime,
    loop_health_by_pod,
    top_over_time,
    top_over_time_chart,
)
from cordee.feedback.selectors.inbox import (
    FeedbackDetail,
    answers_for,
    feedback_list,
    inbox_counts,
    themes,
)
from cordee.feedback.selectors.pages import link_objects, my_items, unread_answer_ids, voted_ids
from cordee.feedback.selectors.similar import similar_to

# the inbox's "age" filter, translated into the selector's parameters
AGES: dict[str, tuple[str, int]] = {
    "7": ("max_age_days", 7),
    "30": ("max_age_days", 30),
    "90": ("max_age_days", 90),
    "older": ("min_age_days", 30),
}
INBOX_PARAMS = ("kind", "status", "competitor", "pod", "campaign", "theme", "owner", "q", "sort")
HEALTH_MONTHS = (1, 3, 6, 12)


def detail_url(actor: Actor, pk: int) -> str:
    return reverse("feedback_detail", args=[actor.workspace.slug, pk])


def may_vote(actor: Actor, item: FeedbackItem) -> bool:
    """Others +1 an item; its author does not (the service says so too)."""
    return actor.can("feedback.vote") and item.author_id != actor.user.pk


# -- the inbox -----------------------------------------------------------------------------------


def _sorts() -> list[tuple[str, str]]:
    return [("-submitted", _("Newest")), ("-votes", _("Most voted")), ("due", _("Due date"))]


def _ages() -> list[tuple[str, str]]:
    return [
        ("7", _("Last 7 days")),
        ("30", _("Last 30 days")),
        ("90", _("Last 90 days")),
        ("older", _("Older than 30 days")),
    ]


def inbox_params(params: Mapping[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """(what the page shows in its controls, what the selector takes)."""
    shown = {k: params.get(k, "").strip() for k in (*INBOX_PARAMS, "age")}
    query = {k: v for k, v in shown.items() if v and k in INBOX_PARAMS}
    if shown["age"] in AGES:
        name, days = AGES[shown["age"]]
        query[name] = str(days)
    return shown, query


def inbox_context(actor: Actor, params: Mapping[str, str]) -> dict[str, Any]:
    """The inbox's list (one page of it), its filters with their counts and what the actor may
    do. A filter the selector refuses shows its message above the unfiltered list."""
    shown, query = inbox_params(params)
    filter_error = ""
    try:
        items = feedback_list(actor=actor, params=query)
        facets = inbox_counts(actor=actor, params=query)
    except ValidationFailed as exc:
        filter_error = exc.explained
        items = feedback_list(actor=actor, params={})
        facets = inbox_counts(actor=actor, params={})
    page_obj = Paginator(items, PAGE_SIZE).get_page(params.get("page"))
    rows = list(page_obj)
    voted = voted_ids(actor=actor, item_ids=[i.pk for i in rows])
    return {
        "nav": "feedback",
        "page_obj": page_obj,
        "rows": [
            {"item": item, "has_voted": item.pk in voted, "can_vote": may_vote(actor, item)}
            for item in rows
        ],
        "facets": facets,
        "shown": shown,
        "filtered": any(v for k, v in shown.items() if k != "sort"),
        "filter_error": filter_error,
        "sorts": _sorts(),
        "ages": _ages(),
        "themes": list(themes(actor=actor, limit=50)),
        "can_submit": actor.can("feedback.submit"),
        "can_vote": actor.can("feedback.vote"),
        "can_triage": actor.can("feedback.triage"),
        "status_total": sum(f.count for f in facets["status"]),
    }


def inbox_export_columns() -> list[ExportColumn]:
    """The inbox's columns, headers and labels translated now (the file is written later)."""
    kinds = {value: str(label) for value, label in FeedbackKind.choices}
    statuses = {value: str(label) for value, label in FeedbackStatus.choices}

    def field(name: str) -> str:
        return capfirst(str(cast(Any, FeedbackItem._meta.get_field(name)).verbose_name))

    def text(value: Any) -> str | None:
        return None if value is None else str(value)

    return [
        ExportColumn("ID", lambda item: item.pk),
        ExportColumn(field("title"), lambda item: item.title),
        ExportColumn(field("kind"), lambda item: kinds.get(item.kind, item.kind)),
        ExportColumn(field("status"), lambda item: statuses.get(item.status, item.status)),
        ExportColumn(field("competitor"), lambda item: text(item.competitor)),
        ExportColumn(field("author"), lambda item: text(item.author)),
        ExportColumn(field("pod"), lambda item: text(item.pod)),
        ExportColumn(field("owner"), lambda item: text(item.owner)),
        ExportColumn(field("due_on"), lambda item: item.due_on),
        ExportColumn(_("Votes"), lambda item: item.votes_count),
        ExportColumn(field("submitted_at"), lambda item: item.submitted_at),
        ExportColumn(_("Answered"), lambda item: item.responses_count > 0),
    ]


def inbox_export_filename(actor: Actor, fmt: str) -> str:
    return f"{actor.workspace.slug}-feedback-{actor.workspace.today():%Y-%m-%d}.{fmt}"


# -- raising an item -----------------------------------------------------------------------------


def prefill(
    actor: Actor, params: Any, *, derive: bool = True
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(initial values, linked objects) from the page the person came from: a lead brings its
    account and source campaign, an opportunity its account, lead and primary campaign."""
    ids: dict[str, int | None] = {}
    for name in ("account", "opportunity", "lead", "campaign"):
        raw = str(params.get(name) or "")
        ids[name] = int(raw) if raw.isdigit() else None
    found = link_objects(actor=actor, ids=ids)
    if not derive:
        return {name: obj.pk for name, obj in found.items()}, found
    if "lead" in found:
        lead = found["lead"]
        if ids["account"] is None and lead.contact.account_id:
            ids["account"] = lead.contact.account_id
        if ids["campaign"] is None and lead.source_campaign_id:
            ids["campaign"] = lead.source_campaign_id
    if "opportunity" in found:
        opportunity = found["opportunity"]
        if ids["account"] is None:
            ids["account"] = opportunity.account_id
        if ids["lead"] is None and opportunity.lead_id:
            ids["lead"] = opportunity.lead_id
        if ids["campaign"] is None and opportunity.primary_campaign_id:
            ids["campaign"] = opportunity.primary_campaign_id
    found = link_objects(actor=actor, ids=ids)
    initial = {name: obj.pk for name, obj in found.items()}
    if params.get("kind") in FeedbackKind.values:
        initial["kind"] = params["kind"]
    return initial, found


def _came_from(actor: Actor, found: dict[str, Any]) -> str:
    slug = actor.workspace.slug
    for name, url_name in (
        ("opportunity", "opportunities_detail"),
        ("lead", "leads_detail"),
        ("account", "accounts_detail"),
    ):
        if name in found:
            return reverse(url_name, args=[slug, found[name].pk])
    return reverse("feedback_inbox", args=[slug])


def _similar_attrs(actor: Actor) -> dict[str, str]:
    return {
        "hx-get": reverse("feedback_similar", args=[actor.workspace.slug]),
        "hx-trigger": "keyup changed delay:400ms",
        "hx-target": "#similar",
        "hx-include": "#id_title, #id_text",
        "hx-sync": "closest form:replace",
    }


def create_context(actor: Actor, form: FeedbackForm, found: dict[str, Any]) -> dict[str, Any]:
    """The form, its title and text asking for similar items as one types, the links it
    carries and where "cancel" goes back to."""
    for name in ("title", "text"):
        form.fields[name].widget.attrs.update(_similar_attrs(actor))
    return {
        "nav": "feedback",
        "form": form,
        "links": [
            (name, obj) for name, obj in found.items() if name in ("account", "opportunity", "lead")
        ],
        "cancel_url": _came_from(actor, found),
        "lead_quality": FeedbackKind.LEAD_QUALITY.value,
        "kind_value": form["kind"].value() or "",
    }


def similar_context(actor: Actor, text: str) -> dict[str, Any]:
    """The items like the one being typed, and which of them the actor already backs."""
    found = similar_to(actor=actor, text=text, k=3) if text else []
    voted = voted_ids(actor=actor, item_ids=[s.item.pk for s in found])
    return {"found": found, "voted": voted, "can_vote": actor.can("feedback.vote")}


# -- an item -------------------------------------------------------------------------------------


def vote_context(
    item: FeedbackItem, votes: int | None, *, undo: bool, error: str
) -> dict[str, Any]:
    """The vote button after a +1 or its withdrawal (``votes`` is None when it was refused)."""
    return {
        "item": item,
        "votes": item.votes_count if votes is None else votes,  # type: ignore[attr-defined]
        "has_voted": not undo and not error,
        "error": error,
        "can_vote": True,
    }


def detail_context(actor: Actor, info: FeedbackDetail) -> dict[str, Any]:
    """An item's page; the triage controls' choices (owners, campaigns) for the marketing side."""
    item = info.item
    context: dict[str, Any] = {
        "nav": "feedback",
        "d": info,
        "item": item,
        "votes": len(info.voters),
        "has_voted": info.has_voted,
        "can_vote": info.can_vote,
        "is_author": item.author_id == actor.user.pk,
    }
    if info.can_triage:
        context.update(
            members=list(workspace_users(actor=actor)),
            pick_url=reverse("search_pick", args=[actor.workspace.slug]),
            wont_do=FeedbackStatus.WONT_DO.value,
        )
    return context


# -- my feedback ---------------------------------------------------------------------------------


def _answers(item: FeedbackItem) -> list[Any]:
    thread = item.merged_into or item
    return list(thread.responses.all())


def mine_context(actor: Actor) -> dict[str, Any]:
    """What the actor raised with its answers, and the answers to what they +1'd."""
    items = list(my_items(actor=actor)[:100])
    mine_ids = {i.pk for i in items} | {i.merged_into_id for i in items if i.merged_into_id}
    backed = [
        r
        for r in answers_for(actor=actor)[:50]
        if r.item_id not in mine_ids  # answers to what I +1'd
    ]
    return {
        "nav": "feedback_mine",
        "items": items,
        "backed": backed,
        "unread": unread_answer_ids(actor=actor),
        "can_submit": actor.can("feedback.submit"),
        "answered": sum(1 for i in items if _answers(i)),
    }


# -- loop health ---------------------------------------------------------------------------------


def health_months(params: Mapping[str, str]) -> int:
    """The window the page shows: one of ``HEALTH_MONTHS``, 3 by default."""
    raw = params.get("months", "")
    return int(raw) if raw.isdigit() and int(raw) in HEALTH_MONTHS else 3


def _chart_spec(top: TopOverTime) -> dict[str, Any]:
    """The shared spec, with whole-number counts and level month labels for the page."""
    spec = top_over_time_chart(top)
    encoding = spec["encoding"]
    encoding["x"] = {**encoding["x"], "axis": {"labelAngle": 0}}
    highest = max((max(counts) for _id, _label, counts in top.series), default=0)
    months_total = [sum(c[i] for _id, _l, c in top.series) for i in range(len(top.months))]
    highest = max([highest, *months_total])  # the bars are stacked
    step = max(1, -(-highest // 5))
    ticks = list(range(0, highest + step, step))
    encoding["y"] = {**encoding["y"], "axis": {"values": ticks, "format": "d"}}
    return spec


def _top_charts(actor: Actor, language: str) -> dict[str, str]:
    """The top themes and competitors of the last six months, as SVG ("" when there are none)."""
    charts = {}
    for dimension in ("theme", "competitor"):
        top = top_over_time(actor=actor, dimension=dimension, months=6)
        charts[dimension] = (
            cached_svg(
                f"feedback-top:{actor.workspace.pk}:{dimension}:{language}",
                lambda top=top: _chart_spec(top),  # type: ignore[misc]
            )
            if top.series
            else ""
        )
    return charts


def health_context(actor: Actor, months: int, language: str) -> dict[str, Any]:
    """The loop's numbers for the workspace then each pod, the charts, the themes and the
    period's items past their acknowledgement due instant, still waiting."""
    reports = loop_health_by_pod(actor=actor, months=months)
    charts = _top_charts(actor, language)
    return {
        "nav": "feedback_health",
        "months": months,
        "month_choices": HEALTH_MONTHS,
        "workspace_report": reports[0],
        "pod_reports": reports[1:],
        # each item has one pod at most: the rows plus these make the workspace's items
        "without_pod": reports[0].numbers.items - sum(r.numbers.items for r in reports[1:]),
        "charts": charts,
        "themes": list(themes(actor=actor, limit=12)),
        "waiting": reports[0].waiting[:10],
        "can_configure": actor.can("feedback.configure"),
    }


# -- the competitor catalogue --------------------------------------------------------------------


def competitor_context(actor: Actor, competitor: Any) -> dict[str, Any]:
    """A competitor's page: the latest items naming it, and how many there are."""
    items = feedback_list(actor=actor, params={"competitor": str(competitor.pk)})
    return {"items": list(items[:10]), "item_count": items.count(), "nav": "feedback"}
