"""The KPIs page's shaping: the catalogue with each KPI's definition and its value for the
scope and period asked, in the reader's language (the view parses, calls, renders)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cordee.analytics import kpis as catalogue
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.templatetags.cordee import format_money, percent
from cordee.funnel import kpis


def shown(unit: str, value: int | Fraction | Decimal | None, currency: str) -> str:
    if value is None:
        return "—"
    if unit == catalogue.MONEY:
        return format_money(Decimal(value), currency)  # type: ignore[arg-type]
    if unit == catalogue.RATE:
        return percent(value, 1)
    if unit == catalogue.DURATION:
        days = Decimal(kpis.value_text(unit, value) or "0")
        places = 0 if days % 1 == 0 else 1 if (days * 10) % 1 == 0 else 2
        text = formats.number_format(days, places)
        return ngettext("%(days)s day", "%(days)s days", 1 if days == 1 else 2) % {"days": text}
    return str(formats.number_format(int(value), force_grouping=True))


def _sides() -> dict[str, str]:
    return {
        catalogue.MARKETING: _("Marketing"),
        catalogue.SALES: _("Sales"),
        catalogue.SHARED: _("Shared"),
    }


def _states() -> dict[str, str]:
    return {
        catalogue.NOT_LOCKED: _("not locked: the period's attribution is not signed by both sides"),
        catalogue.NOT_RECORDED: _(
            "not recorded: the period's attribution was signed before Cordée kept its pipeline "
            "credits"
        ),
        catalogue.WORKSPACE_ONLY: _("for the whole workspace only"),
        catalogue.NOT_PER_PERSON: _("for the whole workspace and each pod only"),
        catalogue.UNAVAILABLE: _("not available"),
    }


def _rows(report: kpis.KpiReport) -> list[dict[str, Any]]:
    sides = _sides()
    rows = []
    for kpi in catalogue.CATALOGUE:
        v = report.values[kpi.key]
        detail = _states().get(v.state, "")
        if kpi.unit == catalogue.RATE and not v.state:
            detail = _("%(numerator)s of %(denominator)s") % {
                "numerator": v.numerator,
                "denominator": v.denominator,
            }
            if not v.denominator:
                detail = _("nothing to divide by")
        rows.append(
            {
                "key": kpi.key,
                "label": _(kpi.label),
                "definition": _(kpi.definition),
                "side": sides[kpi.side],
                "value": shown(kpi.unit, v.value, report.currency),
                "detail": detail,
                "others": [
                    format_money(amount, code) for code, amount in v.other_currencies.items()
                ],
            }
        )
    return rows


def kpis_page(actor: Actor, params: Mapping[str, Any]) -> dict[str, Any]:
    """The form (scope, period) and the catalogue with its values; a bad period or scope is
    named beside the form. A person the reader may not read, or another workspace's pod or
    person, raises (403, 404)."""
    scope_text = str(params.get("scope") or "workspace")
    period_text = str(params.get("period") or "")
    context: dict[str, Any] = {
        "nav": "kpis",
        "scopes": kpis.scope_choices(actor),
        "values": {"scope": scope_text, "period": period_text},
        "errors": {},
        "report": None,
    }
    try:
        period = kpis.period_read(actor.workspace, period_text)
        scope = kpis.scope_read(actor, scope_text)
    except ValidationFailed as exc:
        labels = {"scope": _("Scope"), "period": _("Period")}
        context["errors"] = {
            labels.get(name, name): messages for name, messages in exc.field_errors.items()
        }
        context["message"] = exc.message
        return context
    report = kpis.kpi_report(actor=actor, scope=scope, period=period)
    context["values"]["period"] = period_text or period.key.removeprefix("FY")
    context.update(report=report, rows=_rows(report))
    return context
