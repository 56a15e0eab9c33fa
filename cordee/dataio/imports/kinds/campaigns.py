"""Importing campaigns: matched by external id or name, with the defaults of a new campaign."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cordee.crm import models as crm
from cordee.crm.records import campaign_dates_error, campaign_defaults
from cordee.dataio.imports.kinds.base import MAX_AMOUNT, Handler, Tick, check_currency, fold_name
from cordee.dataio.imports.layouts import CHANNELS
from cordee.dataio.imports.rows import Group
from cordee.dataio.imports.values import fold
from cordee.dataio.imports.words import Text
from cordee.dataio.imports.words import later as _

if TYPE_CHECKING:
    from cordee.dataio.models import ImportJob


class Campaigns(Handler):
    model = crm.Campaign
    fast_updates = True
    columns = {
        k: k
        for k in (
            "name",
            "channel",
            "type",
            "status",
            "start_date",
            "end_date",
            "budget",
            "currency",
        )
    }

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.natural_label = _("name")

    def check(self, values: dict[str, Any]) -> list[tuple[str, Text]]:
        problems: list[tuple[str, Text]] = []
        if not values.get("channel"):
            derived = CHANNELS.values.get(fold(values.get("type") or ""))
            if derived:
                values["channel"] = derived
            else:
                problems.append(
                    (
                        "channel",
                        _(
                            "A campaign needs a channel (or a type that names one, such as Webinar)."
                        ),
                    )
                )
        error = campaign_dates_error(values.get("start_date"), values.get("end_date"), _)
        if error:
            problems.append(("end_date", error))
        budget = values.get("budget")
        if budget is not None:
            if budget < 0 or budget >= MAX_AMOUNT:
                problems.append(("budget", _("A budget is a positive amount.")))
            else:
                values["budget"] = budget.quantize(Decimal("0.01"))
        return problems + check_currency(values)

    def natural(self, values: dict[str, Any]) -> Any:
        return fold_name(values.get("name"))

    def prepare(self, groups: list[Group]) -> list[tuple[Group, Text]]:
        return self._match(groups, _("campaign"), ("name",))

    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        existing = self._existing(crm.Campaign, groups)
        new: list[Any] = []
        changed: list[Any] = []
        for group in groups:
            campaign = existing[group.pk] if group.pk else self.blank()
            (changed if group.pk else new).append(campaign)
            self._apply(campaign, group)
            if not group.pk:
                campaign_defaults(self.workspace, campaign)
        self._save(crm.Campaign, new, changed, list(self.columns.values()), tick)
        return {}
