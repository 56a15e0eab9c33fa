"""REST endpoints of the shared funnel: moves, decisions, SLA clocks, contracts, rules, breaches."""

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from cordee.core.api import Pagination, QuerySchema, current_actor, register_crud
from cordee.core.errors import NotFound, ValidationFailed
from cordee.core.records import record_get
from cordee.core.schemas import Id, PathId
from cordee.funnel import (
    activities,
    activity_schemas,
    credit_schemas,
    credits,
    goal_schemas,
    goals,
    kpis,
    metrics,
    planning,
    record_schemas,
    records,
    reports,
    schemas,
    selectors,
    services,
    timeline,
)
from cordee.funnel.models import Stage
from cordee.funnel.sla import marketing_status

router = Router(tags=["Funnel"])


def _lead(request: HttpRequest, pk: PathId) -> Any:
    return record_get(actor=current_actor(request), spec=records.LEADS, pk=pk)


@router.post(
    "/leads/{int:pk}/transition", response=schemas.LeadStageOut, operation_id="lead_transition"
)
def transition(request: HttpRequest, pk: PathId, payload: schemas.TransitionIn) -> Any:
    """Move a lead along an allowed live transition (409 if someone changed it meanwhile)."""
    return services.lead_transition(
        actor=current_actor(request),
        lead_id=_lead(request, pk).pk,
        to_stage=payload.to_stage,
        reason=payload.reason,
    )


@router.post("/leads/{int:pk}/accept", response=schemas.LeadStageOut, operation_id="lead_accept")
def accept(request: HttpRequest, pk: PathId, payload: schemas.AcceptIn) -> Any:
    """Sales accepts an MQL (→ SAL). Of two decisions at once, one wins; the other gets 409."""
    return services.lead_accept(
        actor=current_actor(request), lead_id=_lead(request, pk).pk, comment=payload.comment
    )


@router.post("/leads/{int:pk}/reject", response=schemas.LeadStageOut, operation_id="lead_reject")
def reject(request: HttpRequest, pk: PathId, payload: schemas.RejectIn) -> Any:
    """Sales rejects an MQL with a mandatory reason: recycled (re-evaluation date) or disqualified."""
    return services.lead_reject(
        actor=current_actor(request),
        lead_id=_lead(request, pk).pk,
        reason_code=payload.reason,
        comment=payload.comment,
        outcome=payload.outcome,
        recycle_on=payload.recycle_on,
    )


@router.get("/leads/{int:pk}/sla", response=schemas.LeadSlaOut, operation_id="lead_sla")
def lead_sla(request: HttpRequest, pk: PathId) -> Any:
    """Due times (ISO 8601 with the workspace's offset), business time used, attempts, breaches."""
    status = selectors.lead_sla(actor=current_actor(request), lead=_lead(request, pk))
    if status is None:
        raise NotFound(_("No signed SLA contract governs this lead's current MQL cycle."))
    return schemas.sla_payload(status)


@router.post(
    "/leads/{int:pk}/convert", response={201: schemas.ConvertedOut}, operation_id="lead_convert"
)
def convert(request: HttpRequest, pk: PathId, payload: schemas.ConvertIn) -> Any:
    """SAL → SQL: the lead becomes an opportunity on its account (amount as a decimal string)."""
    opportunity = services.lead_convert(
        actor=current_actor(request),
        lead_id=_lead(request, pk).pk,
        data=payload.model_dump(exclude_unset=True),
    )
    return 201, {"opportunity_id": opportunity.pk, "lead_id": pk, "stage": "sql"}


class BreachFilters(QuerySchema):
    kind: schemas.BreachKindChoice | None = None
    side: Literal["sales", "marketing"] | None = None
    pod: Id | None = None
    committee_pending: bool | None = None


