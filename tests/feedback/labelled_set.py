"""A hand-made set of field feedback in French and English whose right grouping is known.

Each entry is (group, text). Groups mix both languages and paraphrase freely, the way reps
write: the grouping must put "trop cher" with "too expensive", not with "trop long".
"""

from __future__ import annotations

LABELLED: list[tuple[str, str]] = [
    # price too high
    ("price", "Trop cher pour nous, le budget ne suit pas."),
    ("price", "Too expensive for a company our size."),
    ("price", "Le prix est beaucoup trop élevé par rapport à ce qu'ils paient aujourd'hui."),
    ("price", "The price is way above their current budget."),
    ("price", "Le DAF trouve le tarif excessif."),
    # missing Salesforce integration
    ("crm", "Il manque une intégration native avec Salesforce."),
    ("crm", "No native Salesforce integration, this is a deal breaker."),
    ("crm", "Le client veut synchroniser ses contacts avec Salesforce automatiquement."),
    ("crm", "They need the contacts to sync with Salesforce."),
    ("crm", "Pas de connecteur Salesforce, ils ne signeront pas sans."),
    # competitor's free trial
    ("trial", "Rivalis propose un essai gratuit de 60 jours."),
    ("trial", "Rivalis is offering a free 60-day trial to our prospects."),
    ("trial", "Le prospect a reçu une offre d'essai gratuit de deux mois chez Rivalis."),
    ("trial", "Competitor Rivalis gives two months free to try their product."),
    ("trial", "Rivalis offre deux mois d'essai sans engagement."),
    # webinar leads are students
    ("students", "Les leads du webinaire sont surtout des étudiants."),
    ("students", "Most webinar leads are students, not buyers."),
    ("students", "Beaucoup d'étudiants parmi les inscrits au webinaire, aucun acheteur."),
    ("students", "The webinar sign-ups were university students looking for an internship."),
    ("students", "Webinaire : des étudiants en stage, pas des décideurs."),
    # healthcare case study
    ("casestudy", "Il nous faut une étude de cas dans le secteur de la santé."),
    ("casestudy", "Prospects keep asking for a hospital case study."),
    ("casestudy", "Un témoignage client d'une clinique aiderait à convaincre."),
    ("casestudy", "We need a healthcare customer story to show hospitals."),
    ("casestudy", "Les hôpitaux demandent des références clients dans la santé."),
    # EU hosting, GDPR
    ("gdpr", "Hébergement des données en France exigé pour le RGPD."),
    ("gdpr", "They require EU data hosting because of GDPR."),
    ("gdpr", "Le DSI refuse un hébergement aux États-Unis, RGPD oblige."),
    ("gdpr", "Data must stay in Europe, US hosting is not acceptable for their lawyers."),
    ("gdpr", "Où sont hébergées les données ? Ils veulent un cloud européen."),
    # no mobile app
    ("mobile", "Pas d'application mobile pour les techniciens sur le terrain."),
    ("mobile", "No mobile app for field technicians."),
    ("mobile", "Les commerciaux veulent utiliser l'outil depuis leur téléphone."),
    ("mobile", "They want an iPhone and Android app."),
    ("mobile", "Une appli smartphone est indispensable pour leurs équipes terrain."),
    # implementation too long
    ("rollout", "Le déploiement prend trop de temps, six mois c'est trop long."),
    ("rollout", "Implementation takes too long, they want to go live in weeks."),
    ("rollout", "La mise en place est jugée trop lourde pour leur équipe IT."),
    ("rollout", "Onboarding is too slow compared to what they expected."),
    ("rollout", "Délai de mise en service trop long pour le client."),
    # customers love the dashboards
    ("dashboards", "Le client adore les tableaux de bord, il les montre à son comité."),
    ("dashboards", "The customer loves the dashboards and shows them to the board."),
    (
        "dashboards",
        "« Vos rapports m'ont fait gagner une journée par mois » — la directrice financière.",
    ),
    ("dashboards", "Their CFO said the reports save her a day every month."),
    ("dashboards", "Les graphiques de reporting ont beaucoup plu en démo."),
    # annual commitment blocks the deal
    ("commitment", "L'engagement annuel bloque la signature, ils veulent du mensuel."),
    ("commitment", "The annual commitment is a blocker; they want monthly billing."),
    ("commitment", "Perdu : le client refusait un contrat de 12 mois minimum."),
    ("commitment", "Lost the deal because we could not offer a month-to-month contract."),
    ("commitment", "Ils demandent une résiliation possible à tout moment, sans engagement."),
]
