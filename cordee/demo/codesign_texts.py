"""What the demo's co-design story says, in French: each campaign's theme (target pods, segment,
persona, product), the brief of each channel, the remarks sales makes on a field of the brief
(and the change it brings), the readiness kits' objections and FAQ, the ratings' comments and the
debriefs' lessons. Each remark speaks of the field it is anchored to."""

from __future__ import annotations

from dataclasses import dataclass

from cordee.crm.models import Channel
from cordee.demo.common import of_place


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Theme:
    pattern: str  # matched against the campaign's name, lower-cased
    pods: tuple[str, ...]
    segment: tuple[str, ...]
    persona: str
    audience: str  # the persona in a few words
    product: str
    pain: str
    benefit: str
    proof: str
    objection: tuple[str, str]


THEMES: list[Theme] = [
    Theme(
        r"santé|clinique|biomédical|santexpo",
        ("Santé & Services",),
        ("Santé",),
        "Responsables biomédicaux, directeurs des services techniques et responsables qualité de "
        "cliniques et d'établissements de santé privés de plus de 100 lits.",
        "responsables biomédicaux et qualité des établissements de santé",
        "Altitude GMAO biomédicale",
        "La certification HAS demande de prouver la maintenance de chaque équipement, et les "
        "tableurs ne suffisent plus.",
        "tracer chaque intervention et sortir les preuves pour les experts-visiteurs en un clic",
        "À la Clinique du Parc (Lyon), 30 % d'interventions en retard en moins en six mois.",
        (
            "La DSI de l'établissement refusera un logiciel en SaaS.",
            "Hébergement certifié HDS en France et 40 cliniques clientes : proposez un échange "
            "avec la DSI de la Clinique du Parc.",
        ),
    ),
    Theme(
        r"agroalimentaire|fromagerie|traçabilité|cfia",
        ("Industrie Grand Est",),
        ("Agroalimentaire",),
        "Responsables qualité, directeurs de site et responsables production d'entreprises "
        "agroalimentaires de 50 à 1 000 salariés.",
        "responsables qualité et production de l'agroalimentaire",
        "Altitude Traçabilité",
        "Un audit IFS ou un rappel de lot se préparent encore à coups de classeurs et d'exports.",
        "retrouver un lot, de la matière première au client, en quelques minutes",
        "La Fromagerie Perrin retrouve un lot en 10 minutes au lieu de 4 heures.",
        (
            "Nos auditeurs IFS veulent des preuves papier.",
            "Les rapports d'Altitude sont acceptés en audit IFS et BRC : trois clients l'ont fait "
            "cette année, leurs rapports sont dans le kit.",
        ),
    ),
    Theme(
        r"entrepôt|supply|sitl|logisticien",
        ("Grands comptes",),
        ("Logistique", "Distribution"),
        "Directeurs supply chain, responsables d'entrepôts et directeurs des opérations de "
        "logisticiens et de distributeurs multi-sites.",
        "responsables supply chain et entrepôts",
        "Altitude Entrepôt",
        "Chaque entrepôt a ses fichiers, et personne ne voit la charge de tous les sites à la fois.",
        "piloter plusieurs entrepôts depuis un seul tableau de bord",
        "Transports Morel pilote ses 6 entrepôts sur un seul écran et a gagné 12 % de productivité.",
        (
            "Notre WMS fait déjà tout ça.",
            "Altitude Entrepôt ne remplace pas le WMS : il consolide les sites au-dessus de lui, "
            "connecteurs Reflex et Generix inclus.",
        ),
    ),
    Theme(
        r"btp|parc matériel",
        ("Grands comptes",),
        ("BTP",),
        "Directeurs matériel, chefs de parc et directeurs travaux d'entreprises de BTP de plus de "
        "50 salariés.",
        "chefs de parc et directeurs matériel du BTP",
        "Altitude Parc Matériel",
        "Les engins tombent en panne sur chantier faute de suivi des entretiens et des heures "
        "moteur.",
        "planifier l'entretien du parc à partir des heures moteur réelles",
        "Bâtiments Girard a réduit de 25 % les immobilisations d'engins en un an.",
        (
            "Nos chefs de chantier ne rempliront jamais une application.",
            "Les heures moteur remontent seules des boîtiers télématiques ; le chef de chantier "
            "ne fait qu'une photo en cas de panne.",
        ),
    ),
    Theme(
        r"décret tertiaire",
        ("Santé & Services", "Grands comptes"),
        ("Santé", "Éducation", "Distribution", "Logistique"),
        "Responsables des services généraux, du patrimoine et de l'énergie d'organisations "
        "multi-sites : établissements de santé, écoles, entrepôts et magasins.",
        "responsables patrimoine et services généraux multi-sites",
        "Altitude Patrimoine",
        "Le décret tertiaire impose de déclarer les consommations de chaque site, et les relevés "
        "sont éparpillés.",
        "centraliser les consommations de tous les sites et préparer la déclaration OPERAT",
        "Le Campus Rhodanien a préparé sa déclaration OPERAT en deux jours au lieu de trois "
        "semaines.",
        (
            "Notre fournisseur d'énergie nous donne déjà les consommations.",
            "Par contrat et par compteur, pas par bâtiment ni par activité : Altitude les "
            "rapproche des surfaces, ce que demande OPERAT.",
        ),
    ),
    Theme(
        r"iso 9001|non-conformit",
        ("Industrie Grand Est", "Santé & Services"),
        ("Industrie", "Santé"),
        "Responsables qualité et directeurs de site de PME et ETI industrielles et "
        "d'établissements de santé certifiés ISO 9001.",
        "responsables qualité certifiés ISO 9001",
        "Altitude Qualité",
        "Les non-conformités se suivent dans des tableurs, et l'audit de surveillance arrive vite.",
        "suivre chaque non-conformité jusqu'à l'action corrective, preuves comprises",
        "Laboratoires Fournier ont passé leur audit de renouvellement sans écart majeur.",
        (
            "Notre logiciel qualité actuel suffit.",
            "Demandez combien de temps prend la revue de direction : Altitude la prépare en une "
            "heure à partir des non-conformités.",
        ),
    ),
    Theme(
        r"industri|trs|maintenance|plasturgie|papier|lean|intelligence|ia générative"
        r"|planification|sido|gmao|nexalys|hauts-de-france",
        ("Industrie Grand Est",),
        ("Industrie",),
        "Directeurs industriels, responsables maintenance et responsables production de PME et "
        "ETI industrielles de 50 à 1 000 salariés.",
        "directeurs industriels et responsables maintenance",
        "Altitude MES",
        "Les arrêts de ligne non planifiés coûtent cher et le TRS se calcule encore à la main.",
        "suivre le TRS en temps réel et anticiper les pannes",
        "Plastiques Bernard a gagné 9 points de TRS en un an sur ses presses.",
        (
            "Nos opérateurs n'ont pas le temps de saisir des données.",
            "Les arrêts remontent des automates ; l'opérateur ne qualifie la cause qu'en deux "
            "touches sur la tablette de ligne.",
        ),
    ),
]
# campaigns for every pod (the user days, the newsletter, invitations, re-activation)
EVERYONE = Theme(
    "",
    ("Industrie Grand Est", "Santé & Services", "Grands comptes"),
    (),
    "Clients et prospects de toutes nos cibles : directions industrielles, qualité, supply chain "
    "et services techniques.",
    "clients et prospects",
    "la Suite Altitude",
    "Nos clients et prospects n'ont pas tous vu ce qui a changé dans Altitude cette année.",
    "tirer parti des nouveautés de la suite",
    "Plus de 300 sites industriels, de santé et logistiques utilisent Altitude chaque jour.",
    (
        "Nous sommes déjà clients, pourquoi changer de version ?",
        "La v5 apporte le mode hors ligne et les tableaux de bord multi-sites ; la migration est "
        "incluse dans le contrat de maintenance.",
    ),
)


