"""The demo's field feedback: about sixty items raised by the sales team over three months, in
French and English, with +1s, triage history, marketing's answers, a competitor catalogue,
merged duplicates; their embeddings and themes are then computed in the background."""

from __future__ import annotations

import datetime as dt
import itertools
import random

from django.db import transaction

from cordee.crm.models import Account, Campaign
from cordee.feedback.models import (
    Competitor,
    FeedbackItem,
    FeedbackResponse,
    FeedbackStatusChange,
    FeedbackVote,
)
from cordee.feedback.tasks import recompute_themes
from cordee.funnel.models import Opportunity, RejectionReason
from cordee.people.models import PodMember
from cordee.tenancy.models import Membership, Workspace
from cordee.tenancy.roles import Role

COMPETITORS = ["Rivalis", "Nexora", "Salesloop CRM"]

# kind, competitor index or None, rejection reason code or None, titles (several phrasings)
TOPICS: list[tuple[str, int | None, str | None, list[str]]] = [
    (
        "pricing",
        None,
        None,
        [
            "Trop cher pour les PME",
            "Too expensive for companies under 50 people",
            "Le DAF trouve le tarif excessif",
            "Price is way above their current budget",
        ],
    ),
    (
        "product_gap",
        None,
        None,
        [
            "Pas d'intégration native Salesforce",
            "No native Salesforce integration",
            "Ils veulent synchroniser leurs contacts avec Salesforce",
        ],
    ),
    (
        "competitor_move",
        0,
        None,
        [
            "Rivalis propose 60 jours d'essai gratuit",
            "Rivalis is offering a free 60-day trial",
            "Rivalis offre deux mois sans engagement",
        ],
    ),
    (
        "competitor_move",
        1,
        None,
        [
            "Nexora baisse ses prix de 30 % sur les ETI",
            "Nexora cut its mid-market prices by 30%",
        ],
    ),
    (
        "lead_quality",
        None,
        "not_a_buyer",
        [
            "Les leads du webinaire sont surtout des étudiants",
            "Most webinar leads are students, not buyers",
            "Webinaire : beaucoup d'étudiants, aucun décideur",
        ],
    ),
    (
        "lead_quality",
        None,
        "bad_data",
        [
            "Numéros de téléphone invalides sur les leads du salon",
            "Trade-show leads have wrong phone numbers",
        ],
    ),
    (
        "content_request",
        None,
        None,
        [
            "Besoin d'une étude de cas dans la santé",
            "Prospects ask for a hospital case study",
            "Un témoignage client d'une clinique aiderait",
        ],
    ),
    (
        "objection",
        None,
        None,
        [
            "Hébergement des données en France exigé (RGPD)",
            "They require EU data hosting for GDPR",
            "Le DSI refuse un hébergement aux États-Unis",
        ],
    ),
    (
        "product_gap",
        None,
        None,
        [
            "Pas d'application mobile pour le terrain",
            "No mobile app for field technicians",
            "Les commerciaux veulent l'outil sur leur téléphone",
        ],
    ),
    (
        "objection",
        None,
        None,
        [
            "Le déploiement prend trop de temps",
            "Implementation takes too long",
            "Mise en service jugée trop lourde pour leur IT",
        ],
    ),
    (
        "customer_quote",
        None,
        None,
        [
            "« Vos tableaux de bord m'ont fait gagner une journée par mois »",
            "The CFO loves the dashboards and shows them to the board",
        ],
    ),
    (
        "win_loss",
        None,
        None,
        [
            "Perdu : engagement annuel refusé, ils voulaient du mensuel",
            "Lost: annual commitment was a blocker",
            "Gagné grâce à la démo du module de reporting",
        ],
    ),
    (
        "competitor_move",
        2,
        None,
        [
            "Salesloop CRM inclut la signature électronique gratuitement",
            "Salesloop bundles e-signature for free",
        ],
    ),
]

ANSWERS = [
    (
        "Nous lançons une offre PME à -20 %.",
        "Offre PME : -20 % sous 50 salariés, page tarifs mise à jour",
    ),
    (
        "Connecteur Salesforce prévu au prochain trimestre.",
        "Connecteur Salesforce dans la feuille de route T+1",
    ),
    ("Battle card Rivalis publiée.", "Battle card « Rivalis » dans le kit commercial"),
    (
        "Le ciblage du webinaire est corrigé.",
        "Inscriptions filtrées par fonction ; étudiants exclus du scoring",
    ),
    ("Étude de cas Clinique du Parc en cours.", "Étude de cas santé publiée sur le site"),
    ("Fiche hébergement France rédigée.", "Fiche RGPD / hébergement en France dans le kit"),
]


