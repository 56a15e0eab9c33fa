"""Moves of a lead through the waterfall and sales' decisions on MQLs.

Every move is a conditional UPDATE (``WHERE stage = <expected>``) followed by one appended
history row, in one transaction: of two people acting on the same lead at once, exactly one
wins and the other gets a 409 ``Conflict``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.core.records import member_user, owner_change_check, record_create, record_update
from cordee.funnel import goals, transitions
from cordee.funnel.assignments import (  # noqa: F401 -- the services of owners, here too
    Reassigned,
    leads_pod_move,
    leads_reassign,
)
from cordee.funnel.credits import (  # noqa: F401 -- the service of split credit, here too
    opportunity_credits_set,
)
from cordee.funnel.models import (
    CLOSED_STAGES,
    DecisionKind,
    ForecastCategory,
    Goal,
    GoalChange,
    GoalField,
    GoalThresholds,
    Lead,
    LeadDecision,
    LeadStageChange,
    MqlThresholdChange,
    Opportunity,
    OpportunityStage,
    OpportunityStageChange,
    RejectionOutcome,
    RejectionReason,
    Rollup,
    RoutingFallback,
    SlaContract,
    Stage,
    Touchpoint,
    source_of_lead,
)
from cordee.funnel.notices import SIGNATURE_ASKED_SLA
from cordee.funnel.notify import signature_ask
from cordee.funnel.planning import PlanResult
from cordee.funnel.planning import rate_text as planning_rate_text
from cordee.funnel.records import LEADS, OPPORTUNITIES, SLA_CONTRACTS, TOUCHPOINTS
from cordee.funnel.routing import SALES_ROUTABLE, lead_route
from cordee.funnel.stages import stage_label, stage_move
from cordee.funnel.tasks import rescore, rescore_workspace
from cordee.funnel.version import funnel_changed
from cordee.integrations.models import WebhookEvent
from cordee.integrations.services import webhook_emit
from cordee.people.models import Pod
from cordee.people.services import speaking_to
from cordee.tenancy.models import Membership, User, Workspace
from cordee.tenancy.roles import Role, Side


def _locked_lead(actor: Actor, lead_id: int) -> Lead:
    lead = Lead.objects.filter(workspace=actor.workspace, pk=lead_id).first()
    if lead is None:
        raise NotFound(_("Lead not found."))
    return lead


def lead_transition(*, actor: Actor, lead_id: int, to_stage: str, reason: str = "") -> Lead:
    """Move a lead along an allowed live transition (decisions on MQLs have their own services);
    a lead made MQL by hand without an owner is routed like one the score promoted."""
    actor.require("lead.write")
    lead = _locked_lead(actor, lead_id)
    if to_stage not in Stage.values:
        raise ValidationFailed(
            _("Unknown stage."), field_errors={"to_stage": [_("Unknown stage.")]}
        )
    if not transitions.is_allowed(lead.stage, to_stage):
        raise ValidationFailed(
            _("A lead cannot move from %(from)s to %(to)s.")
            % {"from": stage_label(lead.stage), "to": stage_label(to_stage)},
            field_errors={"to_stage": [_("Not allowed from the lead's current stage.")]},
        )
    if (lead.stage, to_stage) in transitions.DECISIONS:
        raise ValidationFailed(
            _("Accepting or rejecting an MQL is a sales decision: use accept or reject."),
            field_errors={"to_stage": [_("Use the accept or reject action.")]},
        )
    with transaction.atomic():
        stage_move(
            actor=actor,
            workspace_id=actor.workspace.pk,
            lead=lead,
            to_stage=to_stage,
            at=timezone.now(),
            reason=reason,
        )
        if to_stage == Stage.MQL and lead.owner_id is None:
            lead_route(lead=lead, at=lead.stage_entered_at, actor=actor)
    return lead


def _decide(
    actor: Actor,
    lead: Lead,
    decision: LeadDecision,
    to_stage: str,
    reason: str,
    extra: dict[str, object],
) -> None:
    if lead.stage != Stage.MQL or lead.mql_at is None:
        raise Conflict(
            _("This lead is no longer waiting for a decision (it is at %(stage)s).")
            % {"stage": stage_label(lead.stage)}
        )
    try:
        with transaction.atomic():
            decision.save()
            stage_move(
                actor=actor,
                workspace_id=actor.workspace.pk,
                lead=lead,
                to_stage=to_stage,
                at=decision.decided_at,
                reason=reason,
                extra=extra,
            )
    except IntegrityError as exc:
        raise Conflict(_("Someone else has just decided on this lead.")) from exc


def lead_accept(*, actor: Actor, lead_id: int, comment: str = "") -> Lead:
    """Sales accepts an MQL: it becomes a SAL (sales-accepted lead)."""
    actor.require("lead.decide")
    lead = _locked_lead(actor, lead_id)
    now = timezone.now()
    decision = LeadDecision(
        workspace=actor.workspace,
        lead=lead,
        mql_at=lead.mql_at or now,
        kind=DecisionKind.ACCEPT,
        comment=comment,
        decided_by=actor.user,
        decided_at=now,
    )
    _decide(actor, lead, decision, Stage.SAL, comment or _("Accepted by sales"), {})
    return lead


def lead_reject(
    *,
    actor: Actor,
    lead_id: int,
    reason_code: str,
    comment: str = "",
    outcome: str | None = None,
    recycle_on: dt.date | None = None,
) -> Lead:
    """Sales rejects an MQL with a mandatory reason; the lead is recycled (with a re-evaluation
    date) or disqualified — the reason's default unless the rep chooses otherwise."""
    actor.require("lead.decide")
    if not reason_code:
        raise ValidationFailed(
            _("A rejection needs a reason."),
            field_errors={"reason": [_("This field is required.")]},
        )
    reason = RejectionReason.objects.filter(
        workspace=actor.workspace, code=reason_code, is_active=True
    ).first()
    if reason is None:
        raise ValidationFailed(
            _("Unknown rejection reason."),
            field_errors={"reason": [_("Choose a reason from the catalogue.")]},
        )
    outcome = outcome or reason.default_outcome
    if outcome not in RejectionOutcome.values:
        raise ValidationFailed(
            _("Unknown outcome."), field_errors={"outcome": [_("Recycle or disqualify.")]}
        )
    lead = _locked_lead(actor, lead_id)
    now = timezone.now()
    extra: dict[str, object] = {}
    if outcome == RejectionOutcome.RECYCLED:
        extra["recycle_on"] = recycle_on or (
            actor.workspace.today(now) + dt.timedelta(days=reason.recycle_after_days)
        )
    decision = LeadDecision(
        workspace=actor.workspace,
        lead=lead,
        mql_at=lead.mql_at or now,
        kind=DecisionKind.REJECT,
        reason=reason,
        outcome=outcome,
        comment=comment,
        decided_by=actor.user,
        decided_at=now,
    )
    why = f"{reason.label}: {comment}" if comment else reason.label
    _decide(actor, lead, decision, outcome, why, extra)
    return lead


