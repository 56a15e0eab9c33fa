"""Importing contacts: matched by external id or normalised e-mail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cordee.crm import models as crm
from cordee.dataio.imports.kinds.base import Handler, Tick
from cordee.dataio.imports.kinds.bulk import chunks
from cordee.dataio.imports.rows import Group
from cordee.dataio.imports.words import Text
from cordee.dataio.imports.words import later as _

if TYPE_CHECKING:
    from cordee.dataio.models import ImportJob

CONTACT_COLUMNS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "job_title": "job_title",
    "phone": "phone",
    "country": "country",
}


class Contacts(Handler):
    model = crm.Contact
    fast_updates = True
    columns = CONTACT_COLUMNS

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.natural_label = _("e-mail")

    def check(self, values: dict[str, Any]) -> list[tuple[str, Text]]:
        if not values.get("email") and not values.get("external_id"):
            return [
                (
                    "email",
                    _(
                        "A contact needs an e-mail or an external id to be found again on re-import."
                    ),
                )
            ]
        return []

    def natural(self, values: dict[str, Any]) -> Any:
        return values.get("email")

    def _label(self, row: dict[str, Any]) -> str:
        name = f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()
        email = row.get("email") or ""
        return f"{name} <{email}>" if name and email else name or email

    def _natural_rows(
        self, groups: list[Group], fields: tuple[str, ...]
    ) -> dict[Any, dict[str, Any]]:
        found: dict[Any, dict[str, Any]] = {}
        emails = {g.values["email"] for g in groups if g.values.get("email")}
        extra = [f for f in fields if f not in ("id", "email", "external_id", "source_system")]
        for batch in chunks(emails):
            for row in crm.Contact.objects.filter(workspace=self.workspace, email__in=batch).values(
                "id", "email", "external_id", "source_system", *extra
            ):
                found[row["email"]] = row
        return found

    def prepare(self, groups: list[Group]) -> list[tuple[Group, Text]]:
        rejected = self._match(groups, _("contact"), ("first_name", "last_name", "email"))
        self.resolve_accounts(g.values.get("account") for g in groups)
        for group in groups:
            group.extra["owner_id"] = self.owner_id(group)
        return rejected

    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        created = self.create_accounts()
        new, changed = self.build(groups)
        self._save(crm.Contact, new, changed, [*self.columns.values(), "account", "owner"], tick)
        return {"accounts_created": created}

    def build(self, groups: list[Group]) -> tuple[list[Any], list[Any]]:
        existing = self._existing(crm.Contact, groups)
        new: list[Any] = []
        changed: list[Any] = []
        for group in groups:
            if group.pk:
                contact = existing[group.pk]
                changed.append(contact)
            else:
                contact = self.blank()
                new.append(contact)
            self._apply(contact, group)
            if group.values.get("account"):
                contact.account_id = self.account_id(group.values["account"])
            if group.extra.get("owner_id"):
                contact.owner_id = group.extra["owner_id"]
            group.extra["contact"] = contact
        return new, changed
