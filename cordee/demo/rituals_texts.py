"""What the demo's rituals say, in French (the demo workspace's language, as the co-design story's
texts): the committees' purposes, the minutes, decisions and action items of each kind of agenda
item, the reasons a meeting was cancelled, and the vis-ma-vie programme's learning goals and
debriefs. Placeholders: ``{owner}`` (a first name), ``{label}``, ``{before}``/``{after}``
(percentages), ``{campaign}``, ``{title}``, ``{due}`` (a date in words)."""

from __future__ import annotations

MONTHLY_NAME = "Comité marketing–ventes"
MONTHLY_PURPOSE = (
    "Écoute mutuelle une fois par mois : les manquements au SLA des deux côtés, les remontées "
    "terrain les plus soutenues, les objectifs en danger, les lancements sans accord des ventes "
    "et les débriefs de campagne. On décide, on nomme un responsable, on date."
)
POD_NAME = "Point hebdo — {pod}"
POD_PURPOSE = (
    "Trente minutes chaque mardi entre le marketing et les commerciaux du pod : les MQL de la "
    "semaine, les engagements tenus ou non, les retours du terrain."
)
QBR_NAME = "Revue trimestrielle (QBR)"
QBR_PURPOSE = (
    "Avec la direction : le trimestre écoulé face à ses objectifs, le contrat de SLA, les "
    "priorités et les budgets du trimestre qui commence."
)
LOCATIONS = {
    "monthly": "Salle Mont-Blanc (Annecy) et visio",
    "pod": "Visio (lien dans l'invitation)",
    "qbr": "Salle du conseil, siège d'Annecy",
}

# why a meeting did not take place
CANCEL_HOLIDAY = "Annulé : jour férié."
CANCEL_SUMMER = "Annulé : congés d'été, la moitié de l'équipe est absente."
CANCEL_CHRISTMAS = "Annulé : vacances de fin d'année."
CANCEL_LEAVE = "Annulé : trop de participants en congés."

# -- SLA breaches: kind → (minutes, decision, action) variants --------------------------------
BREACH: dict[str, list[tuple[str, str, str]]] = {
    "first_touch": [
        (
            "MQL arrivé un vendredi soir, premier appel de {owner} le lundi après-midi : le "
            "délai a couru pendant la réunion d'équipe du lundi matin.",
            "Les MQL du week-end sont appelés en priorité le lundi avant 11 h.",
            "Bloquer un créneau d'appels le lundi 9 h–11 h dans l'agenda de l'équipe",
        ),
        (
            "{owner} était en rendez-vous client toute la journée ; personne n'a repris le lead.",
            "Quand un SDR est absent plus d'une demi-journée, ses MQL passent au collègue du pod.",
            "Écrire la règle de relève dans le guide du pod",
        ),
        (
            "Le lead est arrivé sans numéro de téléphone : {owner} a attendu la réponse à "
            "l'e-mail avant d'appeler.",
            "Un e-mail personnalisé compte comme premier contact quand le numéro manque.",
            "Rendre le téléphone obligatoire sur le formulaire de la page de l'offre",
        ),
        (
            "Pic de MQL après le webinar : {owner} en avait douze à traiter dans la matinée.",
            "Le marketing prévient le pod la veille d'un envoi ou d'un webinar à fort volume.",
            "Ajouter les dates d'envoi au calendrier partagé du pod",
        ),
    ],
    "attempts": [
        (
            "Deux tentatives seulement sur cinq jours : {owner} a jugé le lead trop froid pour "
            "insister.",
            "Les trois tentatives restent la règle ; un lead froid se rejette avec un motif.",
            "Rappeler à l'équipe la règle des trois tentatives et le rejet motivé",
        ),
        (
            "Les tentatives de {owner} n'ont pas été saisies dans le CRM (appels depuis le "
            "portable).",
            "Tout appel se trace dans le CRM le jour même, même sans réponse.",
            "Installer l'application d'appel du CRM sur les téléphones du pod",
        ),
        (
            "{owner} a laissé un message vocal puis attendu le rappel.",
            "Un message vocal compte ; la deuxième tentative se fait par un autre canal.",
            "Ajouter un modèle d'e-mail de relance à la séquence",
        ),
    ],
    "decision": [
        (
            "Le MQL est resté sans décision plus de deux jours : {owner} attendait l'avis de "
            "l'avant-vente sur le périmètre.",
            "On décide d'abord (accepté ou recyclé), on demande l'avis ensuite.",
            "Ajouter l'avant-vente au canal du pod pour les questions de périmètre",
        ),
        (
            "{owner} ne savait pas quel motif choisir pour un lead déjà client d'un partenaire.",
            "Le motif « déjà en cycle » couvre ce cas ; le marketing complète la fiche des motifs.",
            "Compléter la fiche des motifs de rejet avec des exemples",
        ),
        (
            "Lead en doublon d'un compte suivi par un autre pod : la décision a attendu "
            "l'arbitrage.",
            "Le lead revient au pod qui suit le compte ; décision par lui dans la journée.",
            "Vérifier les doublons de comptes entre pods avec la RevOps",
        ),
    ],
    "mql_volume": [
        (
            "Le trimestre finit sous l'engagement de MQL : le salon d'automne a moins rendu que "
            "prévu et l'e-mailing de septembre a été décalé.",
            "Le marketing présente un plan de rattrapage ; l'engagement du trimestre suivant est "
            "maintenu.",
            "Présenter le plan de rattrapage des MQL au prochain comité",
        ),
        (
            "Volume de MQL sous l'engagement : l'été a été plus calme que les années précédentes.",
            "L'engagement d'été sera saisonnalisé dans le prochain contrat.",
            "Proposer un engagement de MQL saisonnalisé pour le contrat suivant",
        ),
    ],
    "acceptance": [
        (
            "Taux d'acceptation sous le plancher : les leads de salon sans projet ont pesé.",
            "Les scans de badge passent par la qualification de l'équipe SDR avant d'être MQL.",
            "Mettre les scans de badge en file de qualification",
        ),
    ],
}

