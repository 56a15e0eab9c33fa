"""Lead scoring, explained — pure Python, no Django.

score = Σ fit points + Σ engagement points, where

- a **fit** rule adds its points once when the lead's attribute matches (equals one of the
  values; for job titles, contains one of the keywords, case- and accent-insensitively);
- an **engagement** rule adds, for every touch of its kind, ``points × 2^(−age / half-life)``
  (age = time from the touch to the scoring instant; a half-life of 0 means no decay).

Every rule's contribution is returned so the lead page can show why the score is what it is.
The score is rounded to the nearest integer only at the end.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


@dataclass(frozen=True)
class FitRule:
    rule_id: int
    name: str
    attribute: str  # industry | size_band | country | region | job_title
    values: tuple[str, ...]
    points: float

    def matches(self, attributes: Mapping[str, str]) -> bool:
        value = _fold(attributes.get(self.attribute, ""))
        if not value:
            return False
        wanted = [_fold(v) for v in self.values]
        if self.attribute == "job_title":
            return any(w and w in value for w in wanted)
        return value in wanted


@dataclass(frozen=True)
class EngagementRule:
    rule_id: int
    name: str
    touch_kind: str
    points: float
    half_life_days: float


@dataclass(frozen=True)
class Contribution:
    rule_id: int
    name: str
    points: float
    count: int = 1


@dataclass(frozen=True)
class Score:
    total: int
    contributions: tuple[Contribution, ...]


def score_lead(
    *,
    attributes: Mapping[str, str],
    touches: Iterable[tuple[str, dt.datetime]],
    fit_rules: Iterable[FitRule],
    engagement_rules: Iterable[EngagementRule],
    now: dt.datetime,
) -> Score:
    """The score of one lead and each rule's contribution (rules contributing nothing are left out)."""
    contributions: list[Contribution] = []
    for fit in fit_rules:
        if fit.matches(attributes):
            contributions.append(Contribution(fit.rule_id, fit.name, float(fit.points)))
    touch_list = list(touches)
    for rule in engagement_rules:
        total, count = 0.0, 0
        for kind, when in touch_list:
            if kind != rule.touch_kind or when > now:
                continue
            age_days = (now - when).total_seconds() / 86400
            weight = 0.5 ** (age_days / rule.half_life_days) if rule.half_life_days > 0 else 1.0
            total += rule.points * weight
            count += 1
        if count:
            contributions.append(Contribution(rule.rule_id, rule.name, round(total, 2), count))
    return Score(
        total=round(sum(c.points for c in contributions)), contributions=tuple(contributions)
    )
