"""Field-feedback pages: raise an item from where sales works (with similar items suggested while
typing), the triage inbox, an item's page (votes, history, answers, triage), "my feedback", the
loop-health dashboard, the competitor catalogue and the SLA setting. Views parse, call a
selector or service (``selectors``, ``services``), and render; htmx swaps the list, the votes
and the suggestions."""

from __future__ import annotations

from pathlib import PurePath
from typing import Any, cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.charts import cached_svg
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.core.export_views import check_format, query_links, rows_export_response
from cordee.core.exports import ExportColumn
from cordee.core.selectors import workspace_users
from cordee.core.web import (
    PAGE_SIZE,
    Column,
    RecordPage,
    add_field_errors,
    form_input,
    htmx_render,
    is_partial_request,
    workspace_view,
)
from cordee.feedback import schemas, services
from cordee.feedback.forms import FeedbackForm, SettingsForm, campaign_choices
from cordee.feedback.links import item_url
from cordee.feedback.models import FeedbackItem, FeedbackKind, FeedbackStatus
from cordee.feedback.records import COMPETITORS
from cordee.feedback.selectors.health import (
    TopOverTime,
    loop_health_by_pod,
    top_over_time,
    top_over_time_chart,
)
from cordee.feedback.selectors.inbox import (
    answers_for,
    feedback_detail,
    feedback_get,
    feedback_list,
    feedback_settings,
    inbox_counts,
    sla_breaches,
    themes,
)
from cordee.feedback.selectors.pages import (
    link_objects,
    merge_candidates,
    my_items,
    unread_answer_ids,
    voted_ids,
)
from cordee.feedback.selectors.similar import similar_to
from cordee.people.services import notifications_mark_read

# the inbox's "age" filter, translated into the selector's parameters
AGES: dict[str, tuple[str, int]] = {
    "7": ("max_age_days", 7),
    "30": ("max_age_days", 30),
    "90": ("max_age_days", 90),
    "older": ("min_age_days", 30),
}
INBOX_PARAMS = ("kind", "status", "competitor", "pod", "campaign", "theme", "owner", "q", "sort")
HEALTH_MONTHS = (1, 3, 6, 12)


def _sorts() -> list[tuple[str, str]]:
    return [("-submitted", _("Newest")), ("-votes", _("Most voted")), ("due", _("Due date"))]


def _ages() -> list[tuple[str, str]]:
    return [
        ("7", _("Last 7 days")),
        ("30", _("Last 30 days")),
        ("90", _("Last 90 days")),
        ("older", _("Older than 30 days")),
    ]


def _detail_url(actor: Actor, pk: int) -> str:
    return reverse("feedback_detail", args=[actor.workspace.slug, pk])


def _back(request: HttpRequest, fallback: str) -> HttpResponseRedirect:
    """Back to the page the form was on (``next``), or ``fallback``."""
    target = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        target = ""
    return HttpResponseRedirect(target or fallback)


# -- the inbox -----------------------------------------------------------------------------------


def _inbox_params(request: HttpRequest) -> tuple[dict[str, str], dict[str, str]]:
    """(what the page shows in its controls, what the selector takes)."""
    shown = {k: request.GET.get(k, "").strip() for k in (*INBOX_PARAMS, "age")}
    query = {k: v for k, v in shown.items() if v and k in INBOX_PARAMS}
    if shown["age"] in AGES:
        name, days = AGES[shown["age"]]
        query[name] = str(days)
    return shown, query


