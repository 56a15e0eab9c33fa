"""The variable pay pages' shaping and forms: the plans (their document, participants and
versions), the comp admins, the reader's own statements — in the reader's language (the views
parse, call, render)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.analytics import kpis as catalogue
from cordee.analytics.comp_plan import PERSON, SIDES
from cordee.comp import cost, selectors, whatif
from cordee.comp.goal_panel import advance_words
from cordee.comp.inputs import advance_text, missing_text
from cordee.comp.models import Plan, PlanVersion
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.core.templatetags.cordee import format_money, percent
from cordee.core.web import Form
from cordee.funnel.kpis_page import shown as kpi_shown
from cordee.tenancy.models import Membership
from cordee.tenancy.roles import Side

MAX_DOCUMENT_BYTES = 1_000_000


def side_labels() -> dict[str, str]:
    return {Side.SALES: str(Side.SALES.label), Side.MARKETING: str(Side.MARKETING.label)}


def kind_labels() -> dict[str, str]:
    return {
        "attainment": _("Attainment"),
        "commission": _("Commission"),
        "draw": _("Draw"),
        "ramp": _("Ramp"),
        "spiff": _("SPIFF"),
    }


def document_text(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


class DocumentField(forms.CharField):
    """A plan document as JSON text; unreadable JSON is named with its line and column."""

    # the document's keys are its format's own words, in no reader's language
    widget = forms.Textarea(
        attrs={"rows": 18, "spellcheck": "false", "class": "mono", "translate": "no"}
    )

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not text:
            return None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise forms.ValidationError(
                _("Not JSON: %(problem)s at line %(line)s, column %(column)s.")
                % {"problem": error.msg, "line": error.lineno, "column": error.colno}
            ) from None


def _cents(value: Decimal) -> str:
    return format(value.quantize(Decimal("0.01")), "f")


def _uploaded(form: forms.Form) -> Any:
    """The document of the uploaded file, when one was sent (its JSON errors on ``file``)."""
    upload = form.cleaned_data.get("file")
    if not upload:
        return None
    if upload.size > MAX_DOCUMENT_BYTES:
        form.add_error("file", _("The file is larger than 1 MB."))
        return None
    try:
        return json.loads(upload.read().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        form.add_error("file", _("Not a JSON document: %(problem)s.") % {"problem": str(error)})
        return None


class PlanForm(Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=120)
    document = DocumentField(
        label=gettext_lazy("Document"),
        required=False,
        help_text=gettext_lazy(
            "The plan as JSON: currency, year, clawback days, components and participants "
            "(docs/variable-pay.md). Or upload the file below."
        ),
    )
    file = forms.FileField(label=gettext_lazy("Or upload a JSON file"), required=False)

    def plan_document(self) -> Any:
        uploaded = _uploaded(self)
        document = uploaded if uploaded is not None else self.cleaned_data.get("document")
        if document is None and not self.errors:
            self.add_error("document", _("Give the document, or upload it."))
        return document


class VersionForm(PlanForm):
    note = forms.CharField(label=gettext_lazy("What changed"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["name"]


class ParticipantForm(Form):
    person = forms.ChoiceField(label=gettext_lazy("Person"))
    side = forms.ChoiceField(label=gettext_lazy("Side"))
    variable_target = forms.DecimalField(
        label=gettext_lazy("Variable target (a year)"), min_value=0, decimal_places=2
    )
    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("Until"), required=False)
    components = forms.MultipleChoiceField(
        label=gettext_lazy("Components"), widget=forms.CheckboxSelectMultiple
    )
    quota = forms.DecimalField(
        label=gettext_lazy("Annual quota"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=gettext_lazy("For the components measured on the person's own deals."),
    )

    def __init__(self, *args: Any, actor: Actor, version: PlanVersion | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        members = (
            Membership.objects.select_related("user")
            .filter(workspace=actor.workspace, is_active=True)
            .order_by("user__first_name", "user__last_name", "user__email")
        )
        fields = self.fields
        cast(forms.ChoiceField, fields["person"]).choices = [
            (m.user.email, f"{m.user} ({m.user.email})") for m in members
        ]
        cast(forms.ChoiceField, fields["side"]).choices = [(s, side_labels()[s]) for s in SIDES]
        self.document = dict(version.document) if version else {}
        cast(forms.ChoiceField, fields["components"]).choices = [
            (c["id"], c["id"]) for c in self.document.get("components", []) if "id" in c
        ]

    def participant(self) -> dict[str, Any]:
        """The document's entry for the person (dates ISO, amounts as strings)."""
        data = self.cleaned_data
        entry: dict[str, Any] = {
            "person": data["person"],
            "side": data["side"],
            "variable_target": _cents(data["variable_target"]),
            "start": data["start"].isoformat() if data.get("start") else None,
            "end": data["end"].isoformat() if data.get("end") else None,
            "components": list(data["components"]),
        }
        own = [
            c
            for c in self.document.get("components", [])
            if c.get("id") in entry["components"]
            and c.get("kind") == "attainment"
            and c.get("scope", PERSON) == PERSON
        ]
        if own and data.get("quota") is not None:
            entry["quota"] = {c["id"]: _cents(data["quota"]) for c in own}
        return entry


