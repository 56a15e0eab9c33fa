"""Small hand-written French lists the demo generator draws from (no Faker)."""

from __future__ import annotations

# (first name, gender) — common French first names of working-age adults.
FIRST_NAMES_F = [
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Sandrine", "Valérie", "Christine",
    "Céline", "Stéphanie", "Aurélie", "Julie", "Émilie", "Caroline", "Laure", "Sophie", "Camille",
    "Pauline", "Claire", "Anne", "Élodie", "Virginie", "Hélène", "Agnès", "Charlotte", "Marion",
    "Mathilde", "Lucie", "Manon", "Sarah", "Léa", "Inès", "Audrey", "Karine", "Florence",
    "Delphine", "Laetitia", "Émilie", "Chloé", "Anaïs", "Amandine", "Justine", "Nadia", "Yasmina",
]  # fmt: skip
FIRST_NAMES_M = [
    "Jean", "Philippe", "Michel", "Alain", "Patrick", "Nicolas", "Christophe", "Pierre", "Laurent",
    "Frédéric", "Stéphane", "Éric", "David", "Olivier", "Julien", "Sébastien", "Thomas", "Vincent",
    "Guillaume", "Jérôme", "François", "Antoine", "Maxime", "Romain", "Alexandre", "Benoît",
    "Mathieu", "Cédric", "Fabrice", "Arnaud", "Damien", "Hugo", "Lucas", "Théo", "Kevin",
    "Bruno", "Xavier", "Yannick", "Thierry", "Pascal", "Karim", "Mehdi", "Samir", "Loïc",
]  # fmt: skip
LAST_NAMES = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval",
    "Denis", "Dumont", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier", "Brun", "Blanchard",
    "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier", "Arnaud", "Martinez",
    "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin", "Vidal", "Caron", "Picard",
    "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Olivier", "Bourgeois",
    "Benoît", "Rey", "Leclerc", "Rolland", "Guillaume", "Lecomte", "Lopez", "Dupuy", "Guillot",
    "Hubert", "Berger", "Carpentier", "Dupuis", "Moulin", "Deschamps", "Huet", "Vasseur",
    "Boucher", "Fleury", "Royer", "Klein", "Jacquet", "Adam", "Poirier", "Marty", "Aubry",
    "Guyot", "Carré", "Renault", "Charpentier", "Ménard", "Maillard", "Baron", "Bertin",
    "Bailly", "Hervé", "Schneider", "Le Gall", "Collet", "Léger", "Bouvier", "Julien", "Prévost",
    "Millet", "Perrot", "Germain", "Breton", "Besson", "Langlois", "Rémy", "Le Goff",
    "Pelletier", "Lévêque", "Perrier", "Leblanc", "Lebrun", "Marchal", "Weber", "Mallet",
    "Hamon", "Boulanger", "Jacob", "Monnier", "Michaud", "Guichard", "Gillet", "Étienne",
    "Tessier", "Chauvin", "Da Silva", "Bouchet", "Lemaître", "Haddad", "Benali", "Nguyen",
]  # fmt: skip

# region -> (weight, cities, phone area digit)
REGIONS: dict[str, tuple[int, list[str], str]] = {
    "Île-de-France": (22, ["Paris", "Boulogne-Billancourt", "Saint-Denis", "Nanterre", "Créteil", "Versailles", "Massy", "Cergy", "Montreuil", "Argenteuil"], "1"),
    "Auvergne-Rhône-Alpes": (14, ["Lyon", "Grenoble", "Saint-Étienne", "Clermont-Ferrand", "Annecy", "Villeurbanne", "Valence", "Chambéry", "Roanne", "Oyonnax"], "4"),
    "Grand Est": (10, ["Strasbourg", "Metz", "Nancy", "Reims", "Mulhouse", "Colmar", "Troyes", "Épinal", "Charleville-Mézières", "Thionville"], "3"),
    "Hauts-de-France": (9, ["Lille", "Amiens", "Roubaix", "Dunkerque", "Valenciennes", "Arras", "Compiègne", "Tourcoing", "Beauvais"], "3"),
    "Nouvelle-Aquitaine": (8, ["Bordeaux", "Limoges", "Poitiers", "Pau", "La Rochelle", "Bayonne", "Angoulême", "Niort", "Mérignac"], "5"),
    "Occitanie": (8, ["Toulouse", "Montpellier", "Nîmes", "Perpignan", "Béziers", "Albi", "Castres", "Rodez", "Tarbes"], "5"),
    "Provence-Alpes-Côte d'Azur": (7, ["Marseille", "Nice", "Toulon", "Aix-en-Provence", "Avignon", "Cannes", "Vitrolles", "Gap"], "4"),
    "Pays de la Loire": (6, ["Nantes", "Angers", "Le Mans", "Saint-Nazaire", "Cholet", "La Roche-sur-Yon", "Laval"], "2"),
    "Bretagne": (5, ["Rennes", "Brest", "Lorient", "Vannes", "Quimper", "Saint-Brieuc", "Lannion"], "2"),
    "Normandie": (5, ["Rouen", "Caen", "Le Havre", "Évreux", "Cherbourg-en-Cotentin", "Alençon"], "2"),
    "Bourgogne-Franche-Comté": (4, ["Dijon", "Besançon", "Belfort", "Chalon-sur-Saône", "Auxerre", "Montbéliard", "Mâcon"], "3"),
    "Centre-Val de Loire": (4, ["Tours", "Orléans", "Bourges", "Chartres", "Blois", "Châteauroux"], "2"),
}  # fmt: skip