def add_feedback(workspace: Workspace, *, now: dt.datetime, seed: int = 1) -> int:
    """Write the demo's feedback; returns the number of items."""
    rng = random.Random(f"cordee-demo:{seed}:feedback")
    members = list(
        Membership.objects.filter(workspace=workspace, is_active=True).select_related("user")
    )
    sales = [m.user for m in members if m.role in (Role.SDR, Role.SALES_REP, Role.SALES_MANAGER)]
    marketing = [m.user for m in members if m.role in (Role.MARKETER, Role.MARKETING_MANAGER)]
    everyone = [m.user for m in members if m.role != Role.EXECUTIVE]
    if not sales or not marketing:
        return 0
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
            kind, competitor, reason, titles = TOPICS[topic]
            author = rng.choice(sales)
            recent = n % 8 == 0  # some items from the last days, still waiting for triage
            age = rng.uniform(0.1, 3) if recent else rng.uniform(0.5, 88)
            submitted = now - dt.timedelta(days=age, hours=rng.uniform(0, 8))
            item = FeedbackItem.objects.create(
                workspace=workspace,
                kind=kind,
                # the first two rounds say each topic in its first two wordings (both languages)
                title=titles[n // len(TOPICS)] if n < 2 * len(TOPICS) else rng.choice(titles),
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
            _triage(rng, item, marketing, now)
            first = first_of_topic.setdefault(topic, item)
            if first.pk != item.pk and n % 7 == 0:
                # a duplicate of the topic's first item, merged into it: its author backs it
                FeedbackItem.objects.filter(pk=item.pk).update(
                    merged_into=first, acknowledged_at=item.acknowledged_at or now
                )
                if author.pk != first.author_id:
                    FeedbackVote.objects.get_or_create(
                        item=first,
                        user=author,
                        defaults={"workspace": workspace, "created_at": submitted},
                    )
                items.append(item)
                continue
            for voter in rng.sample(everyone, k=min(len(everyone), rng.choice([0, 0, 1, 2, 3, 5]))):
                if voter.pk != author.pk:
                    FeedbackVote.objects.get_or_create(
                        item=item,
                        user=voter,
                        defaults={
                            "workspace": workspace,
                            "created_at": min(
                                now, submitted + dt.timedelta(days=rng.uniform(0, 10))
                            ),
                        },
                    )
            items.append(item)
    _embed_and_group(workspace)
    return len(items)


def _triage(rng: random.Random, item: FeedbackItem, marketing: list, now: dt.datetime) -> None:
    age_days = (now - item.submitted_at).total_seconds() / 86400
    path = ["new"]
    if (age_days > 3 and rng.random() < 0.9) or (age_days <= 3 and rng.random() < 0.3):
        path.append("acknowledged")
    if age_days > 10 and rng.random() < 0.6:
        path.append(rng.choice(["planned", "done", "wont_do"]))
        if path[-1] == "planned" and age_days > 40 and rng.random() < 0.5:
            path.append("done")
    at = item.submitted_at
    owner = rng.choice(marketing)
    for before, after in itertools.pairwise(path):
        at = min(now, at + dt.timedelta(hours=rng.uniform(2, 60)))
        FeedbackStatusChange.objects.create(
            workspace=item.workspace,
            item=item,
            from_status=before,
            to_status=after,
            actor=owner,
            at=at,
            reason="Hors périmètre produit" if after == "wont_do" else "",
        )
        if after == "acknowledged":
            item.acknowledged_at = at
        if after in ("done", "wont_do"):
            item.closed_at = at
        if after in ("planned", "done") and item.first_response_at is None:
            text, changed = rng.choice(ANSWERS)
            FeedbackResponse.objects.create(
                workspace=item.workspace,
                item=item,
                author=owner,
                text=text,
                what_changed=changed,
                created_at=at,
            )
            item.first_response_at = at
    item.status = path[-1]
    item.owner = owner if len(path) > 1 else None
    item.save()


def _embed_and_group(workspace: Workspace) -> None:
    """Embeddings and themes are background work here too: the worker that ``cordee run``
    starts computes them within seconds (and the hourly job would catch up anyway)."""
    from functools import partial

    transaction.on_commit(partial(recompute_themes.enqueue, workspace.pk))