# -- feedback ----------------------------------------------------------------------------------
FEEDBACK_MINUTES = [
    "{votes_text} Le sujet revient dans plusieurs pods ; le marketing reprend l'analyse.",
    "{votes_text} Les commerciaux citent deux affaires en cours où la question s'est posée.",
    "{votes_text} On vérifie d'abord combien de comptes sont concernés.",
    "{votes_text} Le pod confirme : c'est la question qui revient en premier au téléphone.",
]
VOTES = ["Pas encore de +1.", "Un +1.", "{n} +1 de l'équipe."]
FEEDBACK_DECISION = {
    "acknowledged": "Pris en compte : le marketing instruit le sujet avant de s'engager.",
    "planned": "Le marketing s'engage : c'est planifié pour les prochaines semaines.",
    "done": "Réponse déjà prête : le marketing la publie et clôt la remontée.",
    "wont_do": "Hors du périmètre produit : on ne le fera pas, et on explique pourquoi au pod.",
}
FEEDBACK_ACTION = [
    "Répondre sur la remontée « {title} » avec ce qui change",
    "Chiffrer le nombre d'affaires concernées par « {title} »",
    "Préparer un argumentaire sur « {title} » pour le kit commercial",
]

# -- goals -------------------------------------------------------------------------------------
GOAL_MINUTES = [
    "En retard sur le rythme attendu à ce stade du trimestre ; l'écart vient surtout du mois "
    "dernier.",
    "Juste sous la trajectoire : les affaires de fin de trimestre devraient combler l'écart.",
    "L'objectif reste atteignable si les deux salons du mois tiennent leurs promesses.",
]
GOAL_ACTION = [
    "Lister les affaires qui peuvent encore entrer ce trimestre",
    "Proposer une relance ciblée des MQL recyclés du trimestre",
]
QBR_ITEMS = [
    ("Bilan du trimestre face aux objectifs", "Bilan partagé : le pipeline tient, les MQL "
     "juste sous l'engagement ; l'acceptation remonte depuis le relèvement du seuil."),
    ("Contrat de SLA du trimestre suivant", "Le contrat est reconduit ; le délai de premier "
     "contact du pod Grands comptes reste à 2 heures ouvrées."),
    ("Budgets et priorités du trimestre qui commence", "Priorité aux salons du secteur "
     "santé et à l'ABM Grands comptes ; le budget LinkedIn est réduit de 10 %."),
]  # fmt: skip
QBR_ACTION = [
    "Envoyer la synthèse de la revue au comité de direction",
    "Mettre à jour le contrat de SLA et le faire signer par les deux responsables",
]

