"""Moves of a lead through the waterfall and sales' decisions on MQLs.

Every move is a conditional UPDATE (``WHERE stage = <expected>``) followed by one appended
history row, in one transaction: of two people acting on the same lead at once, exactly one
wins and the other gets a 409 ``Conflict``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import Conflict, NotFound, ValidationFailed
from cordee.crm.models import Lead, LeadStageChange, Opportunity, Stage
from cordee.funnel import transitions
from cordee.funnel.models import (
    DecisionKind,
    LeadDecision,
    RejectionOutcome,
    RejectionReason,
    SlaContract,
)
from cordee.funnel.reports import funnel_changed


def _label(stage: str) -> str:
    return str(Stage(stage).label)


def stage_move(
    *,
    actor: Actor | None,
    workspace_id: int,
    lead: Lead,
    to_stage: str,
    at: dt.datetime,
    reason: str = "",
    rule: str = "",
    extra: dict[str, object] | None = None,
) -> None:
    """Conditionally move ``lead`` from its loaded stage to ``to_stage`` and append history."""
    from_stage = lead.stage
    changes: dict[str, object] = {
        "stage": to_stage,
        "stage_entered_at": at,
        "updated_at": timezone.now(),
    }
    if to_stage == Stage.MQL:
        changes["mql_at"] = at
    changes.update(extra or {})
    updated = Lead.objects.filter(pk=lead.pk, workspace_id=workspace_id, stage=from_stage).update(
        **changes
    )
    if updated != 1:
        raise Conflict(
            _("This lead has just been changed by someone else; reload it and try again.")
        )
    LeadStageChange.objects.create(
        workspace_id=workspace_id,
        lead=lead,
        from_stage=from_stage,
        to_stage=to_stage,
        at=at,
        actor=actor.user if actor else None,
        rule=rule,
        reason=reason[:300],
    )
    for name, value in changes.items():
        setattr(lead, name, value)
    if to_stage == Stage.MQL:
        _announce_mql(workspace_id, lead, at)
    transaction.on_commit(partial(funnel_changed, workspace_id))


def _announce_mql(workspace_id: int, lead: Lead, at: dt.datetime) -> None:
    """Tell the workspace's subscribers; with none (the usual case) this costs one query."""
    from cordee.integrations.models import WebhookEvent
    from cordee.integrations.services import webhook_emit, webhook_subscribers
    from cordee.people.models import Workspace
    from cordee.people.services import speaking_to

    subscriptions = webhook_subscribers(workspace_id=workspace_id, event=WebhookEvent.LEAD_MQL)
    if not subscriptions:
        return
    workspace = Workspace.objects.get(pk=workspace_id)
    with speaking_to(workspace):
        text = _("New MQL: %(lead)s (score %(score)s)") % {
            "lead": lead.contact,
            "score": lead.score,
        }
    webhook_emit(
        workspace=workspace,
        event=WebhookEvent.LEAD_MQL,
        subscriptions=subscriptions,
        text=text,
        data={
            "lead_id": lead.pk,
            "score": lead.score,
            "mql_at": at.isoformat(),
            "owner_id": lead.owner_id,
        },
    )


def _locked_lead(actor: Actor, lead_id: int) -> Lead:
    lead = Lead.objects.filter(workspace=actor.workspace, pk=lead_id).first()
    if lead is None:
        raise NotFound(_("Lead not found."))
    return lead