def document_errors(form: forms.Form, exc: ValidationFailed) -> None:
    """A refused document's problems beside the document, each named by its path in it
    (« components[0].weight : … »); a form field's own (``name``) beside that field."""
    if not exc.field_errors:
        form.add_error(None, exc.message)
    for path, problems in exc.field_errors.items():
        for problem in problems:
            if path in form.fields and path != "document":
                form.add_error(path, problem)
            else:
                target = "document" if "document" in form.fields else None
                form.add_error(target, f"{path} : {problem}")


def _latest(plan: Plan) -> PlanVersion | None:
    versions = sorted(plan.versions.all(), key=lambda v: -v.number)
    return versions[0] if versions else None


def pay_page(actor: Actor) -> dict[str, Any]:
    """The reader's own statements; the plans and comp admins for who manages them."""
    own = selectors.statements(actor).filter(person=actor.user)
    rows = []
    for plan in selectors.plans(actor):
        latest = _latest(plan)
        document = latest.document if latest else {}
        rows.append(
            {
                "plan": plan,
                "approved_periods": selectors.approved_periods(plan)
                if selectors.is_comp_admin(actor)
                else [],
                "version": latest,
                "participants": len(document.get("participants", [])),
                "year": document.get("year"),
            }
        )
    return {
        "nav": "pay",
        "team": statement_rows(actor),
        "is_comp_admin": selectors.is_comp_admin(actor),
        "own": list(own.order_by("-period")),
        "plans": rows,
        "can_edit": selectors.may_edit_plans(actor),
        "can_grant": actor.can("comp.grant"),
        "admins": list(selectors.comp_admins(actor)) if actor.can("comp.grant") else [],
        "members": [
            (m.user_id, f"{m.user} ({m.user.email})")
            for m in Membership.objects.select_related("user")
            .filter(workspace=actor.workspace, is_active=True)
            .order_by("user__first_name", "user__last_name")
        ]
        if actor.can("comp.grant")
        else [],
    }


def plan_page(actor: Actor, plan: Plan) -> dict[str, Any]:
    """A plan: its latest document in words (components with their advances, participants),
    its versions."""
    versions = sorted(plan.versions.all(), key=lambda v: -v.number)
    latest = versions[0] if versions else None
    document = latest.document if latest else {}
    currency = str(document.get("currency") or actor.workspace.currency)
    names = {
        m.user.email: str(m.user)
        for m in Membership.objects.select_related("user").filter(workspace=actor.workspace)
    }
    sides, kinds = side_labels(), kind_labels()
    components = []
    for c in document.get("components", []):
        period = c.get("period")
        if isinstance(period, dict):
            period = ", ".join(f"{sides.get(k, k)} : {v}" for k, v in period.items())
        advances = []  # each side's advances on a yearly payout: its period and share
        for side, advance in (c.get("advances") or {}).items():
            if isinstance(advance, dict) and advance.get("period") and advance.get("share"):
                words = advance_words((str(advance["period"]), Decimal(str(advance["share"]))))
                advances.append(f"{sides.get(side, side)} : {words or advance['period']}")
        components.append(
            {
                "id": c.get("id"),
                "kind": kinds.get(c.get("kind"), c.get("kind")),
                "measure": c.get("metric") or c.get("basis") or "",
                "scope": c.get("scope", ""),
                "period": period,
                "weight": c.get("weight", ""),
                "advances": " · ".join(advances),
            }
        )
    participants = [
        {
            "email": p.get("person"),
            "name": names.get(str(p.get("person")), p.get("person")),
            "side": sides.get(p.get("side"), p.get("side")),
            "target": format_money(Decimal(str(p.get("variable_target") or 0)), currency),
            "start": p.get("start") or "",
            "end": p.get("end") or "",
            "components": ", ".join(p.get("components", [])),
        }
        for p in document.get("participants", [])
    ]
    return {
        "nav": "pay",
        "plan": plan,
        "latest": latest,
        "versions": versions,
        "document": document,
        "components": components,
        "participants": participants,
        "may_cost": selectors.is_comp_admin(actor),
    }


