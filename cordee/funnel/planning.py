"""The planning calculator's inputs, from the workspace's own history, and the plan they give.

The maths is ``cordee.analytics.planning`` (stage by stage, each count rounded up); this module
reads its inputs, says where each came from, and validates what a person gives instead. The
CLI (``cordee plan``), the API (``POST /api/v1/plans/compute``) and the Plan page all call
``plan_compute``. Any member may compute a plan: it reads the shared funnel and writes nothing.

**Cohort window** (default: the last 12 *complete* months, in the workspace time zone — the
month in progress is left out): the MQL cycles whose MQL falls in it, exactly as the funnel
metrics page counts them (``metrics.cohort_cycles``: a cycle is one entry into MQL and what
followed until the next; a later stage implies the earlier ones). So for the same cohorts:

- **MQL→SAL** = SAL ÷ MQLs *decided* (PRODUCT.md's acceptance rate): a cycle is decided when
  sales accepted it (it reached SAL, as the page counts SAL) or rejected it (a rejection decision
  on that MQL). MQLs still waiting, or that left MQL without a decision of sales, are not in the
  denominator — which is why this rate can be above the page's SAL ÷ MQLs; the source gives both
  counts.
- **SAL→SQL** = SQL ÷ SAL and **SQL→Won** = Won ÷ SQL: the page's rates. An SQL is a cycle that
  reached an opportunity; an opportunity still open counts as not won (in the denominator, not
  in the numerator): a young window lowers SQL→Won — choose a longer or older window, or give
  the rate.
- **Average deal size**: the deals won in the window (close date in it, ``funnel.won``), in the
  workspace currency: Σ amount ÷ number of deals, to the cent (half up); deals in another
  currency are left out and reported per currency.
- **Marketing's share of revenue**: of those deals' revenue, the part whose opportunity's source
  is *marketing* (``Opportunity.source``, as the funnel's pipeline per source).

**Pod scope**: the cycles routed to the pod (their first assignment to a pod after the MQL, the
lead's pod when none: the page's "pod" cohorts) and the deals of the pod's opportunities.

**Segment scope** (a set of account industries, as the SLA contracts' segments): the cycles of
the leads whose contact's account has one of the industries (the account's industry today, as
the SLA's governing contract reads it) and the deals of the opportunities whose account has one.
A plan is for a pod or a segment, not both: a goal or a contract has one scope (pod › segment ›
workspace), so a plan of both could be written nowhere.

Each input is given (``given``) or read from the history (``history``) with its window, its scope
(the pod, the segment), the number of monthly cohorts (months of the window with at least one
MQL) and the counts behind it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

import numpy as np
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cordee.analytics import funnel as engine
from cordee.analytics import planning as maths
from cordee.analytics.calendar import add_months
from cordee.core.actor import Actor
from cordee.core.errors import ValidationFailed
from cordee.crm.models import Account
from cordee.funnel import metrics
from cordee.funnel.models import Lead, OpportunitySource
from cordee.funnel.reports import snapshot
from cordee.funnel.version import funnel_version
from cordee.funnel.won import won_opportunities
from cordee.people.models import Pod
from cordee.tenancy.models import Workspace

DEFAULT_WINDOW_MONTHS = 12
MAX_WINDOW_MONTHS = 120
INPUTS = ("deal_size", *maths.RATES, "marketing_share")


@dataclass(frozen=True)
class InputSource:
    origin: str  # "history" or "given"
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    cohorts: int | None = None  # months of the window with at least one MQL of the scope
    leads: int | None = None  # the MQL cycles (or deals) behind the value: its denominator
    numerator: Any = None
    denominator: Any = None
    detail: dict[str, Any] = field(default_factory=dict)
    pod: str | None = None  # the history's scope: the pod's name…
    segment: tuple[str, ...] = ()  # …or the segment's industries (neither: the workspace)


@dataclass(frozen=True)
class PlanInput:
    name: str
    value: Fraction | Decimal | None  # None: the history has nothing to divide by
    source: InputSource


@dataclass(frozen=True)
class PlanResult:
    workspace: Workspace
    revenue: Decimal
    period: maths.PlanPeriod | None
    pod: Pod | None
    window: metrics.Period
    inputs: dict[str, PlanInput]
    plan: maths.Plan
    sensitivity: list[maths.SensitivityRow]
    segment: tuple[str, ...] = ()  # account industries, as stored; () when not a segment plan


# -- the cohort window and the history -----------------------------------------------------------


def history_window(
    workspace: Workspace, months: int, today: dt.date | None = None
) -> metrics.Period:
    """The last ``months`` complete calendar months before today's (workspace time zone)."""
    this_month = (today or workspace.today()).replace(day=1)
    return metrics.Period(add_months(this_month, -months), this_month - dt.timedelta(days=1))