@dataclass(frozen=True)
class Parts:
    """The words of a brief for one campaign (channel × theme × the campaign's name)."""

    objective: str
    message: str
    offer: str
    call_to_action: str
    success: str
    trigger: str  # what the lead did, as the rep recalls it on the phone


def brief_parts(channel: str, name: str, theme: Theme, key: str) -> Parts:
    """``key``: the date of the webinar or the show, in words (« mardi 10 mars »)."""
    lower = name.lower()
    topic = name.split(" — ", 1)[-1]
    aud, product = theme.audience, theme.product
    if channel == Channel.WEBINAR:
        return Parts(
            f"Générer {{mqls}} MQL auprès des {aud} avec le webinar « {topic} » du {key}, et en "
            "faire au moins {sqls} SQL dans les 30 jours.",
            f"{theme.pain} En 45 minutes, un client et un expert Altitude montrent comment "
            f"{theme.benefit} avec {product}.",
            f"Webinar gratuit de 45 minutes le {key} à 11 h, questions en direct ; replay et "
            "support envoyés à tous les inscrits.",
            f"S'inscrire au webinar du {key}",
            "{mqls} MQL et {sqls} SQL ; au moins 40 % des inscrits présents en direct.",
            f"son inscription au webinar « {topic} »",
        )
    if channel == Channel.EVENT and "utilisateurs" in lower:
        return Parts(
            "Réunir clients et prospects invités aux Journées utilisateurs, présenter la feuille "
            "de route v5 et en tirer {mqls} MQL, dont {sqls} SQL, parmi les prospects invités.",
            f"{theme.pain} Deux jours d'ateliers et de retours d'expérience pour {theme.benefit}.",
            "Deux jours d'ateliers produit, la feuille de route v5 et des témoignages clients ; "
            "inscription gratuite pour les clients et leurs invités.",
            "S'inscrire aux Journées utilisateurs",
            "{mqls} MQL parmi les prospects invités, {sqls} SQL, 80 % des clients inscrits "
            "présents.",
            "sa venue aux Journées utilisateurs",
        )
    if channel == Channel.EVENT:
        show = name.split(" — ")[0]
        city = name.split(" — ")[-1]
        return Parts(
            f"Rencontrer les {aud} sur le stand Altitude du salon {show} à {city} ({key}) : "
            "{mqls} MQL et {sqls} SQL.",
            f"{theme.pain} Sur le stand, une démonstration {of_place(product)} sur un cas réel montre "
            f"comment {theme.benefit}.",
            f"Badge d'entrée offert et démonstration de 20 minutes {of_place(product)} sur le stand, "
            "sur rendez-vous.",
            "Réserver un créneau de démonstration sur le stand",
            "{mqls} MQL scannés et qualifiés sur le stand, {sqls} SQL dans les 45 jours.",
            f"sa visite sur notre stand au salon {show}",
        )
    if channel == Channel.LINKEDIN and "lead gen" in lower:
        asset = topic[0].lower() + topic[1:]
        return Parts(
            f"Collecter {{mqls}} MQL auprès des {aud} avec une campagne LinkedIn Lead Gen autour "
            f"du {asset}, et en faire {{sqls}} SQL.",
            f"{theme.pain} Le {asset} explique, exemples chiffrés à l'appui, comment "
            f"{theme.benefit}.",
            f"Le {asset}, gratuit, à télécharger depuis un formulaire LinkedIn pré-rempli.",
            f"Télécharger le {asset}",
            "{mqls} MQL, {sqls} SQL, coût par MQL sous 150 €.",
            f"le téléchargement du {asset} sur LinkedIn",
        )
    if channel == Channel.LINKEDIN:
        return Parts(
            f"Toucher les {aud} sur LinkedIn et obtenir {{mqls}} MQL, dont {{sqls}} SQL, avec "
            "une offre de diagnostic.",
            f"{theme.pain} {_capital(product)} permet de {theme.benefit}.",
            f"Diagnostic gratuit de 30 minutes avec un expert {product}, sur vos propres données.",
            "Demander un diagnostic gratuit",
            "{mqls} MQL, {sqls} SQL, taux de clic supérieur à 0,6 %.",
            "sa demande de diagnostic sur LinkedIn",
        )
    if channel == Channel.EMAILING:
        if "migration" in lower:
            offer = (
                "Migration vers Altitude v5 incluse (reprise des données et une journée de "
                "formation) pour toute commande d'extension signée avant la fin du trimestre."
            )
            cta = "Planifier ma migration vers la v5"
        elif "invitation" in lower:
            offer = "Badge gratuit pour nos prochains salons et rendez-vous garanti sur le stand."
            cta = "Demander mon badge gratuit"
        elif "réactivation" in lower:
            offer = "Un audit flash de 20 minutes pour refaire le point sur le projet mis en pause."
            cta = "Reprendre contact avec un expert"
        elif "étude de cas" in lower:
            offer = (
                "L'étude de cas complète de la Fromagerie Perrin (gains mesurés sur 12 mois) et "
                "une visite de site possible."
            )
            cta = "Télécharger l'étude de cas"
        else:
            offer = "Un dossier de fond chaque mois et une étude de cas client, sans engagement."
            cta = "Lire le dossier du mois"
        return Parts(
            f"Relancer les {aud} de notre base avec l'e-mail « {topic} » : {{mqls}} MQL et "
            "{sqls} SQL.",
            f"{theme.pain} {_capital(product)} permet de {theme.benefit}.",
            offer,
            cta,
            "{mqls} MQL, {sqls} SQL, taux d'ouverture supérieur à 30 %.",
            f"son clic dans l'e-mail « {topic} »",
        )
    if channel == Channel.OUTBOUND:
        return Parts(
            f"Ouvrir {{sqls}} opportunités auprès des {aud} ({topic}) par une séquence outbound "
            "de 60 jours (e-mail, téléphone, LinkedIn) menée par les SDR : {mqls} MQL.",
            f"{theme.pain} {_capital(product)} permet de {theme.benefit}.",
            "Diagnostic de maturité de 45 minutes, en visio ou sur site, restitué par écrit.",
            "Prendre rendez-vous pour un diagnostic",
            "{mqls} MQL, {sqls} SQL, 15 % de réponses à la séquence.",
            "sa réponse à notre séquence",
        )
    # partners
    if "webinar" in lower:
        offer = (
            "Co-webinar avec Nexalys Conseil : la méthode de déploiement en 90 jours et le "
            "témoignage d'un client commun."
        )
        cta = "S'inscrire au co-webinar"
    else:
        offer = (
            "Petit-déjeuner de 2 heures chez nos intégrateurs de Lille, Arras et Amiens : "
            "démonstration et retours clients."
        )
        cta = "S'inscrire à l'étape la plus proche"
    return Parts(
        f"Avec nos partenaires intégrateurs, faire venir les {aud} ({topic}) : {{mqls}} MQL et "
        "{sqls} SQL partagés avec le partenaire.",
        f"{theme.pain} Avec un intégrateur proche de chez eux, {product} permet de "
        f"{theme.benefit}.",
        offer,
        cta,
        "{mqls} MQL, {sqls} SQL, 3 opportunités co-vendues avec le partenaire.",
        "sa venue à l'événement de notre partenaire",
    )


