"""``cordee plan --workspace SLUG --revenue AMOUNT [--period 2027|2027-Q1|2027-03] [--pod POD |
--segment "Industrie,Santé"] [--deal-size AMOUNT] [--rates MQL_SAL,SAL_SQL,SQL_WON]
[--marketing-share X] [--window-months N] [--format json|table]``: the planning calculator
(``cordee.funnel.planning``).

Each input left out is read from the workspace's own history over the cohort window; a blank
entry of ``--rates`` (``0.5,,0.25``) is read from the history too. A bad argument is an error
naming it, with exit status 2.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from cordee.core.commands import add_language_argument, speaking
from cordee.core.errors import ValidationFailed
from cordee.funnel.planning import plan_payload, workspace_plan
from cordee.tenancy.models import Workspace

# the API's field → the option that gives it
OPTIONS = {
    "revenue": "--revenue",
    "period": "--period",
    "pod": "--pod",
    "segment": "--segment",
    "deal_size": "--deal-size",
    "mql_to_sal": "--rates",
    "sal_to_sql": "--rates",
    "sql_to_won": "--rates",
    "marketing_share": "--marketing-share",
    "window_months": "--window-months",
}
USAGE_ERROR = 2


class Command(BaseCommand):
    help = (
        "The planning calculator: from a revenue goal to the customers, SQLs, SALs and MQLs "
        "needed, each rounded up from the stage below, and marketing's MQL commitment."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", required=True, help="the workspace's slug")
        parser.add_argument("--revenue", required=True, help="the revenue goal (e.g. 1200000)")
        parser.add_argument(
            "--period", help="2027 (fiscal year), 2027-Q1 (fiscal quarter) or 2027-03 (month)"
        )
        parser.add_argument("--pod", help="plan one pod (its id or name): rates from its leads")
        parser.add_argument(
            "--segment",
            help="plan one segment: account industries separated by commas "
            '("Industrie,Santé"); rates from their accounts\' leads, not with --pod',
        )
        parser.add_argument("--deal-size", help="average deal size (default: from the history)")
        parser.add_argument(
            "--rates",
            help="MQL→SAL,SAL→SQL,SQL→Won as fractions (0.5,0.4,0.25); a blank one from history",
        )
        parser.add_argument(
            "--marketing-share", help="marketing's share of revenue, 0 to 1 (default: history)"
        )
        parser.add_argument(
            "--window-months", help="months of MQL cohorts the history is read from (12)"
        )
        parser.add_argument("--format", choices=("json", "table"), default="table")
        add_language_argument(parser)

    def handle(self, *args: Any, **opts: Any) -> None:
        workspace = Workspace.objects.filter(slug=opts["workspace"]).first()
        with speaking(opts["language"], workspace):
            if workspace is None:
                self._fail(
                    _("--workspace: no workspace %(slug)s.") % {"slug": repr(opts["workspace"])}
                )
            rates = self._rates(opts["rates"])
            try:
                result = workspace_plan(
                    workspace,
                    revenue=opts["revenue"],
                    period=opts["period"],
                    pod=opts["pod"],
                    segment=opts["segment"],
                    deal_size=opts["deal_size"],
                    marketing_share=opts["marketing_share"],
                    window_months=opts["window_months"],
                    **rates,
                )
            except ValidationFailed as exc:
                lines = [
                    f"{OPTIONS.get(name, name)} ({name}): {' '.join(messages)}"
                    for name, messages in exc.field_errors.items()
                ]
                self._fail(*(lines or [exc.message]))
            payload = plan_payload(result)
            if opts["format"] == "json":
                self.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False))
            else:
                self.stdout.write(table(payload))

    def _rates(self, text: str | None) -> dict[str, Any]:
        if text is None:
            return {}
        parts = [p.strip() for p in text.split(",")]
        if len(parts) != 3:
            self._fail(
                _("--rates: give three fractions MQL→SAL,SAL→SQL,SQL→Won (e.g. 0.5,0.4,0.25).")
            )
        return dict(zip(("mql_to_sal", "sal_to_sql", "sql_to_won"), parts, strict=True))

    def _fail(self, *lines: str) -> NoReturn:
        for line in lines:
            self.stderr.write(line)
        sys.exit(USAGE_ERROR)


def _origin(item: dict[str, Any]) -> str:
    source = item["source"]
    if source["origin"] == "given":
        return _("given")
    values = {
        "start": source["window_start"],
        "end": source["window_end"],
        "numerator": source["numerator"],
        "denominator": source["denominator"],
        "cohorts": source["cohorts"],
        "deals": source["leads"],
    }
    if source["cohorts"] is None:  # the deal size and the share: from the deals won
        return (
            _("history %(start)s – %(end)s: %(numerator)s ÷ %(denominator)s (%(deals)s deals won)")
            % values
        )
    return (
        _("history %(start)s – %(end)s: %(numerator)s ÷ %(denominator)s (%(cohorts)s cohorts)")
        % values
    )


def table(payload: dict[str, Any]) -> str:
    """The plan as text: the stages, each input and its source, the sensitivity table."""
    labels = {
        "deal_size": _("Average deal size"),
        "mql_to_sal": _("MQL → SAL"),
        "sal_to_sql": _("SAL → SQL"),
        "sql_to_won": _("SQL → Won"),
        "marketing_share": _("Marketing's share of revenue"),
    }
    lines = [
        _("Revenue goal: %(revenue)s %(currency)s")
        % {"revenue": payload["revenue"], "currency": payload["currency"]},
    ]
    if payload["period"]:
        lines.append(_("Period: %(key)s") % {"key": payload["period"]["key"]})
    if payload["pod"]:
        lines.append(_("Pod: %(name)s") % {"name": payload["pod"]["name"]})
    if payload["segment"]:
        lines.append(_("Segment: %(industries)s") % {"industries": ", ".join(payload["segment"])})
    lines += ["", _("Inputs:")]
    for name, item in payload["inputs"].items():
        lines.append(f"  {labels[name]:<30} {item['value']:>12}  {_origin(item)}")
    lines += ["", _("Stage by stage (each rounded up from the stage below):")]
    for label, key in (
        (_("Customers"), "customers"),
        (_("SQLs"), "sqls"),
        (_("SALs"), "sals"),
        (_("MQLs"), "mqls"),
        (_("Marketing's MQLs"), "marketing_mqls"),
    ):
        lines.append(f"  {label:<30} {payload[key]:>12}")
    lines.append(f"  {_('Lead value'):<30} {payload['lead_value']:>12}")
    lines += ["", _("Sensitivity (each rate ±5 points):")]
    for row in payload["sensitivity"]:
        moved = row["value"] or "—"
        mqls = row["mqls"] if row["mqls"] is not None else "—"
        marketing = row["marketing_mqls"] if row["marketing_mqls"] is not None else "—"
        lines.append(
            f"  {labels[row['rate']]:<12} {row['change']:>6} → {moved:>7}  "
            + _("MQLs %(mqls)s, marketing's %(marketing)s") % {"mqls": mqls, "marketing": marketing}
        )
    return "\n".join(lines)
