"""The Plan page's shaping: the form read by the API's schema, the plan, where each input came
from and the sensitivity table, in the reader's language (the view parses, calls, renders)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.templatetags.cordee import format_money, percent
from cordee.core.web import form_input
from cordee.funnel import goals, goals_page, planning, schemas, services
from cordee.people.selectors import pod_choices
from cordee.tenancy.roles import Side

FIELDS = (
    "revenue",
    "period",
    "pod",
    "deal_size",
    "mql_to_sal",
    "sal_to_sql",
    "sql_to_won",
    "marketing_share",
    "window_months",
)


def _labels() -> dict[str, str]:
    return {
        "revenue": _("Revenue goal"),
        "period": _("Period"),
        "pod": _("Pod"),
        "segment": _("Segment"),
        "deal_size": _("Average deal size"),
        "mql_to_sal": _("MQL → SAL"),
        "sal_to_sql": _("SAL → SQL"),
        "sql_to_won": _("SQL → Won"),
        "marketing_share": _("Marketing's share of revenue"),
        "window_months": _("History window (months)"),
    }


def _day(value: Any) -> str:
    return str(formats.date_format(value, "SHORT_DATE_FORMAT"))


def _number(value: Any) -> str:
    return str(formats.number_format(value, force_grouping=True))


def _money(value: Any, currency: str) -> str:
    return format_money(value, currency)  # as every page: "45 492,11 €", "€45,492.11"


def _percent(value: Fraction | Decimal | int) -> str:
    return percent(value, 1)  # as every page


def _source(item: planning.PlanInput, currency: str) -> str:
    """Where an input came from, in a sentence."""
    src = item.source
    if src.origin == "given":
        return _("Given")
    window = {
        "start": _day(src.window_start),
        "end": _day(src.window_end),
        "cohorts": src.cohorts,
    }
    if item.name == "mql_to_sal":
        return _(
            "%(sal)s accepted of %(decided)s MQLs decided by sales (%(mqls)s MQLs, %(undecided)s "
            "not decided); %(cohorts)s monthly cohorts, %(start)s – %(end)s"
        ) % {
            "sal": _number(src.numerator),
            "decided": _number(src.denominator),
            "mqls": _number(src.detail["mqls"]),
            "undecided": _number(src.detail["undecided"]),
            **window,
        }
    if item.name == "sal_to_sql":
        return _(
            "%(sql)s of %(sal)s SALs reached an opportunity; %(cohorts)s monthly cohorts, "
            "%(start)s – %(end)s"
        ) % {"sql": _number(src.numerator), "sal": _number(src.denominator), **window}
    if item.name == "sql_to_won":
        return _(
            "%(won)s of %(sql)s SQLs won (an open opportunity counts as not won); %(cohorts)s "
            "monthly cohorts, %(start)s – %(end)s"
        ) % {"won": _number(src.numerator), "sql": _number(src.denominator), **window}
    others = "".join(
        " "
        + ngettext(
            "(%(n)s deal in %(code)s left out)", "(%(n)s deals in %(code)s left out)", v["deals"]
        )
        % {"n": v["deals"], "code": code}
        for code, v in src.detail.get("other_currencies", {}).items()
    )
    if item.name == "deal_size":
        return (
            ngettext(
                "%(revenue)s won in %(n)s deal closed from %(start)s to %(end)s",
                "%(revenue)s won in %(n)s deals closed from %(start)s to %(end)s",
                src.denominator,
            )
            % {"revenue": _money(src.numerator, currency), "n": src.denominator, **window}
            + others
        )
    return (
        _("%(marketing)s marketing-sourced of %(revenue)s won from %(start)s to %(end)s")
        % {
            "marketing": _money(src.numerator, currency),
            "revenue": _money(src.denominator, currency),
            **window,
        }
        + others
    )


def _stages(result: planning.PlanResult) -> list[dict[str, Any]]:
    plan, labels = result.plan, _labels()
    value: dict[str, Any] = {name: item.value for name, item in result.inputs.items()}
    currency = result.workspace.currency
    return [
        {
            "label": _("Customers"),
            "count": plan.customers,
            "rule": _("%(revenue)s ÷ %(deal)s, rounded up")
            % {
                "revenue": _money(result.revenue, currency),
                "deal": _money(value["deal_size"], currency),
            },
        },
        {
            "label": _("SQLs"),
            "count": plan.sqls,
            "rule": _("customers ÷ %(rate)s (%(name)s), rounded up")
            % {"rate": _percent(value["sql_to_won"] or 0), "name": labels["sql_to_won"]},
        },
        {
            "label": _("SALs"),
            "count": plan.sals,
            "rule": _("SQLs ÷ %(rate)s (%(name)s), rounded up")
            % {"rate": _percent(value["sal_to_sql"] or 0), "name": labels["sal_to_sql"]},
        },
        {
            "label": _("MQLs"),
            "count": plan.mqls,
            "rule": _("SALs ÷ %(rate)s (%(name)s), rounded up")
            % {"rate": _percent(value["mql_to_sal"] or 0), "name": labels["mql_to_sal"]},
        },
        {
            "label": _("Marketing's MQLs"),
            "count": plan.marketing_mqls,
            "rule": _("MQLs × %(share)s (marketing's share of revenue), rounded up")
            % {"share": _percent(value["marketing_share"] or 0)},
        },
    ]


def _segment_sent(params: Mapping[str, Any]) -> list[str]:
    """The industries ticked (one ``segment`` control per industry)."""
    if hasattr(params, "getlist"):
        values = params.getlist("segment")
    else:
        value = params.get("segment") or []
        values = [value] if isinstance(value, str) else list(value)
    return [str(v) for v in values if str(v).strip()]


def _plan_input(params: Mapping[str, Any]) -> schemas.PlanIn:
    """The form read by the API's schema, the segment as the list of industries ticked."""
    data = dict(params.items())  # a QueryDict's items: one value per control
    data["segment"] = _segment_sent(params) or None
    return form_input(schemas.PlanIn, data)


