"""The diagnostic's reads, scoped to the actor's workspace: the waves (another workspace's is a
404), who a wave asks (its scope: the workspace's active members, or its pod's), and whether the
actor may still answer. A wave's results are read through ``results.py`` only."""

from __future__ import annotations

from collections import Counter

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.diagnostic.models import Respondent, Wave
from cordee.people.models import PodMember
from cordee.tenancy.models import Membership


def waves(actor: Actor) -> QuerySet[Wave]:
    """The workspace's waves, the latest period first."""
    return Wave.objects.filter(workspace=actor.workspace).select_related("pod")


def wave_get(*, actor: Actor, pk: int) -> Wave:
    wave = waves(actor).filter(pk=pk).first()
    if wave is None:
        raise NotFound(_("Diagnostic wave not found."))
    return wave


def open_wave(actor: Actor, pod_id: int | None) -> Wave | None:
    """The open wave of the workspace (``pod_id`` None) or of a pod: one at a time each."""
    found = Wave.objects.filter(workspace=actor.workspace, closed_at__isnull=True)
    found = found.filter(pod__isnull=True) if pod_id is None else found.filter(pod_id=pod_id)
    return found.order_by("-id").first()


def scope_user_ids(wave: Wave) -> list[int]:
    """The people the wave asks, now: the workspace's active members, or those of its pod."""
    members = Membership.objects.filter(workspace_id=wave.workspace_id, is_active=True)
    if wave.pod_id is not None:
        members = members.filter(
            user_id__in=PodMember.objects.filter(pod_id=wave.pod_id).values("user_id")
        )
    return list(members.values_list("user_id", flat=True).order_by("user_id"))


def invited_counts(actor: Actor, listed: list[Wave]) -> dict[int, int]:
    """How many people each wave asks, in two queries whatever the number of waves."""
    everyone = Membership.objects.filter(workspace=actor.workspace, is_active=True)
    total = everyone.count()
    pod_ids = {w.pod_id for w in listed if w.pod_id is not None}
    per_pod = Counter(
        PodMember.objects.filter(
            pod_id__in=pod_ids, user_id__in=everyone.values("user_id")
        ).values_list("pod_id", flat=True)
    )
    return {w.pk: total if w.pod_id is None else per_pod.get(w.pod_id, 0) for w in listed}


def in_scope(actor: Actor, wave: Wave) -> bool:
    """Whether the wave asks the actor (a member of the workspace; of the pod for a pod's)."""
    if wave.pod_id is None:
        return True
    return PodMember.objects.filter(pod_id=wave.pod_id, user=actor.user).exists()


def my_pod_ids(actor: Actor) -> set[int]:
    """The pods of the workspace the actor belongs to."""
    return set(
        PodMember.objects.filter(user=actor.user, pod__workspace=actor.workspace).values_list(
            "pod_id", flat=True
        )
    )


def has_answered(actor: Actor, wave: Wave) -> bool:
    return Respondent.objects.filter(wave=wave, user=actor.user).exists()


def answered_wave_ids(actor: Actor, wave_ids: list[int]) -> set[int]:
    return set(
        Respondent.objects.filter(wave_id__in=wave_ids, user=actor.user).values_list(
            "wave_id", flat=True
        )
    )


def may_answer(actor: Actor, wave: Wave) -> bool:
    """Open, asking the actor, who holds ``diagnostic.answer`` and has not answered yet."""
    return (
        wave.closed_at is None
        and actor.can("diagnostic.answer")
        and in_scope(actor, wave)
        and not has_answered(actor, wave)
    )