def sla_contract_save(
    *, actor: Actor, data: dict[str, object], contract: SlaContract | None = None
) -> SlaContract:
    """Create or change a contract. Changing the terms of a signed contract withdraws both
    signatures: the two sides sign again what they now commit to."""

    if contract is None:
        return record_create(actor=actor, spec=SLA_CONTRACTS, data=data)  # type: ignore[no-any-return]
    before = {name: getattr(contract, name) for name in data}
    with transaction.atomic():
        contract = record_update(actor=actor, spec=SLA_CONTRACTS, instance=contract, data=data)
        assert contract is not None
        changed = any(getattr(contract, name) != value for name, value in before.items())
        if changed and (contract.marketing_signed_at or contract.sales_signed_at):
            signatures = {
                "marketing_signed_by": audit.named(contract.marketing_signed_by),
                "marketing_signed_at": contract.marketing_signed_at,
                "sales_signed_by": audit.named(contract.sales_signed_by),
                "sales_signed_at": contract.sales_signed_at,
            }
            contract.marketing_signed_by = contract.sales_signed_by = None
            contract.marketing_signed_at = contract.sales_signed_at = None
            contract.save()
            audit.audit_write(
                actor=actor,
                action="withdraw",
                target=SLA_CONTRACTS.key,
                target_id=contract.pk,
                target_label=contract.name,
                before={k: v for k, v in signatures.items() if v is not None},
                after={k: None for k, v in signatures.items() if v is not None},
            )
    return contract


