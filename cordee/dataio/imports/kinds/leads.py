"""Importing leads: their contact (by e-mail), campaign, owner and the lifecycle dates that
become the funnel history."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone

from cordee.crm import models as crm
from cordee.dataio.imports.kinds.base import Tick, no_campaign
from cordee.dataio.imports.kinds.bulk import chunks
from cordee.dataio.imports.kinds.contacts import CONTACT_COLUMNS, Contacts
from cordee.dataio.imports.rows import Group
from cordee.dataio.imports.values import CellError
from cordee.dataio.imports.words import Text
from cordee.dataio.imports.words import later as _
from cordee.funnel import models as funnel
from cordee.funnel.stages import (
    ImportedStep,
    imported_lead_state,
    lead_history_import_many,
    lead_source_channel,
)
from cordee.funnel.version import funnel_changed

_STEP_FIELDS = (
    ("inquiry_at", funnel.Stage.INQUIRY),
    ("mql_at", funnel.Stage.MQL),
    ("sal_at", funnel.Stage.SAL),
    ("sql_at", funnel.Stage.SQL),
    ("won_at", funnel.Stage.WON),
)


class Leads(Contacts):
    """A lead and its contact: HubSpot contacts exports and Salesforce lead reports. The
    lifecycle dates become backdated, imported stage history."""

    model = funnel.Lead  # type: ignore[assignment]
    needs_ids = True
    fast_updates = False

    def prepare(self, groups: list[Group]) -> list[tuple[Group, Text]]:
        rejected: list[tuple[Group, Text]] = []
        by_ext = self._by_external_id(
            groups, "contact_id", "contact__email", "stage", "stage_entered_at"
        )
        contacts = self._natural_rows(groups, ("first_name", "last_name"))
        latest = self._latest_leads({c["id"] for c in contacts.values()})
        campaigns = self.campaigns_named(groups, "source_campaign")
        for group in groups:
            ext, email = group.values.get("external_id"), group.values.get("email")
            lead = by_ext.get(ext) if ext else None
            contact = contacts.get(email) if email else None
            if lead and contact and lead["contact_id"] != contact["id"]:
                rejected.append(
                    (
                        group,
                        _(
                            "Its external id %(ext)s matches lead #%(lead)s (contact %(lead_email)s) "
                            "but its e-mail %(email)s matches contact #%(contact)s (%(label)s): "
                            "which one is it? Fix the file or one of the two records."
                        )
                        % {
                            "ext": ext,
                            "lead": lead["id"],
                            "lead_email": lead["contact__email"] or "—",
                            "email": email,
                            "contact": contact["id"],
                            "label": self._label(contact),
                        },
                    )
                )
                continue
            if lead is None and contact is not None:
                lead = latest.get(contact["id"])
                if (
                    lead
                    and ext
                    and lead.get("external_id")
                    and lead.get("source_system") == self.source
                    and lead["external_id"] != ext
                ):
                    lead = None  # another lead of the same person in that system: a new one
                elif lead and ext and not lead.get("external_id"):
                    group.extra["adopt_id"] = True
            name = group.values.get("source_campaign")
            if name:
                campaign = campaigns.get(name.strip().casefold())
                if campaign is None:
                    rejected.append((group, no_campaign(name)))
                    continue
                group.extra["campaign_id"], group.extra["campaign_channel"] = campaign
            group.pk = lead["id"] if lead else None
            group.extra["lead"] = lead
            group.extra["contact_id"] = (
                lead["contact_id"] if lead else (contact["id"] if contact else None)
            )
            group.extra["owner_id"] = self.owner_id(group)
            try:
                group.extra["steps"] = self._steps(group, lead)
            except CellError as exc:
                rejected.append((group, exc.reason))
        self.resolve_accounts(g.values.get("account") for g in groups)
        self._drop_known_steps(groups)
        return rejected

    def _latest_leads(self, contact_ids: set[int]) -> dict[int, dict[str, Any]]:
        latest: dict[int, dict[str, Any]] = {}
        for batch in chunks(contact_ids):
            for row in (
                funnel.Lead.objects.filter(workspace=self.workspace, contact_id__in=batch)
                .order_by("contact_id", "-created_at", "-id")
                .values(
                    "id", "contact_id", "stage", "stage_entered_at", "external_id", "source_system"
                )
            ):
                latest.setdefault(row["contact_id"], dict(row))
        return latest

    def _steps(self, group: Group, lead: dict[str, Any] | None) -> list[tuple[str, dt.datetime]]:
        values = group.values
        dated: dict[str, dt.datetime] = {}
        first = [d for d in (values.get("created_at"), values.get("inquiry_at")) if d]
        if first:
            dated[funnel.Stage.INQUIRY] = min(first)
        for name, stage in _STEP_FIELDS[1:]:
            if values.get(name):
                dated[stage] = values[name]
        steps = sorted(dated.items(), key=lambda s: s[1])
        current = values.get("lead_status") or values.get("stage") or ""
        if current and current not in dated:
            latest = max([at for _s, at in steps], default=None)
            if lead is not None:
                if lead["stage"] == current:
                    current = ""
                latest = max(filter(None, [latest, lead["stage_entered_at"]]), default=None)
            if current:
                steps.append((current, latest or timezone.now()))
        if lead is None and not steps:
            steps.append((funnel.Stage.INQUIRY, timezone.now()))
        return steps

    def _drop_known_steps(self, groups: list[Group]) -> None:
        """Re-importing the same file adds no history twice."""
        matched = {g.pk: g for g in groups if g.pk}
        known: set[tuple[int, str, dt.datetime]] = set()
        for batch in chunks(matched):
            known.update(
                funnel.LeadStageChange.objects.filter(lead_id__in=batch).values_list(
                    "lead_id", "to_stage", "at"
                )
            )
        for pk, group in matched.items():
            group.extra["steps"] = [
                (s, at) for s, at in group.extra["steps"] if (pk, s, at) not in known
            ]

    def history_to_write(self, groups: list[Group]) -> int:
        """One row per step still to record (``prepare`` dropped those already stored): the dry
        run reports it, and the real run writes exactly these steps."""
        return sum(len(g.extra["steps"]) for g in groups)

    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        created = self.create_accounts()
        contact_groups = []
        for group in groups:
            contact_values = {
                k: v for k, v in group.values.items() if k in CONTACT_COLUMNS or k == "account"
            }
            contact_groups.append(_ContactRow(group, contact_values))
        contacts_new, contacts_changed = self._contacts(contact_groups)
        self._save(
            crm.Contact,
            contacts_new,
            contacts_changed,
            [*CONTACT_COLUMNS.values(), "account"],
            lambda n: None,
        )
        existing = self._load(funnel.Lead, [g.pk for g in groups if g.pk])
        new: list[Any] = []
        changed: list[Any] = []
        histories: list[tuple[Any, list[ImportedStep]]] = []
        for group, row in zip(groups, contact_groups, strict=True):
            steps = [
                ImportedStep(stage, at, source=self.source) for stage, at in group.extra["steps"]
            ]
            if group.pk:
                lead = existing[group.pk]
                changed.append(lead)
            else:  # created in the state its imported history leaves it in
                stage, entered_at, mql_at = imported_lead_state(steps)
                lead = funnel.Lead(
                    workspace=self.workspace,
                    contact_id=row.contact.pk,
                    stage=stage,
                    stage_entered_at=entered_at,
                    mql_at=mql_at,
                )
                new.append(lead)
            self._apply(lead, group, {"source_channel": "source_channel"})
            if group.extra.get("campaign_id"):
                lead.source_campaign_id = group.extra["campaign_id"]
                lead_source_channel(lead, partial(str, group.extra["campaign_channel"]))
            if group.extra.get("owner_id"):
                lead.owner_id = group.extra["owner_id"]
            histories.append((lead, steps))
        self._save(funnel.Lead, new, changed, ["source_channel", "source_campaign", "owner"], tick)
        history = lead_history_import_many(workspace_id=self.workspace.pk, items=histories)
        transaction.on_commit(partial(funnel_changed, self.workspace.pk))
        return {"accounts_created": created, "history_rows": history}

    def _contacts(self, rows: list[_ContactRow]) -> tuple[list[Any], list[Any]]:
        existing = self._load(
            crm.Contact,
            [r.group.extra["contact_id"] for r in rows if r.group.extra.get("contact_id")],
        )
        new: list[Any] = []
        changed: list[Any] = []
        for row in rows:
            contact_id = row.group.extra.get("contact_id")
            if contact_id:
                contact = existing[contact_id]
                changed.append(contact)
            else:
                contact = crm.Contact(workspace=self.workspace, source_system=self.source)
                new.append(contact)
            for key, attr in CONTACT_COLUMNS.items():
                if key in row.values:
                    setattr(contact, attr, row.values[key])
            if row.values.get("account"):
                contact.account_id = self.account_id(row.values["account"])
            row.contact = contact
        return new, changed


class _ContactRow:
    def __init__(self, group: Group, values: dict[str, Any]) -> None:
        self.group, self.values = group, values
        self.contact: Any = None
