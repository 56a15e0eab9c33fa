"""The sales review's pages: default reviewers per pod, and the actions of the brief page's
review panel (send for review, answer, comment, resolve, launch, override). Each parses, calls
the service and goes back to the brief; a refusal shows the brief again with its reason (422)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cordee.codesign import review, review_selectors, selectors, views
from cordee.codesign.models import BriefComment
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.web import workspace_view
from cordee.crm.models import Campaign


def _number(value: Any) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _back(actor: Actor, campaign_id: int, anchor: str = "review") -> HttpResponse:
    url = reverse("brief_detail", args=[actor.workspace.slug, campaign_id])
    return HttpResponseRedirect(f"{url}#{anchor}")


def _refused(
    request: HttpRequest, actor: Actor, campaign: Campaign, exc: ValidationFailed, where: str
) -> HttpResponse:
    """The brief page again, the refusal shown where it was asked (``where``: the form's)."""
    return views.page(
        request,
        actor,
        campaign,
        None,
        status=422,
        extra={"review_error": exc.explained, "review_error_at": where},
    )


@workspace_view
def pod_reviewers(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Each pod's default reviewer; managers change it."""
    return render(
        request,
        "codesign/pod_reviewers.html",
        {
            "rows": review_selectors.pod_reviewers(actor=actor),
            "may_set": actor.can("brief.reviewers"),
        },
    )


@require_POST
@workspace_view
def pod_reviewer_set(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    pod = review_selectors.pod_get(actor=actor, pk=pk)  # another workspace's: 404 first
    actor.require("brief.reviewers")
    try:
        review.pod_reviewer_set(actor, pod, _number(request.POST.get("user", "")))
    except ValidationFailed as exc:
        messages.error(request, exc.explained)
    else:
        messages.success(request, _("The reviewer of %(pod)s was saved.") % {"pod": pod.name})
    return HttpResponseRedirect(reverse("pod_reviewers", args=[actor.workspace.slug]))


@require_POST
@workspace_view
def review_request(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    """Send the brief for sales review (reviewer_<pod id>: another sales member of that pod)."""
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    actor.require("brief.write")
    chosen = {
        pod: user
        for key, value in request.POST.items()
        if key.startswith("reviewer_")
        and (pod := _number(key.removeprefix("reviewer_"))) is not None
        and (user := _number(value)) is not None
    }
    try:
        review.review_request(actor, campaign, chosen)
    except ValidationFailed as exc:
        return _refused(request, actor, campaign, exc, "request")
    messages.success(request, _("The brief was sent for sales review."))
    return _back(actor, campaign.pk)


@require_POST
@workspace_view
def review_decide(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    found = review_selectors.review_get(actor=actor, pk=pk)
    try:
        review.review_decide(
            actor, found, request.POST.get("decision", ""), request.POST.get("note", "")
        )
    except ValidationFailed as exc:
        return _refused(request, actor, found.campaign, exc, f"decide-{found.pk}")
    messages.success(request, _("Your answer was saved."))
    return _back(actor, found.campaign_id)


@require_POST
@workspace_view
def brief_comment_create(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    actor.require("brief.comment")
    parent_id = _number(request.POST.get("parent", ""))
    parent = review_selectors.comment_get(actor=actor, pk=parent_id) if parent_id else None
    field = request.POST.get("field", "")
    try:
        made = review.comment_add(actor, campaign, field, request.POST.get("body", ""), parent)
    except ValidationFailed as exc:
        return _refused(request, actor, campaign, exc, f"comment-{field}")
    return _back(actor, campaign.pk, f"field-{made.field}")


def _thread(request: HttpRequest, actor: Actor, pk: int, resolved: bool) -> HttpResponse:
    comment: BriefComment = review_selectors.comment_get(actor=actor, pk=pk)
    actor.require("brief.comment")
    if resolved:
        review.comment_resolve(actor, comment)
    else:
        review.comment_reopen(actor, comment)
    return _back(actor, comment.campaign_id, f"field-{comment.field}")


@require_POST
@workspace_view
def brief_comment_resolve(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _thread(request, actor, pk, resolved=True)


@require_POST
@workspace_view
def brief_comment_reopen(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    return _thread(request, actor, pk, resolved=False)


@require_POST
@workspace_view
def campaign_launch(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    actor.require("campaign.launch")
    try:
        review.campaign_launch(actor, campaign)
    except ValidationFailed as exc:
        return _refused(request, actor, campaign, exc, "launch")
    messages.success(request, _("The campaign is launched."))
    return _back(actor, campaign.pk, "launch")


@require_POST
@workspace_view
def campaign_launch_override(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    actor.require("campaign.launch.override")
    try:
        review.launch_override(actor, campaign, request.POST.get("reason", ""))
    except ValidationFailed as exc:
        return _refused(request, actor, campaign, exc, "override")
    messages.success(request, _("The campaign is launched without every approval."))
    return _back(actor, campaign.pk, "launch")
