"""The demand waterfall's allowed *live* moves, in one place.

Imports may record backdated history that skips stages (HubSpot has no SAL, for instance);
those entries are marked ``imported`` and do not go through this table.
"""

from __future__ import annotations

from cordee.funnel.models import Stage

ALLOWED: dict[str, frozenset[str]] = {
    Stage.INQUIRY: frozenset({Stage.MQL, Stage.DISQUALIFIED}),
    Stage.MQL: frozenset({Stage.SAL, Stage.RECYCLED, Stage.DISQUALIFIED}),
    Stage.SAL: frozenset({Stage.SQL, Stage.RECYCLED, Stage.DISQUALIFIED}),
    Stage.SQL: frozenset({Stage.WON, Stage.LOST}),
    Stage.RECYCLED: frozenset({Stage.MQL, Stage.DISQUALIFIED}),
    Stage.LOST: frozenset({Stage.RECYCLED}),
    Stage.WON: frozenset(),
    Stage.DISQUALIFIED: frozenset({Stage.RECYCLED}),
}

# Moves that are sales decisions on an MQL: they need the decision services (a reason for a
# rejection, one decision per MQL cycle), never a bare transition.
DECISIONS: frozenset[tuple[str, str]] = frozenset(
    {(Stage.MQL, Stage.SAL), (Stage.MQL, Stage.RECYCLED), (Stage.MQL, Stage.DISQUALIFIED)}
)


def is_allowed(from_stage: str, to_stage: str) -> bool:
    return to_stage in ALLOWED.get(from_stage, frozenset())