REGION_ADJ_F = {
    "Île-de-France": "Francilienne",
    "Auvergne-Rhône-Alpes": "Rhodanienne",
    "Grand Est": "Lorraine",
    "Hauts-de-France": "Picarde",
    "Nouvelle-Aquitaine": "Aquitaine",
    "Occitanie": "Occitane",
    "Provence-Alpes-Côte d'Azur": "Provençale",
    "Pays de la Loire": "Ligérienne",
    "Bretagne": "Bretonne",
    "Normandie": "Normande",
    "Bourgogne-Franche-Comté": "Comtoise",
    "Centre-Val de Loire": "Tourangelle",
}

# industry -> (weight, name patterns). {s}: surname, {c}: city, {de_c}: « de » + city, elided
# (« d'Arras », « du Havre »), {a}: regional adjective (feminine)
INDUSTRIES: dict[str, tuple[int, list[str]]] = {
    "Industrie": (26, ["Mécanique {a}", "Forges {de_c}", "{s} Industries", "Usinage {s}", "Plastiques {s}", "Chaudronnerie {s}", "Ateliers {s} & Fils", "Fonderie {a}", "Découpe Laser {s}", "Électromécanique {s}", "Composites {s}", "Tôlerie {a}"]),
    "Agroalimentaire": (11, ["Fromagerie {s}", "Biscuiterie {de_c}", "Conserverie {a}", "Brasserie {a}", "Salaisons {s}", "Laiterie {s}", "Boulangeries {s}", "Confiserie {a}", "Charcuteries {s}"]),
    "BTP": (10, ["{s} Construction", "Bâtiments {s}", "Entreprise {s} TP", "Charpentes {s}", "Terrassements {s}", "Génie Civil {de_c}", "Menuiseries {s}"]),
    "Logistique": (9, ["Transports {s}", "Logistique {a}", "Entrepôts {de_c}", "{s} Transports & Logistique", "Messageries {s}", "Frigorifique {a}"]),
    "Distribution": (9, ["{s} Distribution", "Comptoir {s}", "Maison {s}", "Négoce {s}", "Centrale d'Achat {a}", "Quincaillerie {s}"]),
    "Santé": (12, ["Clinique {s}", "Laboratoires {s}", "Groupe Hospitalier Privé {de_c}", "Centre de Rééducation {de_c}", "Biomédical {s}", "EHPAD Les Tilleuls {de_c}", "Imagerie Médicale {de_c}"]),
    "Services financiers": (7, ["Mutuelle {a}", "{s} Courtage", "Assurances {s}", "Cabinet {s} Patrimoine", "Caisse Mutuelle {de_c}", "{s} Finance"]),
    "Éducation": (6, ["Institut {s}", "École Supérieure {de_c}", "Campus {a}", "Lycée Technique {de_c}", "CFA {de_c}", "Groupe Scolaire {s}"]),
    "Énergie": (5, ["Énergies {s}", "Régie Électrique {de_c}", "Chauffage Urbain {de_c}", "{s} Énergie"]),
    "Services aux entreprises": (5, ["{s} Conseil", "Cabinet {s} & Associés", "Nettoyage Industriel {s}", "Sécurité {a}", "Intérim {s}"]),
}  # fmt: skip
LEGAL_FORMS = ["SAS", "SAS", "SA", "SARL", "", "", ""]

# size band value -> (weight, typical deal size in euros)
SIZE_BANDS: list[tuple[str, int, int]] = [
    ("10-49", 24, 12_000),
    ("50-249", 38, 24_000),
    ("250-999", 24, 42_000),
    ("1000-4999", 10, 70_000),
    ("5000+", 4, 95_000),
]

JOB_TITLES = [
    ("Directeur industriel", "Directrice industrielle"),
    ("Responsable maintenance", "Responsable maintenance"),
    ("Directeur des opérations", "Directrice des opérations"),
    ("DSI", "DSI"),
    ("Responsable production", "Responsable production"),
    ("Directeur administratif et financier", "Directrice administrative et financière"),
    ("Responsable qualité", "Responsable qualité"),
    ("Directeur général", "Directrice générale"),
    ("Responsable supply chain", "Responsable supply chain"),
    ("Chef de projet ERP", "Cheffe de projet ERP"),
    ("Acheteur", "Acheteuse"),
    ("Responsable logistique", "Responsable logistique"),
    ("Responsable méthodes", "Responsable méthodes"),
    ("Directeur de site", "Directrice de site"),
    ("Ingénieur amélioration continue", "Ingénieure amélioration continue"),
]