def sla_contract_sign(*, actor: Actor, contract_id: int) -> SlaContract:
    """The marketing manager signs marketing's side, the sales manager sales' side (who, when)."""
    contract = SlaContract.objects.filter(workspace=actor.workspace, pk=contract_id).first()
    if contract is None:
        raise NotFound(_("Contract not found."))
    side = actor.signing_side()
    now = timezone.now()
    with transaction.atomic():
        updated = SlaContract.objects.filter(
            pk=contract.pk, **{f"{side}_signed_at__isnull": True}
        ).update(**{f"{side}_signed_by": actor.user, f"{side}_signed_at": now})
        if not updated:
            raise Conflict(_("Your side has already signed this contract."))
        audit.audit_write(
            actor=actor,
            action="sign",
            target=SLA_CONTRACTS.key,
            target_id=contract.pk,
            target_label=contract.name,
            after={f"{side}_signed_by": audit.named(actor.user), f"{side}_signed_at": now},
        )
    contract.refresh_from_db()
    if not (contract.marketing_signed_at and contract.sales_signed_at):
        signature_ask(
            actor=actor,
            signed_side=side,
            code=SIGNATURE_ASKED_SLA,
            params={"contract": contract.name},
            key=f"approval.sla_contract:{contract.pk}:{contract.updated_at.timestamp():.0f}",
            url=reverse("sla-contracts_detail", args=[actor.workspace.slug, contract.pk]),
        )
    return contract


def lead_convert(*, actor: Actor, lead_id: int, data: dict[str, object]) -> Opportunity:
    """SAL → SQL: sales qualifies the lead into an opportunity (expected amount, close date),
    created on the lead's account, owned by the lead's owner, sourced from its campaign."""

    actor.require("opportunity.write")
    lead = (
        Lead.objects.select_related("contact__account", "source_campaign")
        .filter(workspace=actor.workspace, pk=lead_id)
        .first()
    )
    if lead is None:
        raise NotFound(_("Lead not found."))
    if lead.stage != Stage.SAL:
        raise ValidationFailed(
            _("Only a sales-accepted lead (SAL) can be converted into an opportunity."),
            field_errors={
                "stage": [_("The lead is at %(stage)s.") % {"stage": stage_label(lead.stage)}]
            },
        )
    if lead.contact.account_id is None:
        raise ValidationFailed(
            _("Attach the contact to an account before converting the lead."),
            field_errors={"account": [_("The contact has no account.")]},
        )
    defaults: dict[str, object] = {
        "name": f"{lead.contact.account} — {lead.contact}",
        "account": lead.contact.account_id,
        "lead": lead.pk,
        "owner": lead.owner_id or actor.user.pk,
        "source": source_of_lead(lead.source_channel, lead.source_campaign_id is not None),
        "primary_campaign": lead.source_campaign_id,
        "pod": lead.pod_id,
    }
    with transaction.atomic():
        opportunity = opportunity_save(actor=actor, data={**defaults, **data})
        stage_move(
            actor=actor,
            workspace_id=actor.workspace.pk,
            lead=lead,
            to_stage=Stage.SQL,
            at=timezone.now(),
            reason=_("Converted into the opportunity %(name)s") % {"name": opportunity.name},
        )
    return opportunity


def opportunity_save(
    *, actor: Actor, data: dict[str, object], opportunity: Opportunity | None = None
) -> Opportunity:
    """Create or change an opportunity: the form, the board and the API all come here. A won or
    lost deal stays closed; each change of stage is kept (who, when, from, to); the forecast
    category follows the stage until a person chooses one. When the deal closes, its outcome is
    reflected on the lead it came from (SQL → Won or Lost), and a won deal is announced by
    webhook."""

    data = dict(data)
    before = opportunity.stage if opportunity is not None else ""
    if opportunity is not None and opportunity.is_closed and data.get("stage", before) != before:
        raise ValidationFailed(
            _("A closed opportunity cannot be moved: it is %(stage)s.")
            % {"stage": opportunity.get_stage_display()},
            field_errors={"stage": [_("A won or lost deal stays closed.")]},
        )
    _forecast_choice(data, opportunity)
    with transaction.atomic():
        if opportunity is None:
            saved: Opportunity = record_create(actor=actor, spec=OPPORTUNITIES, data=data)
        else:
            _stage_unchanged_since_read(opportunity)
            saved = record_update(actor=actor, spec=OPPORTUNITIES, instance=opportunity, data=data)
        if saved.stage != before:
            OpportunityStageChange.objects.create(
                workspace=actor.workspace,
                opportunity=saved,
                from_stage=before,
                to_stage=saved.stage,
                at=timezone.now(),
                actor=actor.user,
            )
        outcomes: dict[str, str] = {
            OpportunityStage.WON: Stage.WON,
            OpportunityStage.LOST: Stage.LOST,
        }
        outcome = outcomes.get(saved.stage)
        lead = Lead.objects.filter(pk=saved.lead_id).first() if saved.lead_id else None
        if outcome and lead is not None and lead.stage == Stage.SQL:
            stage_move(
                actor=actor,
                workspace_id=actor.workspace.pk,
                lead=lead,
                to_stage=outcome,
                at=timezone.now(),
                reason=_("Opportunity %(name)s closed") % {"name": saved.name},
                rule="opportunity",
            )
        if outcome == Stage.WON and (opportunity is None or "stage" in data):
            _announce_win(actor, saved)
    return saved


