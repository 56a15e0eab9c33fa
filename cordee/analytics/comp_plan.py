"""The variable-pay plan document: its periods and its validation — pure, no Django.

``plan_parse(document)`` reads the JSON document described in ``cordee.analytics.comp`` (and
``docs/variable-pay.md``) into a ``Plan``, or raises ``PlanError`` naming the JSON path of the
first wrong field (``components[1].curve.points[2]``) and what is wrong with it. The CLI, the
app's form and its upload all call it.

Periods (``period_parse``): ``2026-05`` is a calendar month; ``2026-Q2`` the second quarter and
``2026`` the year of the fiscal year that starts in ``first_month`` of 2026 (January by default:
the calendar year). A fiscal year is named after the calendar year it starts in.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from cordee.analytics.calendar import add_months

KINDS = ("attainment", "commission", "draw", "ramp", "spiff")
PERIOD_KINDS = ("month", "quarter", "year")
PERIOD_FRACTION = {"month": Fraction(1, 12), "quarter": Fraction(1, 4), "year": Fraction(1)}
ADVANCE_PERIODS = ("quarter", "month")  # the periods an advance on a yearly payout is paid on
SIDES = ("sales", "marketing")
MODES = ("marginal", "retroactive")
PERSON = "person"  # the scope of a component measured on the participant's own credits
MAX_SHARE_DECIMALS = 6
_DAY = dt.timedelta(days=1)


# What can be wrong with a plan document: a stable code → the English sentence, its placeholders
# named (``params``). The app shows the same sentences through gettext in the reader's language
# (``cordee.comp.plan_errors``, one message id per code); the CLI prints the English.
PROBLEMS: Mapping[str, str] = {
    # a field's type (``value``: the value found)
    "required": "this field is required.",
    "not_a_string": "expected a string, got %(value)r.",
    "not_a_whole_number": "expected a whole number, got %(value)r.",
    "not_a_list": "expected a list, got %(value)r.",
    "not_an_object": "expected an object, got %(value)r.",
    "not_true_or_false": "expected true or false, got %(value)r.",
    "expected_object": "expected an object.",
    # numbers, dates, choices
    "not_a_number_string": 'expected a number as a string such as "0.6", got %(value)r.',
    "not_a_number": "'%(value)s' is not a number.",
    "below_minimum": "%(value)s is below %(minimum)s.",
    "too_many_decimals": "%(value)s has more than %(places)s decimal places.",
    "not_a_date": "'%(value)s' is not a date (YYYY-MM-DD).",
    "not_one_of": "'%(value)s' is not one of %(allowed)s.",
    "not_a_side": "'%(value)s' is not a side (%(allowed)s).",
    "not_a_period": "expected month, quarter, year or an object {side: period}.",
    # the document
    "not_a_plan": "a plan is a JSON object.",
    "not_a_currency": "'%(value)s' is not a currency code such as EUR.",
    "not_a_year": "%(value)s is not a year.",
    "negative_days": "expected 0 or more days.",
    # curves and tiers
    "not_a_curve": "expected an object {points, cap}.",
    "no_point": "a curve needs at least one point.",
    "not_a_point": "expected a pair [attainment, payout fraction].",
    "attainment_not_increasing": "attainments must increase from one point to the next.",
    "payout_falls": "a payout fraction may not fall as attainment rises.",
    "not_tiers": "expected a list of tiers {up_to, rate}.",
    "not_a_tier": "expected an object {up_to, rate}.",
    "open_tier_not_last": "only the last tier may be open (null).",
    "last_tier_closed": "the last tier must be open: up_to null.",
    "tier_bounds_not_increasing": "tier bounds must increase.",
    "tier_bound_not_positive": "a tier bound must be above 0.",
    # components
    "empty_id": "an id may not be empty.",
    "duplicate_id": "'%(value)s' is already the id of a component.",
    "commission_scope": "a commission is paid on the person's own deals: scope person.",
    "ramp_too_short": "a ramp lasts at least one month.",
    "not_a_component_id": "expected a component id.",
    "not_a_campaign": "expected a campaign's name.",
    "window_incomplete": "a window needs both from and to.",
    "window_reversed": "the window ends before it starts.",
    "spiff_unbounded": "a spiff needs a campaign, a window (from, to), or both.",
    "not_a_commission": "'%(value)s' is not a commission component.",
    "draw_period": "a draw runs on the period of '%(component)s'.",
    "not_coverable": "'%(value)s' is not an attainment, commission or spiff component.",
    "ramp_period": "'%(value)s' does not run on the ramp's period.",
    "advance_not_yearly": (
        "advances are paid ahead of a yearly payout: the %(side)s side is not paid yearly on "
        "this component."
    ),
    "share_out_of_range": "a share is above 0 and at most 1, got %(value)s.",
    # participants
    "empty_person": "a person may not be empty.",
    "duplicate_participant": "'%(value)s' is already a participant.",
    "end_before_start": "the end comes before the start.",
    "unknown_component": "%(value)r is not a component of the plan.",
    "quota_not_positive": "a quota must be above 0.",
    "no_period_for_side": "'%(value)s' has no period for the %(side)s side.",
    "quota_missing": "'%(component)s' is measured on the person: give its annual quota.",
    "draw_without_commission": "a draw against '%(component)s' needs that component too.",
    "ramp_without_start": "a ramp counts from the start date: give one.",
    "component_twice": "a component is listed twice.",
}


class PlanError(ValueError):
    """A plan document that cannot be used; ``path`` is the JSON path of the wrong field, ``code``
    what is wrong with it (a key of ``PROBLEMS``) and ``params`` the values its sentence names
    (plain JSON values). ``problem`` is that sentence in English."""

    def __init__(self, path: str, code: str, **params: Any) -> None:
        self.path = path
        self.code = code
        self.params = params
        self.problem = PROBLEMS[code] % params
        super().__init__(f"{path}: {self.problem}" if path else self.problem)


# -- periods ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str  # "2026-05", "2026-Q2", "2026"
    kind: str  # month, quarter, year
    start: dt.date
    end: dt.date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


_LABEL = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>\d{2})))?$")


def period_parse(label: str, first_month: int = 1) -> Period:
    """The period a label names (``ValueError`` for anything else)."""
    match = _LABEL.match(label.strip())
    if not match or not 1 <= first_month <= 12:
        raise ValueError(f"'{label}' is not a period (2026-05, 2026-Q2 or 2026).")
    year = int(match["year"])
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12 or year < 1:
            raise ValueError(f"'{label}' is not a period (2026-05, 2026-Q2 or 2026).")
        start = dt.date(year, month, 1)
        return Period(f"{year:04d}-{month:02d}", "month", start, add_months(start, 1) - _DAY)
    year_start = dt.date(year, first_month, 1)
    if match["quarter"]:
        quarter = int(match["quarter"])
        start = add_months(year_start, 3 * (quarter - 1))
        return Period(f"{year}-Q{quarter}", "quarter", start, add_months(start, 3) - _DAY)
    return Period(f"{year}", "year", year_start, add_months(year_start, 12) - _DAY)


def period_label(day: dt.date, kind: str, first_month: int = 1) -> str:
    """The label of the period of ``kind`` that contains ``day``."""
    if kind == "month":
        return f"{day.year:04d}-{day.month:02d}"
    fiscal_year = day.year if day.month >= first_month else day.year - 1
    if kind == "year":
        return f"{fiscal_year}"
    return f"{fiscal_year}-Q{(day.month - first_month) % 12 // 3 + 1}"


def plan_periods(year: int, kind: str, first_month: int = 1) -> list[Period]:
    """The periods of ``kind`` of the fiscal year ``year``, in order."""
    start = dt.date(year, first_month, 1)
    if kind == "year":
        return [period_parse(f"{year}", first_month)]
    if kind == "quarter":
        return [period_parse(f"{year}-Q{q}", first_month) for q in range(1, 5)]
    return [
        period_parse(f"{m:%Y-%m}", first_month) for m in (add_months(start, i) for i in range(12))
    ]


# -- the plan --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    id: str
    kind: str
    period: str | dict[str, str]  # one kind for every side, or one per side
    metric: str = ""  # attainment: the KPI; commission: its basis
    scope: str = PERSON
    weight: Decimal = Decimal(0)
    points: tuple[tuple[Decimal, Decimal], ...] = ()  # attainment curve
    cap: Decimal | None = None
    mode: str = "marginal"  # commission
    tiers: tuple[tuple[Decimal | None, Decimal], ...] = ()  # (up_to, rate)
    amount: Decimal = Decimal(0)  # draw: per period; spiff: per deal
    against: str = ""  # draw: the commission component
    recoverable: bool = False  # draw
    months: int = 0  # ramp
    fraction: Decimal = Decimal(0)  # ramp: the guaranteed fraction of target pay
    covers: tuple[str, ...] = ()  # ramp: the components the guarantee tops up
    campaign: str | None = None  # spiff
    window: tuple[dt.date, dt.date] | None = None  # spiff: closed_on from … to (inclusive)
    # attainment: side → (the advance's period kind, its share) for a side paid yearly
    advances: Mapping[str, tuple[str, Decimal]] = field(default_factory=dict)

    def period_for(self, side: str) -> str | None:
        """The period kind this component runs on for a participant of ``side``."""
        return self.period if isinstance(self.period, str) else self.period.get(side)

    @property
    def uses_credits(self) -> bool:
        """Its payout depends on the participant's credited deals (so it has clawbacks)."""
        return self.kind in ("commission", "spiff") or (
            self.kind == "attainment" and self.scope == PERSON
        )