def plan_page(actor: Actor, params: Mapping[str, Any]) -> dict[str, Any]:
    """The form (as sent), and once a revenue goal is given: the plan or the fields' errors."""
    labels = _labels()
    segment = _segment_sent(params)
    context: dict[str, Any] = {
        "nav": "plan",
        "labels": labels,
        "pods": pod_choices(actor),
        "industries": planning.workspace_industries(actor.workspace),
        "values": {name: str(params.get(name, "")) for name in FIELDS},
        "segment": segment,
        "errors": {},
        "result": None,
    }
    if not str(params.get("revenue", "")).strip():
        return context
    try:
        given = _plan_input(params)
        result = planning.plan_compute(actor=actor, **given.model_dump())
    except ValidationFailed as exc:
        context["errors"] = {
            labels.get(name, name): messages for name, messages in exc.field_errors.items()
        }
        context["message"] = exc.message
        return context
    currency = result.workspace.currency
    context.update(
        result=result,
        currency=currency,
        stages=_stages(result),
        lead_value=(
            _money(result.plan.lead_value, currency) if result.plan.lead_value is not None else "—"
        ),
        inputs=[
            {
                "label": labels[name],
                "value": (
                    _money(item.value, currency) if name == "deal_size" else _percent(item.value)
                )
                if item.value is not None
                else "—",
                "source": _source(item, currency),
                "given": item.source.origin == "given",
            }
            for name, item in ((n, result.inputs[n]) for n in planning.INPUTS)
        ],
        window=_("MQL cohorts from %(start)s to %(end)s")
        % {"start": _day(result.window.start), "end": _day(result.window.end)},
        scope=_scope(result),
        sensitivity=_sensitivity(result, labels),
    )
    if actor.can("goal.write"):
        context.update(_goal_form(actor, result))
    return context