def _stage_unchanged_since_read(opportunity: Opportunity) -> None:
    """Of two people moving the same deal at once, the second gets a 409 instead of a history
    row whose "from" is no longer true (the row is locked until the move commits)."""
    stage = (
        Opportunity.objects.select_for_update()
        .filter(pk=opportunity.pk)
        .values_list("stage", flat=True)
        .first()
    )
    if stage is not None and stage != opportunity.stage:
        raise Conflict(
            _("Someone moved this opportunity meanwhile: it is now %(stage)s.")
            % {"stage": OpportunityStage(stage).label}
        )


def _forecast_choice(data: dict[str, object], opportunity: Opportunity | None) -> None:
    """A forecast category in ``data`` that differs from the one stored is a person's choice,
    kept through later stage moves (``records.opportunity_forecast_follow``); only a won or lost
    deal is ``closed``, and a closed deal is nothing else."""
    data.pop("forecast_chosen", None)  # set here only
    category = data.pop("forecast_category", None)
    if category == "":  # "follows the stage" again: the category is the stage's from now on
        if opportunity is not None and opportunity.forecast_chosen:
            data["forecast_chosen"] = False
        return
    if category is None or (opportunity and category == opportunity.forecast_category):
        return
    stage = data.get("stage") or (opportunity.stage if opportunity else OpportunityStage.DISCOVERY)
    closed = stage in (OpportunityStage.WON, OpportunityStage.LOST)
    if closed != (category == ForecastCategory.CLOSED):
        message = (
            _("A won or lost deal is always in the closed category.")
            if closed
            else _("Only a won or lost deal is in the closed category.")
        )
        raise ValidationFailed(message, field_errors={"forecast_category": [message]})
    data["forecast_category"] = category
    data["forecast_chosen"] = True


def _announce_win(actor: Actor, opportunity: Opportunity) -> None:
    with speaking_to(actor.workspace):  # chat tools speak to everyone: the workspace's language
        text = _("Deal won: %(name)s (%(amount)s %(currency)s)") % {
            "name": opportunity.name,
            "amount": opportunity.amount,
            "currency": opportunity.currency,
        }
    webhook_emit(
        workspace=actor.workspace,
        event=WebhookEvent.DEAL_WON,
        text=text,
        data={
            "opportunity_id": opportunity.pk,
            "amount": str(opportunity.amount),
            "currency": opportunity.currency,
            "lead_id": opportunity.lead_id,
            "campaign_id": opportunity.primary_campaign_id,
        },
    )


def lead_create(*, actor: Actor, data: dict[str, Any]) -> Lead:
    """Create a lead at Inquiry and open its stage history with who created it."""
    with transaction.atomic():
        lead: Lead = record_create(actor=actor, spec=LEADS, data=data)
        LeadStageChange.objects.create(
            workspace=actor.workspace,
            lead=lead,
            from_stage="",
            to_stage=lead.stage,
            at=lead.stage_entered_at,
            actor=actor.user,
            reason_code="created",
        )
    return lead


def lead_update(*, actor: Actor, instance: Lead, data: dict[str, Any]) -> Lead:
    """Change a lead's fields (the form, the API's PATCH); a new owner goes through
    ``leads_reassign``, so that a change by hand is kept in the assignment history."""
    data = dict(data)
    owner_given = "owner" in data
    new_owner = data.pop("owner", None)
    with transaction.atomic():
        if owner_given:
            owner_change_check(actor=actor, instance=instance, new_owner_id=new_owner)
        lead: Lead = record_update(actor=actor, spec=LEADS, instance=instance, data=data)
        if owner_given and str(new_owner or "") != str(lead.owner_id or ""):
            to_owner = (
                None if new_owner in (None, "") else member_user(actor=actor, user_id=new_owner)
            )
            leads_reassign(actor=actor, leads=[lead.pk], to_owner=to_owner, reason_code="manual")
            lead.refresh_from_db()
    return lead


