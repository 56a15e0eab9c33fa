"""A lead's state (stage, in stage since, became MQL) and its stage history: written here only.

Live moves go through ``stage_move`` (a conditional UPDATE: one winner, the other a 409);
history brought from another system through ``lead_history_import_many``; a new lead starts
from ``lead_defaults``. Every service, import and the demo derive a lead's state from these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cordee.core import audit
from cordee.core.actor import Actor
from cordee.core.errors import Conflict
from cordee.funnel.models import (
    Lead,
    LeadStageChange,
    Stage,
)
from cordee.funnel.version import funnel_changed
from cordee.integrations.models import WebhookEvent
from cordee.integrations.services import webhook_emit, webhook_subscribers
from cordee.people.services import speaking_to
from cordee.tenancy.models import Workspace

audit.audit_values_register("to_stage", Stage.choices)  # a bulk job's new stage, by name


def stage_label(stage: str) -> str:
    """The stage's name in the reader's language."""
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
    reason_code: str = "",
    reason_params: dict[str, object] | None = None,
) -> None:
    """Conditionally move ``lead`` from its loaded stage to ``to_stage`` and append history.
    ``reason`` is what a person typed; a move the product makes gives ``reason_code`` and
    ``reason_params`` instead (``LeadStageChange.why`` writes them in the reader's language)."""
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
        reason_code=reason_code,
        reason_params=reason_params or {},
    )
    for name, value in changes.items():
        setattr(lead, name, value)
    if (actor is not None or rule) and audit.records_audited():
        audit.audit_write(
            actor=actor,
            rule=rule if actor is None else "",
            workspace=actor.workspace if actor else Workspace(pk=workspace_id),
            action="stage",
            target="leads",
            target_id=lead.pk,
            target_label=str(lead),
            before={"stage": from_stage},
            after={"stage": to_stage},
            at=at,  # as the lead's stage history
        )
    if to_stage == Stage.MQL:
        _announce_mql(workspace_id, lead, at)
    transaction.on_commit(partial(funnel_changed, workspace_id))


def stage_restore(
    *,
    actor: Actor,
    lead_id: int,
    from_stage: str,
    to_stage: str,
    stage_entered_at: dt.datetime,
    mql_at: dt.datetime | None,
) -> bool:
    """Put a lead back in the state a bulk change took it from (its undo), when it is still
    where that change left it (``from_stage``); appends a history row that says so. Returns
    False when the lead has moved since (it is left alone)."""
    now = timezone.now()
    updated = Lead.objects.filter(
        pk=lead_id, workspace_id=actor.workspace.pk, stage=from_stage
    ).update(stage=to_stage, stage_entered_at=stage_entered_at, mql_at=mql_at, updated_at=now)
    if updated != 1:
        return False
    LeadStageChange.objects.create(
        workspace_id=actor.workspace.pk,
        lead_id=lead_id,
        from_stage=from_stage,
        to_stage=to_stage,
        at=now,
        actor=actor.user,
        reason_code="bulk_undone",
    )
    transaction.on_commit(partial(funnel_changed, actor.workspace.pk))
    return True


def _announce_mql(workspace_id: int, lead: Lead, at: dt.datetime) -> None:
    """Tell the workspace's subscribers; with none (the usual case) this costs one query."""

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


def lead_state(history: Iterable[tuple[Any, str]]) -> tuple[str, Any, Any]:
    """(stage, in stage since, became MQL or None) of a lead whose whole history is ``history``,
    as (at, to_stage) in the order written: the same rule as ``lead_history_import_many``.
    ``at`` may be any ordered time (the demo simulates in epoch seconds)."""
    return _history_state([(at, 1, n, stage) for n, (at, stage) in enumerate(history)])


def imported_lead_state(
    steps: Iterable[ImportedStep],
) -> tuple[str, dt.datetime, dt.datetime | None]:
    """The stage, stage date and MQL date of a new lead whose only history is ``steps`` (what
    ``lead_history_import_many`` will leave on it): an importer creates it that way."""
    return lead_state((s.at, s.to_stage) for s in sorted(steps, key=lambda s: s.at))


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
                    reason_code="imported",
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


def lead_source_channel(lead: Any, campaign_channel: Callable[[], str]) -> None:
    """A lead without a source channel takes its source campaign's: pages, API and imports alike
    (``campaign_channel()`` reads that campaign's channel, only when it is needed)."""
    if lead.source_campaign_id and not lead.source_channel:
        lead.source_channel = campaign_channel()


def lead_defaults(actor: Actor, lead: Any) -> None:
    """A new lead's defaults, before the record services save it."""
    if lead.stage_entered_at is None:
        lead.stage_entered_at = timezone.now()
    lead_source_channel(lead, lambda: lead.source_campaign.channel)