def _scope(result: planning.PlanResult) -> str:
    """Whose history and plan it is, in words."""
    if result.pod is not None:
        return _("pod %(name)s") % {"name": result.pod.name}
    if result.segment:
        return _("segment %(industries)s") % {"industries": ", ".join(result.segment)}
    return _("the whole workspace")


def _goal_form(actor: Actor, result: planning.PlanResult) -> dict[str, Any]:
    """The owners offered to the "write the plan as goals" form: each side's active members,
    ``goals.default_owner`` chosen. A segment plan writes no goal: its form proposes the
    segment's contract only."""
    marketing = goals_page.owner_choices(actor, Side.MARKETING)
    sales = goals_page.owner_choices(actor, Side.SALES)

    return {
        "can_write_goals": True,
        "segment_plan": bool(result.segment),
        "period_key": result.period.key.removeprefix("FY") if result.period else "",
        "plan_scope": _scope(result),
        "marketing_owners": marketing,
        "sales_owners": sales,
        "default_owners": {
            "marketing": str(goals.default_owner(actor, Side.MARKETING) or ""),
            "sales": str(goals.default_owner(actor, Side.SALES) or ""),
        },
    }


def _sensitivity(result: planning.PlanResult, labels: dict[str, str]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for row in result.sensitivity:
        entry = rows.setdefault(
            row.rate,
            {
                "label": labels[row.rate],
                "base": _percent(result.inputs[row.rate].value or 0),
                "cells": [],
            },
        )
        entry["cells"].append(
            {
                "rate": _percent(row.value) if row.value is not None else "—",
                "mqls": row.mqls,
                "marketing_mqls": row.marketing_mqls,
                "more": row.mqls is not None and row.mqls > result.plan.mqls,
            }
        )
    return list(rows.values())


@dataclass(frozen=True)
class PlanGoalsOutcome:
    errors: dict[str, list[str]]
    message: str = ""
    period: str = ""
    contract: int | None = None  # the contract proposed (a segment plan's page to go to)
    segment_plan: bool = False


def plan_goals_written(actor: Actor, params: Mapping[str, Any]) -> PlanGoalsOutcome:
    """The plan of the form's inputs written as goals (``services.plan_goals_write``), and
    what was done, in words; or the fields' errors by their labels."""
    labels = {
        **_labels(),
        "marketing_owner": _("Marketing owner"),
        "sales_owner": _("Sales owner"),
    }
    try:
        given = _plan_input(params)
        result = planning.plan_compute(actor=actor, **given.model_dump())
        written = services.plan_goals_write(
            actor=actor,
            result=result,
            marketing_owner=params.get("marketing_owner") or None,
            sales_owner=params.get("sales_owner") or None,
        )
    except ValidationFailed as exc:
        errors = {labels.get(name, name): texts for name, texts in exc.field_errors.items()}
        return PlanGoalsOutcome(errors or {"": [exc.message]})
    if written.goals_written:
        message = _(
            "The plan is written as the goals of %(period)s: %(created)s set, %(changed)s "
            "changed, %(unchanged)s unchanged."
        ) % {
            "period": written.period,
            "created": written.created,
            "changed": written.changed,
            "unchanged": written.unchanged,
        }
    else:
        message = _(
            "A goal has no segment: no goal was written for the segment %(industries)s."
        ) % {"industries": ", ".join(written.segment)}
    if written.contract is not None and not written.contract_proposed:
        message += " " + _("The SLA contract « %(name)s » already proposes these commitments.") % {
            "name": written.contract.name
        }
    if written.contract is not None and written.contract_proposed:
        message += " " + _(
            "The SLA contract « %(name)s » now proposes %(volume)s MQLs and an acceptance floor "
            "of %(floor)s %%: both managers sign it."
        ) % {
            "name": written.contract.name,
            "volume": written.contract.mql_volume,
            "floor": formats.number_format(written.contract.acceptance_floor, 2),
        }
    return PlanGoalsOutcome(
        {},
        message,
        written.period,
        written.contract.pk if written.contract else None,
        not written.goals_written,
    )
