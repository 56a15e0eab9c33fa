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
SIDES = ("sales", "marketing")
MODES = ("marginal", "retroactive")
PERSON = "person"  # the scope of a component measured on the participant's own credits
MAX_SHARE_DECIMALS = 6
_DAY = dt.timedelta(days=1)


class PlanError(ValueError):
    """A plan document that cannot be used; ``path`` is the JSON path of the wrong field."""

    def __init__(self, path: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem


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


def _get(
    obj: Mapping[str, Any], key: str, path: str, *, default: Any = ..., kind: Any = None
) -> Any:
    where = f"{path}.{key}" if path else key
    if key not in obj:
        if default is ...:
            raise PlanError(where, "this field is required.")
        return default
    value = obj[key]
    if (kind is not None and not isinstance(value, kind)) or (
        isinstance(value, bool) and kind is int
    ):
        names = {
            str: "a string",
            int: "a whole number",
            list: "a list",
            dict: "an object",
            bool: "true or false",
        }
        expected = names.get(kind, "another type") if isinstance(kind, type) else "another type"
        raise PlanError(where, f"expected {expected}, got {value!r}.")
    return value


def _decimal(
    value: Any, path: str, *, minimum: Decimal | None = Decimal(0), places: int | None = None
) -> Decimal:
    """A number written as a string ("0.6") or an integer; never a float (a float is not exact)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise PlanError(path, f'expected a number as a string such as "0.6", got {value!r}.')
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise PlanError(path, f"'{value}' is not a number.") from None
    if not number.is_finite():
        raise PlanError(path, f"'{value}' is not a number.")
    if minimum is not None and number < minimum:
        raise PlanError(path, f"{value} is below {minimum}.")
    if places is not None and -int(number.as_tuple().exponent) > places:
        raise PlanError(path, f"{value} has more than {places} decimal places.")
    return number


def _date(value: Any, path: str, *, nullable: bool = True) -> dt.date | None:
    if value is None and nullable:
        return None
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else _bad_date(value)
    except ValueError:
        raise PlanError(path, f"'{value}' is not a date (YYYY-MM-DD).") from None


def _bad_date(value: Any) -> dt.date:
    raise ValueError(value)


def _period(value: Any, path: str) -> str | dict[str, str]:
    if isinstance(value, str):
        if value not in PERIOD_KINDS:
            raise PlanError(path, f"'{value}' is not one of {', '.join(PERIOD_KINDS)}.")
        return value
    if isinstance(value, dict) and value:
        for side, kind in value.items():
            if side not in SIDES:
                raise PlanError(f"{path}.{side}", f"'{side}' is not a side ({', '.join(SIDES)}).")
            _period(kind, f"{path}.{side}")
        return dict(value)
    raise PlanError(path, "expected month, quarter, year or an object {side: period}.")


def _curve(value: Any, path: str) -> tuple[tuple[tuple[Decimal, Decimal], ...], Decimal | None]:
    if not isinstance(value, dict):
        raise PlanError(path, "expected an object {points, cap}.")
    raw = _get(value, "points", path, kind=list)
    if not raw:
        raise PlanError(f"{path}.points", "a curve needs at least one point.")
    points: list[tuple[Decimal, Decimal]] = []
    for i, point in enumerate(raw):
        where = f"{path}.points[{i}]"
        if not isinstance(point, list) or len(point) != 2:
            raise PlanError(where, "expected a pair [attainment, payout fraction].")
        x, y = _decimal(point[0], f"{where}[0]"), _decimal(point[1], f"{where}[1]")
        if points and x <= points[-1][0]:
            raise PlanError(where, "attainments must increase from one point to the next.")
        if points and y < points[-1][1]:
            raise PlanError(where, "a payout fraction may not fall as attainment rises.")
        points.append((x, y))
    cap = value.get("cap")
    return tuple(points), None if cap is None else _decimal(cap, f"{path}.cap")


def _tiers(value: Any, path: str) -> tuple[tuple[Decimal | None, Decimal], ...]:
    if not isinstance(value, list) or not value:
        raise PlanError(path, "expected a list of tiers {up_to, rate}.")
    tiers: list[tuple[Decimal | None, Decimal]] = []
    for i, tier in enumerate(value):
        where = f"{path}[{i}]"
        if not isinstance(tier, dict):
            raise PlanError(where, "expected an object {up_to, rate}.")
        up_to = _get(tier, "up_to", where, default=None)
        rate = _decimal(_get(tier, "rate", where), f"{where}.rate")
        last = i == len(value) - 1
        if up_to is None and not last:
            raise PlanError(f"{where}.up_to", "only the last tier may be open (null).")
        if up_to is not None and last:
            raise PlanError(f"{where}.up_to", "the last tier must be open: up_to null.")
        bound = None if up_to is None else _decimal(up_to, f"{where}.up_to", places=2)
        if bound is not None and tiers and bound <= (tiers[-1][0] or 0):
            raise PlanError(f"{where}.up_to", "tier bounds must increase.")
        if bound is not None and bound <= 0:
            raise PlanError(f"{where}.up_to", "a tier bound must be above 0.")
        tiers.append((bound, rate))
    return tuple(tiers)


def _component(raw: Any, path: str) -> Component:
    if not isinstance(raw, dict):
        raise PlanError(path, "expected an object.")
    cid = _get(raw, "id", path, kind=str)
    if not cid.strip():
        raise PlanError(f"{path}.id", "an id may not be empty.")
    kind = _get(raw, "kind", path, kind=str)
    if kind not in KINDS:
        raise PlanError(f"{path}.kind", f"'{kind}' is not one of {', '.join(KINDS)}.")
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
        )
    if kind == "commission":
        scope = _get(raw, "scope", path, default=PERSON, kind=str)
        if scope != PERSON:
            raise PlanError(
                f"{path}.scope", "a commission is paid on the person's own deals: scope person."
            )
        mode = _get(raw, "mode", path, kind=str)
        if mode not in MODES:
            raise PlanError(f"{path}.mode", f"'{mode}' is not one of {', '.join(MODES)}.")
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
            raise PlanError(f"{path}.months", "a ramp lasts at least one month.")
        covers = _get(raw, "components", path, kind=list)
        for i, other in enumerate(covers):
            if not isinstance(other, str):
                raise PlanError(f"{path}.components[{i}]", "expected a component id.")
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
        raise PlanError(f"{path}.campaign", "expected a campaign's name.")
    start = _date(_get(raw, "from", path, default=None), f"{path}.from")
    end = _date(_get(raw, "to", path, default=None), f"{path}.to")
    if (start is None) != (end is None):
        raise PlanError(
            f"{path}.{'to' if end is None else 'from'}", "a window needs both from and to."
        )
    if start and end and end < start:
        raise PlanError(f"{path}.to", "the window ends before it starts.")
    if campaign is None and start is None:
        raise PlanError(path, "a spiff needs a campaign, a window (from, to), or both.")
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
                raise PlanError(f"{where}.against", f"'{c.against}' is not a commission component.")
            if target.period != c.period:
                raise PlanError(f"{where}.period", f"a draw runs on the period of '{c.against}'.")
        if c.kind == "ramp":
            for j, other in enumerate(c.covers):
                covered = components[ids[other]] if other in ids else None
                if covered is None or covered.kind not in ("attainment", "commission", "spiff"):
                    raise PlanError(
                        f"{where}.components[{j}]",
                        f"'{other}' is not an attainment, commission or spiff component.",
                    )
                if covered.period != c.period:
                    raise PlanError(
                        f"{where}.components[{j}]", f"'{other}' does not run on the ramp's period."
                    )


def _participant(raw: Any, path: str, components: dict[str, Component]) -> Participant:
    if not isinstance(raw, dict):
        raise PlanError(path, "expected an object.")
    person = _get(raw, "person", path, kind=str)
    if not person.strip():
        raise PlanError(f"{path}.person", "a person may not be empty.")
    side = _get(raw, "side", path, kind=str)
    if side not in SIDES:
        raise PlanError(f"{path}.side", f"'{side}' is not one of {', '.join(SIDES)}.")
    target = _decimal(_get(raw, "variable_target", path), f"{path}.variable_target", places=2)
    start = _date(_get(raw, "start", path, default=None), f"{path}.start")
    end = _date(_get(raw, "end", path, default=None), f"{path}.end")
    if start and end and end < start:
        raise PlanError(f"{path}.end", "the end comes before the start.")
    own = _get(raw, "components", path, kind=list)
    quota_raw = _get(raw, "quota", path, default={}, kind=dict)
    quota: dict[str, Decimal] = {}
    for key, value in quota_raw.items():
        if key not in components:
            raise PlanError(f"{path}.quota.{key}", f"'{key}' is not a component of the plan.")
        quota[key] = _decimal(value, f"{path}.quota.{key}", places=2)
        if quota[key] <= 0:
            raise PlanError(f"{path}.quota.{key}", "a quota must be above 0.")
    for j, cid in enumerate(own):
        where = f"{path}.components[{j}]"
        component = components.get(cid) if isinstance(cid, str) else None
        if component is None:
            raise PlanError(where, f"{cid!r} is not a component of the plan.")
        if component.period_for(side) is None:
            raise PlanError(where, f"'{cid}' has no period for the {side} side.")
        if component.kind == "attainment" and component.scope == PERSON and cid not in quota:
            raise PlanError(
                f"{path}.quota", f"'{cid}' is measured on the person: give its annual quota."
            )
        if component.kind == "draw" and component.against not in own:
            raise PlanError(
                where, f"a draw against '{component.against}' needs that component too."
            )
        if component.kind == "ramp" and start is None:
            raise PlanError(f"{path}.start", "a ramp counts from the start date: give one.")
    if len(set(own)) != len(own):
        raise PlanError(f"{path}.components", "a component is listed twice.")
    return Participant(person, side, target, start, end, tuple(own), quota)


def plan_parse(document: Any) -> Plan:
    """The plan in ``document`` (the parsed JSON), or ``PlanError`` naming the wrong field."""
    if not isinstance(document, dict):
        raise PlanError("", "a plan is a JSON object.")
    currency = _get(document, "currency", "", kind=str)
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise PlanError("currency", f"'{currency}' is not a currency code such as EUR.")
    year = _get(document, "year", "", kind=int)
    if not 1900 <= year <= 9998:
        raise PlanError("year", f"{year} is not a year.")
    clawback_days = _get(document, "clawback_days", "", kind=int)
    if clawback_days < 0:
        raise PlanError("clawback_days", "expected 0 or more days.")
    components: list[Component] = []
    for i, raw in enumerate(_get(document, "components", "", kind=list)):
        component = _component(raw, f"components[{i}]")
        if any(c.id == component.id for c in components):
            raise PlanError(
                f"components[{i}].id", f"'{component.id}' is already the id of a component."
            )
        components.append(component)
    _check_links(components, "components")
    by_id = {c.id: c for c in components}
    participants: list[Participant] = []
    for i, raw in enumerate(_get(document, "participants", "", kind=list)):
        participant = _participant(raw, f"participants[{i}]", by_id)
        if any(p.person == participant.person for p in participants):
            raise PlanError(
                f"participants[{i}].person", f"'{participant.person}' is already a participant."
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
