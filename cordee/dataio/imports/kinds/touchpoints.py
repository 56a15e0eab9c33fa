"""Importing touchpoints: each finds its contact, lead and campaign."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction

from cordee.crm import models as crm
from cordee.dataio.imports.kinds.base import Handler, Tick, no_campaign
from cordee.dataio.imports.kinds.bulk import chunks
from cordee.dataio.imports.rows import Group
from cordee.dataio.imports.words import Text
from cordee.dataio.imports.words import later as _
from cordee.funnel import models as funnel
from cordee.funnel.tasks import rescore

if TYPE_CHECKING:
    from cordee.dataio.models import ImportJob


class Touchpoints(Handler):
    model = funnel.Touchpoint
    columns = {k: k for k in ("kind", "occurred_at", "channel", "note")}

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.natural_label = _("contact, kind and time")

    def natural(self, values: dict[str, Any]) -> Any:
        if values.get("contact_email") and values.get("kind") and values.get("occurred_at"):
            return (values["contact_email"], values["kind"], values["occurred_at"])
        return None

    def _key_text(self, key: Any) -> str:
        if isinstance(key, tuple):
            return f"{key[0]} / {key[1]} / {key[2]:%Y-%m-%d %H:%M}"
        return str(key)

    def prepare(self, groups: list[Group]) -> list[tuple[Group, Text]]:
        emails = {g.values["contact_email"] for g in groups}
        contacts: dict[str, int] = {}
        for batch in chunks(emails):
            for email, contact_id in crm.Contact.objects.filter(
                workspace=self.workspace, email__in=batch
            ).values_list("email", "id"):
                contacts[str(email)] = contact_id
        campaigns = self.campaigns_named(groups, "campaign")
        leads: dict[int, int] = {}
        for batch in chunks(set(contacts.values())):
            for contact_id, lead_id in (
                funnel.Lead.objects.filter(workspace=self.workspace, contact_id__in=batch)
                .order_by("contact_id", "-created_at", "-id")
                .values_list("contact_id", "id")
            ):
                leads.setdefault(contact_id, lead_id)
        rejected: list[tuple[Group, Text]] = []
        keep: list[Group] = []
        for group in groups:
            email = group.values["contact_email"]
            if email not in contacts:
                rejected.append(
                    (
                        group,
                        _("No contact has the e-mail %(email)s: import the contacts first.")
                        % {"email": email},
                    )
                )
                continue
            group.extra["contact_id"] = contacts[email]
            group.extra["lead_id"] = leads.get(contacts[email])
            name = group.values.get("campaign")
            if name:
                campaign = campaigns.get(name.strip().casefold())
                if campaign is None:
                    rejected.append((group, no_campaign(name)))
                    continue
                group.extra["campaign_id"], channel = campaign
                group.values.setdefault("channel", channel)
            keep.append(group)
        rejected.extend(self._match_touches(keep))
        return rejected

    def _match_touches(self, groups: list[Group]) -> list[tuple[Group, Text]]:
        by_ext = self._by_external_id(groups, "contact_id")
        natural: dict[tuple[int, str, dt.datetime], int] = {}
        for batch in chunks({g.extra["contact_id"] for g in groups}):
            for row in funnel.Touchpoint.objects.filter(
                workspace=self.workspace, contact_id__in=batch
            ).values_list("contact_id", "kind", "occurred_at", "id"):
                natural.setdefault(row[:3], row[3])
        rejected: list[tuple[Group, Text]] = []
        for group in groups:
            ext = group.values.get("external_id")
            first = by_ext[ext]["id"] if ext and ext in by_ext else None
            second = natural.get(
                (group.extra["contact_id"], group.values["kind"], group.values["occurred_at"])
            )
            if first and second and first != second:
                rejected.append(
                    (
                        group,
                        _(
                            "Its external id %(ext)s matches touchpoint #%(a)s but the same contact, kind and time are touchpoint #%(b)s."
                        )
                        % {"ext": ext, "a": first, "b": second},
                    )
                )
                continue
            group.pk = first or second
        return rejected

    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        existing = self._load(funnel.Touchpoint, [g.pk for g in groups if g.pk])
        new: list[Any] = []
        changed: list[Any] = []
        for group in groups:
            touch = existing[group.pk] if group.pk else self.blank()
            (changed if group.pk else new).append(touch)
            self._apply(touch, group)
            touch.contact_id = group.extra["contact_id"]
            touch.lead_id = touch.lead_id or group.extra.get("lead_id")
            touch.campaign_id = group.extra.get("campaign_id") or touch.campaign_id
            touch.is_sales_activity = touch.kind in funnel.SALES_ACTIVITY_KINDS
        self._save(
            funnel.Touchpoint,
            new,
            changed,
            [*self.columns.values(), "contact", "lead", "campaign", "is_sales_activity"],
            tick,
        )
        lead_ids = sorted({g.extra["lead_id"] for g in groups if g.extra.get("lead_id")})
        for batch in chunks(lead_ids, 500):
            transaction.on_commit(partial(rescore.enqueue, self.workspace.pk, batch))
        return {}
