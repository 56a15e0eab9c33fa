"""Importing accounts: matched by external id or name; employees give the size band."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cordee.crm import models as crm
from cordee.dataio.imports.kinds.base import Handler, Tick, fold_name
from cordee.dataio.imports.rows import Group
from cordee.dataio.imports.words import Text
from cordee.dataio.imports.words import later as _

if TYPE_CHECKING:
    from cordee.dataio.models import ImportJob

_SIZE_BANDS = ((10, "1-9"), (50, "10-49"), (250, "50-249"), (1000, "250-999"), (5000, "1000-4999"))


def size_band(employees: int) -> str:
    for upper, band in _SIZE_BANDS:
        if employees < upper:
            return band
    return "5000+"


class Accounts(Handler):
    model = crm.Account
    fast_updates = True
    columns = {k: k for k in ("name", "domain", "industry", "country", "region", "city")}

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.natural_label = _("name")

    def check(self, values: dict[str, Any]) -> list[tuple[str, Text]]:
        if values.get("employees", 0) < 0:
            return [("employees", _("The number of employees cannot be negative."))]
        return []

    def natural(self, values: dict[str, Any]) -> Any:
        return fold_name(values.get("name"))

    def prepare(self, groups: list[Group]) -> list[tuple[Group, Text]]:
        rejected = self._match(groups, _("account"), ("name",))
        for group in groups:
            group.extra["owner_id"] = self.owner_id(group)
        return rejected

    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        existing = self._existing(crm.Account, groups)
        new: list[Any] = []
        changed: list[Any] = []
        for group in groups:
            account = existing[group.pk] if group.pk else self.blank()
            (changed if group.pk else new).append(account)
            self._apply(account, group)
            if "employees" in group.values:
                account.size_band = size_band(group.values["employees"])
            if group.extra.get("owner_id"):
                account.owner_id = group.extra["owner_id"]
        self._save(crm.Account, new, changed, [*self.columns.values(), "size_band", "owner"], tick)
        return {}