PRODUCTS_BY_INDUSTRY = {
    "Industrie": ["Altitude MES", "Altitude GMAO", "Altitude Planning", "Suite Altitude"],
    "Agroalimentaire": ["Altitude Traçabilité", "Altitude MES", "Altitude Qualité"],
    "BTP": ["Altitude Parc Matériel", "Altitude GMAO"],
    "Logistique": ["Altitude Entrepôt", "Altitude Planning"],
    "Distribution": ["Altitude Entrepôt", "Altitude Planning"],
    "Santé": ["Altitude GMAO biomédicale", "Altitude Qualité"],
    "Services financiers": ["Altitude Patrimoine", "Altitude Qualité"],
    "Éducation": ["Altitude Patrimoine", "Altitude GMAO"],
    "Énergie": ["Altitude GMAO", "Suite Altitude"],
    "Services aux entreprises": ["Altitude Planning", "Altitude Qualité"],
}

LOSS_REASONS = [
    ("Choix d'un concurrent", 30),
    ("Prix jugé trop élevé", 20),
    ("Projet reporté à l'an prochain", 16),
    ("Pas de décision (statu quo)", 14),
    ("Fonctionnalité manquante", 9),
    ("Départ du sponsor interne", 6),
    ("Budget réaffecté", 5),
]
RECYCLE_REASONS = [
    "Pas de projet avant 6 mois",
    "Budget non alloué cette année",
    "Contact non décisionnaire : à recontacter via la direction",
    "Déjà équipé, contrat en cours jusqu'à l'an prochain",
    "Injoignable après 5 tentatives",
]
DISQUALIFY_REASONS = [
    "Hors cible : moins de 10 salariés",
    "Concurrent ou partenaire",
    "Étudiant ou candidature spontanée",
    "Coordonnées invalides",
    "Doublon d'un lead existant",
    "Secteur non adressé",
]
SAL_RECYCLE_REASONS = [
    "Pas de budget confirmé après découverte",
    "Projet repoussé par la direction",
    "Besoin couvert par l'outil actuel pour l'instant",
]
SAL_DISQUALIFY_REASONS = [
    "Besoin hors périmètre produit",
    "Projet abandonné",
    "Rachat en cours : décisions gelées",
]

WEBINAR_TOPICS = [
    "Maintenance prédictive : par où commencer ?",
    "TRS/OEE : piloter la performance de vos lignes",
    "Traçabilité agroalimentaire et audits IFS",
    "Planification de production : sortir d'Excel",
    "GMAO biomédicale : réussir la certification",
    "Digitaliser le suivi du parc matériel en BTP",
    "Zéro papier en atelier : retour d'expérience client",
    "Piloter plusieurs entrepôts sans se perdre",
    "ISO 9001 : automatiser vos non-conformités",
    "Décret tertiaire : suivre les consommations de vos sites",
    "Lean et digital : les rituels d'atelier qui tiennent",
    "IA générative en usine : ce qui marche vraiment",
]

# (month, day, length in days, name, city)
EVENTS = [
    (3, 11, 3, "CFIA", "Rennes"),
    (3, 25, 4, "Global Industrie", "Lyon"),
    (4, 8, 3, "SITL Europe", "Paris"),
    (5, 20, 3, "SantExpo", "Paris"),
    (6, 12, 2, "Journées utilisateurs Altitude", "Annecy"),
    (9, 17, 3, "SIDO", "Lyon"),
    (10, 7, 3, "Salon Industrie du Futur", "Mulhouse"),
    (11, 18, 2, "Supply Chain Event", "Paris"),
    (12, 2, 2, "Rencontres Santé & Numérique", "Lille"),
]

LINKEDIN_CAMPAIGNS = [
    "LinkedIn Ads — Directeurs industriels ETI",
    "LinkedIn Lead Gen — Livre blanc TRS",
    "LinkedIn Ads — Responsables maintenance santé",
    "LinkedIn Ads — Supply chain & entrepôts",
    "LinkedIn Lead Gen — Guide pratique de la GMAO",
]
EMAILING_CAMPAIGNS = [
    "Newsletter « Les Cahiers de l'Atelier »",
    "Emailing — Offre de migration Altitude v5",
    "Emailing — Invitation salon",
    "Emailing — Réactivation des leads recyclés",
    "Emailing — Étude de cas Fromagerie",
]
OUTBOUND_CAMPAIGNS = [
    "Outbound — ETI agroalimentaires du Grand Est",
    "Outbound — Cliniques privées Auvergne-Rhône-Alpes",
    "Outbound — Logisticiens d'Île-de-France",
    "Outbound — PME de la plasturgie",
]
PARTNER_CAMPAIGNS = [
    "Co-webinar partenaire Nexalys Conseil",
    "Tournée partenaires Hauts-de-France",
]