@dataclass(frozen=True)
class Participant:
    person: str
    side: str
    variable_target: Decimal
    start: dt.date | None
    end: dt.date | None
    components: tuple[str, ...]
    quota: Mapping[str, Decimal] = field(default_factory=dict)  # component id → annual quota


@dataclass(frozen=True)
class Plan:
    currency: str
    year: int
    clawback_days: int
    components: tuple[Component, ...]
    participants: tuple[Participant, ...]

    def component(self, component_id: str) -> Component:
        return next(c for c in self.components if c.id == component_id)


# -- validation ------------------------------------------------------------------------------------


_TYPE_PROBLEMS = {
    str: "not_a_string",
    int: "not_a_whole_number",
    list: "not_a_list",
    dict: "not_an_object",
    bool: "not_true_or_false",
}


def _get(
    obj: Mapping[str, Any], key: str, path: str, *, default: Any = ..., kind: type | None = None
) -> Any:
    where = f"{path}.{key}" if path else key
    if key not in obj:
        if default is ...:
            raise PlanError(where, "required")
        return default
    value = obj[key]
    if (kind is not None and not isinstance(value, kind)) or (
        isinstance(value, bool) and kind is int
    ):
        raise PlanError(where, _TYPE_PROBLEMS[kind], value=value)
    return value


