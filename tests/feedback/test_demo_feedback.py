"""The demo's feedback looks alive: sixty items, both languages, votes, answers, themes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cordee.analytics import similarity as sim
from cordee.demo.feedback import TOPICS, add_feedback
from cordee.feedback.models import (
    FeedbackItem,
    FeedbackResponse,
    FeedbackStatusChange,
    FeedbackTheme,
    FeedbackVote,
)
from cordee.funnel.models import RejectionReason
from tests import factories as f


def test_demo_feedback(personas, settings):
    settings.FEEDBACK_SIMILARITY_ENGINE = sim.TFIDF_NAME
    RejectionReason.objects.create(workspace=personas.acme, code="not_a_buyer", label="Étudiant")
    f.AccountFactory(workspace=personas.acme)
    now = timezone.now()
    assert add_feedback(personas.acme, now=now) == 60
    from cordee.feedback.themes import embeddings_refresh, themes_recompute

    embeddings_refresh(workspace_id=personas.acme.pk)  # what the enqueued task does
    themes_recompute(workspace_id=personas.acme.pk)
    items = FeedbackItem.objects.filter(workspace=personas.acme)
    assert items.count() == 60
    assert set(items.values_list("status", flat=True)) >= {"new", "acknowledged", "done"}
    assert FeedbackVote.objects.count() > 30
    assert FeedbackResponse.objects.exists()
    assert FeedbackTheme.objects.filter(workspace=personas.acme).exists()
    assert items.filter(merged_into__isnull=False).exists()
    assert items.filter(kind="lead_quality", rejection_reason__code="not_a_buyer").exists()
    assert not items.filter(submitted_at__gt=now).exists()
    assert not items.filter(submitted_at__lt=now - dt.timedelta(days=90)).exists()
    # history agrees with the items: every acknowledged item has the change that did it
    for item in items.filter(acknowledged_at__isnull=False, merged_into__isnull=True):
        assert FeedbackStatusChange.objects.filter(item=item, from_status="new").exists()
    # both languages, mostly French: the reps write in French, a few paste a buyer's English
    english = {title for topic in TOPICS for title in topic[4]}
    titles = list(items.values_list("title", flat=True))
    in_english = sum(t in english for t in titles)
    assert 0 < in_english < 0.3 * len(titles)
