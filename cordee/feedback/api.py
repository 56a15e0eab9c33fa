"""REST endpoints of the field-feedback loop: inbox, submit, vote, triage, answer, merge,
similar items, themes, loop health and the competitor catalogue."""

from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Query, Router
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from cordee.core.api import Pagination, current_actor, register_crud
from cordee.core.errors import ValidationFailed
from cordee.core.schemas import PathId
from cordee.feedback import records, schemas, services
from cordee.feedback.selectors import health, inbox, similar
from cordee.feedback.selectors.health import HealthReport, TopOverTime

router = Router(tags=["Field feedback"])


@router.get("/feedback", response=list[schemas.FeedbackOut], operation_id="feedback_list")
@paginate(Pagination)
def feedback_list(request: HttpRequest, filters: Query[schemas.FeedbackFilters]) -> Any:
    """The inbox, filtered (merged items hidden unless ``merged=include``), newest first."""
    params = {k: str(v) for k, v in filters.model_dump().items() if v is not None}
    return inbox.feedback_list(actor=current_actor(request), params=params)


@router.post("/feedback", response={201: schemas.FeedbackOut}, operation_id="feedback_create")
def feedback_create(request: HttpRequest, payload: schemas.FeedbackIn) -> Any:
    """Raise field feedback (anyone but executives). Attach a file with ``/attachment``."""
    actor = current_actor(request)
    item = services.feedback_submit(actor=actor, data=payload.model_dump(exclude_unset=True))
    return 201, inbox.feedback_get(actor=actor, pk=item.pk)


@router.get("/feedback/similar", response=list[schemas.SimilarOut], operation_id="feedback_similar")
def feedback_similar(
    request: HttpRequest,
    text: Annotated[str, Field(max_length=1000)],
    k: Annotated[int, Field(ge=1, le=20)] = 5,
    exclude: int | None = None,
) -> Any:
    """Items similar to ``text`` (French and English alike), best first, for suggestions while
    typing and duplicate detection."""
    found = similar.similar_to(actor=current_actor(request), text=text, k=k, exclude_id=exclude)
    return [
        {
            "id": s.item.pk,
            "title": s.item.title,
            "kind": s.item.kind,
            "status": s.item.status,
            "score": s.score,
        }
        for s in found
    ]


@router.get("/feedback/themes", response=list[schemas.ThemeOut], operation_id="feedback_themes")
def feedback_themes(request: HttpRequest) -> Any:
    """Groups of similar items, largest first (recomputed in the background)."""
    return list(inbox.themes(actor=current_actor(request)))


def _numbers(report: HealthReport) -> dict[str, Any]:
    return {
        **report.numbers.__dict__,
        "pod_id": report.pod.pk if report.pod else None,
        "pod": report.pod.name if report.pod else None,
        "start": report.start,
        "end": report.end,
        "acknowledge_within_days": report.acknowledge_within_days,
    }


def _top(top: TopOverTime) -> dict[str, Any]:
    return {
        "months": top.months,
        "series": [{"id": i, "label": label, "counts": c} for i, label, c in top.series],
    }


@router.get("/feedback/health", response=schemas.HealthOut, operation_id="feedback_health")
def feedback_health(request: HttpRequest, months: Annotated[int, Field(ge=1, le=24)] = 3) -> Any:
    """Loop health over the items raised in the last ``months`` calendar months (each duplicate
    once), for the workspace and per pod: items per rep per month; of these items, how many were
    acknowledged (any first move out of "new" or an answer), answered, closed with an answer,
    not acknowledged in time and still waiting; median business days to acknowledge and to an
    answer; top themes and competitors per month."""
    actor = current_actor(request)
    reports = health.loop_health_by_pod(actor=actor, months=months)
    return {
        "workspace": _numbers(reports[0]),
        "pods": [_numbers(r) for r in reports[1:]],
        "top_themes": _top(health.top_over_time(actor=actor, dimension="theme", months=months)),
        "top_competitors": _top(
            health.top_over_time(actor=actor, dimension="competitor", months=months)
        ),
    }


@router.get(
    "/feedback/sla-breaches",
    response=list[schemas.FeedbackBreachOut],
    operation_id="feedback_sla_breaches",
)
@paginate(Pagination)
def feedback_sla_breaches(request: HttpRequest) -> Any:
    """Items not acknowledged within the workspace's business days, most recent due first."""
    return inbox.sla_breaches(actor=current_actor(request))


@router.get(
    "/feedback/settings", response=schemas.SettingsOut, operation_id="feedback_settings_get"
)
def feedback_settings_get(request: HttpRequest) -> Any:
    return inbox.feedback_settings(actor=current_actor(request))


@router.put(
    "/feedback/settings", response=schemas.SettingsOut, operation_id="feedback_settings_update"
)
def feedback_settings_update(request: HttpRequest, payload: schemas.SettingsIn) -> Any:
    """The feedback-response SLA: acknowledge within N business days (marketing manager, admin)."""
    return services.feedback_settings_update(
        actor=current_actor(request), acknowledge_within_days=payload.acknowledge_within_days
    )