@workspace_view
def inbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The inbox: filters with their counts, newest / most voted / due first, +1 inline."""
    shown, query = _inbox_params(request)
    filter_error = ""
    try:
        items = feedback_list(actor=actor, params=query)
        facets = inbox_counts(actor=actor, params=query)
    except ValidationFailed as exc:
        filter_error = exc.explained
        query = {}
        items = feedback_list(actor=actor, params={})
        facets = inbox_counts(actor=actor, params={})
    page_obj = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page_obj)
    voted = voted_ids(actor=actor, item_ids=[i.pk for i in rows])
    context = {
        "nav": "feedback",
        "page_obj": page_obj,
        "rows": [
            {"item": item, "has_voted": item.pk in voted, "can_vote": _may_vote(actor, item)}
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
        "export_links": query_links(request, "feedback_inbox_export"),
    }
    # a swap brings the filters' counts too (out of band)
    context["partial"] = is_partial_request(request)
    return htmx_render(
        request, "feedback/inbox.html#feedback-list", context, page="feedback/inbox.html"
    )


def _inbox_export_columns() -> list[ExportColumn]:
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


@workspace_view
def inbox_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    """``feedback/export/?file=csv|xlsx&<the inbox's query>``: every item the inbox shows."""
    fmt = request.GET.get("file") or "csv"
    check_format(fmt)
    _shown, query = _inbox_params(request)
    items = feedback_list(actor=actor, params=query)
    tz = actor.workspace.zone
    today = actor.workspace.today()
    return rows_export_response(  # type: ignore[return-value]
        rows=items,
        columns=_inbox_export_columns(),
        title=_("Field feedback"),
        filename=f"{actor.workspace.slug}-feedback-{today:%Y-%m-%d}.{fmt}",
        fmt=fmt,
        tz=tz,
    )


def _may_vote(actor: Actor, item: FeedbackItem) -> bool:
    """Others +1 an item; its author does not (the service says so too)."""
    return actor.can("feedback.vote") and item.author_id != actor.user.pk


# -- raising an item -----------------------------------------------------------------------------


