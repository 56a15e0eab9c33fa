"""Funnel metrics on plain arrays — pure NumPy, no Django.

Definitions (PRODUCT.md, "Demand waterfall" and "Planning maths"; SiriusDecisions' demand
waterfall, 2012):

- **Cohort**: the MQL cycles (one entry into MQL and what followed until the next entry) grouped
  by a key — the month of the MQL, the lead's source, its campaign, its pod.
- **Stage-to-stage conversion**: of the cohort's MQLs, ``SAL`` reached sales acceptance, ``SQL``
  qualification (an opportunity), ``Won`` a won deal; MQL→SAL = SAL ÷ MQL, SAL→SQL = SQL ÷ SAL,
  SQL→Won = Won ÷ SQL. A later stage implies the earlier ones (imported histories may skip a
  stage — HubSpot has no SAL), so the counts nest (MQL ⊇ SAL ⊇ SQL ⊇ Won) and the product of the
  three rates is the lead-to-customer rate Won ÷ MQL that the planning maths divides by.
- **Median time in stage**: for the cycles whose history shows both entries, the median of the
  days between entering a stage and entering the next one (MQL→SAL, SAL→SQL, SQL→Won); a stage
  only implied (skipped) gives no duration.
- **Pipeline created and won per source**: Σ amount of the opportunities created, and of those
  of them that are won, by source (marketing / sales / partner), in exact decimals.
- **Median time to a stage**: over the MQL cycles whose history shows the entry into the stage
  (at or after the MQL), the median of the days from the MQL to that entry.
- **Too recent (immature) cohort**: a cohort whose age — the time since its middle MQL (half of
  its MQLs are older) — is below the median time to a stage has not had the time to reach it: its
  rate into that stage is not a 0 %, it is not known yet (cohort analysis' "maturity" or
  right-censoring; an older cohort that converted nobody *is* at 0 %).
- **Lead velocity rate** (LVR, Jason Lemkin, SaaStr 2013): (MQLs this month − MQLs last month)
  ÷ MQLs last month — the growth of qualified demand, a leading indicator of revenue. Only
  complete months are compared: a month so far against a whole month is a fall that is not one.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

NEVER = np.nan
FloatArray = npt.NDArray[np.float64]
DAY = 86400.0
LATER_STAGES = ("sal", "sql", "won")  # the stages a cohort converts into, after MQL


@dataclass(frozen=True)
class CohortRow:
    cohort: str
    mqls: int
    sal: int
    sql: int
    won: int
    median_days_mql_to_sal: float | None
    median_days_sal_to_sql: float | None
    median_days_sql_to_won: float | None
    middle_mql_at: float  # epoch seconds of the cohort's median MQL instant: its age

    def rate(self, numerator: str, denominator: str) -> float | None:
        d = getattr(self, denominator)
        return getattr(self, numerator) / d if d else None


def _median(values: FloatArray) -> float | None:
    values = values[~np.isnan(values)]
    return float(np.median(values)) if len(values) else None


def conversion_by_cohort(
    cohort: Sequence[str],
    mql_at: FloatArray,
    sal_at: FloatArray,
    sql_at: FloatArray,
    won_at: FloatArray,
) -> list[CohortRow]:
    """One row per cohort, sorted by cohort key. Times are epoch seconds (one element per MQL
    cycle), NaN when the stage was not entered; an entry before the MQL does not count.

    reached(Won) = won_at ≥ mql_at; reached(SQL) = sql_at ≥ mql_at or reached(Won);
    reached(SAL) = sal_at ≥ mql_at or reached(SQL) — a skipped stage is implied by a later one.
    Durations: median over the cycles where both entries are present and in order of
    (sal − mql), (sql − sal), (won − sql), in days."""
    cohort_arr = np.asarray(cohort, dtype=object)
    mql = np.asarray(mql_at, dtype=np.float64)
    sal = np.asarray(sal_at, dtype=np.float64)
    sql = np.asarray(sql_at, dtype=np.float64)
    won = np.asarray(won_at, dtype=np.float64)
    with np.errstate(invalid="ignore"):  # comparisons with NaN are False, as wanted
        seen_sal = ~np.isnan(sal) & (sal >= mql)
        seen_sql = ~np.isnan(sql) & (sql >= mql)
        seen_won = ~np.isnan(won) & (won >= mql)
        reached_won = seen_won
        reached_sql = seen_sql | reached_won
        reached_sal = seen_sal | reached_sql
        in_sal = seen_sal
        in_sql = seen_sal & seen_sql & (sql >= sal)
        in_won = seen_sql & seen_won & (won >= sql)
    to_sal = np.where(in_sal, (sal - mql) / DAY, np.nan)
    to_sql = np.where(in_sql, (sql - sal) / DAY, np.nan)
    to_won = np.where(in_won, (won - sql) / DAY, np.nan)
    rows = []
    for key in sorted(set(cohort_arr.tolist())):
        m = cohort_arr == key
        rows.append(
            CohortRow(
                cohort=str(key),
                mqls=int(m.sum()),
                sal=int((m & reached_sal).sum()),
                sql=int((m & reached_sql).sum()),
                won=int((m & reached_won).sum()),
                median_days_mql_to_sal=_median(to_sal[m]),
                median_days_sal_to_sql=_median(to_sql[m]),
                median_days_sql_to_won=_median(to_won[m]),
                middle_mql_at=float(np.median(mql[m])),
            )
        )
    return rows


def median_days_to_stages(
    mql_at: FloatArray, sal_at: FloatArray, sql_at: FloatArray, won_at: FloatArray
) -> dict[str, float | None]:
    """Per later stage (``sal``, ``sql``, ``won``): median over the cycles with an entry into the
    stage at or after their MQL of (entry − mql), in days; None when no cycle entered it.
    A stage only implied (skipped by an imported history) gives no time."""
    mql = np.asarray(mql_at, dtype=np.float64)
    out: dict[str, float | None] = {}
    for name, at in zip(LATER_STAGES, (sal_at, sql_at, won_at), strict=True):
        days = (np.asarray(at, dtype=np.float64) - mql) / DAY
        with np.errstate(invalid="ignore"):
            out[name] = _median(days[days >= 0])
    return out


def too_recent_stages(
    middle_mql_at: float, now: float, median_days: dict[str, float | None]
) -> tuple[str, ...]:
    """The later stages a cohort is too young to have reached: those whose median time from MQL
    is longer than the cohort's age, (now − middle_mql_at) in days. A stage with no median (no
    cycle ever reached it) marks nobody."""
    age = (now - middle_mql_at) / DAY
    return tuple(
        name
        for name in LATER_STAGES
        if (median := median_days.get(name)) is not None and age < median
    )


def pipeline_by_source(
    source: Sequence[str], amount: Sequence[Decimal], won: Sequence[bool]
) -> dict[str, tuple[Decimal, Decimal]]:
    """Per source: (pipeline created, pipeline won) = (Σ amount, Σ amount of the won ones), in
    exact decimals, sorted by source."""
    out: dict[str, list[Decimal]] = {}
    for src, amt, is_won in zip(source, amount, won, strict=True):
        created_won = out.setdefault(src, [Decimal(0), Decimal(0)])
        created_won[0] += amt
        if is_won:
            created_won[1] += amt
    return {k: (v[0], v[1]) for k, v in sorted(out.items())}


def lead_velocity_rate(mqls_this_month: int, mqls_last_month: int) -> float | None:
    """(this − last) ÷ last; None when last month had no MQL."""
    if mqls_last_month == 0:
        return None
    return (mqls_this_month - mqls_last_month) / mqls_last_month


def lead_velocity_series(monthly_mqls: Sequence[int]) -> list[float | None]:
    """LVR of each month but the first from consecutive monthly MQL counts:
    ``[lvr(m[1], m[0]), lvr(m[2], m[1]), …]`` (one element fewer than the input)."""
    return [lead_velocity_rate(b, a) for a, b in itertools.pairwise(monthly_mqls)]