# -- statements ----------------------------------------------------------------------------------


def _kind_label(kind: str) -> str:
    return {
        **kind_labels(),
        "clawback": _("Clawback"),
        "adjustment": _("Adjustment"),
        "advance": _("Advance"),
        "true_up": _("True-up of the advances"),
    }.get(kind, kind)


def _measure(line: dict[str, Any], name: str, currency: str) -> str:
    """A line's actual or target in its KPI's unit: the shared goal's KPI, else the person's
    credited revenue (money)."""
    value = line.get(name)
    if value in (None, ""):
        return "—"
    metric = line.get("metric") or {}
    kpi = catalogue.BY_KEY.get(str(metric.get("kpi")))
    unit = kpi.unit if kpi is not None else catalogue.MONEY
    return kpi_shown(unit, Decimal(str(value)), currency)


def statement_rows(actor: Actor, period: str = "") -> list[dict[str, Any]]:
    """The statements the actor reads beside their own (their team's; everyone's for a comp
    admin), the latest periods first, with whether they may approve each."""
    rows = selectors.statements(actor).exclude(person=actor.user).order_by("-period", "person_id")
    if period:
        rows = rows.filter(period=period)
    may = selectors.approver(actor)
    return [{"statement": s, "may_approve": may(s)} for s in rows[:500]]


def statement_page(actor: Actor, statement: Any) -> dict[str, Any]:
    """A statement: its lines with what each used (the deals and credited amounts, the KPI's
    value against the goal's target), a pending line's reason, its disputes."""
    currency = actor.workspace.currency
    lines = []
    for line in statement.lines:
        attainment = line.get("attainment")
        lines.append(
            {
                "component": line.get("component"),
                "kind": _kind_label(str(line.get("kind") or "")),
                "kind_code": str(line.get("kind") or ""),
                "attainment": percent(Decimal(attainment), 1) if attainment else "—",
                "actual": _measure(line, "actual", currency),
                "target": _measure(line, "target", currency),
                "payout": format_money(Decimal(str(line.get("payout") or 0)), currency),
                "pending": missing_text(line["pending"]) if line.get("pending") else "",
                "deals": line.get("deals") or [],
                "deal_id": line.get("deal_id"),
                "reason": line.get("reason") or "",
                "note": advance_text(line, currency),
            }
        )
    own = statement.person_id == actor.user.pk
    return {
        "nav": "pay",
        "statement": statement,
        "lines": lines,
        "total": format_money(statement.total, currency),
        "components": sorted({str(line.get("component")) for line in statement.lines}),
        "disputes": list(statement.disputes.select_related("raised_by", "resolved_by")),
        "may_approve": statement.status == "draft" and selectors.may_approve(actor, statement),
        # a draft is computed again from today's data by a comp admin (approval refuses a
        # draft whose data changed since: the refresh is offered beside it)
        "may_refresh": statement.status == "draft" and selectors.is_comp_admin(actor),
        "may_dispute": own,
        "may_resolve": selectors.is_comp_admin(actor) and not own,
    }


def what_if_context(actor: Actor, statement: Any, params: Any) -> dict[str, Any]:
    """The what-if form (the person's open deals, a shared goal's attainment in %) and, when
    asked, the statement now and as supposed, line by line."""
    deals = whatif.open_deals(actor, statement.person_id)
    currency = actor.workspace.currency
    context: dict[str, Any] = {
        "whatif_deals": [
            (d.pk, f"{d.name} · {format_money(d.amount or Decimal(0), d.currency or currency)}")
            for d in deals
        ],
        "whatif_values": {
            "deal": str(params.get("deal") or ""),
            "goal_at": params.get("goal_at") or "",
        },
    }
    if not params.get("whatif"):
        return context
    try:
        deal = int(str(params.get("deal"))) if str(params.get("deal") or "").isdigit() else None
        text = str(params.get("goal_at") or "").strip().replace(",", ".").rstrip("%").strip()
        goal_at = Decimal(text) / 100 if text else None
        result = whatif.what_if(
            actor=actor, statement_id=statement.pk, deal_id=deal, goal_at=goal_at
        )
    except (ArithmeticError, ValueError):
        context["whatif_error"] = _("Give an attainment in percent (110 for 110 %).")
        return context
    except ValidationFailed as exc:
        context["whatif_error"] = " ".join(t for texts in exc.field_errors.values() for t in texts)
        return context
    context["whatif"] = {
        "now": format_money(result.now, currency),
        "supposed": format_money(result.supposed, currency),
        "change": format_money(result.supposed - result.now, currency),
        "lines": [
            {
                "component": c,
                "now": format_money(a, currency),
                "supposed": format_money(b, currency),
            }
            for c, (a, b) in result.lines.items()
        ],
    }
    return context


