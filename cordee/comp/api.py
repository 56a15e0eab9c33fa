"""REST endpoints of variable pay under ``/comp/``: plans and their versions (RevOps and comp
admins), statements (each reader sees only those ``comp.selectors`` lets them read; another
person's is a 404, never a 403), their refresh (comp admins), approval (a manager of the
person's team or a comp admin), disputes and their resolution, the payroll file, and the
engine on posted inputs (``/comp/compute``, no database)."""

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.pagination import paginate
from pydantic import Field

from cordee.comp import compute, cost, inputs, payroll, schemas, selectors, services, whatif
from cordee.comp.models import Dispute, Plan, Statement, StatementStatus
from cordee.core.api import Pagination, QuerySchema, current_actor
from cordee.core.errors import PermissionDenied
from cordee.core.schemas import Id, PathId

router = Router(tags=["Variable pay"])


def _person(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "email": user.email, "name": user.get_full_name() or user.email}


def _plan(plan: Plan) -> dict[str, Any]:
    versions = list(selectors.plan_versions(plan))
    return {
        "id": plan.pk,
        "name": plan.name,
        "version": versions[0].number if versions else 0,
        "document": versions[0].document if versions else {},
        "versions": [
            {
                "number": v.number,
                "note": v.note,
                "created_at": v.created_at,
                "created_by": _person(v.created_by),
            }
            for v in versions
        ],
        "created_at": plan.created_at,
    }


def _dispute(dispute: Dispute) -> dict[str, Any]:
    return {
        "id": dispute.pk,
        "statement": dispute.statement_id,
        "component": dispute.component,
        "text": dispute.text,
        "status": dispute.status,
        "resolution": dispute.resolution,
        "raised_by": _person(dispute.raised_by),
        "resolved_by": _person(dispute.resolved_by),
        "created_at": dispute.created_at,
        "resolved_at": dispute.resolved_at,
        "adjustments": [
            {
                "id": a.pk,
                "period": a.period,
                "component": a.component,
                "amount": a.amount,
                "reason": a.reason,
            }
            for a in dispute.adjustments.all()
        ],
    }


def _line(line: dict[str, Any]) -> dict[str, Any]:
    if isinstance(line.get("pending"), dict):
        return {**line, "pending_text": inputs.missing_text(line["pending"])}
    return line


def _statement(
    actor: Any, statement: Statement, may: Callable[[Statement], bool] | None = None
) -> dict[str, Any]:
    missing = [inputs.missing_text(m) for m in (statement.inputs or {}).get("missing", [])]
    disputes = sorted(statement.disputes.all(), key=lambda d: (d.created_at, d.pk))
    return {
        "id": statement.pk,
        "plan": statement.plan_id,
        "plan_name": statement.plan.name,
        "version": statement.version.number,
        "person": _person(statement.person),
        "period": statement.period,
        "status": statement.status,
        "lines": [_line(x) for x in statement.lines],
        "inputs": statement.inputs,
        "total": statement.total,
        "missing": missing,
        "may_approve": statement.status == StatementStatus.DRAFT
        and not missing
        and (may or selectors.approver(actor))(statement),
        "approved_by": _person(statement.approved_by),
        "approved_at": statement.approved_at,
        "disputes": [_dispute(d) for d in disputes],
    }


_WITH = ("disputes__adjustments", "disputes__raised_by", "disputes__resolved_by")


def _statement_get(actor: Any, pk: int) -> dict[str, Any]:
    statement = selectors.statement_get(actor, pk)
    return _statement(actor, _prefetched(selectors.statements(actor)).get(pk=statement.pk))


def _prefetched(rows: QuerySet[Statement]) -> QuerySet[Statement]:
    return rows.select_related("approved_by").prefetch_related(*_WITH)


class _Shaped:
    """A queryset the paginator slices, each row shaped as it is read (a page at a time)."""

    def __init__(self, rows: QuerySet[Any], shape: Callable[[Any], dict[str, Any]]) -> None:
        self.rows, self.shape = rows, shape

    def __len__(self) -> int:
        return int(self.rows.count())

    def __getitem__(self, window: slice) -> list[dict[str, Any]]:
        return [self.shape(row) for row in self.rows[window]]


# -- plans ------------------------------------------------------------------------------------------


def _plan_reader(request: HttpRequest) -> Any:
    """RevOps and the comp admins read the plans (a plan holds each person's target): 403."""
    actor = current_actor(request)
    if not selectors.may_edit_plans(actor):
        raise PermissionDenied(_("RevOps and the comp admins read the pay plans."))
    return actor


@router.get("/comp/plans", response=list[schemas.PayPlanOut], operation_id="comp_plan_list")
@paginate(Pagination)
def plan_list(request: HttpRequest) -> Any:
    """The workspace's pay plans with their versions (RevOps and comp admins; 403 otherwise)."""
    return [_plan(p) for p in selectors.plans(_plan_reader(request))]


