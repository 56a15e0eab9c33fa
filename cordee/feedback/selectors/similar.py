"""Similar items while someone types: the workspace's threads nearest to a text (the item
vectors are computed in the background, ``feedback.themes``)."""

from __future__ import annotations

from dataclasses import dataclass

from cordee.analytics import similarity as sim
from cordee.core.actor import Actor
from cordee.feedback.models import FeedbackItem
from cordee.feedback.selectors.inbox import feedback_items
from cordee.feedback.themes import similarity_space


@dataclass(frozen=True)
class SimilarItem:
    item: FeedbackItem
    score: float


def similar_to(
    *,
    actor: Actor,
    text: str,
    k: int = 5,
    exclude_id: int | None = None,
    engine: sim.Engine | None = None,
) -> list[SimilarItem]:
    """The ``k`` open-or-closed threads most similar to ``text`` (as someone types), best
    first, above the engine's grouping threshold. Item vectors come from the background; only
    the typed text is embedded here."""

    text = " ".join(text.split())[:1000]
    if len(text) < 3:
        return []
    ids, space = similarity_space(actor.workspace.pk, engine)
    if not ids:
        return []
    scores = sim.similarities(space.rows, space.project(text))
    ranked = sim.top_k(scores, k + 1, space.threshold)
    wanted = [(ids[i], s) for i, s in ranked if ids[i] != exclude_id][:k]
    items = feedback_items(actor=actor).in_bulk([pk for pk, _s in wanted])
    return [SimilarItem(items[pk], round(s, 4)) for pk, s in wanted if pk in items]