@router.get("/sla-breaches", response=list[schemas.SlaBreachOut], operation_id="slabreach_list")
@paginate(Pagination)
def breaches(request: HttpRequest, filters: Query[BreachFilters]) -> Any:
    params = {
        k: str(v).lower() if isinstance(v, bool) else str(v)
        for k, v in filters.dict().items()
        if v is not None
    }
    return selectors.breaches_list(actor=current_actor(request), params=params)


@router.post(
    "/sla-contracts/{int:pk}/sign", response=schemas.ContractOut, operation_id="slacontract_sign"
)
def sign(request: HttpRequest, pk: PathId) -> Any:
    """The marketing manager signs marketing's side; the sales manager signs sales' side."""
    return services.sla_contract_sign(actor=current_actor(request), contract_id=pk)


@router.get(
    "/sla-contracts/{int:pk}/marketing",
    response=schemas.MarketingStatusOut,
    operation_id="slacontract_marketing",
)
def marketing(request: HttpRequest, pk: PathId) -> Any:
    """Marketing's side so far: MQLs, projection to the period end, acceptance rate."""
    contract = record_get(actor=current_actor(request), spec=records.SLA_CONTRACTS, pk=pk)
    status = marketing_status(contract, timezone.now())
    return {
        **status.__dict__,
        "acceptance_rate": status.acceptance_rate,
        "volume_state": status.volume_state,
        "mql_volume": contract.mql_volume,
        "acceptance_floor": contract.acceptance_floor,
    }


register_crud(
    router,
    records.SLA_CONTRACTS,
    out=schemas.ContractOut,
    create_in=schemas.ContractIn,
    update_in=schemas.ContractPatch,
    create=lambda *, actor, data: services.sla_contract_save(actor=actor, data=data),
    update=lambda *, actor, instance, data: services.sla_contract_save(
        actor=actor, data=data, contract=instance
    ),
)
register_crud(
    router,
    records.SCORING_RULES,
    out=schemas.ScoringRuleOut,
    create_in=schemas.ScoringRuleIn,
    update_in=schemas.ScoringRulePatch,
)
register_crud(
    router,
    records.REJECTION_REASONS,
    out=schemas.ReasonOut,
    create_in=schemas.ReasonIn,
    update_in=schemas.ReasonPatch,
)
register_crud(
    router,
    records.ROUTING_RULES,
    out=schemas.RoutingRuleOut,
    create_in=schemas.RoutingRuleIn,
    update_in=schemas.RoutingRulePatch,
)


def _threshold(actor: Any) -> dict[str, Any]:
    actor.workspace.refresh_from_db(fields=["mql_threshold"])
    return {
        "threshold": actor.workspace.mql_threshold,
        "changes": list(selectors.mql_threshold_changes(actor=actor)[:50]),
    }


@router.get("/scoring/threshold", response=schemas.MqlThresholdOut, operation_id="mql_threshold")
def threshold_get(request: HttpRequest) -> Any:
    """The MQL threshold in force and its latest changes (who, when, from, to)."""
    return _threshold(current_actor(request))


@router.put(
    "/scoring/threshold", response=schemas.MqlThresholdOut, operation_id="mql_threshold_set"
)
def threshold_set(request: HttpRequest, payload: schemas.MqlThresholdIn) -> Any:
    """Set the MQL threshold (RevOps admins); the change is recorded and leads are rescored."""
    actor = current_actor(request)
    services.mql_threshold_set(actor=actor, threshold=payload.threshold)
    return _threshold(actor)


def _fallback(actor: Any) -> dict[str, Any]:
    fallback = selectors.routing_fallback(actor=actor)
    return {
        "pod": fallback.pod_id if fallback else None,
        "pod_name": fallback.pod.name if fallback and fallback.pod else None,
        "user": fallback.user_id if fallback else None,
        "user_name": str(fallback.user) if fallback and fallback.user else None,
        "changed_by_id": fallback.changed_by_id if fallback else None,
        "changed_at": fallback.changed_at if fallback else None,
        "unowned_mqls": selectors.unowned_mql_count(actor=actor),
    }