@router.post("/comp/plans", response={201: schemas.PayPlanOut}, operation_id="comp_plan_create")
def plan_create(request: HttpRequest, payload: schemas.PayPlanIn) -> Any:
    """A new plan and its first version (RevOps, comp admins). A bad document: 422 naming its
    JSON path (``components[1].curve.points[2]``)."""
    actor = current_actor(request)
    plan = services.plan_create(
        actor=actor, name=payload.name, document=payload.document, note=payload.note
    )
    return 201, _plan(plan)


@router.get("/comp/plans/{int:pk}", response=schemas.PayPlanOut, operation_id="comp_plan_get")
def plan_get(request: HttpRequest, pk: PathId) -> Any:
    return _plan(selectors.plan_get(_plan_reader(request), pk))


@router.post(
    "/comp/plans/{int:pk}/versions",
    response={201: schemas.PayPlanOut},
    operation_id="comp_plan_version_add",
)
def plan_version_add(request: HttpRequest, pk: PathId, payload: schemas.PayPlanVersionIn) -> Any:
    """A new version of the plan's document (the same document as the latest adds none); the
    statements computed before keep their version."""
    actor = current_actor(request)
    services.plan_version_add(actor=actor, plan_id=pk, document=payload.document, note=payload.note)
    return 201, _plan(selectors.plan_get(actor, pk))


@router.post(
    "/comp/plans/{int:pk}/refresh",
    response=schemas.PayRefreshOut,
    operation_id="comp_statements_refresh",
)
def statements_refresh(request: HttpRequest, pk: PathId, payload: schemas.PayRefreshIn) -> Any:
    """Computes every participant's statement of the period from the data (credited deals,
    the goals' KPI values) with the plan's latest version, as drafts; approved ones are frozen
    and left as they were (comp admins)."""
    actor = current_actor(request)
    done = services.statements_refresh(actor=actor, plan_id=pk, period_label=payload.period)
    may = selectors.approver(actor)
    return {
        "period": done.period,
        "computed": done.computed,
        "frozen": done.frozen,
        "statements": [
            _statement(actor, s, may)
            for s in _prefetched(Statement.objects.filter(pk__in=[x.pk for x in done.statements]))
            .select_related("person", "plan", "version")
            .order_by("person__email", "id")
        ],
    }


class PayrollQuery(QuerySchema):
    period: schemas.Period


