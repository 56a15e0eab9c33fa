"""Field-feedback pages: raise an item from where sales works (with similar items suggested while
typing), the triage inbox, an item's page (votes, history, answers, triage), "my feedback", the
loop-health dashboard, the competitor catalogue and the SLA setting. Views parse, call a
selector or service, and render what ``presenters`` shapes; htmx swaps the list, the votes and
the suggestions."""

from __future__ import annotations

from functools import partial
from pathlib import PurePath

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.core.export_views import check_format, query_links, rows_export_response
from cordee.core.redirects import next_url
from cordee.core.web import (
    Column,
    RecordPage,
    add_field_errors,
    form_input,
    htmx_render,
    is_partial_request,
    workspace_view,
)
from cordee.feedback import presenters, schemas, services
from cordee.feedback.forms import FeedbackForm, SettingsForm
from cordee.feedback.links import item_url
from cordee.feedback.models import FeedbackItem
from cordee.feedback.records import COMPETITORS
from cordee.feedback.selectors.inbox import feedback_detail, feedback_get, feedback_list
from cordee.feedback.selectors.inbox import feedback_settings as settings_get
from cordee.feedback.selectors.pages import merge_candidates
from cordee.people.services import notifications_mark_read


def _back(request: HttpRequest, fallback: str, error: str = "") -> HttpResponseRedirect:
    """Back to the page the form was on (``next``), or ``fallback``; ``error`` shown there."""
    if error:
        messages.error(request, error)
    return HttpResponseRedirect(next_url(request, fallback))


# -- the inbox -----------------------------------------------------------------------------------