def touchpoint_create(*, actor: Actor, data: dict[str, Any]) -> Touchpoint:
    """Record a touch; the open leads of its contact are rescored in the background."""
    touchpoint: Touchpoint = record_create(actor=actor, spec=TOUCHPOINTS, data=data)
    lead_ids = list(
        Lead.objects.filter(workspace=actor.workspace, contact_id=touchpoint.contact_id)
        .exclude(stage__in=CLOSED_STAGES)
        .values_list("id", flat=True)
    )
    if lead_ids:
        transaction.on_commit(partial(rescore.enqueue, actor.workspace.pk, lead_ids))
        if touchpoint.is_sales_activity:  # an attempt: the queue's counts change
            transaction.on_commit(partial(funnel_changed, actor.workspace.pk))
    return touchpoint


MQL_THRESHOLD_MAX = 1000


def mql_threshold_set(
    *, actor: Actor, threshold: Any, at: dt.datetime | None = None
) -> MqlThresholdChange | None:
    """Set the workspace's MQL threshold (RevOps) and record the change: who, when, from, to.
    Leads are rescored in the background, so that the queue follows. Returns the change, or
    None when the threshold was already that."""
    actor.require("funnel.configure")
    if isinstance(threshold, bool) or not isinstance(threshold, int):
        threshold = None
    if threshold is None or not 1 <= threshold <= MQL_THRESHOLD_MAX:
        message = _("The threshold is a whole number from 1 to %(max)s.") % {
            "max": MQL_THRESHOLD_MAX
        }
        raise ValidationFailed(message, field_errors={"threshold": [message]})
    at = at or timezone.now()
    with transaction.atomic():
        workspace = Workspace.objects.select_for_update().get(pk=actor.workspace.pk)
        old = workspace.mql_threshold
        if old == threshold:
            return None
        Workspace.objects.filter(pk=workspace.pk).update(
            mql_threshold=threshold, updated_at=timezone.now()
        )
        change = MqlThresholdChange.objects.create(
            workspace=workspace, old=old, new=threshold, changed_by=actor.user, changed_at=at
        )
        audit.audit_write(
            actor=actor,
            action="update",
            target="workspace",
            target_id=workspace.pk,
            target_label=workspace.name,
            before={"mql_threshold": old},
            after={"mql_threshold": threshold},
            at=at,
        )
        transaction.on_commit(partial(rescore_workspace.enqueue, workspace.pk))
        transaction.on_commit(partial(funnel_changed, workspace.pk))
    actor.workspace.mql_threshold = threshold
    return change


FALLBACK_ROLES = (*SALES_ROUTABLE, Role.SALES_MANAGER)


