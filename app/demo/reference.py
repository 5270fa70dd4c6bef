"""Reference data of the MBI programme (shared/PROGRAMME.md), used by the demo and forms."""

MOROCCAN_REGIONS = [
    "Tanger-Tétouan-Al Hoceïma",
    "Oriental",
    "Fès-Meknès",
    "Rabat-Salé-Kénitra",
    "Béni Mellal-Khénifra",
    "Casablanca-Settat",
    "Marrakech-Safi",
    "Drâa-Tafilalet",
    "Souss-Massa",
    "Guelmim-Oued Noun",
    "Laâyoune-Sakia El Hamra",
    "Dakhla-Oued Ed-Dahab",
]

BELGIAN_REGIONS = ["Brussels-Capital", "Flanders", "Wallonia"]

#: NACE Rev. 2 sections.
NACE_SECTIONS = {
    "A": "Agriculture, forestry and fishing",
    "B": "Mining and quarrying",
    "C": "Manufacturing",
    "D": "Electricity, gas, steam and air conditioning supply",
    "E": "Water supply; sewerage, waste management and remediation",
    "F": "Construction",
    "G": "Wholesale and retail trade",
    "H": "Transportation and storage",
    "I": "Accommodation and food service activities",
    "J": "Information and communication",
    "K": "Financial and insurance activities",
    "L": "Real estate activities",
    "M": "Professional, scientific and technical activities",
    "N": "Administrative and support service activities",
    "O": "Public administration and defence",
    "P": "Education",
    "Q": "Human health and social work activities",
    "R": "Arts, entertainment and recreation",
    "S": "Other service activities",
    "T": "Activities of households as employers",
    "U": "Activities of extraterritorial organisations",
}

#: The names of the lists above in the programme's other languages, by value (a value
#: is its English name, or the French one of a Moroccan region: the name used in
#: English and Dutch too).
MOROCCAN_REGIONS_AR = {
    "Tanger-Tétouan-Al Hoceïma": "طنجة تطوان الحسيمة",
    "Oriental": "الشرق",
    "Fès-Meknès": "فاس مكناس",
    "Rabat-Salé-Kénitra": "الرباط سلا القنيطرة",
    "Béni Mellal-Khénifra": "بني ملال خنيفرة",
    "Casablanca-Settat": "الدار البيضاء سطات",
    "Marrakech-Safi": "مراكش آسفي",
    "Drâa-Tafilalet": "درعة تافيلالت",
    "Souss-Massa": "سوس ماسة",
    "Guelmim-Oued Noun": "كلميم واد نون",
    "Laâyoune-Sakia El Hamra": "العيون الساقية الحمراء",
    "Dakhla-Oued Ed-Dahab": "الداخلة وادي الذهب",
}

BELGIAN_REGION_NAMES = {
    "Brussels-Capital": {
        "fr": "Bruxelles-Capitale",
        "nl": "Brussel-Hoofdstad",
        "ar": "بروكسل العاصمة",
    },
    "Flanders": {"fr": "Flandre", "nl": "Vlaanderen", "ar": "فلاندرز"},
    "Wallonia": {"fr": "Wallonie", "nl": "Wallonië", "ar": "والونيا"},
}

