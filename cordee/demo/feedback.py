"""The demo's field feedback: about sixty items raised by the sales team over three months, mostly
in French, with +1s, triage history, marketing's answers, a competitor catalogue,
merged duplicates; their embeddings and themes are then computed in the background."""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from typing import Any

from django.db import transaction

from cordee.crm.models import Account, Campaign
from cordee.demo.common import WorkHours, as_datetime
from cordee.feedback.models import (
    Competitor,
    FeedbackItem,
    FeedbackResponse,
    FeedbackStatusChange,
    FeedbackVote,
)
from cordee.feedback.tasks import recompute_themes
from cordee.funnel.models import Opportunity, RejectionReason
from cordee.funnel.sla import workspace_calendar
from cordee.people.models import PodMember
from cordee.tenancy.models import Membership, Workspace
from cordee.tenancy.roles import Role

COMPETITORS = ["Rivalis", "Nexora", "Salesloop CRM"]

# kind, competitor index or None, rejection reason code or None, French titles, English titles,
# marketing's answer (what they said, what changed) — each topic answered in its own words
TOPICS: list[tuple[str, int | None, str | None, list[str], list[str], tuple[str, str]]] = [
    (
        "pricing",
        None,
        None,
        ["Trop cher pour les PME", "Le DAF trouve le tarif excessif"],
        ["Too expensive for companies under 50 people", "Price is way above their current budget"],
        (
            "Nous lançons une offre PME à -20 %.",
            "Offre PME : -20 % sous 50 salariés, page tarifs mise à jour",
        ),
    ),
    (
        "product_gap",
        None,
        None,
        [
            "Pas d'intégration native Salesforce",
            "Ils veulent synchroniser leurs contacts avec Salesforce",
        ],
        ["No native Salesforce integration"],
        (
            "Connecteur Salesforce prévu au prochain trimestre.",
            "Connecteur Salesforce dans la feuille de route T+1",
        ),
    ),
    (
        "competitor_move",
        0,
        None,
        ["Rivalis propose 60 jours d'essai gratuit", "Rivalis offre deux mois sans engagement"],
        ["Rivalis is offering a free 60-day trial"],
        ("Battle card Rivalis publiée.", "Battle card « Rivalis » dans le kit commercial"),
    ),
    (
        "competitor_move",
        1,
        None,
        ["Nexora baisse ses prix de 30 % sur les ETI"],
        ["Nexora cut its mid-market prices by 30%"],
        (
            "Argumentaire face à Nexora : le coût sur trois ans.",
            "Comparatif Nexora (coût total sur 3 ans) dans le kit commercial",
        ),
    ),
    (
        "lead_quality",
        None,
        "not_a_buyer",
        [
            "Les leads du webinaire sont surtout des étudiants",
            "Webinaire : beaucoup d'étudiants, aucun décideur",
        ],
        ["Most webinar leads are students, not buyers"],
        (
            "Le ciblage du webinaire est corrigé.",
            "Inscriptions filtrées par fonction ; étudiants exclus du scoring",
        ),
    ),
    (
        "lead_quality",
        None,
        "bad_data",
        ["Numéros de téléphone invalides sur les leads du salon"],
        ["Trade-show leads have wrong phone numbers"],
        (
            "Les numéros des badges scannés au salon sont maintenant vérifiés.",
            "Contrôle des numéros de téléphone à l'import des leads de salon",
        ),
    ),
    (
        "content_request",
        None,
        None,
        ["Besoin d'une étude de cas dans la santé", "Un témoignage client d'une clinique aiderait"],
        ["Prospects ask for a hospital case study"],
        ("Étude de cas Clinique du Parc en cours.", "Étude de cas santé publiée sur le site"),
    ),
    (
        "objection",
        None,
        None,
        [
            "Hébergement des données en France exigé (RGPD)",
            "Le DSI refuse un hébergement aux États-Unis",
        ],
        ["They require EU data hosting for GDPR"],
        (
            "Fiche hébergement France rédigée.",
            "Fiche RGPD / hébergement en France dans le kit",
        ),
    ),
    (
        "product_gap",
        None,
        None,
        [
            "Pas d'application mobile pour le terrain",
            "Les commerciaux veulent l'outil sur leur téléphone",
        ],
        ["No mobile app for field technicians"],
        (
            "Application mobile terrain en bêta au prochain trimestre.",
            "Bêta de l'application mobile ouverte aux clients pilotes",
        ),
    ),
    (
        "objection",
        None,
        None,
        ["Le déploiement prend trop de temps", "Mise en service jugée trop lourde pour leur IT"],
        ["Implementation takes too long"],
        (
            "Offre de déploiement accompagné en 30 jours.",
            "Kit de déploiement : mise en service en 30 jours",
        ),
    ),
    (
        "customer_quote",
        None,
        None,
        ["« Vos tableaux de bord m'ont fait gagner une journée par mois »"],
        ["The CFO loves the dashboards and shows them to the board"],
        (
            "Citation reprise dans la plaquette sur les tableaux de bord.",
            "Plaquette « tableaux de bord » avec la citation du client",
        ),
    ),
    (
        "win_loss",
        None,
        None,
        [
            "Perdu : engagement annuel refusé, ils voulaient du mensuel",
            "L'engagement annuel bloque la signature",
        ],
        ["Lost: annual commitment was a blocker"],
        (
            "Un engagement mensuel est possible dès ce trimestre.",
            "Option d'engagement mensuel dans la grille tarifaire",
        ),
    ),
    (
        "competitor_move",
        2,
        None,
        ["Salesloop CRM inclut la signature électronique gratuitement"],
        ["Salesloop bundles e-signature for free"],
        ("Battle card Salesloop publiée.", "Battle card « Salesloop CRM » dans le kit commercial"),
    ),
    (
        "win_loss",
        None,
        None,
        ["Gagné grâce à la démo du module de reporting"],
        ["Won thanks to the reporting module demo"],
        (
            "La démo du reporting devient la démo standard.",
            "Scénario de démo « reporting » dans le kit commercial",
        ),
    ),
]
P_ENGLISH = 0.12  # the reps write in French; a few paste what an English-speaking buyer said


