"""The demo's kudos and reactions (issue 20): about sixty kudos over the year before the load,
and reactions on the wall's posts (written by the wins demo, which runs first).

Kudos: a third go across the rope (a marketer thanking a salesperson for field feedback or a
quick call-back, a salesperson thanking marketing for a lead or a readiness kit), most of the rest
stay on one side (a brief proofread, a proposal reviewed), and a few come from the executive or
RevOps to a pod for its quarter — never across by the rule (``wins.kudos``). A kudos about a win
names the post when there is one of the same week. Each is sent on a working day, between 9:00
and 18:00 on the workspace's clock, and its sides and ``cross_side`` follow the same rule as
``kudos_send`` (``kudos.is_across``). Reactions: each post gets up to six, from members of both
sides, within two working days of the post.

Rows are written with ``bulk_create`` and their ``created_at`` set afterwards by an update (no
notification nor chat message for the history).
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from cordee.funnel.sla import workspace_calendar
from cordee.people.models import Pod, PodMember
from cordee.tenancy.models import Membership, Workspace
from cordee.tenancy.roles import Side, side_of
from cordee.wins.kudos import is_across
from cordee.wins.models import Kudos, Reaction, WinPost

N_KUDOS = 60

MESSAGES: dict[tuple[str, str], tuple[str, ...]] = {
    (Side.SALES, Side.MARKETING): (
        "Merci pour le lead de la semaine : parfaitement qualifié, rendez-vous pris en dix minutes.",
        "Le kit de lancement est top, je l’ai utilisé dès lundi chez deux prospects.",
        "La fiche concurrent m’a sauvé en rendez-vous, merci !",
        "Merci pour la séquence d’e-mails du salon, trois réponses dès le premier envoi.",
        "Les inscrits du webinaire étaient vraiment dans la cible, merci pour le ciblage.",
        "Merci d’avoir ajouté le cas client santé au kit, c’est exactement ce qui manquait.",
    ),
    (Side.MARKETING, Side.SALES): (
        "Merci pour ton retour terrain sur l’objection prix : on a revu la page tarifs.",
        "Merci d’avoir rappelé les inscrits du webinaire en moins d’une heure !",
        "Ton retour sur le brief a vraiment changé la campagne, merci.",
        "Merci d’avoir relu le kit avant le lancement, tes remarques étaient justes.",
        "Merci pour le témoignage client, il part dans la prochaine newsletter.",
        "Merci d’avoir pris le temps du vis-ma-vie, j’ai appris énormément.",
    ),
    (Side.MARKETING, Side.MARKETING): (
        "Merci pour la relecture du brief, tout est plus clair.",
        "Bravo pour la landing page, le taux de conversion a doublé.",
        "Merci d’avoir repris mes campagnes pendant mes congés.",
    ),
    (Side.SALES, Side.SALES): (
        "Merci pour le coup de main sur la proposition, signée ce matin.",
        "Merci d’avoir couvert mes rappels pendant mon absence.",
        "Merci pour la préparation de la démo, le client était conquis.",
    ),
    (Side.OTHER, Side.OTHER): (
        "Bravo au pod pour ce trimestre : l’objectif partagé est atteint.",
        "Merci au pod pour la préparation du comité, tout était prêt.",
        "Beau travail d’équipe sur les grands comptes ce mois-ci, merci à tous.",
    ),
}


def _moment(rng: random.Random, day: dt.date, zone: Any) -> dt.datetime:
    minutes = rng.randrange(9 * 60, 18 * 60)
    return dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60), zone)


def _working_days(workspace: Workspace, first: dt.date, last: dt.date) -> list[dt.date]:
    calendar = workspace_calendar(workspace)
    public = calendar.public_holidays(range(first.year, last.year + 1))
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [d for d in days if calendar.is_working_day(d, public)]


def add_kudos(workspace: Workspace, *, now: dt.datetime, seed: int = 0) -> dict[str, int]:
    """Kudos of the last year and reactions on the posts; returns how many of each."""
    rng = random.Random(f"cordee-demo:{seed}:kudos")
    zone = workspace.zone
    today = now.astimezone(zone).date()
    days = _working_days(workspace, today - dt.timedelta(days=365), today - dt.timedelta(days=1))
    if not days:
        return {"kudos": 0, "reactions": 0}
    members = list(
        Membership.objects.filter(workspace=workspace, is_active=True)
        .select_related("user")
        .order_by("user_id")
    )
    by_side: dict[str, list[Any]] = {}
    for m in members:
        by_side.setdefault(side_of(m.role), []).append(m.user)
    pods = list(Pod.objects.filter(workspace=workspace).order_by("pk"))
    pod_sides: dict[int, set[str]] = {p.pk: set() for p in pods}
    role_of = {m.user_id: m.role for m in members}
    for pod_id, user_id in PodMember.objects.filter(pod__in=pods).values_list("pod_id", "user_id"):
        if user_id in role_of:
            pod_sides[pod_id].add(side_of(role_of[user_id]))
    posts = list(WinPost.objects.filter(workspace=workspace, withdrawn_at__isnull=True))
    kudos, moments = _kudos_rows(rng, workspace, days, zone, by_side, pods, pod_sides, posts)
    Kudos.objects.bulk_create(kudos)
    for row, at in zip(kudos, moments, strict=True):
        Kudos.objects.filter(pk=row.pk).update(created_at=at, updated_at=at)
    reactions = _reactions(rng, workspace, members, posts, zone)
    return {"kudos": len(kudos), "reactions": reactions}


def _kudos_rows(
    rng: random.Random,
    workspace: Workspace,
    days: list[dt.date],
    zone: Any,
    by_side: dict[str, list[Any]],
    pods: list[Pod],
    pod_sides: dict[int, set[str]],
    posts: list[WinPost],
) -> tuple[list[Kudos], list[dt.datetime]]:
    marketing, sales = by_side.get(Side.MARKETING, []), by_side.get(Side.SALES, [])
    others = by_side.get(Side.OTHER, [])
    rows: list[Kudos] = []
    moments: list[dt.datetime] = []
    for day in sorted(rng.choice(days) for _ in range(N_KUDOS)):
        draw = rng.random()
        to_pod = None
        if draw < 1 / 3 and marketing and sales:  # across the rope
            pair = [marketing, sales]
            rng.shuffle(pair)
            sender, recipient = rng.choice(pair[0]), rng.choice(pair[1])
        elif draw < 0.88 or not (pods and others):  # within one side
            group = rng.choice([g for g in (marketing, sales) if len(g) > 1] or [marketing])
            if len(group) < 2:
                continue
            sender, recipient = rng.sample(group, 2)
        else:  # the executive or RevOps to a pod
            sender, recipient, to_pod = rng.choice(others), None, rng.choice(pods)
        sender_side = _side(by_side, sender)
        if to_pod is not None:
            recipient_side, across = "", is_across(sender_side, pod_sides[to_pod.pk])
            texts = MESSAGES[(Side.OTHER, Side.OTHER)]
        else:
            recipient_side = _side(by_side, recipient)
            across = is_across(sender_side, {recipient_side})
            texts = MESSAGES.get((sender_side, recipient_side), MESSAGES[(Side.OTHER, Side.OTHER)])
        at = _moment(rng, day, zone)
        about = [p for p in posts if abs((p.at - at).days) <= 3 and p.at <= at]
        rows.append(
            Kudos(
                workspace=workspace,
                sender=sender,
                sender_side=sender_side,
                recipient=recipient,
                pod=to_pod,
                recipient_side=recipient_side,
                cross_side=across,
                message=rng.choice(texts),
                post=rng.choice(about) if about and rng.random() < 0.5 else None,
            )
        )
        moments.append(at)
    return rows, moments


def _side(by_side: dict[str, list[Any]], user: Any) -> str:
    return next(side for side, users in by_side.items() if user in users)


def _reactions(
    rng: random.Random, workspace: Workspace, members: list[Any], posts: list[WinPost], zone: Any
) -> int:
    people = [m.user for m in members if side_of(m.role) != Side.OTHER or rng.random() < 0.5]
    rows: list[tuple[Reaction, dt.datetime]] = []
    for post in posts:
        seen: set[tuple[int, str]] = set()
        for _ in range(rng.randrange(0, 7)):
            user, emoji = rng.choice(people), rng.choice(Reaction.Emoji.values)
            if (user.pk, emoji) in seen:
                continue
            seen.add((user.pk, emoji))
            day = post.at.astimezone(zone).date() + dt.timedelta(days=rng.randrange(0, 3))
            at = max(_moment(rng, day, zone), post.at + dt.timedelta(minutes=5))
            rows.append((Reaction(post=post, user=user, emoji=emoji), at))
    Reaction.objects.bulk_create([r for r, _at in rows])
    for reaction, at in rows:
        Reaction.objects.filter(pk=reaction.pk).update(created_at=at, updated_at=at)
    return len(rows)