# -- the plan's cost ------------------------------------------------------------------------------


def _percent_text(value: Any) -> Decimal:
    """« 135 », « 135,5 % » → 1.35, 1.355 (ArithmeticError, ValueError when not a number)."""
    text = str(value).strip().replace(",", ".").rstrip("%").strip().replace("\u00a0", "")
    return Decimal(text) / 100


def cost_page(actor: Actor, plan_id: int, params: Any) -> dict[str, Any]:
    """The plan's cost (``comp.cost``): one column per scenario (last year's distribution,
    80 %, 100 %, 120 % and the one asked in the form), one row per component and side, the
    sides, the total, the on-target cost and the ratio; how last year was read."""
    plan = selectors.plan_cost_get(actor, plan_id)  # 404 for all but the comp admins
    asked = str(params.get("attainment") or "").strip()
    attainments = list(cost.DEFAULT_ATTAINMENTS)
    error = ""
    if asked:
        try:
            extra = cost.attainment_check(_percent_text(asked))
        except (ArithmeticError, ValueError, ValidationFailed):
            error = _("Give an attainment in percent, from 0 to 1000 (120 for 120 %).")
        else:
            if extra not in attainments:
                attainments = sorted([*attainments, extra])
    context: dict[str, Any] = {"nav": "pay", "plan": plan, "attainment": asked, "error": error}
    try:
        result = cost.plan_cost(actor=actor, plan_id=plan.pk, attainments=attainments)
    except ValidationFailed as exc:
        context["error"] = exc.explained
        return context
    currency = result.currency

    def money(value: Decimal | None) -> str:
        return format_money(value, currency) if value is not None else "—"

    sides = side_labels()
    heads = [
        _("Last year's distribution") if s.kind == cost.LAST_YEAR else percent(s.attainment, 0)
        for s in result.scenarios
    ]
    rows: list[dict[str, Any]] = []
    first = result.scenarios[0].cost
    for i, component in enumerate(first.components):
        for side in component.by_side:
            rows.append(
                {
                    "label": f"{component.component} · {sides.get(side, side)}",
                    "kind": "component",
                    "cells": [
                        money(s.cost.components[i].by_side.get(side)) for s in result.scenarios
                    ],
                }
            )
    for side in ("sales", "marketing"):
        if any(side in c.by_side for c in first.components):
            rows.append(
                {
                    "label": sides[side],
                    "kind": "side",
                    "cells": [money(s.cost.by_side[side]) for s in result.scenarios],
                }
            )
    rows += [
        {
            "label": _("Total"),
            "kind": "total",
            "cells": [money(s.cost.total) for s in result.scenarios],
        },
        {
            "label": _("On target"),
            "kind": "target",
            "cells": [money(s.cost.on_target) for s in result.scenarios],
        },
        {
            "label": _("Cost ÷ on target"),
            "kind": "ratio",
            "cells": [percent(s.cost.ratio, 1) for s in result.scenarios],
        },
    ]
    names = {
        m.user.email.lower(): str(m.user)
        for m in Membership.objects.select_related("user").filter(workspace=actor.workspace)
    }
    before = result.last_year
    context.update(
        result=result,
        heads=heads,
        rows=rows,
        no_basis=sorted(
            {names.get(p.lower(), p) for s in result.scenarios for p in s.cost.no_basis}
        ),
        last_year=before,
        assumed=[names.get(p.lower(), p) for p in before.assumed] if before else [],
        median=percent(before.median, 1) if before else "",
        shared=[
            {
                "metric": s.key[0],
                "scope": s.key[1],
                "period": s.key[2],
                "before": s.before,
                "attainment": percent(s.attainment, 1),
                "from_goal": s.goal_id is not None,
            }
            for s in (before.shared if before else ())
        ],
    )
    return context
