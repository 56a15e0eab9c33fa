"""The demo's saved views: what the people of Altitude Logiciels would have saved by now — the
sales manager's shared MQL view, a pod's pipeline, a rep's own deals to close, marketing's live
campaigns — written through the lists' services (their rules, their checks)."""

from __future__ import annotations

from cordee.core.actor import Actor, actor_for
from cordee.lists.models import Visibility
from cordee.lists.services import list_default_set, saved_view_create
from cordee.people.models import Pod
from cordee.tenancy.models import User, Workspace


def _actor(workspace: Workspace, email: str) -> Actor:
    return actor_for(User.objects.get(email=email), workspace.slug)


def add_saved_views(workspace: Workspace) -> None:
    marc = _actor(workspace, "marc.ventes@demo.cordee.fr")
    saved_view_create(
        actor=marc,
        kind="leads",
        name="MQL à traiter, meilleurs scores d'abord",
        params={"stage": "mql", "sort": "-score"},
        columns=["contact", "contact.account", "score", "pod", "owner", "mql_at"],
        visibility=Visibility.WORKSPACE,
    )
    pod = Pod.objects.get(workspace=workspace, name="Industrie Grand Est")
    julie = _actor(workspace, "julie.ventes@demo.cordee.fr")
    saved_view_create(
        actor=julie,
        kind="opportunities",
        name="Pipeline Industrie Grand Est",
        params={"pod": str(pod.pk), "sort": "close"},
        columns=["name", "account", "stage", "amount", "weighted_amount", "close_date", "owner"],
        visibility=Visibility.POD,
        pod_id=pod.pk,
    )
    mine = saved_view_create(
        actor=julie,
        kind="opportunities",
        name="Mes affaires à conclure",
        params={"owner": str(julie.user.pk), "forecast_category": "commit", "sort": "close"},
        columns=["name", "account", "amount", "weighted_amount", "close_date", "forecast_category"],
    )
    list_default_set(actor=julie, kind="opportunities", view_id=mine.pk)
    saved_view_create(
        actor=_actor(workspace, "claire.marketing@demo.cordee.fr"),
        kind="campaigns",
        name="Campagnes en cours",
        params={"status": "active", "sort": "-start"},
        visibility=Visibility.WORKSPACE,
    )