@router.get("/feedback/{int:pk}", response=schemas.FeedbackDetailOut, operation_id="feedback_get")
def feedback_get(request: HttpRequest, pk: PathId) -> Any:
    """An item with its status history, answers, voters and authors (merged items' too)."""
    detail = inbox.feedback_detail(actor=current_actor(request), pk=pk)
    return {
        "item": detail.item,
        "status_changes": detail.status_changes,
        "responses": detail.responses,
        "voters": detail.voters,
        "authors": detail.authors,
        "merged_item_ids": [m.pk for m in detail.merged_items],
        "has_voted": detail.has_voted,
        "next_statuses": [value for value, _label in detail.next_statuses],
    }


@router.post(
    "/feedback/{int:pk}/attachment",
    response=schemas.FeedbackOut,
    operation_id="feedback_attach",
)
def feedback_attach(
    request: HttpRequest,
    pk: PathId,
    attachment: UploadedFile | None = File(None),  # type: ignore[assignment]  # noqa: B008
) -> Any:
    """Attach a file (multipart field ``attachment``; at most 10 MB; PDF, images, text, CSV,
    Word, Excel, PowerPoint — the content must match the extension)."""
    actor = current_actor(request)
    item = inbox.feedback_get(actor=actor, pk=pk)
    if item.author_id != actor.user.pk:
        actor.require("feedback.triage")
    if attachment is None:
        raise ValidationFailed(
            _("Choose a file to attach."),
            field_errors={"attachment": [_("This field is required.")]},
        )
    services.feedback_attach(actor=actor, item_id=pk, attachment=attachment)
    return inbox.feedback_get(actor=actor, pk=pk)


@router.post("/feedback/{int:pk}/vote", response=schemas.VotesOut, operation_id="feedback_vote")
def feedback_vote(request: HttpRequest, pk: PathId) -> Any:
    """+1 (once per person; the votes of a merged item go to the item it was merged into)."""
    votes = services.feedback_vote(actor=current_actor(request), item_id=pk)
    return {"item_id": pk, "votes": votes}


@router.delete("/feedback/{int:pk}/vote", response=schemas.VotesOut, operation_id="feedback_unvote")
def feedback_unvote(request: HttpRequest, pk: PathId) -> Any:
    votes = services.feedback_unvote(actor=current_actor(request), item_id=pk)
    return {"item_id": pk, "votes": votes}


@router.post(
    "/feedback/{int:pk}/status", response=schemas.FeedbackOut, operation_id="feedback_status"
)
def feedback_status(request: HttpRequest, pk: PathId, payload: schemas.StatusIn) -> Any:
    """Move along new → acknowledged → planned → done / won't do (marketing side; won't do needs
    a reason). A concurrent change, or ``expected_status`` not matching, answers 409."""
    actor = current_actor(request)
    services.feedback_status_change(
        actor=actor,
        item_id=pk,
        to_status=payload.to_status,
        reason=payload.reason,
        expected_status=payload.expected_status,
    )
    return inbox.feedback_get(actor=actor, pk=pk)


@router.post(
    "/feedback/{int:pk}/assign", response=schemas.FeedbackOut, operation_id="feedback_assign"
)
def feedback_assign(request: HttpRequest, pk: PathId, payload: schemas.AssignIn) -> Any:
    """Set the owner and/or due date (fields left out are unchanged; null clears)."""
    actor = current_actor(request)
    services.feedback_assign(actor=actor, item_id=pk, **_assign_args(payload))
    return inbox.feedback_get(actor=actor, pk=pk)


def _assign_args(payload: schemas.AssignIn) -> dict[str, Any]:
    given = payload.model_dump(exclude_unset=True)
    args: dict[str, Any] = {}
    if "owner" in given:
        args["owner_id"] = given["owner"]
    if "due_on" in given:
        args["due_on"] = given["due_on"]
    return args


@router.post(
    "/feedback/{int:pk}/responses",
    response={201: schemas.ResponseOut},
    operation_id="feedback_respond",
)
def feedback_respond(request: HttpRequest, pk: PathId, payload: schemas.RespondIn) -> Any:
    """Answer ("you said → we did"): notifies the submitter, merged authors and voters, and
    sends the ``feedback.answered`` webhook event."""
    response = services.feedback_respond(
        actor=current_actor(request),
        item_id=pk,
        text=payload.text,
        what_changed=payload.what_changed,
        campaign_id=payload.campaign,
        url=payload.url,
    )
    return 201, response


@router.post(
    "/feedback/{int:pk}/merge", response=schemas.FeedbackOut, operation_id="feedback_merge"
)
def feedback_merge(request: HttpRequest, pk: PathId, payload: schemas.FeedbackMergeIn) -> Any:
    """Merge this item into ``into``; answers the target, which keeps every voice and author."""
    actor = current_actor(request)
    target = services.feedback_merge(actor=actor, item_id=pk, into_id=payload.into)
    return inbox.feedback_get(actor=actor, pk=target.pk)


register_crud(
    router,
    records.COMPETITORS,
    out=schemas.CompetitorOut,
    create_in=schemas.CompetitorIn,
    update_in=schemas.CompetitorPatch,
)