def _month_count(workspace: Workspace, window: metrics.Period, mql: np.ndarray) -> int:
    """The months of the window holding at least one of the MQL instants."""
    tz = workspace.zone
    starts, month = [], window.start
    while month <= window.end:
        starts.append(dt.datetime.combine(month, dt.time(0), tzinfo=tz).timestamp())
        month = add_months(month, 1)
    which = np.searchsorted(np.array(starts, dtype=np.float64), mql, side="right") - 1
    return len(set(which.tolist()))


def _rejected(workspace: Workspace, cycles: metrics.CohortCycles) -> np.ndarray:
    """For each cycle, whether sales rejected its MQL (a rejection decision on that MQL)."""
    return metrics.cycle_decisions(workspace, cycles).rejected


def _ratio(numerator: int, denominator: int) -> Fraction | None:
    return Fraction(numerator, denominator) if denominator else None


def _segment_leads(workspace: Workspace, segment: Sequence[str]) -> np.ndarray:
    """The ids of the leads whose contact's account has one of the segment's industries."""
    ids = Lead.objects.filter(
        workspace=workspace, contact__account__industry__in=list(segment)
    ).values_list("id", flat=True)
    return np.fromiter(ids.iterator(chunk_size=20_000), dtype=np.int64)


def history_rates(
    workspace: Workspace,
    window: metrics.Period,
    pod: Pod | None = None,
    segment: Sequence[str] = (),
) -> dict[str, PlanInput]:
    """MQL→SAL, SAL→SQL and SQL→Won of the window's cohorts (the module's definitions), of the
    pod's or the segment's cycles when one is given."""
    cycles = metrics.cohort_cycles(workspace, window, pods=pod is not None)
    mine = np.ones(len(cycles.lead), dtype=bool)
    if pod is not None and cycles.pod is not None:
        mine = cycles.pod == pod.pk
    if segment:
        mine &= np.isin(cycles.lead, _segment_leads(workspace, segment))
    rejected = _rejected(workspace, cycles)[mine]
    stages = (cycles.mql[mine], cycles.sal[mine], cycles.sql[mine], cycles.won[mine])
    # the page's counts, split by "rejected": SAL + the rejected cycles that never reached SAL
    rows = engine.conversion_by_cohort(["r" if r else "n" for r in rejected], *stages)
    mqls = sum(r.mqls for r in rows)
    sal = sum(r.sal for r in rows)
    sql = sum(r.sql for r in rows)
    won = sum(r.won for r in rows)
    decided = sal + sum(r.mqls - r.sal for r in rows if r.cohort == "r")
    cohorts = _month_count(workspace, window, stages[0]) if mqls else 0

    def source(numerator: int, denominator: int, **detail: Any) -> InputSource:
        return InputSource(
            "history",
            window.start,
            window.end,
            cohorts,
            denominator,
            numerator,
            denominator,
            detail,
            pod.name if pod else None,
            tuple(segment),
        )

    return {
        "mql_to_sal": PlanInput(
            "mql_to_sal",
            _ratio(sal, decided),
            source(sal, decided, mqls=mqls, undecided=mqls - decided),
        ),
        "sal_to_sql": PlanInput("sal_to_sql", _ratio(sql, sal), source(sql, sal)),
        "sql_to_won": PlanInput("sql_to_won", _ratio(won, sql), source(won, sql)),
    }