def lead_transition(*, actor: Actor, lead_id: int, to_stage: str, reason: str = "") -> Lead:
    """Move a lead along an allowed live transition (decisions on MQLs have their own services)."""
    actor.require("lead.write")
    lead = _locked_lead(actor, lead_id)
    if to_stage not in Stage.values:
        raise ValidationFailed(
            _("Unknown stage."), field_errors={"to_stage": [_("Unknown stage.")]}
        )
    if not transitions.is_allowed(lead.stage, to_stage):
        raise ValidationFailed(
            _("A lead cannot move from %(from)s to %(to)s.")
            % {"from": _label(lead.stage), "to": _label(to_stage)},
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
            % {"stage": _label(lead.stage)}
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


@dataclass(frozen=True)
class ImportedStep:
    to_stage: str
    at: dt.datetime
    source: str = ""


def lead_history_import(*, workspace_id: int, lead: Lead, steps: Iterable[ImportedStep]) -> int:
    """One lead's backdated history (see ``lead_history_import_many``)."""
    return lead_history_import_many(workspace_id=workspace_id, items=[(lead, steps)])


def _history_state(
    entries: list[tuple[dt.datetime, int, int, str]],
) -> tuple[str, dt.datetime, dt.datetime | None]:
    """(stage, in stage since, became MQL) of a lead whose history rows are ``entries`` as
    (at, 0 for a stored row / 1 for a new one, id or rank, stage): the latest row by time, then
    insertion order, gives the stage; the latest MQL row the MQL date."""
    latest = max(entries)
    mql = [entry[0] for entry in entries if entry[3] == Stage.MQL]
    return latest[3], latest[0], max(mql) if mql else None


def imported_lead_state(
    steps: Iterable[ImportedStep],
) -> tuple[str, dt.datetime, dt.datetime | None]:
    """The stage, stage date and MQL date of a new lead whose only history is ``steps`` (what
    ``lead_history_import_many`` will leave on it): an importer creates it that way."""
    ordered = sorted(steps, key=lambda s: s.at)
    return _history_state([(s.at, 1, n, s.to_stage) for n, s in enumerate(ordered)])


def lead_history_import_many(
    *, workspace_id: int, items: Sequence[tuple[Lead, Iterable[ImportedStep]]]
) -> int:
    """Record backdated history from another system: stages may be skipped (HubSpot has no SAL);
    each entry is marked ``imported`` and comes from the stage the lead was in just before it.
    Each lead's current stage becomes that of its latest history row (time, then insertion
    order), its MQL date that of its latest MQL row. A few queries for any number of leads (an
    import writes thousands at once), plus one update per lead whose stage this changes. Returns
    the number of rows written."""
    plans = [(lead, sorted(steps, key=lambda s: s.at)) for lead, steps in items]
    plans = [(lead, steps) for lead, steps in plans if steps]
    if not plans:
        return 0
    history: dict[int, list[tuple[dt.datetime, int, int, str]]] = {lead.pk: [] for lead, _ in plans}
    stored: dict[int, tuple[str, dt.datetime, dt.datetime | None]] = {}
    ids = list(history)
    for k in range(0, len(ids), 900):  # SQLite's bound on query parameters
        batch = ids[k : k + 900]
        for lead_id, at, pk, stage in (
            LeadStageChange.objects.filter(lead_id__in=batch)
            .order_by("at", "id")
            .values_list("lead_id", "at", "id", "to_stage")
        ):
            history[lead_id].append((at, 0, pk, stage))
        for pk, stage_, entered_at, mql_at in Lead.objects.filter(pk__in=batch).values_list(
            "pk", "stage", "stage_entered_at", "mql_at"
        ):
            stored[pk] = (stage_, entered_at, mql_at)
    rows = []
    for lead, steps in plans:
        before = [entry for entry in history[lead.pk] if entry[0] < steps[0].at]
        previous = before[-1][3] if before else ""
        for n, step in enumerate(steps):
            rows.append(
                LeadStageChange(
                    workspace_id=workspace_id,
                    lead=lead,
                    from_stage=previous,
                    to_stage=step.to_stage,
                    at=step.at,
                    rule=step.source[:80],
                    imported=True,
                    reason=_("Imported history"),
                )
            )
            history[lead.pk].append((step.at, 1, n, step.to_stage))  # after what is stored
            previous = step.to_stage
    now = timezone.now()
    with transaction.atomic():
        LeadStageChange.objects.bulk_create(rows, batch_size=500)
        for lead, _steps in plans:
            state = _history_state(history[lead.pk])
            lead.stage, lead.stage_entered_at, lead.mql_at = state
            if stored.get(lead.pk) != state:  # (bulk_update's CASE is slower than this)
                lead.updated_at = now
                Lead.objects.filter(pk=lead.pk).update(
                    stage=state[0], stage_entered_at=state[1], mql_at=state[2], updated_at=now
                )
        # reports and funnel metrics read cached snapshots keyed on the funnel's version
        transaction.on_commit(partial(funnel_changed, workspace_id))
    return len(rows)


def sla_contract_save(
    *, actor: Actor, data: dict[str, object], contract: SlaContract | None = None
) -> SlaContract:
    """Create or change a contract. Changing the terms of a signed contract withdraws both
    signatures: the two sides sign again what they now commit to."""
    from cordee.core.records import record_create, record_update
    from cordee.funnel.records import SLA_CONTRACTS

    if contract is None:
        return record_create(actor=actor, spec=SLA_CONTRACTS, data=data)  # type: ignore[no-any-return]
    before = {name: getattr(contract, name) for name in data}
    with transaction.atomic():
        contract = record_update(actor=actor, spec=SLA_CONTRACTS, instance=contract, data=data)
        assert contract is not None
        changed = any(getattr(contract, name) != value for name, value in before.items())
        if changed and (contract.marketing_signed_at or contract.sales_signed_at):
            contract.marketing_signed_by = contract.sales_signed_by = None
            contract.marketing_signed_at = contract.sales_signed_at = None
            contract.save()
    return contract


def sla_contract_sign(*, actor: Actor, contract_id: int) -> SlaContract:
    """The marketing manager signs marketing's side, the sales manager sales' side (who, when)."""
    contract = SlaContract.objects.filter(workspace=actor.workspace, pk=contract_id).first()
    if contract is None:
        raise NotFound(_("Contract not found."))
    side = actor.signing_side()
    updated = SlaContract.objects.filter(
        pk=contract.pk, **{f"{side}_signed_at__isnull": True}
    ).update(**{f"{side}_signed_by": actor.user, f"{side}_signed_at": timezone.now()})
    if not updated:
        raise Conflict(_("Your side has already signed this contract."))
    contract.refresh_from_db()
    return contract


def lead_convert(*, actor: Actor, lead_id: int, data: dict[str, object]) -> Opportunity:
    """SAL → SQL: sales qualifies the lead into an opportunity (expected amount, close date),
    created on the lead's account, owned by the lead's owner, sourced from its campaign."""
    from cordee.core.records import record_create
    from cordee.crm.records import OPPORTUNITIES

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
                "stage": [_("The lead is at %(stage)s.") % {"stage": _label(lead.stage)}]
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
        "source": "marketing" if (lead.source_campaign_id or lead.source_channel) else "sales",
        "primary_campaign": lead.source_campaign_id,
        "pod": lead.pod_id,
    }
    with transaction.atomic():
        opportunity = record_create(actor=actor, spec=OPPORTUNITIES, data={**defaults, **data})
        stage_move(
            actor=actor,
            workspace_id=actor.workspace.pk,
            lead=lead,
            to_stage=Stage.SQL,
            at=timezone.now(),
            reason=_("Converted into the opportunity %(name)s") % {"name": opportunity.name},
        )
    return opportunity  # type: ignore[no-any-return]


def opportunity_save(
    *, actor: Actor, data: dict[str, object], opportunity: Opportunity | None = None
) -> Opportunity:
    """Create or change an opportunity. When it closes, its outcome is reflected on the lead it
    came from (SQL → Won or Lost), and a won deal is announced by webhook."""
    from cordee.core.records import record_create, record_update
    from cordee.crm.models import OpportunityStage
    from cordee.crm.records import OPPORTUNITIES

    with transaction.atomic():
        if opportunity is None:
            saved: Opportunity = record_create(actor=actor, spec=OPPORTUNITIES, data=data)
        else:
            saved = record_update(actor=actor, spec=OPPORTUNITIES, instance=opportunity, data=data)
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


def _announce_win(actor: Actor, opportunity: Opportunity) -> None:
    from cordee.integrations.models import WebhookEvent
    from cordee.integrations.services import webhook_emit
    from cordee.people.services import speaking_to

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