def add_feedback(workspace: Workspace, *, now: dt.datetime, seed: int = 1) -> int:
    """Write the demo's feedback; returns the number of items. Everything people do here (write,
    +1, triage, answer, merge) happens in the workspace's working hours, before ``now``."""
    rng = random.Random(f"cordee-demo:{seed}:feedback")
    members = list(
        Membership.objects.filter(workspace=workspace, is_active=True).select_related("user")
    )
    sales = [m.user for m in members if m.role in (Role.SDR, Role.SALES_REP, Role.SALES_MANAGER)]
    marketing = [m.user for m in members if m.role in (Role.MARKETER, Role.MARKETING_MANAGER)]
    everyone = [m.user for m in members if m.role != Role.EXECUTIVE]
    if not sales or not marketing:
        return 0
    today = workspace.today(now)
    work = WorkHours(
        workspace_calendar(workspace), today - dt.timedelta(days=120), today + dt.timedelta(days=7)
    )
    limit = int(now.timestamp())

    def at_work(when: dt.datetime) -> dt.datetime | None:
        moved = work.by(int(when.timestamp()), limit)
        return as_datetime(moved) if moved is not None else None

    pods = {pm.user_id: pm.pod_id for pm in PodMember.objects.filter(pod__workspace=workspace)}
    accounts = list(Account.objects.filter(workspace=workspace).values_list("pk", flat=True)[:200])
    opportunities = list(
        Opportunity.objects.filter(workspace=workspace).values_list("pk", flat=True)[:200]
    )
    campaigns = list(Campaign.objects.filter(workspace=workspace).values_list("pk", flat=True))
    reasons = {r.code: r for r in RejectionReason.objects.filter(workspace=workspace)}
    with transaction.atomic():
        competitors = [
            Competitor.objects.get_or_create(workspace=workspace, name=name)[0]
            for name in COMPETITORS
        ]
        items: list[FeedbackItem] = []
        first_of_topic: dict[int, FeedbackItem] = {}
        for n in range(60):
            topic = n % len(TOPICS) if n < 2 * len(TOPICS) else rng.randrange(len(TOPICS))
            kind, competitor, reason, french, english, answer = TOPICS[topic]
            author = rng.choice(sales)
            recent = n % 8 == 0  # some items from the last days, still waiting for triage
            submitted = None
            while submitted is None:
                age = rng.uniform(0.1, 3) if recent else rng.uniform(0.5, 88)
                submitted = at_work(now - dt.timedelta(days=age, hours=rng.uniform(0, 8)))
            item = FeedbackItem.objects.create(
                workspace=workspace,
                kind=kind,
                title=rng.choice(english if rng.random() < P_ENGLISH else french),
                text="",
                competitor=competitors[competitor] if competitor is not None else None,
                rejection_reason=reasons.get(reason or ""),
                account_id=rng.choice(accounts) if accounts and rng.random() < 0.5 else None,
                opportunity_id=(
                    rng.choice(opportunities) if opportunities and rng.random() < 0.3 else None
                ),
                campaign_id=(
                    rng.choice(campaigns) if campaigns and kind == "lead_quality" else None
                ),
                author=author,
                pod_id=pods.get(author.pk),
                submitted_at=submitted,
            )
            _triage(rng, item, marketing, now, answer, at_work)
            first = first_of_topic.setdefault(topic, item)
            merged_at = at_work(submitted + dt.timedelta(hours=rng.uniform(1, 48)))
            if first.pk != item.pk and n % 7 == 0 and merged_at is not None:
                # a duplicate of the topic's first item, merged into it: its author backs it
                FeedbackItem.objects.filter(pk=item.pk).update(
                    merged_into=first,
                    acknowledged_at=min(item.acknowledged_at or merged_at, merged_at),
                )
                if author.pk != first.author_id:
                    FeedbackVote.objects.get_or_create(
                        item=first,
                        user=author,
                        defaults={"workspace": workspace, "created_at": merged_at},
                    )
                items.append(item)
                continue
            for voter in rng.sample(everyone, k=min(len(everyone), rng.choice([0, 0, 1, 2, 3, 5]))):
                voted = at_work(submitted + dt.timedelta(days=rng.uniform(0, 10)))
                if voter.pk != author.pk and voted is not None:
                    FeedbackVote.objects.get_or_create(
                        item=item,
                        user=voter,
                        defaults={"workspace": workspace, "created_at": voted},
                    )
            items.append(item)
    _embed_and_group(workspace)
    return len(items)


