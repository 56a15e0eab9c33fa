"""Importing opportunities: matched by external id or account and name."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from cordee.dataio.imports.kinds.base import MAX_AMOUNT, Handler, Tick, check_currency, fold_name
from cordee.dataio.imports.kinds.bulk import BATCH, chunks
from cordee.dataio.imports.rows import Group
from cordee.dataio.imports.words import Text
from cordee.dataio.imports.words import later as _
from cordee.funnel import models as funnel
from cordee.funnel.records import opportunity_defaults, opportunity_forecast_follow

if TYPE_CHECKING:
    from cordee.dataio.models import ImportJob


class Opportunities(Handler):
    model = funnel.Opportunity
    fast_updates = True
    needs_ids = True  # each new deal's first stage goes into its stage history
    columns = {
        k: k
        for k in ("name", "amount", "currency", "stage", "created_on", "close_date", "loss_reason")
    }

    def __init__(self, job: ImportJob) -> None:
        super().__init__(job)
        self.natural_label = _("account and name")

    def check(self, values: dict[str, Any]) -> list[tuple[str, Text]]:
        problems: list[tuple[str, Text]] = []
        amount = values.get("amount")
        if amount is not None:
            if amount < 0:
                problems.append(("amount", _("An amount cannot be negative.")))
            elif amount >= MAX_AMOUNT:
                problems.append(("amount", _("This amount is too large.")))
            else:
                values["amount"] = amount.quantize(Decimal("0.01"))
        probability = values.get("probability")
        if probability is not None and not 0 <= probability <= 100:
            problems.append(("probability", _("A probability is between 0 and 100.")))
        return problems + check_currency(values)

    def natural(self, values: dict[str, Any]) -> Any:
        if values.get("account") and values.get("name"):
            return (fold_name(values["account"]), fold_name(values["name"]))
        return None

    def _key_text(self, key: Any) -> str:
        return " / ".join(key) if isinstance(key, tuple) else str(key)

    def _natural_rows(
        self, groups: list[Group], fields: tuple[str, ...]
    ) -> dict[Any, dict[str, Any]]:
        by_id = {v: k for k, v in self._accounts.items()}
        found: dict[Any, dict[str, Any]] = {}
        for batch in chunks(by_id):
            for row in funnel.Opportunity.objects.filter(
                workspace=self.workspace, account_id__in=batch
            ).values("id", "name", "account_id", "external_id", "source_system"):
                key = (by_id[row["account_id"]], row["name"].strip().casefold())
                found.setdefault(key, dict(row))
        return found

    def prepare(self, groups: list[Group]) -> list[tuple[Group, Text]]:
        self.resolve_accounts(g.values.get("account") for g in groups)
        rejected = self._match(groups, _("opportunity"), ("name",))
        for group in groups:
            group.extra["owner_id"] = self.owner_id(group)
        return rejected

    def _stored_stages(self, pks: list[int]) -> dict[int, tuple[str, bool]]:
        """pk → (stage, forecast chosen by a person) of the deals the file changes."""
        stored: dict[int, tuple[str, bool]] = {}
        for batch in chunks(pks):
            for pk, stage, chosen in funnel.Opportunity.objects.filter(
                workspace=self.workspace, pk__in=batch
            ).values_list("id", "stage", "forecast_chosen"):
                stored[pk] = (stage, chosen)
        return stored

    def write(self, groups: list[Group], tick: Tick) -> dict[str, int]:
        created = self.create_accounts()
        existing = self._existing(funnel.Opportunity, groups)
        stored = self._stored_stages([g.pk for g in groups if g.pk])
        new: list[Any] = []
        changed: list[Any] = []
        moves: list[tuple[int, str, str]] = []  # (pk, from, to) of the deals the file moves
        for group in groups:
            if group.pk:
                opportunity = existing[group.pk]
                changed.append(opportunity)
            else:
                opportunity = self.blank()
                new.append(opportunity)
            self._apply(opportunity, group)
            if not group.pk:
                opportunity_defaults(self.workspace, opportunity)
            elif getattr(opportunity, "stage", None):
                before, chosen = stored[group.pk]
                if opportunity.stage != before:
                    moves.append((group.pk, before, opportunity.stage))
                    opportunity.forecast_chosen = chosen
                    opportunity_forecast_follow(opportunity)
                    del opportunity.forecast_chosen  # read, not written
            opportunity.account_id = self.account_id(group.values["account"])
            if group.extra.get("owner_id"):
                opportunity.owner_id = group.extra["owner_id"]
        self._save(
            funnel.Opportunity,
            new,
            changed,
            [*self.columns.values(), "account", "owner", "forecast_category"],
            tick,
        )
        # the stage history says what the import did: a new deal entered its stage, a known one
        # moved — recorded now, by whoever ran the import (never a stage date it cannot know)
        now = timezone.now()
        history = [
            funnel.OpportunityStageChange(
                workspace_id=self.workspace.pk,
                opportunity_id=pk,
                from_stage=before,
                to_stage=after,
                at=now,
                actor_id=self.job.created_by_id,
            )
            for pk, before, after in [*((o.pk, "", o.stage) for o in new), *moves]
        ]
        for batch in chunks(history, BATCH):
            funnel.OpportunityStageChange.objects.bulk_create(batch)
        return {"accounts_created": created}