# -- what sales says on a field, and what changes ------------------------------------------------

# field, the rep's remark (anchored to the field), the marketer's answer, the change:
# "+text" appended to the field, "=text" replaces it, "lower" lowers the expected MQLs
REMARKS: list[tuple[str, str, str, str]] = [
    (
        "offer",
        "L'offre reste vague pour nos prospects : que gagnent-ils concrètement ? Un diagnostic "
        "sur leur cas parlerait plus qu'une présentation.",
        "Bien vu : l'offre inclut maintenant un diagnostic de 30 minutes avec un consultant.",
        "+Chaque participant peut réserver un diagnostic de 30 minutes avec un consultant.",
    ),
    (
        "offer",
        "Sur l'offre : sans geste commercial, les DAF ne bougeront pas. Peut-on offrir les frais "
        "de mise en service ?",
        "D'accord : frais de mise en service offerts jusqu'à la fin du trimestre, c'est dans "
        "l'offre.",
        "+Frais de mise en service offerts pour toute commande avant la fin du trimestre.",
    ),
    (
        "persona",
        "Le persona est trop large : la dernière fois, la moitié des contacts étaient des "
        "étudiants ou des consultants. Ciblons les décideurs en poste.",
        "Oui : étudiants et consultants sont exclus du ciblage et du formulaire.",
        "+Hors étudiants, consultants et prestataires : décideurs et prescripteurs en poste.",
    ),
    (
        "persona",
        "Ajoutez les DAF au persona : ce sont eux qui signent dans les ETI, et nous les "
        "découvrons trop tard dans le cycle.",
        "Ajouté : le DAF comme co-décideur, avec un argument de retour sur investissement.",
        "+Le directeur administratif et financier est visé comme co-décideur.",
    ),
    (
        "message",
        "Le message parle de fonctionnalités ; nos clients achètent un résultat. Citez un chiffre "
        "client dans le message.",
        "Message revu avec le résultat mesuré chez un client de référence.",
        "+{proof}",
    ),
    (
        "message",
        "Attention, le message laisse croire qu'on remplace l'ERP : ça inquiète les DSI. Nous "
        "nous connectons à l'ERP en place.",
        "Corrigé : le message insiste sur l'intégration à l'ERP existant.",
        "+Altitude se connecte à l'ERP en place : aucun projet de remplacement.",
    ),
    (
        "call_to_action",
        "L'appel à l'action s'arrête au contenu : ajoutons la prise de rendez-vous, pour que les "
        "leads chauds arrivent directement chez un commercial.",
        "Ajouté : l'appel à l'action propose aussi un rendez-vous avec un commercial.",
        "+, ou prendre rendez-vous avec un commercial",
    ),
    (
        "expected_mqls",
        "{mqls} MQL attendus, c'est beaucoup au vu des dernières campagnes de ce type ; je "
        "préfère un objectif de MQL tenable et des leads mieux qualifiés.",
        "Objectif ramené à {new} MQL ; les SQL et le pipeline attendus suivent.",
        "lower",
    ),
    (
        "success_criteria",
        "Dans les critères de succès, ajoutez le taux d'acceptation par les ventes : le nombre "
        "de MQL seul ne dit rien de leur qualité.",
        "Ajouté : au moins 50 % des MQL acceptés par les ventes sous 5 jours ouvrés.",
        "+Au moins 50 % des MQL acceptés par les ventes sous 5 jours ouvrés.",
    ),
]
# questions that change nothing: field, question, answer
QUESTIONS: list[tuple[str, str, str]] = [
    (
        "call_to_action",
        "L'appel à l'action mène-t-il à un formulaire court ? Sur mobile, les longs formulaires "
        "font fuir.",
        "Oui : quatre champs seulement, testé sur mobile.",
    ),
    (
        "offer",
        "L'offre est-elle ouverte aux clients actuels qui étendent leur périmètre, ou seulement "
        "aux nouveaux clients ?",
        "Les deux : nouveaux clients et extensions de périmètre.",
    ),
    (
        "persona",
        "Les responsables maintenance sont-ils bien dans le persona ? Ce sont eux qui remontent "
        "le besoin.",
        "Oui, comme prescripteurs ; le message leur parle directement.",
    ),
    (
        "message",
        "Le message me va. Les relances e-mail reprendront-elles le même message ?",
        "Oui, mot pour mot, pour que vos appels restent cohérents.",
    ),
    (
        "segment",
        "Le segment comprend-il les comptes déjà en cycle de vente ? Je ne veux pas qu'ils "
        "reçoivent l'offre de découverte.",
        "Non : les comptes avec une opportunité ouverte sont exclus du segment.",
    ),
]
APPROVAL_NOTES = [
    "",
    "",
    "RAS, bon pour nous.",
    "Validé. Prévenez-nous de la date d'envoi pour caler les rappels.",
    "OK pour le pod.",
    "Bon pour le lancement.",
]
THANKS = [
    "Parfait, merci pour la correction.",
    "Merci, c'est bon pour moi.",
    "Top, je valide de mon côté.",
]

