"""The demo's pods as living units (issue 20): each pod's value log over the last year.

For each pod, 8 to 15 entries on as many business days of the workspace's calendar (public
holidays and weekends left out) over the twelve months before the load, each written during
working hours by a member of the side that did the work — marketing ships sequences, pages and
scoring changes; sales rewrites its scripts and learns from the field — with the pod's segment
in the words. Rows are written with ``bulk_create`` (a few dozen whatever the demo's size).
"""

from __future__ import annotations

import datetime as dt
import random

from cordee.alignment.models import ValueEntry, ValueKind
from cordee.demo.common import UTC
from cordee.demo.writers import explicit_timestamps
from cordee.funnel.sla import workspace_calendar
from cordee.people.models import Pod, PodMember
from cordee.tenancy.models import Membership, Workspace
from cordee.tenancy.roles import Side, side_of

DAYS_BACK = 360
SHIPPED, CHANGED, LEARNED = ValueKind.SHIPPED, ValueKind.CHANGED, ValueKind.LEARNED
M, S = Side.MARKETING.value, Side.SALES.value

# each pod's segment, as the entries name it
SEGMENTS = {
    "Industrie Grand Est": "ETI industrielles",
    "Santé & Services": "établissements de santé",
    "Grands comptes": "comptes nommés",
}

# (side, kind, title, details, link path or "") — ``{seg}``: the pod's segment
ENTRIES: list[tuple[str, str, str, str, str]] = [
    (M, SHIPPED, "Nouvelle séquence d’e-mails pour les {seg}",
     "Cinq e-mails sur six semaines, relus par les commerciaux du pod avant le premier envoi.",
     "sequences/{slug}"),
    (S, CHANGED, "Script d’appel mis à jour après les retours terrain",
     "Les trois objections les plus entendues ce trimestre ont désormais une réponse testée.",
     "scripts/appel-{slug}"),
    (M, SHIPPED, "Étude de cas client publiée pour les {seg}",
     "Écrite avec le commercial qui a signé l’affaire ; chiffres validés par le client.",
     "etudes-de-cas/{slug}"),
    (S, LEARNED, "Les décideurs des {seg} décrochent plutôt le mardi matin",
     "Sur six semaines d’appels, deux fois plus de conversations entre 9 h et 11 h le mardi.", ""),
    (M, CHANGED, "Grille de scoring ajustée avec les ventes",
     "La visite de la page tarifs compte 15 points au lieu de 10 après la revue des MQL refusés.",
     ""),
    (S, SHIPPED, "Argumentaire face à la concurrence partagé avec le marketing",
     "Une page par concurrent : où nous gagnons, où nous perdons, ce que disent les clients.",
     "argumentaires/{slug}"),
    (M, LEARNED, "Le webinaire attire surtout des profils techniques",
     "Sept inscrits sur dix sont ingénieurs : la prochaine relance vise aussi les achats.", ""),
    (S, CHANGED, "Premier appel passé en moins de quatre heures ouvrées",
     "Un créneau d’appel bloqué chaque matin et chaque après-midi pour les MQL du pod.", ""),
    (M, SHIPPED, "Page d’atterrissage dédiée aux {seg}",
     "Témoignages du segment et formulaire court, relue avec deux commerciaux du pod.",
     "pages/{slug}"),
    (S, LEARNED, "Les budgets des {seg} se décident au quatrième trimestre",
     "Dix comptes sur quatorze le confirment : les relances de septembre comptent double.", ""),
    (M, CHANGED, "Critères de MQL revus en comité de pod",
     "La taille d’entreprise entre dans les critères ; les étudiants sortent du scoring.", ""),
    (S, SHIPPED, "Modèle de proposition commerciale harmonisé",
     "Un seul modèle pour le pod, avec la page « pourquoi maintenant » du marketing.",
     "modeles/proposition-{slug}"),
    (M, SHIPPED, "Invitation au salon co-écrite avec les commerciaux",
     "Chaque commercial a invité lui-même ses dix comptes prioritaires avec ce texte.", ""),
    (S, CHANGED, "Relances après webinaire faites sous 48 heures",
     "Les inscrits présents sont rappelés par le commercial du compte, avec la rediffusion.", ""),
    (M, LEARNED, "Les vidéos courtes doublent le taux de clic",
     "Moins de 90 secondes, sous-titrées : 4,1 % de clics contre 2 % pour le livre blanc.", ""),
]  # fmt: skip


def _slug(name: str) -> str:
    keep = "".join(c if c.isalnum() else "-" for c in name.lower())
    return "-".join(part for part in keep.split("-") if part)


def add_value_log(workspace: Workspace, *, now: dt.datetime, seed: int = 1) -> int:
    """Write each demo pod's value log; returns the rows written."""
    rng = random.Random(f"cordee-demo:{seed}:value-log")
    today = workspace.today(now)
    calendar = workspace_calendar(workspace)
    first = today - dt.timedelta(days=DAYS_BACK)
    public = calendar.public_holidays(range(first.year, today.year + 1))
    days = [
        day
        for day in (first + dt.timedelta(days=i) for i in range(DAYS_BACK))
        if calendar.is_working_day(day, public)
    ]
    roles = dict(
        Membership.objects.filter(workspace=workspace, is_active=True).values_list(
            "user_id", "role"
        )
    )
    rows: list[ValueEntry] = []
    for pod in Pod.objects.filter(workspace=workspace).order_by("id"):
        members = list(
            PodMember.objects.filter(pod=pod, user_id__in=roles)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        if not members:
            continue
        by_side = {
            side: [u for u in members if str(side_of(roles[u])) == side] or members
            for side in (M, S)
        }
        segment = SEGMENTS.get(pod.name, "clients du pod")
        slug = _slug(pod.name)
        count = rng.randint(8, 15)
        chosen = sorted(rng.sample(days, count))
        for day, (side, kind, title, body, link) in zip(
            chosen, rng.sample(ENTRIES, count), strict=True
        ):
            at = dt.datetime.combine(
                day, dt.time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))), workspace.zone
            ).astimezone(UTC)
            rows.append(
                ValueEntry(
                    workspace=workspace,
                    pod=pod,
                    author_id=rng.choice(by_side[side]),
                    on=day,
                    kind=kind,
                    title=title.format(seg=segment),
                    body=body,
                    link=f"https://wiki.demo.cordee.fr/{link.format(slug=slug)}" if link else "",
                    created_at=at,
                    updated_at=at,
                )
            )
    with explicit_timestamps((ValueEntry,)):
        ValueEntry.objects.bulk_create(rows)
    return len(rows)
