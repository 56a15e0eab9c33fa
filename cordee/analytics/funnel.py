"""Funnel metrics on plain arrays — pure NumPy, no Django.

- **Stage-to-stage conversion by cohort**: of the leads that became MQL in a cohort (a month, a
  source, a campaign, a pod), the share that reached SAL, SQL and Won (at any time after).
- **Median time in stage**: for the leads that went on, the median days between entering a stage
  and entering the next one.
- **Pipeline created and won per source**: Σ amount of the opportunities created, and of those won,
  by source (marketing / sales / partner).
- **Lead velocity rate** (LVR): (MQLs this month − MQLs last month) ÷ MQLs last month — the
  growth of qualified demand, a leading indicator of revenue.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import numpy.typing as npt

NEVER = np.nan
FloatArray = npt.NDArray[np.float64]


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
    """One row per cohort. Times are epoch seconds, NaN when the lead never reached the stage;
    a later stage counts only if reached at or after the earlier one."""
    cohort_arr = np.asarray(cohort, dtype=object)
    reached_sal = ~np.isnan(sal_at) & (sal_at >= mql_at)
    reached_sql = reached_sal & ~np.isnan(sql_at) & (sql_at >= sal_at)
    reached_won = reached_sql & ~np.isnan(won_at) & (won_at >= sql_at)
    day = 86400.0
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
                median_days_mql_to_sal=_median(
                    np.where(m & reached_sal, (sal_at - mql_at) / day, np.nan)
                ),
                median_days_sal_to_sql=_median(
                    np.where(m & reached_sql, (sql_at - sal_at) / day, np.nan)
                ),
                median_days_sql_to_won=_median(
                    np.where(m & reached_won, (won_at - sql_at) / day, np.nan)
                ),
            )
        )
    return rows


def pipeline_by_source(
    source: Sequence[str], amount: Sequence[Decimal], won: Sequence[bool]
) -> dict[str, tuple[Decimal, Decimal]]:
    """Per source: (pipeline created, pipeline won), in exact decimals."""
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
