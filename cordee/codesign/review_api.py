"""REST endpoints of the sales review: default reviewers per pod, the review of a campaign's
brief (send it, answer it), comments anchored to its fields, the launch and its override."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from cordee.codesign import review, review_selectors, selectors
from cordee.codesign.models import BriefComment, LaunchOverride
from cordee.codesign.schemas import (
    BriefCommentIn,
    BriefCommentOut,
    DecisionIn,
    OverrideIn,
    OverrideOut,
    PodReviewerIn,
    PodReviewerOut,
    ReviewOut,
    ReviewRequestIn,
    ReviewStatusOut,
)
from cordee.core.api import current_actor
from cordee.core.schemas import PathId

router = Router(tags=["Campaign reviews"])


def comment_out(c: BriefComment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "campaign": c.campaign_id,
        "field": c.field,
        "version": c.version,
        "parent": c.parent_id,
        "author_id": c.author_id,
        "author_name": str(c.author) if c.author else "",
        "body": c.body,
        "created_at": c.created_at,
        "resolved_at": c.resolved_at,
        "resolved_by_id": c.resolved_by_id,
    }


def override_out(o: LaunchOverride) -> dict[str, Any]:
    return {
        "id": o.pk,
        "campaign": o.campaign_id,
        "by_id": o.by_id,
        "by_name": str(o.by) if o.by else "",
        "reason": o.reason,
        "version": o.version,
        "missing_pods": o.missing_pods,
        "created_at": o.created_at,
        "discussed_at": o.discussed_at,
    }


@router.get("/pod-reviewers", response=list[PodReviewerOut], operation_id="pod_reviewer_list")
def pod_reviewer_list(request: HttpRequest) -> Any:
    """Every pod, its default reviewer and who may be named (its active sales members)."""
    actor = current_actor(request)
    return [
        {
            "pod": row.pod.pk,
            "pod_name": row.pod.name,
            "reviewer_id": row.reviewer.pk if row.reviewer else None,
            "reviewer_name": str(row.reviewer) if row.reviewer else "",
            "candidates": [u.pk for u in row.candidates],
        }
        for row in review_selectors.pod_reviewers(actor=actor)
    ]


@router.put("/pod-reviewers/{pk}", response=PodReviewerOut, operation_id="pod_reviewer_set")
def pod_reviewer_set(request: HttpRequest, pk: PathId, payload: PodReviewerIn) -> Any:
    """Name the pod's default reviewer (managers; ``null``: none)."""
    actor = current_actor(request)
    pod = review_selectors.pod_get(actor=actor, pk=pk)
    review.pod_reviewer_set(actor, pod, payload.user)
    row = next(r for r in review_selectors.pod_reviewers(actor=actor) if r.pod.pk == pod.pk)
    return {
        "pod": pod.pk,
        "pod_name": pod.name,
        "reviewer_id": row.reviewer.pk if row.reviewer else None,
        "reviewer_name": str(row.reviewer) if row.reviewer else "",
        "candidates": [u.pk for u in row.candidates],
    }


def _status(actor: Any, campaign: Any) -> dict[str, Any]:
    panel = review_selectors.review_panel(actor=actor, campaign=campaign)
    return {
        "campaign": campaign.pk,
        "status": campaign.status,
        "version": panel.brief.number if panel.brief else None,
        "rounds": [review_selectors.round_out(r.round) for r in panel.pods if r.round],
        "history": [review_selectors.round_out(r) for r in panel.history],
        "missing_pods": [p.name for p in panel.missing],
        "may_launch": panel.refusal is None,
        "refusal": panel.refusal,
        "overrides": [override_out(o) for o in panel.overrides],
    }


@router.get("/campaigns/{pk}/reviews", response=ReviewStatusOut, operation_id="review_status")
def review_status(request: HttpRequest, pk: PathId) -> Any:
    """The brief's sales review: each target pod's open round (reviewer, due, late, answer), the
    closed rounds, the pods still missing an approval, why a launch is refused, the overrides."""
    actor = current_actor(request)
    return _status(actor, selectors.campaign_get(actor=actor, pk=pk))


