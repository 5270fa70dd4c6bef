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
