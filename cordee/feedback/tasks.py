"""Background tasks of field feedback: thin, they load by id and call a service."""

from __future__ import annotations

from django_tasks import task

from cordee.feedback.digest import digest_send, last_week_start
from cordee.feedback.sla import feedback_breaches_notify, feedback_sla_check
from cordee.feedback.themes import embeddings_refresh, themes_recompute
from cordee.tenancy.models import Workspace


@task()
def embed_items(workspace_id: int, item_ids: list[int] | None = None) -> int:
    """Embed new or changed items, then regroup the themes if anything changed."""

    written = embeddings_refresh(workspace_id=workspace_id, item_ids=item_ids)
    if written:
        themes_recompute(workspace_id=workspace_id)
    return written


@task()
def recompute_themes(workspace_id: int) -> int:
    embeddings_refresh(workspace_id=workspace_id)
    return themes_recompute(workspace_id=workspace_id)


@task()
def check_feedback_sla(workspace_id: int) -> int:
    """Record the acknowledgement breaches as of now and announce the new ones."""

    feedback_sla_check(workspace=Workspace.objects.get(pk=workspace_id))
    return feedback_breaches_notify(workspace_id=workspace_id)


@task()
def send_digest(workspace_id: int) -> int:
    """The weekly digest of the last complete week (idempotent: once per person per week)."""

    workspace = Workspace.objects.get(pk=workspace_id)
    return digest_send(workspace=workspace, week_start=last_week_start(workspace))