@router.get(
    "/routing/fallback", response=schemas.RoutingFallbackOut, operation_id="routing_fallback"
)
def fallback_get(request: HttpRequest) -> Any:
    """Who takes the MQLs no routing rule places, and how many MQLs have no owner now."""
    return _fallback(current_actor(request))


@router.put(
    "/routing/fallback", response=schemas.RoutingFallbackOut, operation_id="routing_fallback_set"
)
def fallback_set(request: HttpRequest, payload: schemas.RoutingFallbackIn) -> Any:
    """Set the fallback (RevOps admins): a pod or one person of the sales team; neither clears it."""
    actor = current_actor(request)
    services.routing_fallback_set(actor=actor, pod_id=payload.pod, user_id=payload.user)
    return _fallback(actor)


class StageExitsOut(Schema):
    stage: str
    entered: int
    exits: dict[str, int]
    still_in: int
    median_days_in_stage: float | None


@router.get("/funnel/stage-exits", response=StageExitsOut, operation_id="funnel_stage_exits")
def stage_exits(request: HttpRequest, stage: str, since: dt.date) -> Any:
    """Of the leads that entered ``stage`` since ``since``: where they went next and the median
    time they stayed (from the stage history)."""

    if stage not in Stage.values:
        raise ValidationFailed(_("Unknown stage."), field_errors={"stage": [_("Unknown stage.")]})
    start = dt.datetime.combine(since, dt.time(0), tzinfo=dt.UTC)
    return reports.stage_exits(current_actor(request).workspace, stage, start).__dict__


class MetricsFilters(QuerySchema):
    by: str = Field("month", description="month (of MQL), source, campaign or pod")
    from_: dt.date | None = Field(
        None, alias="from", description="First MQL day (default: 12 calendar months ago)"
    )
    to: dt.date | None = Field(None, description="Last MQL day, inclusive (default: today)")


@router.get("/funnel/metrics", response=schemas.FunnelMetricsOut, operation_id="funnel_metrics")
def funnel_metrics(request: HttpRequest, filters: Query[MetricsFilters]) -> Any:
    """Stage-to-stage conversion (MQL→SAL→SQL→Won) and median days in stage by cohort (month of
    MQL, source, campaign or pod), pipeline created and won per source (decimal strings, in the
    workspace currency), and the monthly lead velocity rate. Dates are in the workspace time
    zone; an unknown ``by`` or a bad date is a 422 naming the field."""

    actor = current_actor(request)
    by, period = metrics.metrics_request(
        actor.workspace, by=filters.by, start=filters.from_, end=filters.to
    )
    return schemas.funnel_metrics_payload(metrics.funnel_metrics(actor=actor, by=by, period=period))


class KpiFilters(QuerySchema):
    scope: str = Field(
        "workspace",
        max_length=40,
        description="workspace, side:marketing, side:sales, pod:<id> or person:<user id>",
    )
    period: str | None = Field(
        None,
        max_length=10,
        description="2027 (fiscal year, named after the year it starts in), 2027-Q1 (fiscal "
        "quarter) or 2027-03 (calendar month); default: the current fiscal quarter",
    )


@router.get("/kpis", response=schemas.KpiCatalogueOut, operation_id="kpi_catalogue", tags=["KPIs"])
def kpi_catalogue(request: HttpRequest) -> Any:
    """The KPI catalogue: each KPI's key, label and definition (in the request's language), its
    unit, its side, and a rate's numerator and denominator (keys of other KPIs)."""

    current_actor(request)
    return {"items": kpis.catalogue_payload()}