# -- campaigns: overrides and debriefs ---------------------------------------------------------
OVERRIDE_MINUTES = (
    "Lancée sans l'accord des ventes. Le marketing explique la contrainte de date ; le pod "
    "concerné dit ce qui lui a manqué dans le kit."
)
OVERRIDE_DECISION = (
    "Pour les dates imposées, la relecture commerciale est demandée trois semaines avant au "
    "plus tard ; un lancement sans accord reste l'exception, justifiée par écrit."
)
DEBRIEF_MINUTES = [
    "Débrief présenté : les commerciaux confirment la qualité des leads ; on garde le format.",
    "Débrief présenté : bons volumes mais des leads trop tôt dans leur projet.",
    "Débrief présenté : les leçons des deux côtés concordent ; rien à ajouter.",
    "Débrief présenté : le marketing reprend le ciblage, les ventes reprennent les relances.",
]
DEBRIEF_DECISION = "Leçons retenues pour la prochaine campagne de ce type ; le débrief est clos."
DEBRIEF_ACTION = "Reporter les leçons du débrief dans le modèle de brief ({campaign})"

# -- rejection reasons -------------------------------------------------------------------------
REJECTIONS_TITLE = "Motif de rejet en hausse : {label}"
REJECTIONS_MINUTES = (
    "« {label} » passe de {before} % à {after} % des rejets sur quatre semaines. Les "
    "commerciaux donnent des exemples ; le marketing regarde quelles sources sont en cause."
)
REJECTIONS_ACTION = "Analyser les leads rejetés pour « {label} » par source et campagne"

# -- carried action items ----------------------------------------------------------------------
ACTION_OPEN = [
    "En cours : {owner} fait le point, pas de blocage.",
    "En cours : {owner} attend un retour de l'autre équipe.",
]
ACTION_LATE = [
    "En retard (échéance le {due}) : {owner} s'engage pour la semaine prochaine.",
    "En retard (échéance le {due}) : la fin de trimestre est passée avant ; {owner} garde le "
    "sujet.",
]

# -- hand-added lines of a pod meeting ---------------------------------------------------------
POD_MANUAL = [
    ("Tour de table des MQL de la semaine", "Chacun présente ses MQL en attente ; deux leads "
     "changent de main pour équilibrer la charge."),
    ("Comptes chauds du pod", "Trois comptes montrent des signaux d'achat (visites de la page "
     "tarifs, webinar) : le marketing prépare une séquence dédiée."),
    ("Calendrier des campagnes du mois", "Le marketing présente les envois du mois ; les "
     "commerciaux bloquent des créneaux d'appel les jours d'envoi."),
    ("Retour sur les rendez-vous de la semaine", "Les commerciaux racontent deux rendez-vous ; "
     "une objection revient sur le délai de déploiement."),
    ("Préparation du prochain webinar", "Le pod choisit le cas client à présenter et qui "
     "rappelle les inscrits le lendemain."),
]  # fmt: skip
POD_ACTION = [
    "Préparer la séquence de relance des comptes chauds",
    "Partager la liste des inscrits au webinar avec les SDR du pod",
    "Mettre à jour les fiches des comptes discutés",
]