def _decimal(
    value: Any, path: str, *, minimum: Decimal | None = Decimal(0), places: int | None = None
) -> Decimal:
    """A number written as a string ("0.6") or an integer; never a float (a float is not exact)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PlanError(path, "not_a_number_string", value=value)
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise PlanError(path, "not_a_number", value=value) from None
    if not number.is_finite():
        raise PlanError(path, "not_a_number", value=value)
    if minimum is not None and number < minimum:
        raise PlanError(path, "below_minimum", value=value, minimum=str(minimum))
    if places is not None and -int(number.as_tuple().exponent) > places:
        raise PlanError(path, "too_many_decimals", value=value, places=places)
    return number


def _date(value: Any, path: str, *, nullable: bool = True) -> dt.date | None:
    if value is None and nullable:
        return None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else _bad_date(value)
    except ValueError:
        raise PlanError(path, "not_a_date", value=value) from None


def _bad_date(value: Any) -> dt.date:
    raise ValueError(value)


def _period(value: Any, path: str) -> str | dict[str, str]:
    if isinstance(value, str):
        if value not in PERIOD_KINDS:
            raise PlanError(path, "not_one_of", value=value, allowed=", ".join(PERIOD_KINDS))
        return value
    if isinstance(value, dict) and value:
        for side, kind in value.items():
            if side not in SIDES:
                raise PlanError(
                    f"{path}.{side}", "not_a_side", value=side, allowed=", ".join(SIDES)
                )
            _period(kind, f"{path}.{side}")
        return dict(value)
    raise PlanError(path, "not_a_period")


def _curve(value: Any, path: str) -> tuple[tuple[tuple[Decimal, Decimal], ...], Decimal | None]:
    if not isinstance(value, dict):
        raise PlanError(path, "not_a_curve")
    raw = _get(value, "points", path, kind=list)
    if not raw:
        raise PlanError(f"{path}.points", "no_point")
    points: list[tuple[Decimal, Decimal]] = []
    for i, point in enumerate(raw):
        where = f"{path}.points[{i}]"
        if not isinstance(point, list) or len(point) != 2:
            raise PlanError(where, "not_a_point")
        x, y = _decimal(point[0], f"{where}[0]"), _decimal(point[1], f"{where}[1]")
        if points and x <= points[-1][0]:
            raise PlanError(where, "attainment_not_increasing")
        if points and y < points[-1][1]:
            raise PlanError(where, "payout_falls")
        points.append((x, y))
    cap = value.get("cap")
    return tuple(points), None if cap is None else _decimal(cap, f"{path}.cap")


def _advances(
    value: Any, path: str, period: str | dict[str, str]
) -> dict[str, tuple[str, Decimal]]:
    """``{side: {"period": "quarter" | "month", "share": "0.5"}}``, each side paid yearly."""
    if not isinstance(value, dict):
        raise PlanError(path, "not_an_object", value=value)
    out: dict[str, tuple[str, Decimal]] = {}
    for side, raw in value.items():
        where = f"{path}.{side}"
        if side not in SIDES:
            raise PlanError(where, "not_a_side", value=side, allowed=", ".join(SIDES))
        if (period if isinstance(period, str) else period.get(side)) != "year":
            raise PlanError(where, "advance_not_yearly", side=side)
        if not isinstance(raw, dict):
            raise PlanError(where, "not_an_object", value=raw)
        kind = _get(raw, "period", where, kind=str)
        if kind not in ADVANCE_PERIODS:
            raise PlanError(
                f"{where}.period", "not_one_of", value=kind, allowed=", ".join(ADVANCE_PERIODS)
            )
        raw_share = _get(raw, "share", where)
        share = _decimal(raw_share, f"{where}.share", minimum=None)
        if not 0 < share <= 1:
            raise PlanError(f"{where}.share", "share_out_of_range", value=raw_share)
        out[side] = (kind, share)
    return out


def _tiers(value: Any, path: str) -> tuple[tuple[Decimal | None, Decimal], ...]:
    if not isinstance(value, list) or not value:
        raise PlanError(path, "not_tiers")
    tiers: list[tuple[Decimal | None, Decimal]] = []
    for i, tier in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(tier, dict):
            raise PlanError(where, "not_a_tier")
        up_to = _get(tier, "up_to", where, default=None)
        rate = _decimal(_get(tier, "rate", where), f"{where}.rate")
        last = i == len(value) - 1
        if up_to is None and not last:
            raise PlanError(f"{where}.up_to", "open_tier_not_last")
        if up_to is not None and last:
            raise PlanError(f"{where}.up_to", "last_tier_closed")
        bound = None if up_to is None else _decimal(up_to, f"{where}.up_to", places=2)
        if bound is not None and tiers and bound <= (tiers[-1][0] or 0):
            raise PlanError(f"{where}.up_to", "tier_bounds_not_increasing")
        if bound is not None and bound <= 0:
            raise PlanError(f"{where}.up_to", "tier_bound_not_positive")
        tiers.append((bound, rate))
    return tuple(tiers)


def _component(raw: Any, path: str) -> Component:
    if not isinstance(raw, dict):
        raise PlanError(path, "expected_object")
    cid = _get(raw, "id", path, kind=str)
    if not cid.strip():
        raise PlanError(f"{path}.id", "empty_id")
    kind = _get(raw, "kind", path, kind=str)
    if kind not in KINDS:
        raise PlanError(f"{path}.kind", "not_one_of", value=kind, allowed=", ".join(KINDS))
    period = _period(_get(raw, "period", path), f"{path}.period")
    if kind == "attainment":
        points, cap = _curve(_get(raw, "curve", path), f"{path}.curve")
        return Component(
            cid,
            kind,
            period,
            metric=_get(raw, "metric", path, kind=str),
            scope=_get(raw, "scope", path, kind=str),
            weight=_decimal(_get(raw, "weight", path), f"{path}.weight"),
            points=points,
            cap=cap,
            advances={}
            if raw.get("advances") is None
            else _advances(raw["advances"], f"{path}.advances", period),
        )
    if kind == "commission":
        scope = _get(raw, "scope", path, default=PERSON, kind=str)
        if scope != PERSON:
            raise PlanError(f"{path}.scope", "commission_scope")
        mode = _get(raw, "mode", path, kind=str)
        if mode not in MODES:
            raise PlanError(f"{path}.mode", "not_one_of", value=mode, allowed=", ".join(MODES))
        return Component(
            cid,
            kind,
            period,
            metric=_get(raw, "basis", path, kind=str),
            mode=mode,
            tiers=_tiers(_get(raw, "tiers", path), f"{path}.tiers"),
        )
    if kind == "draw":
        return Component(
            cid,
            kind,
            period,
            amount=_decimal(_get(raw, "amount", path), f"{path}.amount", places=2),
            against=_get(raw, "against", path, kind=str),
            recoverable=_get(raw, "recoverable", path, kind=bool),
        )
    if kind == "ramp":
        months = _get(raw, "months", path, kind=int)
        if months < 1:
            raise PlanError(f"{path}.months", "ramp_too_short")
        covers = _get(raw, "components", path, kind=list)
        for i, other in enumerate(covers):
            if not isinstance(other, str):
                raise PlanError(f"{path}.components[{i}]", "not_a_component_id")
        return Component(
            cid,
            kind,
            period,
            months=months,
            fraction=_decimal(_get(raw, "fraction", path), f"{path}.fraction"),
            covers=tuple(covers),
        )
    # spiff
    campaign = _get(raw, "campaign", path, default=None)
    if campaign is not None and (not isinstance(campaign, str) or not campaign.strip()):
        raise PlanError(f"{path}.campaign", "not_a_campaign")
    start = _date(_get(raw, "from", path, default=None), f"{path}.from")
    end = _date(_get(raw, "to", path, default=None), f"{path}.to")
    if (start is None) != (end is None):
        raise PlanError(f"{path}.{'to' if end is None else 'from'}", "window_incomplete")
    if start and end and end < start:
        raise PlanError(f"{path}.to", "window_reversed")
    if campaign is None and start is None:
        raise PlanError(path, "spiff_unbounded")
    return Component(
        cid,
        kind,
        period,
        amount=_decimal(_get(raw, "amount", path), f"{path}.amount", places=2),
        campaign=campaign,
        window=(start, end) if start and end else None,
    )


def _check_links(components: list[Component], path: str) -> None:
    ids = {c.id: i for i, c in enumerate(components)}
    for i, c in enumerate(components):
        where = f"{path}[{i}]"
        if c.kind == "draw":
            target = components[ids[c.against]] if c.against in ids else None
            if target is None or target.kind != "commission":
                raise PlanError(f"{where}.against", "not_a_commission", value=c.against)
            if target.period != c.period:
                raise PlanError(f"{where}.period", "draw_period", component=c.against)
        if c.kind == "ramp":
            for j, other in enumerate(c.covers):
                covered = components[ids[other]] if other in ids else None
                if covered is None or covered.kind not in ("attainment", "commission", "spiff"):
                    raise PlanError(f"{where}.components[{j}]", "not_coverable", value=other)
                if covered.period != c.period:
                    raise PlanError(f"{where}.components[{j}]", "ramp_period", value=other)


def _participant(raw: Any, path: str, components: dict[str, Component]) -> Participant:
    if not isinstance(raw, dict):
        raise PlanError(path, "expected_object")
    person = _get(raw, "person", path, kind=str)
    if not person.strip():
        raise PlanError(f"{path}.person", "empty_person")
    side = _get(raw, "side", path, kind=str)
    if side not in SIDES:
        raise PlanError(f"{path}.side", "not_one_of", value=side, allowed=", ".join(SIDES))
    target = _decimal(_get(raw, "variable_target", path), f"{path}.variable_target", places=2)
    start = _date(_get(raw, "start", path, default=None), f"{path}.start")
    end = _date(_get(raw, "end", path, default=None), f"{path}.end")
    if start and end and end < start:
        raise PlanError(f"{path}.end", "end_before_start")
    own = _get(raw, "components", path, kind=list)
    quota_raw = _get(raw, "quota", path, default={}, kind=dict)
    quota: dict[str, Decimal] = {}
    for key, value in quota_raw.items():
        if key not in components:
            raise PlanError(f"{path}.quota.{key}", "unknown_component", value=key)
        quota[key] = _decimal(value, f"{path}.quota.{key}", places=2)
        if quota[key] <= 0:
            raise PlanError(f"{path}.quota.{key}", "quota_not_positive")
    for j, cid in enumerate(own):
        where = f"{path}.components[{j}]"
        component = components.get(cid) if isinstance(cid, str) else None
        if component is None:
            raise PlanError(where, "unknown_component", value=cid)
        if component.period_for(side) is None:
            raise PlanError(where, "no_period_for_side", value=cid, side=side)
        if component.kind == "attainment" and component.scope == PERSON and cid not in quota:
            raise PlanError(f"{path}.quota", "quota_missing", component=cid)
        if component.kind == "draw" and component.against not in own:
            raise PlanError(where, "draw_without_commission", component=component.against)
        if component.kind == "ramp" and start is None:
            raise PlanError(f"{path}.start", "ramp_without_start")
    if len(set(own)) != len(own):
        raise PlanError(f"{path}.components", "component_twice")
    return Participant(person, side, target, start, end, tuple(own), quota)


def plan_parse(document: Any) -> Plan:
    """The plan in ``document`` (the parsed JSON), or ``PlanError`` naming the wrong field."""
    if not isinstance(document, dict):
        raise PlanError("", "not_a_plan")
    currency = _get(document, "currency", "", kind=str)
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise PlanError("currency", "not_a_currency", value=currency)
    year = _get(document, "year", "", kind=int)
    if not 1900 <= year <= 9998:
        raise PlanError("year", "not_a_year", value=year)
    clawback_days = _get(document, "clawback_days", "", kind=int)
    if clawback_days < 0:
        raise PlanError("clawback_days", "negative_days")
    components: list[Component] = []
    for i, raw in enumerate(_get(document, "components", "", kind=list)):
        component = _component(raw, f"components[{i}]")
        if any(c.id == component.id for c in components):
            raise PlanError(f"components[{i}].id", "duplicate_id", value=component.id)
        components.append(component)
    _check_links(components, "components")
    by_id = {c.id: c for c in components}
    participants: list[Participant] = []
    for i, raw in enumerate(_get(document, "participants", "", kind=list)):
        participant = _participant(raw, f"participants[{i}]", by_id)
        if any(p.person == participant.person for p in participants):
            raise PlanError(
                f"participants[{i}].person", "duplicate_participant", value=participant.person
            )
        participants.append(participant)
    return Plan(currency, year, clawback_days, tuple(components), tuple(participants))


def plan_validate(document: Any) -> list[str]:
    """The problems of a plan document, as ``path: problem`` lines (none: the plan is valid)."""
    try:
        plan_parse(document)
    except PlanError as error:
        return [str(error)]
    return []


__all__: Sequence[str] = (
    "PROBLEMS",
    "Component",
    "Participant",
    "Period",
    "Plan",
    "PlanError",
    "period_label",
    "period_parse",
    "plan_parse",
    "plan_periods",
    "plan_validate",
)