@router.get("/kpis/values", response=schemas.KpiValuesOut, operation_id="kpi_values", tags=["KPIs"])
def kpi_values(request: HttpRequest, filters: Query[KpiFilters]) -> Any:
    """Every KPI's value for a scope and a fiscal period (in the workspace time zone). Every
    member reads the workspace, a side and a pod; a person's values are read by that person, a
    manager of the same side, RevOps admins and executives (403 otherwise). A pod or person of
    another workspace is a 404; a bad scope or period a 422 naming it."""

    actor = current_actor(request)
    scope = kpis.scope_read(actor, filters.scope)
    period = kpis.period_read(actor.workspace, filters.period)
    return kpis.report_payload(kpis.kpi_report(actor=actor, scope=scope, period=period))


@router.post(
    "/plans/compute", response=schemas.PlanOut, operation_id="plan_compute", tags=["Planning"]
)
def plan_compute(request: HttpRequest, payload: schemas.PlanIn) -> Any:
    """The planning calculator: from a revenue goal to the customers, SQLs, SALs and MQLs needed
    (each rounded up from the stage below), marketing's MQL commitment and the lead value. Each
    input left out (average deal size, MQL→SAL, SAL→SQL, SQL→Won, marketing's share of revenue)
    is read from the workspace's own history over the cohort window (the last ``window_months``
    complete months of MQL cohorts), and each says where it came from; a sensitivity table moves
    each rate by ±5 points. ``pod`` or ``segment`` (account industries, not both) restricts the
    history to that scope. Any member may compute (nothing is written). A bad input, an unknown
    pod or industry, or an input the history cannot give is a 422 naming the field."""

    return planning.plan_payload(
        planning.plan_compute(actor=current_actor(request), **payload.model_dump())
    )


@router.post(
    "/plans/goals",
    response=schemas.PlanGoalsOut,
    operation_id="plan_goals_write",
    tags=["Planning"],
)
def plan_goals_write(request: HttpRequest, payload: schemas.PlanGoalsIn) -> Any:
    """Computes the plan as ``/plans/compute`` does and writes it as the period's shared goals
    of its scope (the workspace or the plan's pod), owned by both sides: revenue won, deals won
    (the customers), SQLs, SALs, MQLs created and the acceptance rate (the MQL → SAL rate). A
    goal already set for the same KPI, scope and period gets the plan's target (its history
    keeps the change); the same plan twice changes nothing. Then proposes marketing's
    commitments in the period's SLA contract of that scope (MQL volume = marketing's MQLs,
    acceptance floor = the MQL → SAL rate): a new unsigned contract, or the existing one
    changed, which withdraws its signatures. A **segment** plan writes no goal (goals have no
    segment scope): it only proposes the segment's contract of the period (its industries, the
    same MQL volume and acceptance floor) — ``goals_written`` is false, ``goals`` empty.
    Managers of either side and RevOps (403 otherwise); the plan needs a period (422)."""
    actor = current_actor(request)
    data = payload.model_dump()
    owners = {k: data.pop(k) for k in ("marketing_owner", "sales_owner")}
    result = planning.plan_compute(actor=actor, **data)
    written = services.plan_goals_write(actor=actor, result=result, **owners)
    return services.plan_goals_payload(actor, written)


class GoalFilters(QuerySchema):
    period: str | None = Field(None, max_length=10, description="2027, 2027-Q1 or 2027-03")
    scope: str | None = Field(None, max_length=40, description="workspace, side:…, pod:…, person:…")
    kpi: str | None = Field(None, max_length=40, description="A KPI key of the catalogue")


def _goals_out(actor: Any, items: list[Any]) -> list[dict[str, Any]]:
    progress = goals.goals_progress(actor=actor, goals=items)
    return [goals.goal_payload(g, progress[g.pk]) for g in items]


def _goal_out(actor: Any, pk: int) -> dict[str, Any]:
    return _goals_out(actor, [goals.goal_get(actor=actor, pk=pk)])[0]