# -- vis-ma-vie --------------------------------------------------------------------------------
PROGRAMME_NAME = "Vis ma vie — {season} {year}"
SEASONS = {"spring": "printemps", "autumn": "automne"}
PROGRAMME_DESCRIPTION = (
    "Une journée dans la vie de l'autre : chaque marketeur passe une journée avec un "
    "commercial (appels, rendez-vous, décisions sur les MQL), chaque commercial une journée "
    "au marketing (brief, ciblage, préparation d'un webinar). Objectifs d'apprentissage avant, "
    "débrief après."
)
GOALS: dict[str, list[str]] = {
    "marketer": [
        "Comprendre comment un commercial décide d'accepter ou de recycler un MQL.",
        "Entendre les objections en direct pendant les appels de découverte.",
        "Voir ce que deviennent les leads de mes campagnes une fois chez les commerciaux.",
        "Savoir quelles informations du lead servent vraiment au premier appel.",
    ],
    "marketing_manager": [
        "Mesurer la charge réelle des SDR un lundi matin après un week-end de formulaires.",
    ],
    "sdr": [
        "Comprendre comment le score d'un lead est calculé et pourquoi il devient MQL.",
        "Voir comment une campagne se prépare, du brief au ciblage.",
        "Savoir d'où viennent les leads que j'appelle et ce qu'on leur a promis.",
    ],
    "sales_rep": [
        "Comprendre comment le marketing choisit les thèmes des webinars.",
        "Voir comment les contenus du kit commercial sont produits.",
        "Comprendre les arbitrages de budget entre salons et LinkedIn.",
    ],
    "sales_manager": [
        "Comprendre le calendrier du marketing pour mieux caler les relances de l'équipe.",
    ],
}
SURPRISED: dict[str, list[str]] = {
    "marketing": [
        "Le temps passé à chercher un numéro de téléphone valide avant même d'appeler.",
        "Un commercial décide d'un MQL en moins de deux minutes, souvent sur le poste du contact.",
        "Les prospects ne se souviennent presque jamais du contenu qu'ils ont téléchargé.",
        "Le nombre de leads déjà en discussion avec un autre commercial du même compte.",
        "À quel point le prix est discuté dès le premier appel, avant toute démonstration.",
    ],
    "sales": [
        "Un webinar se prépare six semaines à l'avance, avec trois relectures.",
        "Le score d'un lead bouge chaque jour : un lead peut devenir MQL un dimanche sans "
        "avoir rien fait de nouveau.",
        "Le marketing reçoit chaque semaine des dizaines de demandes de contenus des commerciaux.",
        "Les campagnes LinkedIn se pilotent au jour le jour, avec un budget qui se dépense vite.",
        "Le marketing ne voit pas nos notes d'appel : il ne sait pas pourquoi un lead est recyclé.",
        "Le ciblage d'un e-mailing se discute pendant une heure pour un seul critère.",
        "Un salon se prépare trois mois avant : stand, invitations, rendez-vous à caler.",
        "Le marketing suit chaque semaine le taux d'acceptation de nos décisions sur les MQL.",
    ],
}
WILL_CHANGE: dict[str, list[str]] = {
    "marketing": [
        "Rendre le téléphone obligatoire sur les formulaires de nos pages d'offre.",
        "Mettre le contenu téléchargé et la date en tête de la fiche du lead.",
        "Écouter un appel de découverte par mois avec le pod.",
        "Annoncer au pod chaque envoi la veille, avec le volume attendu.",
        "Relire mes briefs avec la question « qu'est-ce que le commercial dira au premier "
        "appel ? ».",
    ],
    "sales": [
        "Saisir un motif de rejet précis au lieu de « autre ».",
        "Partager mes notes d'appel sur les leads recyclés avec le marketeur du pod.",
        "Relire les briefs de campagne du pod dans les deux jours.",
        "Proposer chaque mois un cas client pour le webinar.",
        "Remonter les objections du terrain dans l'outil plutôt qu'à la machine à café.",
        "Prévenir le marketing quand un compte chaud entre en cycle de vente.",
        "Rappeler les inscrits d'un webinar dans les deux jours qui suivent.",
        "Lire le brief d'une campagne avant d'appeler les leads qu'elle amène.",
    ],
}
# the salespeople's surprises that become field feedback (the first two sales debriefs written
# say them): surprise → (kind, title)
EXCHANGE_FEEDBACK: dict[str, tuple[str, str]] = {
    SURPRISED["sales"][4]: (
        "lead_quality",
        "Vis ma vie : le marketing ne voit pas pourquoi un lead est recyclé",
    ),
    SURPRISED["sales"][1]: (
        "content_request",
        "Vis ma vie : expliquer aux commerciaux comment un lead devient MQL",
    ),
}
EXCHANGE_MINUTES = (
    "Débrief du vis-ma-vie présenté par {owner}. Le comité retient l'idée : elle touche les "
    "deux équipes."
)
EXCHANGE_DECISION = "On essaie pendant un mois dans un pod, puis on décide de l'étendre."
EXCHANGE_ACTION = "Lancer l'essai issu du vis-ma-vie dans le pod et le mesurer"