SALON_REASON = (
    "Le salon {show} ouvre le {key} : stand et badges sont payés, la date ne bouge pas. Les "
    "remarques {of_reviewer} sur l'offre seront reprises dans le kit ; point en comité."
)
LEAVE_REASON = (
    "{reviewer}, qui relit les briefs du pod {pod}, est en congés jusqu'au {back} et l'événement est annoncé "
    "depuis trois semaines. Marc a relu le brief avec moi ; validation écrite à son retour."
)
BUDGET_NOTE = "Budget revu après l'arbitrage trimestriel."

# -- the readiness kit ----------------------------------------------------------------------------

OBJECTIONS: list[tuple[str, str]] = [
    (
        "C'est trop cher pour nous.",
        "Comparez au coût d'un arrêt ou d'un audit raté : nos clients rentabilisent en 14 mois "
        "en moyenne. Proposez un chiffrage sur leur cas.",
    ),
    (
        "Nous avons déjà un ERP qui fait ça.",
        "Altitude se connecte à l'ERP en place (SAP, Sage, Cegid) : on complète, on ne remplace "
        "pas.",
    ),
    (
        "Nous n'avons pas le temps de déployer un nouveau logiciel.",
        "Déploiement type en 90 jours avec un chef de projet Altitude ; un premier site en "
        "production en 6 semaines.",
    ),
    (
        "Où sont hébergées nos données ?",
        "En France, chez un hébergeur certifié ISO 27001 (HDS pour la santé), contrat conforme "
        "au RGPD.",
    ),
    (
        "Rivalis propose deux mois d'essai gratuit.",
        "Proposez un pilote de 30 jours sur un site, avec leurs données réelles ; la battle card "
        "Rivalis est dans les ressources.",
    ),
    (
        "Ce n'est pas le moment, on verra l'an prochain.",
        "Demandez la date du prochain audit ou du prochain budget, et proposez un diagnostic "
        "maintenant pour préparer ce budget.",
    ),
]
FAQ: dict[str, list[tuple[str, str]]] = {
    Channel.WEBINAR: [
        ("Le replay est-il envoyé aux inscrits absents ?", "Oui, le lendemain, avec le support."),
        (
            "Comment savoir qui a assisté en direct ?",
            "Sur la fiche du lead : le point de contact « Webinaire suivi ».",
        ),
    ],
    Channel.EVENT: [
        (
            "Comment sont notés les contacts scannés sur le stand ?",
            "Chaque scan porte la note du collègue présent (chaud, tiède, froid), importée avec "
            "le lead.",
        ),
        (
            "Les démonstrations réservées ont-elles priorité ?",
            "Oui : rappel sous 48 heures ouvrées.",
        ),
    ],
    Channel.LINKEDIN: [
        (
            "Que contient le formulaire LinkedIn ?",
            "Nom, fonction, entreprise, taille et e-mail professionnel ; pas de téléphone : "
            "passez par le standard.",
        ),
    ],
    Channel.EMAILING: [
        (
            "À qui l'e-mail a-t-il été envoyé ?",
            "Aux contacts consentants du segment, hors comptes en litige et hors leads ouverts "
            "depuis moins de 30 jours.",
        ),
    ],
    Channel.OUTBOUND: [
        (
            "Qui relance après la séquence ?",
            "Le SDR du pod pendant 10 jours ouvrés, puis le lead passe en nurturing.",
        ),
    ],
    Channel.PARTNER: [
        (
            "Qui suit les leads apportés par le partenaire ?",
            "Le commercial du pod, avec le consultant du partenaire en copie ; la commission est "
            "notée sur l'opportunité.",
        ),
    ],
}
FAQ_ALL = [
    (
        "Où trouver les tarifs à jour ?",
        "Grille de l'année sur l'intranet, page Tarifs ; au-delà de 15 % de remise, validation "
        "par Marc.",
    ),
]