@workspace_view
def inbox(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The inbox: filters with their counts, newest / most voted / due first, +1 inline."""
    context = presenters.inbox_context(actor, request.GET)
    context["export_links"] = query_links(request, "feedback_inbox_export")
    # a swap brings the filters' counts too (out of band)
    context["partial"] = is_partial_request(request)
    return htmx_render(
        request, "feedback/inbox.html#feedback-list", context, page="feedback/inbox.html"
    )


@workspace_view
def inbox_export(request: HttpRequest, actor: Actor) -> HttpResponse:
    """``feedback/export/?file=csv|xlsx&<the inbox's query>``: every item the inbox shows."""
    fmt = request.GET.get("file") or "csv"
    check_format(fmt)
    _shown, query = presenters.inbox_params(request.GET)
    return rows_export_response(  # type: ignore[return-value]
        rows=feedback_list(actor=actor, params=query),
        columns=presenters.inbox_export_columns(),
        title=_("Field feedback"),
        filename=presenters.inbox_export_filename(actor, fmt),
        fmt=fmt,
        tz=actor.workspace.zone,
    )


# -- raising an item -----------------------------------------------------------------------------


def _submitted(actor: Actor, form: FeedbackForm) -> FeedbackItem | None:
    """The item the form raised, or None (the form then shows why)."""
    if not form.is_valid():
        return None
    try:
        return services.feedback_submit(
            actor=actor, data=form.submit_data(), attachment=form.cleaned_data.get("attachment")
        )
    except ValidationFailed as exc:
        add_field_errors(form, exc)
        return None


@workspace_view
def create(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Raise a piece of field feedback; links prefilled from the lead / opportunity / account."""
    actor.require("feedback.submit")
    posted = request.method == "POST"
    initial, found = presenters.prefill(
        actor, request.POST if posted else request.GET, derive=not posted
    )
    if not posted:
        form = FeedbackForm(actor=actor, initial=initial)
        return render(request, "feedback/form.html", presenters.create_context(actor, form, found))
    form = FeedbackForm(actor=actor, data=request.POST, files=request.FILES)
    if (item := _submitted(actor, form)) is not None:
        thanks = _("Thank you: “%(title)s” went to marketing. You will see their answer here.")
        messages.success(request, thanks % {"title": item.title})
        return HttpResponseRedirect(presenters.detail_url(actor, item.pk))
    context = presenters.create_context(actor, form, found)
    return render(request, "feedback/form.html", context, status=422)


@workspace_view
def similar(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The items like the one being typed (title and text), each with "+1 instead"."""
    text = f"{request.GET.get('title', '')} {request.GET.get('text', '')}".strip()
    return render(request, "feedback/_similar.html", presenters.similar_context(actor, text))


# -- votes ---------------------------------------------------------------------------------------


@workspace_view
@require_POST
def vote(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """+1 (or, with ``undo``, withdraw it). htmx gets the vote button back; others a redirect."""
    undo = request.POST.get("undo") == "1"
    act = services.feedback_unvote if undo else services.feedback_vote
    votes, error = None, ""
    try:
        votes = act(actor=actor, item_id=pk)
    except ValidationFailed as exc:
        error = exc.explained
    item = feedback_get(actor=actor, pk=pk)
    context = presenters.vote_context(item, votes, undo=undo, error=error)
    from_similar = request.POST.get("from") == "similar"
    template = "feedback/_similar_voted.html" if from_similar else "feedback/_vote.html"
    back = partial(_back, request, presenters.detail_url(actor, pk), error)
    return htmx_render(request, template, context, page=back)


# -- an item -------------------------------------------------------------------------------------


@workspace_view
def detail(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    """An item: what was said, its links and file, who backs it, its history and answers, and
    the triage controls for the marketing side."""
    info = feedback_detail(actor=actor, pk=pk)
    # the answers announced to this reader are read once the item is open
    notifications_mark_read(actor=actor, url=item_url(info.item))
    return render(request, "feedback/detail.html", presenters.detail_context(actor, info))


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
    return HttpResponseRedirect(presenters.detail_url(actor, pk))


def _triage_refused(
    request: HttpRequest, actor: Actor, pk: int, exc: ValidationFailed | Conflict
) -> HttpResponse:
    """A refused move is shown on the item (403 and 404 keep their own pages)."""
    messages.error(request, exc.explained)
    return HttpResponseRedirect(presenters.detail_url(actor, pk))


def _triager(actor: Actor, pk: int) -> None:
    """Triage is the marketing side's; another workspace's item is a 404, not a message."""
    actor.require("feedback.triage")
    feedback_get(actor=actor, pk=pk)


@workspace_view
@require_POST
def status_change(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    _triager(actor, pk)
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
    done = _("Status changed to “%(status)s”.") % {"status": item.get_status_display()}
    return _triage_done(request, actor, pk, done)


@workspace_view
@require_POST
def assign(request: HttpRequest, actor: Actor, *, pk: int) -> HttpResponse:
    _triager(actor, pk)
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
    _triager(actor, pk)
    try:
        message = _("Write the answer before sending it.")
        data = form_input(schemas.RespondIn, request.POST, message=message)
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
    _triager(actor, pk)
    try:
        message = _("Choose the item to merge this one into.")
        data = form_input(schemas.FeedbackMergeIn, request.POST, message=message)
        target = services.feedback_merge(actor=actor, item_id=pk, into_id=data.into)
    except (ValidationFailed, Conflict) as exc:
        return _triage_refused(request, actor, pk, exc)
    done = _("Merged: every voice of the duplicate now backs “%(title)s”.")
    return _triage_done(request, actor, target.pk, done % {"title": target.title})


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
    return render(request, "feedback/mine.html", presenters.mine_context(actor))


# -- loop health ---------------------------------------------------------------------------------


@workspace_view
def health(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Is the loop closing? Per workspace and pod: volume per rep, time to acknowledge and to
    answer, share closed with an answer, SLA breaches; top themes and competitors by month."""
    months = presenters.health_months(request.GET)
    language = request.LANGUAGE_CODE  # type: ignore[attr-defined]
    context = presenters.health_context(actor, months, language)
    return render(request, "feedback/health.html", context)


def _settings_saved(actor: Actor, form: SettingsForm) -> bool:
    if not form.is_valid():
        return False
    try:
        days = form.cleaned_data["acknowledge_within_days"]
        services.feedback_settings_update(actor=actor, acknowledge_within_days=days)
    except ValidationFailed as exc:
        add_field_errors(form, exc)
        return False
    return True


@workspace_view
def settings_view(request: HttpRequest, actor: Actor) -> HttpResponse:
    """The feedback-response SLA: acknowledge within N business days."""
    actor.require("feedback.configure")
    current = settings_get(actor=actor)
    if request.method != "POST":
        form = SettingsForm(initial={"acknowledge_within_days": current.acknowledge_within_days})
        return render(request, "feedback/settings.html", {"nav": "feedback_health", "form": form})
    form = SettingsForm(request.POST)
    if _settings_saved(actor, form):
        messages.success(request, _("Your changes were saved."))
        return HttpResponseRedirect(reverse("feedback_settings", args=[actor.workspace.slug]))
    context = {"nav": "feedback_health", "form": form}
    return render(request, "feedback/settings.html", context, status=422)


# -- the competitor catalogue (a record page) ----------------------------------------------------


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
    detail_context=presenters.competitor_context,
    empty_text=gettext_lazy(
        "The competitors your field meets. Naming them on feedback shows who comes up, and when."
    ),
)
