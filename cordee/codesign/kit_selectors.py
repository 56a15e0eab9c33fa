"""Permission-scoped reads of the readiness kit: any member of the workspace reads it, who has
acknowledged it and who has not."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from cordee.codesign.kit import target_pod_ids, target_reps
from cordee.codesign.models import Kit, KitAcknowledgement, KitAsset
from cordee.core.actor import Actor
from cordee.core.errors import NotFound
from cordee.crm.models import Campaign
from cordee.people.models import Pod
from cordee.tenancy.models import User

READY, EARLIER, WAITING = "ready", "earlier", "waiting"


def kit_get(*, actor: Actor, campaign: Campaign) -> Kit | None:
    """The campaign's kit with its assets (None: no kit yet)."""
    return (
        Kit.objects.filter(workspace=actor.workspace, campaign=campaign)
        .select_related("updated_by")
        .prefetch_related("assets")
        .first()
    )


def asset_get(*, actor: Actor, pk: int) -> KitAsset:
    """An asset of the actor's workspace, or 404 (another workspace's)."""
    asset = (
        KitAsset.objects.filter(workspace=actor.workspace, pk=pk)
        .select_related("kit__campaign__workspace")
        .first()
    )
    if asset is None:
        raise NotFound(_("Asset not found."))
    return asset


def my_pod_ids(actor: Actor) -> set[int]:
    return set(
        actor.user.pod_memberships.filter(pod__workspace=actor.workspace).values_list(
            "pod_id", flat=True
        )
    )


@dataclass(frozen=True)
class RepReadiness:
    user: User
    state: str  # READY (the current version), EARLIER (an earlier one), WAITING (never)
    version: int | None
    at: dt.datetime | None

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.email


@dataclass(frozen=True)
class Readiness:
    pods: list[Pod]
    reps: list[RepReadiness]
    version: int | None  # the kit's (None: no kit yet)

    @property
    def total(self) -> int:
        return len(self.reps)

    @property
    def ready(self) -> list[RepReadiness]:
        return [r for r in self.reps if r.state == READY]

    @property
    def not_ready(self) -> list[RepReadiness]:
        """Who has not acknowledged the current version: never, or an earlier one."""
        return [r for r in self.reps if r.state != READY]


def readiness(*, actor: Actor, campaign: Campaign, kit: Kit | None) -> Readiness:
    """Each rep of the target pods and whether they acknowledged the kit as it is now, an
    earlier version, or never (by name)."""
    pod_ids = target_pod_ids(campaign)
    pods = list(Pod.objects.filter(workspace=actor.workspace, pk__in=pod_ids).order_by("name"))
    reps = list(target_reps(campaign, pod_ids)) if pod_ids else []
    acks: dict[int, KitAcknowledgement] = {}
    if kit is not None and reps:
        acks = {a.user_id: a for a in KitAcknowledgement.objects.filter(kit=kit)}
    rows = []
    for user in reps:
        ack = acks.get(user.pk)
        if ack is None or kit is None:
            rows.append(RepReadiness(user, WAITING, None, None))
        else:
            state = READY if ack.version >= kit.version else EARLIER
            rows.append(RepReadiness(user, state, ack.version, ack.acknowledged_at))
    return Readiness(pods, rows, kit.version if kit else None)


def my_acknowledgement(*, actor: Actor, kit: Kit | None) -> KitAcknowledgement | None:
    if kit is None:
        return None
    return KitAcknowledgement.objects.filter(kit=kit, user=actor.user).first()


def lead_kit(*, actor: Actor, campaign_id: int) -> dict[str, Any] | None:
    """The kit of a lead's source campaign as its page shows it, in one query: the texts, the
    assets, and the version the reader acknowledged (None: no kit)."""
    mine = KitAcknowledgement.objects.filter(kit=OuterRef("pk"), user=actor.user).values("version")[
        :1
    ]
    rows = list(
        Kit.objects.filter(workspace=actor.workspace, campaign_id=campaign_id)
        .annotate(my_version=Subquery(mine))
        .values(
            "pk",
            "version",
            "talk_track",
            "objections",
            "faq",
            "updated_at",
            "my_version",
            "assets__pk",
            "assets__title",
            "assets__url",
            "assets__file",
        )
        .order_by("assets__title", "assets__pk")
    )
    if not rows:
        return None
    first = rows[0]
    return {
        "pk": first["pk"],
        "campaign_id": campaign_id,
        "version": first["version"],
        "talk_track": first["talk_track"],
        "objections": first["objections"],
        "faq": first["faq"],
        "updated_at": first["updated_at"],
        "my_version": first["my_version"],
        "assets": [
            {
                "pk": r["assets__pk"],
                "title": r["assets__title"],
                "url": r["assets__url"],
                "is_file": bool(r["assets__file"]),
            }
            for r in rows
            if r["assets__pk"] is not None
        ],
    }