@router.post("/campaigns/{pk}/reviews", response=ReviewStatusOut, operation_id="review_request")
def review_request(request: HttpRequest, pk: PathId, payload: ReviewRequestIn) -> Any:
    """Send the brief for sales review (marketing): a round per target pod, due in 2 business
    days; ``reviewers`` names another sales member of a pod for this campaign."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    review.review_request(actor, campaign, payload.reviewers)
    return _status(actor, campaign)


@router.post("/reviews/{pk}/decision", response=ReviewOut, operation_id="review_decide")
def review_decide(request: HttpRequest, pk: PathId, payload: DecisionIn) -> Any:
    """Approve the brief as it is (``approved``) or ask for changes (``changes``, a note
    required): the round's reviewer, a sales manager or RevOps."""
    actor = current_actor(request)
    found = review_selectors.review_get(actor=actor, pk=pk)
    done = review.review_decide(actor, found, payload.decision, payload.note)
    return review_selectors.round_out(review_selectors.review_get(actor=actor, pk=done.pk))


@router.get(
    "/campaigns/{pk}/brief/comments",
    response=list[BriefCommentOut],
    operation_id="brief_comment_list",
)
def brief_comment_list(request: HttpRequest, pk: PathId) -> Any:
    """Every comment on the brief's fields, in the order written (``parent``: the thread's first
    comment; ``resolved_at`` is on the first comment)."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    threads = review_selectors.comment_threads(actor=actor, campaign=campaign)
    rows = [c for ts in threads.values() for t in ts for c in (t.root, *t.replies)]
    return [comment_out(c) for c in sorted(rows, key=lambda c: (c.created_at, c.pk))]


@router.post(
    "/campaigns/{pk}/brief/comments",
    response={201: BriefCommentOut},
    operation_id="brief_comment_create",
)
def brief_comment_create(request: HttpRequest, pk: PathId, payload: BriefCommentIn) -> Any:
    """Comment on a field of the brief (``field``: one of the brief's field names), or reply in
    a thread (``parent``). Both sides; the other side is notified."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    parent = (
        review_selectors.comment_get(actor=actor, pk=payload.parent)
        if payload.parent is not None
        else None
    )
    made = review.comment_add(actor, campaign, payload.field, payload.body, parent)
    return 201, comment_out(made)


@router.post(
    "/brief-comments/{pk}/resolve", response=BriefCommentOut, operation_id="brief_comment_resolve"
)
def brief_comment_resolve(request: HttpRequest, pk: PathId) -> Any:
    """Mark the comment's thread resolved."""
    actor = current_actor(request)
    return comment_out(
        review.comment_resolve(actor, review_selectors.comment_get(actor=actor, pk=pk))
    )


@router.post(
    "/brief-comments/{pk}/reopen", response=BriefCommentOut, operation_id="brief_comment_reopen"
)
def brief_comment_reopen(request: HttpRequest, pk: PathId) -> Any:
    """Open the comment's thread again."""
    actor = current_actor(request)
    return comment_out(
        review.comment_reopen(actor, review_selectors.comment_get(actor=actor, pk=pk))
    )


@router.post("/campaigns/{pk}/launch", response=ReviewStatusOut, operation_id="campaign_launch")
def campaign_launch(request: HttpRequest, pk: PathId) -> Any:
    """Move the campaign to active (marketing). Refused (422, naming the pods without approval)
    until every target pod approved the brief as it is."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    launched = review.campaign_launch(actor, campaign)
    return _status(actor, launched)


@router.post(
    "/campaigns/{pk}/override", response={201: OverrideOut}, operation_id="campaign_launch_override"
)
def campaign_launch_override(request: HttpRequest, pk: PathId, payload: OverrideIn) -> Any:
    """Launch without every pod's approval (marketing managers), with a written reason (10
    characters or more), kept and shown on the campaign and in the committee agenda."""
    actor = current_actor(request)
    campaign = selectors.campaign_get(actor=actor, pk=pk)
    return 201, override_out(review.launch_override(actor, campaign, payload.reason))