def history_deals(
    workspace: Workspace,
    window: metrics.Period,
    pod: Pod | None = None,
    segment: Sequence[str] = (),
) -> dict[str, PlanInput]:
    """Average deal size and marketing's share of the revenue of the deals won in the window
    (the pod's, or those of the segment's accounts, when one is given)."""
    deals = won_opportunities(workspace, window.start, window.end)
    if pod is not None:
        deals = deals.filter(pod=pod)
    if segment:
        deals = deals.filter(account__industry__in=list(segment))
    count, revenue, marketing = 0, Decimal(0), Decimal(0)
    others: dict[str, dict[str, Any]] = {}
    for amount, currency, origin in deals.values_list("amount", "currency", "source"):
        currency = currency or workspace.currency
        if currency != workspace.currency:
            other = others.setdefault(currency, {"deals": 0, "amount": Decimal(0)})
            other["deals"] += 1
            other["amount"] += amount
            continue
        count += 1
        revenue += amount
        if origin == OpportunitySource.MARKETING:
            marketing += amount
    detail = {"currency": workspace.currency, "other_currencies": dict(sorted(others.items()))}
    average = maths.to_cents(Fraction(revenue) / count) if count else None
    share = Fraction(marketing) / Fraction(revenue) if revenue else None

    def source(numerator: Decimal, denominator: Decimal | int) -> InputSource:
        return InputSource(
            "history",
            window.start,
            window.end,
            None,
            count,
            numerator,
            denominator,
            detail,
            pod.name if pod else None,
            tuple(segment),
        )

    return {
        "deal_size": PlanInput("deal_size", average, source(revenue, count)),
        "marketing_share": PlanInput("marketing_share", share, source(marketing, revenue)),
    }


def history_inputs(
    workspace: Workspace,
    window: metrics.Period,
    pod: Pod | None = None,
    segment: Sequence[str] = (),
) -> dict[str, PlanInput]:
    """Every input from the history: a snapshot, as the funnel metrics' (recomputed when a lead
    moves, at least every ``metrics.SNAPSHOT_AGE``), so that a page does not rescan the
    window's history for each plan."""
    # industries are free text: hashed, the cache key stays short and without spaces
    industries = hashlib.sha256("\n".join(sorted(segment)).encode()).hexdigest()[:16]
    name = (
        f"plan-history:v2:{funnel_version(workspace.pk)}:{window.start}:{window.end}:"
        f"{pod.pk if pod else ''}:{industries if segment else ''}"
    )
    return snapshot(
        workspace,
        name,
        lambda: {
            **history_rates(workspace, window, pod, segment),
            **history_deals(workspace, window, pod, segment),
        },
        max_age=metrics.SNAPSHOT_AGE,
    )


# -- reading what a person gives ------------------------------------------------------------------