@router.get("/goals", response=goal_schemas.GoalListOut, operation_id="goal_list", tags=["Goals"])
def goal_list(request: HttpRequest, filters: Query[GoalFilters]) -> Any:
    """The workspace's goals with their progress: the actual to date (the KPI's value for the
    goal's scope and period), the forecast to period end (count and money: actual + the
    remaining share of the period's calendar days × the mean of the 4 previous periods of the
    same length; linear without history; a rate or duration: the actual) and the status
    against the RevOps thresholds. A person's goals are listed to those who read that person's
    KPIs."""

    actor = current_actor(request)
    items = goals.goal_list(
        actor=actor, period=filters.period, scope=filters.scope, kpi=filters.kpi
    )
    return {"items": _goals_out(actor, items)}


@router.post(
    "/goals",
    response={201: goal_schemas.GoalOut},
    operation_id="goal_create",
    tags=["Goals"],
)
def goal_create(request: HttpRequest, payload: goal_schemas.GoalIn) -> Any:
    """Set a goal (managers of either side and RevOps admins; 403 otherwise). A shared goal
    (the workspace's or a pod's, or a shared KPI's) has a marketing and a sales owner; under a
    parent that sums its children, the children may not exceed it. 422 naming the field."""

    actor = current_actor(request)
    goal = services.goal_create(actor=actor, data=payload.model_dump())
    return 201, _goal_out(actor, goal.pk)


@router.get(
    "/goals/thresholds",
    response=goal_schemas.GoalThresholdsOut,
    operation_id="goal_thresholds",
    tags=["Goals"],
)
def goal_thresholds(request: HttpRequest) -> Any:
    """The status thresholds, fractions of the target (default: on track from 1, at risk from
    0.85; inverted for a KPI where lower is better)."""

    on_track, at_risk = goals.thresholds(current_actor(request).workspace)
    return {"on_track": goals.fraction_text(on_track), "at_risk": goals.fraction_text(at_risk)}


@router.put(
    "/goals/thresholds",
    response=goal_schemas.GoalThresholdsOut,
    operation_id="goal_thresholds_set",
    tags=["Goals"],
)
def goal_thresholds_set(request: HttpRequest, payload: goal_schemas.GoalThresholdsIn) -> Any:
    """Set the status thresholds (RevOps admins)."""

    row = services.goal_thresholds_set(
        actor=current_actor(request), on_track=payload.on_track, at_risk=payload.at_risk
    )
    return {
        "on_track": goals.fraction_text(row.on_track),
        "at_risk": goals.fraction_text(row.at_risk),
    }


@router.get(
    "/goals/{int:pk}", response=goal_schemas.GoalOut, operation_id="goal_get", tags=["Goals"]
)
def goal_get(request: HttpRequest, pk: PathId) -> Any:
    """One goal with its progress (404 for another workspace's)."""

    return _goal_out(current_actor(request), pk)


@router.patch(
    "/goals/{int:pk}", response=goal_schemas.GoalOut, operation_id="goal_update", tags=["Goals"]
)
def goal_update(request: HttpRequest, pk: PathId, payload: goal_schemas.GoalPatch) -> Any:
    """Change a goal's target, stretch target, owners, parent or roll-up rule; each change of
    target, stretch or owner is kept in its history."""

    actor = current_actor(request)
    goals.goal_get(actor=actor, pk=pk)
    services.goal_update(actor=actor, goal_id=pk, data=payload.model_dump(exclude_unset=True))
    return _goal_out(actor, pk)


@router.delete("/goals/{int:pk}", response={204: None}, operation_id="goal_delete", tags=["Goals"])
def goal_delete(request: HttpRequest, pk: PathId) -> Any:
    """Delete a goal and its history (409 while it has children)."""

    actor = current_actor(request)
    goals.goal_get(actor=actor, pk=pk)
    services.goal_delete(actor=actor, goal_id=pk)
    return 204, None