def _prefill(
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


@workspace_view
def create(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Raise a piece of field feedback; links prefilled from the lead / opportunity / account."""
    actor.require("feedback.submit")
    status = 200
    source = request.POST if request.method == "POST" else request.GET
    initial, found = _prefill(actor, source, derive=request.method != "POST")
    if request.method == "POST":
        form = FeedbackForm(actor=actor, data=request.POST, files=request.FILES)
        if form.is_valid():
            try:
                item = services.feedback_submit(
                    actor=actor,
                    data=form.submit_data(),
                    attachment=form.cleaned_data.get("attachment"),
                )
            except ValidationFailed as exc:
                add_field_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Thank you: “%(title)s” went to marketing. You will see their answer here.")
                    % {"title": item.title},
                )
                return HttpResponseRedirect(_detail_url(actor, item.pk))
        status = 422
    else:
        form = FeedbackForm(actor=actor, initial=initial)
    for name in ("title", "text"):
        form.fields[name].widget.attrs.update(_similar_attrs(actor))
    context = {
        "nav": "feedback",
        "form": form,
        "links": [
            (name, obj) for name, obj in found.items() if name in ("account", "opportunity", "lead")
        ],
        "cancel_url": _came_from(actor, found),
        "lead_quality": FeedbackKind.LEAD_QUALITY.value,
        "kind_value": form["kind"].value() or "",
    }
    return render(request, "feedback/form.html", context, status=status)


@workspace_view
def similar(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The items like the one being typed (title and text), each with "+1 instead"."""
    text = f"{request.GET.get('title', '')} {request.GET.get('text', '')}".strip()
    found = similar_to(actor=actor, text=text, k=3) if text else []
    voted = voted_ids(actor=actor, item_ids=[s.item.pk for s in found])
    return render(
        request,
        "feedback/_similar.html",
        {"found": found, "voted": voted, "can_vote": actor.can("feedback.vote")},
    )


# -- votes ---------------------------------------------------------------------------------------


@workspace_view
@require_POST
def vote(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """+1 (or, with ``undo``, withdraw it). htmx gets the vote button back; others a redirect."""
    undo = request.POST.get("undo") == "1"
    error = ""
    try:
        if undo:
            votes = services.feedback_unvote(actor=actor, item_id=pk)
        else:
            votes = services.feedback_vote(actor=actor, item_id=pk)
    except ValidationFailed as exc:
        error = exc.explained
        votes = None
    item = feedback_get(actor=actor, pk=pk)

    def back() -> HttpResponse:
        if error:
            messages.error(request, error)
        return _back(request, _detail_url(actor, pk))

    template = "feedback/_similar_voted.html" if request.POST.get("from") == "similar" else None
    context = {
        "item": item,
        "votes": item.votes_count if votes is None else votes,  # type: ignore[attr-defined]
        "has_voted": not undo and not error,
        "error": error,
        "can_vote": True,
    }
    return htmx_render(request, template or "feedback/_vote.html", context, page=back)


# -- an item -------------------------------------------------------------------------------------


@workspace_view
def detail(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """An item: what was said, its links and file, who backs it, its history and answers, and
    the triage controls for the marketing side."""
    info = feedback_detail(actor=actor, pk=pk)
    item = info.item
    # the answers announced to this reader are read once the item is open
    notifications_mark_read(actor=actor, url=item_url(item))
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
            campaigns=campaign_choices(actor),
            wont_do=FeedbackStatus.WONT_DO.value,
        )
    return render(request, "feedback/detail.html", context)


@workspace_view
def attachment(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """The item's file, to members of its workspace only (404 otherwise), always downloaded."""
    item = feedback_get(actor=actor, pk=pk)
    if not item.attachment:
        raise NotFound(_("This item has no attachment."))
    try:
        handle = item.attachment.open("rb")
    except FileNotFoundError as exc:
        raise NotFound(_("The file is no longer available.")) from exc
    name = item.attachment_name or PurePath(item.attachment.name).name
    return FileResponse(handle, as_attachment=True, filename=name)  # type: ignore[return-value]


def _triage_done(request: HttpRequest, actor: Actor, pk: int, message: str) -> HttpResponse:
    messages.success(request, message)
    return HttpResponseRedirect(_detail_url(actor, pk))


def _triage_refused(
    request: HttpRequest, actor: Actor, pk: int, exc: ValidationFailed | Conflict
) -> HttpResponse:
    """A refused move is shown on the item (403 and 404 keep their own pages)."""
    messages.error(request, exc.explained)
    return HttpResponseRedirect(_detail_url(actor, pk))


@workspace_view
@require_POST
def status_change(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    actor.require("feedback.triage")
    feedback_get(actor=actor, pk=pk)  # another workspace's item: 404, not a message
    try:
        data = form_input(schemas.StatusIn, request.POST, message=_("Choose the new status."))
        item = services.feedback_status_change(
            actor=actor,
            item_id=pk,
            to_status=data.to_status,
            reason=data.reason,
            expected_status=data.expected_status,
        )
    except (ValidationFailed, Conflict) as exc:
        return _triage_refused(request, actor, pk, exc)
    return _triage_done(
        request,
        actor,
        pk,
        _("Status changed to “%(status)s”.") % {"status": item.get_status_display()},
    )


@workspace_view
@require_POST
def assign(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    actor.require("feedback.triage")
    feedback_get(actor=actor, pk=pk)
    try:
        data = form_input(schemas.AssignIn, request.POST)
        services.feedback_assign(actor=actor, item_id=pk, owner_id=data.owner, due_on=data.due_on)
    except ValidationFailed as exc:
        return _triage_refused(request, actor, pk, exc)
    return _triage_done(request, actor, pk, _("Owner and due date saved."))


@workspace_view
@require_POST
def respond(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """ "You said → we did": the answer goes back to the submitter, the merged authors and
    the voters."""
    actor.require("feedback.triage")
    feedback_get(actor=actor, pk=pk)
    try:
        data = form_input(
            schemas.RespondIn, request.POST, message=_("Write the answer before sending it.")
        )
        services.feedback_respond(
            actor=actor,
            item_id=pk,
            text=data.text,
            what_changed=data.what_changed,
            campaign_id=data.campaign,
            url=data.url,
        )
    except (ValidationFailed, Conflict) as exc:
        return _triage_refused(request, actor, pk, exc)
    return _triage_done(request, actor, pk, _("Your answer was sent to those who raised it."))


@workspace_view
@require_POST
def merge(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    actor.require("feedback.triage")
    feedback_get(actor=actor, pk=pk)
    try:
        data = form_input(
            schemas.MergeIn, request.POST, message=_("Choose the item to merge this one into.")
        )
        target = services.feedback_merge(actor=actor, item_id=pk, into_id=data.into)
    except (ValidationFailed, Conflict) as exc:
        return _triage_refused(request, actor, pk, exc)
    return _triage_done(
        request,
        actor,
        target.pk,
        _("Merged: every voice of the duplicate now backs “%(title)s”.") % {"title": target.title},
    )


@workspace_view
def merge_search(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """The merge picker's results (htmx): threads matching what the triager types."""
    actor.require("feedback.triage")
    item = feedback_get(actor=actor, pk=pk)
    q = request.GET.get("q", "").strip()
    found = merge_candidates(actor=actor, item=item, q=q) if q else []
    return render(request, "feedback/_merge_results.html", {"item": item, "found": found, "q": q})


# -- my feedback ---------------------------------------------------------------------------------


@workspace_view
def mine(request: HttpRequest, actor: Actor) -> HttpResponse:
    """What I raised and what marketing answered ("you said → we did"), unread answers first
    to the eye."""
    items = list(my_items(actor=actor)[:100])
    mine_ids = {i.pk for i in items} | {i.merged_into_id for i in items if i.merged_into_id}
    backed = [
        r
        for r in answers_for(actor=actor)[:50]
        if r.item_id not in mine_ids  # answers to what I +1'd
    ]
    return render(
        request,
        "feedback/mine.html",
        {
            "nav": "feedback_mine",
            "items": items,
            "backed": backed,
            "unread": unread_answer_ids(actor=actor),
            "can_submit": actor.can("feedback.submit"),
            "answered": sum(1 for i in items if _answers(i)),
        },
    )


def _answers(item: FeedbackItem) -> list[Any]:
    thread = item.merged_into or item
    return list(thread.responses.all())


# -- loop health ---------------------------------------------------------------------------------


@workspace_view
def health(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Is the loop closing? Per workspace and pod: volume per rep, time to acknowledge and to
    answer, share closed with an answer, SLA breaches; top themes and competitors by month."""
    raw = request.GET.get("months", "")
    months = int(raw) if raw.isdigit() and int(raw) in HEALTH_MONTHS else 3
    reports = loop_health_by_pod(actor=actor, months=months)
    language = request.LANGUAGE_CODE  # type: ignore[attr-defined]
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
    return render(
        request,
        "feedback/health.html",
        {
            "nav": "feedback_health",
            "months": months,
            "month_choices": HEALTH_MONTHS,
            "workspace_report": reports[0],
            "pod_reports": reports[1:],
            "charts": charts,
            "themes": list(themes(actor=actor, limit=12)),
            "breaches": list(
                sla_breaches(actor=actor).filter(item__acknowledged_at__isnull=True)[:10]
            ),
            "can_configure": actor.can("feedback.configure"),
        },
    )


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


@workspace_view
def settings_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The feedback-response SLA: acknowledge within N business days."""
    actor.require("feedback.configure")
    current = feedback_settings(actor=actor)
    status = 200
    if request.method == "POST":
        form = SettingsForm(request.POST)
        if form.is_valid():
            try:
                services.feedback_settings_update(
                    actor=actor,
                    acknowledge_within_days=form.cleaned_data["acknowledge_within_days"],
                )
            except ValidationFailed as exc:
                add_field_errors(form, exc)
            else:
                messages.success(request, _("Your changes were saved."))
                return HttpResponseRedirect(
                    reverse("feedback_settings", args=[actor.workspace.slug])
                )
        status = 422
    else:
        form = SettingsForm(initial={"acknowledge_within_days": current.acknowledge_within_days})
    return render(
        request,
        "feedback/settings.html",
        {"nav": "feedback_health", "form": form},
        status=status,
    )


# -- the competitor catalogue (a record page) ----------------------------------------------------


def _competitor_context(actor: Actor, competitor: Any) -> dict[str, Any]:
    items = feedback_list(actor=actor, params={"competitor": str(competitor.pk)})
    return {"items": list(items[:10]), "item_count": items.count(), "nav": "feedback"}


COMPETITORS_PAGE = RecordPage(
    new_label=gettext_lazy("New competitor"),
    spec=COMPETITORS,
    columns=(
        Column("name", gettext_lazy("Name"), sort="name", link="self"),
        Column("website", gettext_lazy("Website"), secondary=True),
        Column("is_active", gettext_lazy("Active")),
    ),
    form_fields=("name", "website", "notes", "is_active"),
    detail_template="feedback/competitor_detail.html",
    detail_context=_competitor_context,
    empty_text=gettext_lazy(
        "The competitors your field meets. Naming them on feedback shows who comes up, and when."
    ),
)