def _number(value: object, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        errors[name] = [_("Enter a number.")]
        return None
    if not number.is_finite():
        errors[name] = [_("Enter a number.")]
        return None
    if number.adjusted() > 14 or number.normalize().as_tuple().exponent < -6:  # type: ignore[operator]
        errors[name] = [_("Enter a number of at most 15 digits, 6 after the decimal point.")]
        return None
    return number


def _rate(value: object, name: str, errors: dict[str, list[str]]) -> Decimal | None:
    number = _number(value, name, errors)
    if number is not None and not maths.check_rate(Fraction(number)):
        errors[name] = [_("A rate is a fraction above 0 and at most 1 (0.25 for 25 %).")]
        return None
    return number


def _pod(workspace: Workspace, value: object, errors: dict[str, list[str]]) -> Pod | None:
    """A pod by id, name or slugified name (``grands-comptes`` for « Grands comptes »)."""
    text = str(value or "").strip()
    if not text:
        return None
    for pod in Pod.objects.filter(workspace=workspace).order_by("id"):
        if text in (str(pod.pk), pod.name) or slugify(text) == slugify(pod.name):
            return pod
    errors["pod"] = [_("No pod %(pod)s in this workspace.") % {"pod": repr(text)}]
    return None


def workspace_industries(workspace: Workspace) -> list[str]:
    """The industries of the workspace's accounts, as stored (what a segment is made of)."""
    rows = (
        Account.objects.filter(workspace=workspace)
        .exclude(industry="")
        .order_by("industry")
        .values_list("industry", flat=True)
        .distinct()
    )
    return list(rows)


SHOWN_INDUSTRIES = 30  # an error lists at most this many of the workspace's industries


def segment_clean(
    workspace: Workspace, value: object, errors: dict[str, list[str]]
) -> tuple[str, ...]:
    """A segment: industries as a list, or one text separated by commas (the CLI's). Each
    is an industry of the workspace's accounts, matched as stored or regardless of case
    (``santé`` is « Santé »); the segment comes back as stored, sorted, each once."""
    if value is None or value == "":
        return ()
    texts = value.split(",") if isinstance(value, str) else [str(v) for v in value]  # type: ignore[attr-defined]
    wanted = [t.strip() for t in texts if t.strip()]
    if not wanted:
        return ()
    known = workspace_industries(workspace)
    by_case = {name.casefold(): name for name in known}
    found = {name: name if name in known else by_case.get(name.casefold()) for name in wanted}
    unknown = [name for name, stored in found.items() if stored is None]
    if not unknown:
        return tuple(sorted({stored for stored in found.values() if stored is not None}))
    if not known:
        errors["segment"] = [
            _("No account of this workspace has an industry: a segment is made of them.")
        ]
        return ()
    listed = ", ".join(known[:SHOWN_INDUSTRIES])
    if len(known) > SHOWN_INDUSTRIES:
        listed += " " + _("and %(n)s more") % {"n": len(known) - SHOWN_INDUSTRIES}
    errors["segment"] = [
        _(
            "No account has the industry %(industries)s. The industries of this workspace: %(known)s."
        )
        % {"industries": ", ".join(repr(name) for name in unknown), "known": listed}
    ]
    return ()


def plan_compute(*, actor: Actor, **given: Any) -> PlanResult:
    """The plan in the actor's workspace (any member may compute one: it writes nothing)."""
    return workspace_plan(actor.workspace, **given)


def workspace_plan(
    workspace: Workspace,
    *,
    revenue: object,
    period: str | None = None,
    pod: object = None,
    segment: object = None,
    deal_size: object = None,
    mql_to_sal: object = None,
    sal_to_sql: object = None,
    sql_to_won: object = None,
    marketing_share: object = None,
    window_months: object = None,
    today: dt.date | None = None,
) -> PlanResult:
    """The plan for ``revenue``: each input given or read from the history. A 422 naming every
    field that is not valid, or an input the history cannot give (no deal won in the window…).
    The CLI calls it for the operator; people call ``plan_compute``."""
    errors: dict[str, list[str]] = {}
    revenue_ = _number(revenue, "revenue", errors)
    if revenue_ is None and "revenue" not in errors:
        errors["revenue"] = [_("This field is required.")]
    elif revenue_ is not None and revenue_ <= 0:
        errors["revenue"] = [_("The revenue goal must be above 0.")]
    plan_period = None
    if period:
        try:
            plan_period = maths.plan_period(period, workspace.fiscal_year_start_month)
        except ValueError:
            errors["period"] = [
                _("Give a fiscal year (2027), a quarter (2027-Q1) or a month (2027-03).")
            ]
    scope = _pod(workspace, pod, errors)
    industries = segment_clean(workspace, segment, errors)
    if scope is not None and industries:
        errors["segment"] = [
            _(
                "Plan a pod or a segment, not both: a goal or an SLA contract has one scope "
                "(pod, segment or the whole workspace)."
            )
        ]
    given_deal = _number(deal_size, "deal_size", errors)
    if given_deal is not None and given_deal <= 0:
        errors["deal_size"] = [_("The average deal size must be above 0.")]
    given = {
        name: _rate(value, name, errors)
        for name, value in zip(maths.RATES, (mql_to_sal, sal_to_sql, sql_to_won), strict=True)
    }
    share = _number(marketing_share, "marketing_share", errors)
    if share is not None and not 0 <= share <= 1:
        errors["marketing_share"] = [_("A share is a fraction from 0 to 1 (0.6 for 60 %).")]
    months = DEFAULT_WINDOW_MONTHS
    if window_months not in (None, ""):
        try:
            months = int(str(window_months))
        except ValueError:
            months = 0
        if not 1 <= months <= MAX_WINDOW_MONTHS:
            errors["window_months"] = [
                _("Give a number of months from 1 to %(max)s.") % {"max": MAX_WINDOW_MONTHS}
            ]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    assert revenue_ is not None

    window = history_window(workspace, months, today)
    inputs: dict[str, PlanInput] = {}
    if any(v is None for v in (given_deal, *given.values(), share)):
        inputs.update(history_inputs(workspace, window, scope, industries))
    for name, value in (("deal_size", given_deal), *given.items(), ("marketing_share", share)):
        if value is not None:
            inputs[name] = PlanInput(name, value, InputSource("given"))
    missing = {
        name: [_("The history of the window cannot give it: give a value.")]
        for name in INPUTS
        if inputs[name].value is None
    }
    if missing:
        raise ValidationFailed(
            _("The history has nothing to compute some inputs from."), field_errors=missing
        )

    def value_of(name: str) -> Any:
        return inputs[name].value

    rates = maths.Rates(*(maths.exact(value_of(name)) for name in maths.RATES))
    arguments: dict[str, Any] = {
        "revenue": revenue_,
        "deal_size": value_of("deal_size"),
        "rates": rates,
        "marketing_share": value_of("marketing_share"),
    }
    for name in maths.RATES:  # a rate read from the history may be 0 (nobody converted)
        if not maths.check_rate(getattr(rates, name)):
            errors[name] = [_("The history gives 0 %: nobody converted. Give a rate.")]
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    return PlanResult(
        workspace=workspace,
        revenue=revenue_,
        period=plan_period,
        pod=scope,
        window=window,
        inputs=inputs,
        plan=maths.plan_stages(**arguments),
        sensitivity=maths.sensitivity(**arguments),
        segment=industries,
    )


# -- one JSON shape for the CLI and the API ------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.quantize(Decimal("0.01")), "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def rate_text(value: Fraction | Decimal | int, places: int = 4) -> str:
    """A rate or share as a decimal string, rounded half up (2/3 → "0.6667")."""
    digits = math.floor(Fraction(value) * 10**places + Fraction(1, 2))
    return format(Decimal(digits).scaleb(-places), "f")


def _input_payload(item: PlanInput) -> dict[str, Any]:
    assert item.value is not None
    money = item.name == "deal_size"
    value = _plain(item.value) if money else rate_text(item.value)
    src = item.source
    source: dict[str, Any] = {"origin": src.origin}
    if src.origin == "history":
        source.update(
            window_start=_plain(src.window_start),
            window_end=_plain(src.window_end),
            cohorts=src.cohorts,
            leads=src.leads,
            numerator=_plain(src.numerator),
            denominator=_plain(src.denominator),
            detail=_plain(src.detail),
            pod=src.pod,
            segment=list(src.segment),
        )
    exact_value = None if money else str(Fraction(item.value))
    return {"value": value, "exact": exact_value, "source": source}


def plan_payload(result: PlanResult) -> dict[str, Any]:
    """The plan as plain JSON (money and rates as decimal strings)."""
    plan = result.plan
    return {
        "workspace": result.workspace.slug,
        "currency": result.workspace.currency,
        "revenue": _plain(result.revenue),
        "period": (
            {
                "key": result.period.key,
                "start": result.period.start.isoformat(),
                "end": result.period.end.isoformat(),
            }
            if result.period
            else None
        ),
        "pod": {"id": result.pod.pk, "name": result.pod.name} if result.pod else None,
        "segment": list(result.segment),
        "window": {"start": result.window.start.isoformat(), "end": result.window.end.isoformat()},
        "customers": plan.customers,
        "sqls": plan.sqls,
        "sals": plan.sals,
        "mqls": plan.mqls,
        "marketing_mqls": plan.marketing_mqls,
        "lead_value": _plain(plan.lead_value) if plan.lead_value is not None else None,
        "inputs": {name: _input_payload(result.inputs[name]) for name in INPUTS},
        "sensitivity": [
            {
                "rate": row.rate,
                "change": ("+" if row.change > 0 else "") + rate_text(row.change, 2),
                "value": rate_text(row.value) if row.value is not None else None,
                "mqls": row.mqls,
                "marketing_mqls": row.marketing_mqls,
            }
            for row in result.sensitivity
        ],
    }