@router.get(
    "/goals/{int:pk}/history",
    response=goal_schemas.GoalHistoryOut,
    operation_id="goal_history",
    tags=["Goals"],
)
def goal_history(request: HttpRequest, pk: PathId) -> Any:
    """Every change of the goal's target, stretch target or owners: who, when, the field,
    before and after (the field and the owners named in the request's language)."""

    actor = current_actor(request)
    goal = goals.goal_get(actor=actor, pk=pk)
    return {"items": goals.goal_history(actor=actor, goal=goal)}


def _lead_with_sla(*, actor: Any, pk: int) -> Any:
    """A single lead is read with its SLA clocks (lists leave them out: they cost a computation)."""

    lead = record_get(actor=actor, spec=records.LEADS, pk=pk)
    lead.sla_status = selectors.lead_sla(actor=actor, lead=lead)
    return lead


register_crud(
    router,
    records.TOUCHPOINTS,
    out=record_schemas.TouchpointOut,
    create_in=record_schemas.TouchpointIn,
    update_in=record_schemas.TouchpointPatch,
    create=services.touchpoint_create,
)


register_crud(
    router,
    records.LEADS,
    out=record_schemas.LeadOut,
    create_in=record_schemas.LeadIn,
    update_in=record_schemas.LeadPatch,
    create=services.lead_create,
    update=services.lead_update,
    get_selector=_lead_with_sla,
)


class BoardQuery(QuerySchema):
    closes_after: dt.date | None = None
    closes_before: dt.date | None = None
    forecast_category: str | None = None
    owner: int | None = None


@router.get(
    "/opportunities/board",
    response=record_schemas.OpportunityBoardOut,
    tags=["Opportunities"],
    operation_id="opportunity_board",
    summary="The pipeline by stage: counts, amounts and weighted amounts",
)
def opportunity_board(request: HttpRequest, filters: Query[BoardQuery]) -> Any:
    """Each stage's opportunities in the workspace currency: amount and weighted amount
    (Σ amount × the stage's probability ÷ 100), other currencies apart. Move a card with
    ``PATCH /opportunities/{id}`` (``stage``, ``forecast_category``): a won or lost deal stays
    closed (422)."""
    params = {k: str(v) for k, v in filters.dict().items() if v is not None}
    return selectors.opportunity_board(actor=current_actor(request), params=params)


@router.get(
    "/opportunities/{int:pk}/history",
    response=list[record_schemas.OpportunityStageChangeOut],
    tags=["Opportunities"],
    operation_id="opportunity_history",
    summary="An opportunity's stage changes, oldest first",
)
def opportunity_history(request: HttpRequest, pk: PathId) -> Any:
    actor = current_actor(request)
    opportunity = record_get(actor=actor, spec=records.OPPORTUNITIES, pk=pk)
    return selectors.opportunity_history(actor=actor, opportunity=opportunity)


@router.get(
    "/opportunities/{int:pk}/credits",
    response=credit_schemas.OpportunityCreditsOut,
    tags=["Opportunities"],
    operation_id="opportunity_credits",
    summary="Who is credited for an opportunity, and with which share",
)
def opportunity_credits(request: HttpRequest, pk: PathId) -> Any:
    """The deal's split credit (``split``: true) or, without one, its owner with the whole
    (share 1); each person's credited amount (amount × share) in the deal's currency."""
    actor = current_actor(request)
    opportunity = record_get(actor=actor, spec=records.OPPORTUNITIES, pk=pk)
    return credits.opportunity_credits(actor=actor, opportunity=opportunity)


@router.put(
    "/opportunities/{int:pk}/credits",
    response=credit_schemas.OpportunityCreditsOut,
    tags=["Opportunities"],
    operation_id="opportunity_credits_set",
    summary="Split an opportunity's credit between several people",
)
def opportunity_credits_set(
    request: HttpRequest, pk: PathId, payload: credit_schemas.OpportunityCreditsIn
) -> Any:
    """Replace the split (sales managers and RevOps): active members of the workspace, each
    once, shares above 0 and at most 1 summing to exactly 1 (422 naming ``shares[1].person``,
    ``shares[0].share`` or ``shares``); an empty list removes the split. Audited."""
    actor = current_actor(request)
    opportunity = record_get(actor=actor, spec=records.OPPORTUNITIES, pk=pk)
    return credits.opportunity_credits_set(
        actor=actor,
        opportunity_id=opportunity.pk,
        shares=[s.model_dump() for s in payload.shares],
    )