#: NACE Rev. 2 sections' titles in French, Dutch (NACE-BEL) and Arabic (ISIC Rev. 4).
NACE_SECTION_NAMES = {
    "A": {
        "fr": "Agriculture, sylviculture et pêche",
        "nl": "Landbouw, bosbouw en visserij",
        "ar": "الزراعة والحراجة وصيد الأسماك",
    },
    "B": {
        "fr": "Industries extractives",
        "nl": "Winning van delfstoffen",
        "ar": "التعدين واستغلال المحاجر",
    },
    "C": {"fr": "Industrie manufacturière", "nl": "Industrie", "ar": "الصناعة التحويلية"},
    "D": {
        "fr": "Production et distribution d’électricité, de gaz, de vapeur et d’air conditionné",
        "nl": "Productie en distributie van elektriciteit, gas, stoom en gekoelde lucht",
        "ar": "إمدادات الكهرباء والغاز والبخار وتكييف الهواء",
    },
    "E": {
        "fr": (
            "Production et distribution d’eau ; assainissement, gestion des déchets et dépollution"
        ),
        "nl": "Distributie van water; afval- en afvalwaterbeheer en sanering",
        "ar": "إمدادات المياه وأنشطة الصرف الصحي وإدارة النفايات ومعالجتها",
    },
    "F": {"fr": "Construction", "nl": "Bouwnijverheid", "ar": "التشييد"},
    "G": {
        "fr": "Commerce de gros et de détail",
        "nl": "Groot- en detailhandel",
        "ar": "تجارة الجملة والتجزئة",
    },
    "H": {"fr": "Transports et entreposage", "nl": "Vervoer en opslag", "ar": "النقل والتخزين"},
    "I": {
        "fr": "Hébergement et restauration",
        "nl": "Verschaffen van accommodatie en maaltijden",
        "ar": "أنشطة خدمات الإقامة والطعام",
    },
    "J": {
        "fr": "Information et communication",
        "nl": "Informatie en communicatie",
        "ar": "المعلومات والاتصالات",
    },
    "K": {
        "fr": "Activités financières et d’assurance",
        "nl": "Financiële activiteiten en verzekeringen",
        "ar": "الأنشطة المالية وأنشطة التأمين",
    },
    "L": {
        "fr": "Activités immobilières",
        "nl": "Exploitatie van en handel in onroerend goed",
        "ar": "الأنشطة العقارية",
    },
    "M": {
        "fr": "Activités spécialisées, scientifiques et techniques",
        "nl": "Vrije beroepen en wetenschappelijke en technische activiteiten",
        "ar": "الأنشطة المهنية والعلمية والتقنية",
    },
    "N": {
        "fr": "Activités de services administratifs et de soutien",
        "nl": "Administratieve en ondersteunende diensten",
        "ar": "أنشطة الخدمات الإدارية وخدمات الدعم",
    },
    "O": {
        "fr": "Administration publique et défense",
        "nl": "Openbaar bestuur en defensie",
        "ar": "الإدارة العامة والدفاع",
    },
    "P": {"fr": "Enseignement", "nl": "Onderwijs", "ar": "التعليم"},
    "Q": {
        "fr": "Santé humaine et action sociale",
        "nl": "Menselijke gezondheidszorg en maatschappelijke dienstverlening",
        "ar": "أنشطة صحة الإنسان والعمل الاجتماعي",
    },
    "R": {
        "fr": "Arts, spectacles et activités récréatives",
        "nl": "Kunst, amusement en recreatie",
        "ar": "الفنون والترفيه والتسلية",
    },
    "S": {
        "fr": "Autres activités de services",
        "nl": "Overige diensten",
        "ar": "أنشطة الخدمات الأخرى",
    },
    "T": {
        "fr": "Activités des ménages en tant qu’employeurs",
        "nl": "Huishoudens als werkgever",
        "ar": "أنشطة الأسر المعيشية بوصفها أرباب عمل",
    },
    "U": {
        "fr": "Activités extra-territoriales",
        "nl": "Extraterritoriale organisaties en lichamen",
        "ar": "أنشطة المنظمات والهيئات الخارجة عن نطاق الولاية الإقليمية",
    },
}

CHANNELS = ["information_session", "partner", "social_media", "press", "word_of_mouth"]

MBI_CRITERIA = [
    (
        "Team and shareholders",
        "Quality, experience and complementarity of the team and shareholders.",
        25,
    ),
    (
        "Project",
        "Concept, sector, link between Belgium and Morocco, viability, social and "
        "environmental responsibility, jobs and training.",
        35,
    ),
    ("Profitability", "Turnover, margins and financing plan.", 25),
    ("Overall", "Probability of success and relevance of the support for this project.", 15),
]

MBI_DESCRIPTION = (
    "Maghrib Belgium Impulse (MBI) supports entrepreneurs of the Moroccan diaspora living in "
    "Belgium who want to create, or accelerate, a company in Morocco. A programme of Enabel, "
    "the Belgian development agency, with the Moroccan ministry in charge of Moroccans living "
    "abroad and MEM by CGEM. Thirty project holders are selected by a jury and receive "
    "personalised coaching in Belgium and in Morocco."
)
