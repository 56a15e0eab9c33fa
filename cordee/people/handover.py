"""The hand-over of someone's open work (a colleague leaves, or changes jobs): each kind of work
— leads, opportunities, tasks, feedback items, pods — goes to a chosen colleague through the
service that changes it one at a time or in bulk, never a raw update.

People does not know the funnel or the feedback loop (they sit above it): each app registers
its kinds from its ``ready()`` with ``handover_kind_register``; this module registers pods."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cordee.core.actor import Actor
from cordee.core.audit import audit_write
from cordee.core.errors import NotFound, ValidationFailed
from cordee.core.records import member_user
from cordee.people.models import Pod, PodMember
from cordee.people.services import pod_update
from cordee.tenancy.models import Membership, User


@dataclass(frozen=True)
class HandoverKind:
    key: str  # "leads", "opportunities", "tasks", "feedback", "pods"
    label: Any  # a lazy translation: the kind's name on the page
    order: int
    # how many open items ``user`` has (what the hand-over would move)
    open_count: Callable[[Actor, User], int]
    # move them to the colleague, through the kind's own service; returns how many moved
    move: Callable[[Actor, User, User], int]


_KINDS: dict[str, HandoverKind] = {}


def handover_kind_register(kind: HandoverKind) -> None:
    _KINDS[kind.key] = kind


def handover_kinds() -> list[HandoverKind]:
    return sorted(_KINDS.values(), key=lambda k: k.order)


def _leaver(actor: Actor, user_id: int) -> User:
    membership = (
        Membership.objects.select_related("user")
        .filter(workspace=actor.workspace, user_id=user_id)
        .first()
    )
    if membership is None:
        raise NotFound(_("No such member in this workspace."))
    return membership.user


def handover_counts(*, actor: Actor, user_id: int) -> dict[str, int]:
    """The open work of a member (active or not), per kind. RevOps admins only."""
    actor.require("member.write")
    user = _leaver(actor, user_id)
    return {kind.key: kind.open_count(actor, user) for kind in handover_kinds()}


def handover_run(*, actor: Actor, user_id: int, to: Mapping[str, Any]) -> dict[str, int]:
    """Give a member's open work to colleagues: ``to`` maps a kind's key to an active member's
    id (a kind left out, or empty, stays). One transaction; returns how many moved per kind."""
    actor.require("member.write")
    user = _leaver(actor, user_id)
    kinds = {k.key: k for k in handover_kinds()}
    unknown = sorted(set(to) - set(kinds))
    if unknown:
        raise ValidationFailed(
            _("Some fields are not valid."),
            field_errors={name: [_("This field cannot be set.")] for name in unknown},
        )
    targets: dict[str, User] = {}
    errors: dict[str, list[str]] = {}
    for key, value in to.items():
        if value in (None, ""):
            continue
        try:
            target = member_user(actor=actor, user_id=value)
        except ValidationFailed as exc:
            errors[key] = exc.field_errors.get("to_owner", [exc.message])
            continue
        if target.pk == user.pk:
            errors[key] = [_("Choose someone else than the person handing over.")]
        else:
            targets[key] = target
    if errors:
        raise ValidationFailed(_("Some fields are not valid."), field_errors=errors)
    moved: dict[str, int] = {}
    with transaction.atomic():
        for key, target in targets.items():
            moved[key] = kinds[key].move(actor, user, target)
        if targets:
            audit_write(
                actor=actor,
                action="hand_over",
                target="membership",
                target_id=Membership.objects.get(workspace=actor.workspace, user=user).pk,
                target_label=user.get_full_name() or user.email,
                after={
                    key: {"to": targets[key].pk, "moved": moved[key]} for key in sorted(targets)
                },
            )
    return moved


# -- pods: this app's own kind -------------------------------------------------------------------


def _pods_count(actor: Actor, user: User) -> int:
    return PodMember.objects.filter(pod__workspace=actor.workspace, user=user).count()


def _pods_move(actor: Actor, user: User, target: User) -> int:
    """In each of the leaver's pods, the colleague takes their seat (and their lead, if they
    led it), through ``pod_update`` as on the pod's page."""
    moved = 0
    for pod in Pod.objects.filter(workspace=actor.workspace, pod_members__user=user).order_by("pk"):
        seats = dict(PodMember.objects.filter(pod=pod).values_list("user_id", "is_lead"))
        led = seats.pop(user.pk)
        seats[target.pk] = seats.get(target.pk, False) or led
        pod_update(
            actor=actor,
            pod=pod,
            data={},
            member_ids=list(seats),
            lead_ids=[uid for uid, lead in seats.items() if lead],
        )
        moved += 1
    return moved


def register_pods() -> None:
    handover_kind_register(
        HandoverKind(
            key="pods",
            label=gettext_lazy("Pods"),
            order=50,
            open_count=_pods_count,
            move=_pods_move,
        )
    )