def talk_track(parts: Parts, theme: Theme, offer: str) -> str:
    return (
        f"Ouverture : rappelez {parts.trigger}. Découverte : « {theme.pain} Est-ce votre cas ? » "
        f"Proposition : {offer[0].lower()}{offer[1:]} Conclusion : un rendez-vous de 30 minutes "
        f"avec une démonstration {of_place(theme.product)}."
    )


# -- the debrief ----------------------------------------------------------------------------------

POOR: dict[str, str] = {
    Channel.WEBINAR: "Surtout des étudiants et des consultants inscrits pour le contenu ; très "
    "peu de décideurs joignables.",
    Channel.EVENT: "Des badges scannés sans vraie conversation, et des numéros de téléphone "
    "faux pour un tiers des contacts.",
    Channel.LINKEDIN: "Des formulaires remplis par des profils juniors hors cible ; aucun "
    "projet avant l'an prochain.",
    Channel.EMAILING: "Des clics sans intention : la plupart ne se souvenaient même pas de "
    "l'e-mail.",
    Channel.OUTBOUND: "Des entreprises trop petites pour notre offre, souvent moins de 20 "
    "salariés.",
    Channel.PARTNER: "Des contacts du partenaire déjà équipés chez un concurrent, sans projet de "
    "changement.",
}
RATING_COMMENTS: dict[int, list[str]] = {
    1: [
        "Aucun lead exploitable : ils étaient hors cible ou injoignables, je n'ai pu en qualifier "
        "aucun.",
    ],
    3: [
        "Moitié-moitié : de vrais projets, mais aussi beaucoup de curieux sans budget.",
        "Qualité moyenne : peu de décideurs, il a fallu remonter à la direction à chaque fois.",
    ],
    4: [
        "Bons leads dans l'ensemble ; quelques contacts encore loin d'un projet.",
        "Plutôt qualifiés ; il manquait parfois la taille de l'entreprise dans la fiche.",
    ],
    5: [
        "Excellents leads : de vrais projets avec un budget, deux opportunités ouvertes dès la "
        "première semaine.",
        "Très bons contacts, tous décideurs ; le kit m'a servi à chaque appel.",
    ],
}
LESSONS_MARKETING_GOOD = [
    "Le ciblage par fonction a payé : {rate} % des MQL acceptés par les ventes. À refaire avec "
    "le même persona et la même offre.",
    "L'offre de diagnostic convertit mieux que le contenu seul ({rate} % d'acceptation) : on la "
    "garde pour la prochaine vague.",
]
LESSONS_MARKETING_POOR = [
    "Trop de contacts hors cible ({rate} % seulement d'acceptation) : champ fonction "
    "obligatoire et étudiants exclus du scoring dès la prochaine campagne.",
    "Le volume était là, pas la qualité ({rate} % d'acceptation) : moins de budget sur "
    "l'audience large, plus sur les comptes ciblés du pod.",
]
LESSONS_SALES_GOOD = [
    "Rappeler sous 24 heures fait la différence : les leads rappelés le jour même ont presque "
    "tous accepté un rendez-vous.",
    "Le kit était utile, surtout les réponses aux objections sur l'ERP ; à garder tel quel.",
]
LESSONS_SALES_POOR = [
    "Nous avons rappelé certains leads trop tard : à traiter sous 48 heures, et prévenir les "
    "SDR une semaine avant pour bloquer du temps.",
    "Les fiches manquaient de contexte : ajouter la question posée par le contact et sa "
    "fonction exacte.",
]