register_crud(
    router,
    records.OPPORTUNITIES,
    out=record_schemas.OpportunityOut,
    create_in=record_schemas.OpportunityIn,
    update_in=record_schemas.OpportunityPatch,
    create=lambda *, actor, data: services.opportunity_save(actor=actor, data=data),
    update=lambda *, actor, instance, data: services.opportunity_save(
        actor=actor, data=data, opportunity=instance
    ),
)


@router.get(
    "/leads/{int:pk}/history",
    response=list[record_schemas.LeadStageChangeOut],
    tags=["Leads"],
    operation_id="lead_history",
    summary="A lead's stage changes, oldest first",
)
def lead_history(request: HttpRequest, pk: PathId) -> Any:
    actor = current_actor(request)
    lead = record_get(actor=actor, spec=records.LEADS, pk=pk)
    return selectors.lead_history(actor=actor, lead=lead)


# -- activities, tasks, the record timeline ---------------------------------------------------


@router.post(
    "/activities", response={201: activity_schemas.ActivityOut}, operation_id="activity_create"
)
def activity_log(request: HttpRequest, payload: activity_schemas.ActivityIn) -> Any:
    """Log a call (with its outcome), a sales e-mail, a meeting, a message or a note on a lead,
    contact, account or opportunity. A sales activity by the lead's owner or their team counts
    for its SLA clocks at once (``counts_for_sla``); a note or a marketing touch never does."""
    return 201, activities.activity_log(actor=current_actor(request), data=payload)


@router.get("/tasks", response=list[activity_schemas.TaskOut], operation_id="task_list")
@paginate(Pagination)
def task_list(request: HttpRequest, owner: Id | None = None, done: bool | None = False) -> Any:
    """Tasks by due time: ``owner`` (a user id) and ``done`` (false: open ones, the default)."""
    return selectors.tasks_list(actor=current_actor(request), owner_id=owner, done=done)


@router.post("/tasks", response={201: activity_schemas.TaskOut}, operation_id="task_create")
def task_create(request: HttpRequest, payload: activity_schemas.TaskIn) -> Any:
    """Plan a task on a record, with a reminder ``remind_hours_before`` business hours (the
    workspace calendar) before it is due; its owner is told when the reminder falls due."""
    return 201, activities.task_create(actor=current_actor(request), data=payload)


@router.post("/tasks/{int:pk}/done", response=activity_schemas.TaskOut, operation_id="task_done")
def task_done(request: HttpRequest, pk: PathId, payload: activity_schemas.TaskDoneIn) -> Any:
    """Mark a task done (``{"done": false}``: open again)."""
    return activities.task_done(actor=current_actor(request), task_id=pk, done=payload.done)


@router.get(
    "/timeline/{record}/{int:pk}",
    response=list[activity_schemas.TimelineEntryOut],
    operation_id="record_timeline",
)
def record_timeline(
    request: HttpRequest,
    record: activity_schemas.RecordKind,
    pk: PathId,
    kind: list[str] = Query(default=[]),  # noqa: B008
    page: int = Query(default=1, ge=1),
) -> Any:
    """A record's timeline, newest first: stage history, owner changes, activities, marketing
    touches, tasks (``kind`` filters, repeatable), 25 entries a page."""
    actor = current_actor(request)
    about = activities.record_about(actor=actor, record=record, record_id=pk)
    return timeline.timeline(actor=actor, about=about, kinds=kind, page=page).entries