@router.get(
    "/comp/plans/{int:pk}/payroll",
    operation_id="comp_payroll",
    openapi_extra={
        "responses": {
            200: {
                "description": "One line per person and component, and per adjustment",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def payroll_file(request: HttpRequest, pk: PathId, query: Query[PayrollQuery]) -> HttpResponse:
    """The payroll file of an approved period (comp admins): CSV in the workspace's dialect
    (``;`` and a decimal comma in French). A draft left in the period: 409."""
    actor = current_actor(request)
    label = inputs.period_read(actor.workspace, query.period).label
    lines = payroll.payroll_csv(actor, pk, label)
    response = HttpResponse("".join(lines), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{payroll.payroll_filename(actor, pk, label)}"'
    )
    return response


class CostQuery(QuerySchema):
    attainment: (
        Annotated[Decimal, Field(ge=0, le=10, max_digits=12, allow_inf_nan=False)] | None
    ) = Field(None, description="Every attainment at this share (1.2 for 120 %)")


@router.get("/comp/plans/{int:pk}/cost", response=schemas.PayCostOut, operation_id="comp_plan_cost")
def plan_cost(request: HttpRequest, pk: PathId, query: Query[CostQuery]) -> Any:
    """What the plan's year costs (its latest version; every period, participant and
    component, each line to the cent as a statement pays it), per component and side, with the
    on-target cost (the variable targets, prorated) and the ratio. Without ``attainment``: last
    year's distribution (last year's credited deals replayed, the shared goals at last year's
    attainment) and every attainment at 80 %, 100 %, 120 %; with it, that scenario alone.
    Comp admins; anyone else: 404."""
    actor = current_actor(request)
    if query.attainment is None:
        result = cost.plan_cost(actor=actor, plan_id=pk)
    else:
        result = cost.plan_cost(
            actor=actor, plan_id=pk, attainments=[query.attainment], last_year=False
        )
    return cost.cost_payload(result)


# -- statements -------------------------------------------------------------------------------------


class StatementFilters(QuerySchema):
    plan: Id | None = None
    period: str | None = None
    person: Id | None = None
    status: Literal["draft", "approved"] | None = None


@router.get(
    "/comp/statements", response=list[schemas.PayStatementOut], operation_id="comp_statement_list"
)
@paginate(Pagination)
def statement_list(request: HttpRequest, filters: Query[StatementFilters]) -> Any:
    """The statements the reader may read: their own, their teams' (managers), everyone's
    (comp admins); newest period first."""
    actor = current_actor(request)
    rows = _prefetched(selectors.statements(actor))
    if filters.plan:
        rows = rows.filter(plan_id=filters.plan)
    if filters.period:
        rows = rows.filter(period=filters.period.strip().upper())
    if filters.person:
        rows = rows.filter(person_id=filters.person)
    if filters.status:
        rows = rows.filter(status=filters.status)
    may = selectors.approver(actor)
    return _Shaped(rows, lambda s: _statement(actor, s, may))


@router.get(
    "/comp/statements/{int:pk}", response=schemas.PayStatementOut, operation_id="comp_statement_get"
)
def statement_get(request: HttpRequest, pk: PathId) -> Any:
    """One statement with its lines' drill-down, the inputs it used and its disputes; someone
    else's one may not read is a 404."""
    return _statement_get(current_actor(request), pk)


class WhatIfQuery(QuerySchema):
    deal: Id | None = Field(None, description="An open deal the person is credited on")
    goal_at: Annotated[Decimal, Field(max_digits=12, allow_inf_nan=False)] | None = Field(
        None, description="Every shared goal ends at this share of its target (1.10: 110 %)"
    )


@router.get(
    "/comp/statements/{int:pk}/what-if",
    response=schemas.PayWhatIfOut,
    operation_id="comp_statement_what_if",
)
def statement_what_if(request: HttpRequest, pk: PathId, query: Query[WhatIfQuery]) -> Any:
    """The statement as computed now from the data and as it would be if ``deal`` closed in
    its period (its split, or its owner) and/or every shared goal ended at ``goal_at`` × its
    target — line by line; nothing is written. Whoever reads the statement (another person's:
    404). A deal the person is not credited on, in another currency, or a ``goal_at`` outside
    0–10: 422 naming the field."""
    actor = current_actor(request)
    statement = selectors.statement_get(actor, pk)
    result = whatif.what_if(
        actor=actor, statement_id=statement.pk, deal_id=query.deal, goal_at=query.goal_at
    )
    return {
        "statement": statement.pk,
        "period": statement.period,
        "now": result.now,
        "supposed": result.supposed,
        "change": result.supposed - result.now,
        "lines": [
            {"component": c, "now": now, "supposed": supposed}
            for c, (now, supposed) in result.lines.items()
        ],
    }


@router.post(
    "/comp/statements/{int:pk}/approve",
    response=schemas.PayStatementOut,
    operation_id="comp_statement_approve",
)
def statement_approve(request: HttpRequest, pk: PathId) -> Any:
    """Approve, which freezes it: a manager of the person's team or a comp admin, never the
    person paid (403). 409 naming why when it is approved already, when the data changed since
    it was computed (computed again now, its lines differ: refresh it; the message names both
    totals) or while an input is missing (the period's attribution not signed, no goal set)."""
    actor = current_actor(request)
    services.statement_approve(actor=actor, statement_id=pk)
    return _statement_get(actor, pk)


@router.post(
    "/comp/statements/{int:pk}/disputes",
    response={201: schemas.PayDisputeOut},
    operation_id="comp_dispute_open",
)
def dispute_open(request: HttpRequest, pk: PathId, payload: schemas.PayDisputeIn) -> Any:
    """The person paid disputes one line (its component) of their statement."""
    actor = current_actor(request)
    dispute = services.dispute_open(
        actor=actor, statement_id=pk, component=payload.component, text=payload.text
    )
    return 201, _dispute(selectors.dispute_get(actor, dispute.pk))


class DisputeFilters(QuerySchema):
    status: Literal["open", "resolved"] | None = None


@router.get(
    "/comp/disputes", response=list[schemas.PayDisputeOut], operation_id="comp_dispute_list"
)
@paginate(Pagination)
def dispute_list(request: HttpRequest, filters: Query[DisputeFilters]) -> Any:
    """The disputes of the statements the reader may read, newest first."""
    rows = selectors.disputes(current_actor(request))
    if filters.status:
        rows = rows.filter(status=filters.status)
    return _Shaped(rows, _dispute)


@router.post(
    "/comp/disputes/{int:pk}/resolve",
    response=schemas.PayDisputeOut,
    operation_id="comp_dispute_resolve",
)
def dispute_resolve(request: HttpRequest, pk: PathId, payload: schemas.PayResolveIn) -> Any:
    """A comp admin resolves a dispute, with an adjustment (amount, period) paid in a period
    after the disputed one when they agree: that period's statement shows it as a line."""
    actor = current_actor(request)
    services.dispute_resolve(
        actor=actor,
        dispute_id=pk,
        resolution=payload.resolution,
        adjustment_amount=payload.adjustment_amount,
        adjustment_period=payload.adjustment_period,
    )
    return _dispute(selectors.dispute_get(actor, pk))


# -- the engine on posted inputs --------------------------------------------------------------------


@router.post(
    "/comp/compute",
    response=schemas.PayComputeOut,
    operation_id="comp_compute",
    exclude_unset=True,
)
def comp_compute(request: HttpRequest, payload: schemas.PayComputeIn) -> Any:
    """The statements of a period from a posted plan, credits and metrics, as
    ``cordee comp compute`` prints them (amounts as strings with two decimals, attainments cut
    to four, ``deal_id`` on clawback lines only). Reads and writes nothing of the workspace;
    any member."""
    actor = current_actor(request)
    first_month = payload.first_month or actor.workspace.fiscal_year_start_month
    return compute.compute_posted(payload, first_month)