def _triage(
    rng: random.Random,
    item: FeedbackItem,
    marketing: list[Any],
    now: dt.datetime,
    answer: tuple[str, str],
    at_work: Callable[[dt.datetime], dt.datetime | None],
) -> None:
    """Marketing's moves on one item, each at work and after the one before; a move that would
    fall after ``now`` has not happened yet. Leaving "new" acknowledges; closing comes after."""
    age_days = (now - item.submitted_at).total_seconds() / 86400
    path = ["new"]
    if (age_days > 3 and rng.random() < 0.9) or (age_days <= 3 and rng.random() < 0.3):
        path.append("acknowledged")
    if age_days > 10 and rng.random() < 0.6:
        if path[-1] == "new":
            path.append("acknowledged")
        path.append(rng.choice(["planned", "done", "wont_do"]))
        if path[-1] == "planned" and age_days > 40 and rng.random() < 0.5:
            path.append("done")
    at = item.submitted_at
    owner = rng.choice(marketing)
    status = "new"
    for before, after in itertools.pairwise(path):
        moved = at_work(at + dt.timedelta(hours=rng.uniform(2, 60)))
        if moved is None:
            break
        at = moved
        FeedbackStatusChange.objects.create(
            workspace=item.workspace,
            item=item,
            from_status=before,
            to_status=after,
            actor=owner,
            at=at,
            reason="Hors périmètre produit" if after == "wont_do" else "",
        )
        status = after
        if item.acknowledged_at is None:
            item.acknowledged_at = at
        if after in ("done", "wont_do"):
            item.closed_at = at
        if after in ("planned", "done") and item.first_response_at is None:
            text, changed = answer
            FeedbackResponse.objects.create(
                workspace=item.workspace,
                item=item,
                author=owner,
                text=text,
                what_changed=changed,
                created_at=at,
            )
            item.first_response_at = at
    item.status = status
    item.owner = owner if status != "new" else None
    item.save()


def _embed_and_group(workspace: Workspace) -> None:
    """Embeddings and themes are background work here too: the worker that ``cordee run``
    starts computes them within seconds (and the hourly job would catch up anyway)."""
    from functools import partial

    transaction.on_commit(partial(recompute_themes.enqueue, workspace.pk))