def routing_fallback_set(
    *, actor: Actor, pod_id: int | None, user_id: int | None, at: dt.datetime | None = None
) -> RoutingFallback:
    """Set who takes the MQLs no routing rule places (RevOps): a pod of the workspace, or one
    active member of its sales side; neither clears it. Unowned MQLs are routed again at the
    next rescoring."""
    actor.require("funnel.configure")
    errors: dict[str, list[str]] = {}
    if pod_id is not None and user_id is not None:
        errors["user"] = [_("Choose a pod or a person, not both.")]
    if pod_id is not None and not Pod.objects.filter(workspace=actor.workspace, pk=pod_id).exists():
        errors["pod"] = [_("Choose a pod of this workspace.")]
    if (
        user_id is not None
        and not Membership.objects.filter(
            workspace=actor.workspace, user_id=user_id, is_active=True, role__in=FALLBACK_ROLES
        ).exists()
    ):
        errors["user"] = [_("Choose an active member of the sales team.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    with transaction.atomic():
        current = RoutingFallback.objects.filter(workspace=actor.workspace).first()
        old = audit.snapshot(current, ("pod", "user")) if current else {}
        fallback, _created = RoutingFallback.objects.update_or_create(
            workspace=actor.workspace,
            defaults={
                "pod_id": pod_id,
                "user_id": user_id,
                "changed_by": actor.user,
                "changed_at": at or timezone.now(),
            },
        )
        before, after = audit.changed(
            _named(old), _named(audit.snapshot(fallback, ("pod", "user")))
        )
        if before or after:
            audit.audit_write(
                actor=actor,
                action="update",
                target="routing-fallback",
                target_id=fallback.pk,
                before=before,
                after=after,
                at=at,
            )
    return fallback


audit.audit_kind_register("routing-fallback", RoutingFallback._meta.verbose_name, RoutingFallback)


def _named(ids: dict[str, Any]) -> dict[str, Any]:
    """The fallback's pod and person as ``{"id", "name"}`` for the audit log."""
    pods = {p.pk: p.name for p in Pod.objects.filter(pk=ids.get("pod") or 0)}
    users = {u.pk: str(u) for u in User.objects.filter(pk=ids.get("user") or 0)}
    return {
        "pod": {"id": ids["pod"], "name": pods.get(ids["pod"], "")} if ids.get("pod") else None,
        "user": {"id": ids["user"], "name": users.get(ids["user"], "")}
        if ids.get("user")
        else None,
    }


# -- goals ----------------------------------------------------------------------------------------

_GOAL_KEPT = (GoalField.TARGET, GoalField.STRETCH, GoalField.MARKETING_OWNER, GoalField.SALES_OWNER)


def _goal_changes_record(actor: Actor, goal: Goal, before: dict[str, str]) -> None:
    """A history row for each kept field whose value changed (``before``: the values as
    ``goals.change_text`` writes them; empty for a new goal)."""
    now = timezone.now()
    rows = []
    for field in _GOAL_KEPT:
        after = goals.change_text(goal, field)
        if after != before.get(field, ""):
            rows.append(
                GoalChange(
                    workspace=actor.workspace,
                    goal=goal,
                    field=field,
                    before=before.get(field, ""),
                    after=after,
                    at=now,
                    actor=actor.user,
                )
            )
    GoalChange.objects.bulk_create(rows)


def _goal_check(actor: Actor, goal: Goal, data: dict[str, Any]) -> None:
    """Sets and checks the fields given in ``data`` (a goal's KPI, scope and period are set
    once, at its creation)."""
    kpi = goals.KPIS[goal.kpi]
    for field in ("target", "stretch_target"):
        if field in data:
            value = data[field]
            if value is None and field == "target":
                raise goals.invalid("target", _("A goal has a target."))
            setattr(goal, field, None if value is None else goals.amount_check(field, kpi, value))
    for field, side in (("marketing_owner", "marketing"), ("sales_owner", "sales")):
        if field in data:
            setattr(goal, field, goals.owner_check(actor, field, side, data[field]))
    if "rollup" in data:
        if data["rollup"] not in Rollup.values:
            raise goals.invalid("rollup", _("Give sum or independent."))
        goal.rollup = data["rollup"]
    if "parent" in data:
        goal.parent = goals.parent_check(actor, data["parent"], goal)
    goals.stretch_check(goal, kpi)
    goals.owners_check(goal, kpi)
    goals.rollup_check(goal, kpi)


def goal_create(*, actor: Actor, data: dict[str, Any]) -> Goal:
    """A new goal: a KPI of the catalogue × a scope × a fiscal period × a target (``data``:
    kpi, scope, period, target, stretch_target, marketing_owner, sales_owner (user ids), parent
    (a goal id), rollup). Managers of either side and RevOps set goals. A shared goal (the
    workspace's or a pod's, or a shared KPI's) has both owners; under a parent that sums its
    children, the children do not exceed the parent. Bad input: ``ValidationFailed`` naming
    the field."""
    actor.require("goal.write")
    kpi = goals.kpi_check(data.get("kpi"))
    scope = goals.scope_check(actor, data.get("scope"))
    period, start, end = goals.period_check(actor.workspace, data.get("period"))
    if data.get("target") is None:
        raise goals.invalid("target", _("A goal has a target."))
    goal = Goal(
        workspace=actor.workspace,
        kpi=kpi.key,
        scope=scope.key,
        period=period,
        period_start=start,
        period_end=end,
        created_by=actor.user,
    )
    with transaction.atomic():
        _goal_check(actor, goal, {"rollup": Rollup.INDEPENDENT, **data})
        goal.save()
        _goal_changes_record(actor, goal, {})
    return goal


def goal_update(*, actor: Actor, goal_id: int, data: dict[str, Any]) -> Goal:
    """Changes a goal's target, stretch target, owners, parent or roll-up rule (the fields in
    ``data``); each change of target, stretch or owner is kept (who, when, before, after)."""
    actor.require("goal.write")
    for fixed in ("kpi", "scope", "period"):
        if fixed in data:
            raise goals.invalid(
                fixed, _("A goal's KPI, scope and period are set when it is created.")
            )
    with transaction.atomic():
        goal = (
            Goal.objects.select_for_update().filter(workspace=actor.workspace, pk=goal_id).first()
        )
        if goal is None:
            raise NotFound(_("No such goal in this workspace."))
        before = {str(field): goals.change_text(goal, field) for field in _GOAL_KEPT}
        _goal_check(actor, goal, data)
        goal.save()
        _goal_changes_record(actor, goal, before)
    return goal


def goal_delete(*, actor: Actor, goal_id: int) -> None:
    """Deletes a goal and its history; a goal with children is kept (delete them first)."""
    actor.require("goal.write")
    with transaction.atomic():
        goal = (
            Goal.objects.select_for_update().filter(workspace=actor.workspace, pk=goal_id).first()
        )
        if goal is None:
            raise NotFound(_("No such goal in this workspace."))
        if Goal.objects.filter(parent=goal).exists():
            raise Conflict(_("This goal has children: delete or move them first."))
        goal.delete()


def goal_thresholds_set(*, actor: Actor, on_track: Any, at_risk: Any) -> GoalThresholds:
    """The workspace's status thresholds (RevOps): fractions of the target, 0 < at risk ≤ on
    track ≤ 2."""
    actor.require("funnel.configure")
    values = {}
    for field, value in (("on_track", on_track), ("at_risk", at_risk)):
        try:
            number = Decimal(str(value))
        except (InvalidOperation, ValueError):
            raise goals.invalid(field, _("Give a number.")) from None
        if (
            not number.is_finite()
            or not 0 < number <= 2
            or number != number.quantize(Decimal("0.0001"))
        ):
            raise goals.invalid(field, _("Give a fraction of the target above 0, up to 2."))
        values[field] = number
    if values["at_risk"] > values["on_track"]:
        raise goals.invalid("at_risk", _("At risk starts at or below on track."))
    with transaction.atomic():
        row, _created = GoalThresholds.objects.update_or_create(
            workspace=actor.workspace, defaults=values
        )
    return row


# -- the plan written as goals ----------------------------------------------------------------------


PLAN_KPIS = ("revenue_won", "deals_won", "sqls", "sals", "mqls_created", "acceptance_rate")


@dataclass(frozen=True)
class PlanGoals:
    period: str
    scope: str  # the goals' scope, or "segment" (no goal written)
    created: int
    changed: int
    unchanged: int
    contract: SlaContract | None
    contract_proposed: bool  # the contract was created or its commitments changed
    segment: tuple[str, ...] = ()  # a segment plan: its contract proposed, no goal written

    @property
    def goals_written(self) -> bool:
        return not self.segment


def plan_goals_write(
    *, actor: Actor, result: PlanResult, marketing_owner: object, sales_owner: object
) -> PlanGoals:
    """Writes a plan (``planning.plan_compute``'s result) as the period's shared goals of its
    scope (the workspace, or the plan's pod), with both owners: revenue won = the revenue goal,
    deals won = the customers, SQLs, SALs and MQLs created = the plan's counts, acceptance rate
    = the MQL → SAL rate (4 places, half up). A goal already set for the KPI, scope and period
    gets the plan's target and owners (its history keeps the change); writing the same plan
    twice changes nothing. An owner not named is ``goals.default_owner``'s. Then proposes marketing's commitments in the period's SLA contract
    of that scope: MQL volume = marketing's MQLs, acceptance floor = the MQL → SAL rate in % (2
    places, half up) — a new unsigned contract, or the existing one changed (which withdraws
    its signatures: both managers sign again, as for any change of terms).

    A segment plan writes no goal (a goal has no segment scope): it only proposes the
    segment's contract of the period (``plan_contract_write``)."""
    actor.require("goal.write")
    if result.period is None:
        raise goals.invalid("period", _("Give the plan's period to write it as goals."))
    period = result.period.key.removeprefix("FY")
    if result.segment:
        with transaction.atomic():
            contract, proposed = plan_contract_write(actor=actor, result=result)
        return PlanGoals(period, "segment", 0, 0, 0, contract, proposed, result.segment)
    scope = f"pod:{result.pod.pk}" if result.pod is not None else "workspace"
    rate = _plan_acceptance(result)
    plan = result.plan
    targets: dict[str, Decimal] = {
        "revenue_won": result.revenue.quantize(Decimal("0.01")),
        "deals_won": Decimal(plan.customers),
        "sqls": Decimal(plan.sqls),
        "sals": Decimal(plan.sals),
        "mqls_created": Decimal(plan.mqls),
        "acceptance_rate": rate,
    }
    owners = {
        "marketing_owner": marketing_owner or goals.default_owner(actor, Side.MARKETING),
        "sales_owner": sales_owner or goals.default_owner(actor, Side.SALES),
    }
    created = changed = unchanged = 0
    with transaction.atomic():
        existing = {
            g.kpi: g
            for g in Goal.objects.select_for_update().filter(
                workspace=actor.workspace, scope=scope, period=period, kpi__in=list(targets)
            )
        }
        for kpi, target in targets.items():
            data = {"target": target, **owners}
            goal = existing.get(kpi)
            if goal is None:
                goal_create(
                    actor=actor, data={"kpi": kpi, "scope": scope, "period": period, **data}
                )
                created += 1
                continue
            before = [goals.change_text(goal, field) for field in _GOAL_KEPT]
            goal = goal_update(actor=actor, goal_id=goal.pk, data=data)
            if [goals.change_text(goal, field) for field in _GOAL_KEPT] == before:
                unchanged += 1
            else:
                changed += 1
        contract, proposed = plan_contract_write(actor=actor, result=result)
    return PlanGoals(period, scope, created, changed, unchanged, contract, proposed)


def _plan_acceptance(result: PlanResult) -> Decimal:
    """The plan's MQL → SAL rate, 4 places half up (the acceptance rate goal's target)."""
    return Decimal(planning_rate_text(result.inputs["mql_to_sal"].value or 0))


def plan_goals_payload(actor: Actor, written: PlanGoals) -> dict[str, Any]:
    """What ``plan_goals_write`` did, as the API gives it."""
    contract = written.contract
    return {
        "period": written.period,
        "scope": written.scope,
        "segment": list(written.segment),
        "goals_written": written.goals_written,
        "created": written.created,
        "changed": written.changed,
        "unchanged": written.unchanged,
        "goals": list(
            Goal.objects.filter(
                workspace=actor.workspace,
                scope=written.scope,
                period=written.period,
                kpi__in=PLAN_KPIS,
            )
            .order_by("id")
            .values_list("id", flat=True)
        )
        if written.goals_written
        else [],
        "contract": None
        if contract is None
        else {
            "id": contract.pk,
            "name": contract.name,
            "mql_volume": contract.mql_volume,
            "acceptance_floor": format(
                Decimal(contract.acceptance_floor).quantize(Decimal("0.01")), "f"
            ),
            "proposed": written.contract_proposed,
        },
    }


def plan_contract_write(*, actor: Actor, result: PlanResult) -> tuple[SlaContract, bool]:
    """Proposes a plan's commitments of marketing in the period's SLA contract of the plan's
    scope — its pod, its segment (the same industries) or the workspace default (no pod, no
    segment): MQL volume = marketing's MQLs, acceptance floor = the MQL → SAL rate in % (2
    places, half up). A new unsigned contract, or the existing one changed (which withdraws
    its signatures); whether it was created or changed. In the caller's transaction."""
    assert result.period is not None
    volume = result.plan.marketing_mqls
    floor = (_plan_acceptance(result) * 100).quantize(Decimal("0.01"))
    segment = sorted(result.segment)
    contract = next(
        (
            c
            for c in SlaContract.objects.filter(
                workspace=actor.workspace,
                pod=result.pod,
                period_start=result.period.start,
                period_end=result.period.end,
            ).order_by("id")
            if sorted(c.industries or []) == segment  # a segment's contract is not the default
        ),
        None,
    )
    terms = {"mql_volume": volume, "acceptance_floor": floor}
    if contract is None:
        name = _("SLA %(period)s") % {"period": result.period.key.removeprefix("FY")}
        if result.pod is not None:
            name = f"{name} · {result.pod.name}"
        if segment:
            name = f"{name} · {', '.join(segment)}"
        limit = SlaContract._meta.get_field("name").max_length or 120
        data = {
            "name": name if len(name) <= limit else name[: limit - 1] + "…",
            "pod": result.pod.pk if result.pod is not None else None,
            "industries": segment,
            "period_start": result.period.start,
            "period_end": result.period.end,
            **terms,
        }
        return sla_contract_save(actor=actor, data=data), True
    if contract.mql_volume == volume and contract.acceptance_floor == floor:
        return contract, False
    return sla_contract_save(actor=actor, data=terms, contract=contract), True
