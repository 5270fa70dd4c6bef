"""The application form: its steps, their questions, and what submission requires.

Everything the applicant answers is stored in ``Application.answers`` (JSON) under
the names below; dates as ISO strings, numbers as numbers. A draft accepts any
valid subset; :func:`missing_answers` says what submission still needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import lazy_gettext as _l

from app.demo.reference import BELGIAN_REGIONS, CHANNELS, MOROCCAN_REGIONS, NACE_SECTIONS


@dataclass(frozen=True)
class Question:
    name: str
    label: object
    kind: str  # text, textarea, email, tel, date, select, multi, integer, percent, boolean
    required: bool = True
    #: Required only for this profile ("company" when the project is an existing company).
    profile: str | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple = ()
    help: object = None
    #: Dates: "past" (not after today) or None.
    when: str | None = None
    #: Amounts: the currency (ISO code) they are written in, for display.
    currency: str | None = None


@dataclass(frozen=True)
class Step:
    slug: str
    title: object
    intro: object
    questions: tuple[Question, ...] = field(default=())


def amount(name: str, label, currency: str, maximum: int = 10**9, **options) -> Question:
    """A sum of money in ``currency`` (ISO code), a whole number from 0 to ``maximum``."""
    return Question(
        name, label, "integer", minimum=0, maximum=maximum, currency=currency, **options
    )


def percentage(name: str, label, **options) -> Question:
    """A share, from 0 to 100 %."""
    return Question(name, label, "percent", minimum=0, maximum=100, **options)


COUNTRIES = (
    ("MA", _l("Morocco")),
    ("BE", _l("Belgium")),
    ("FR", _l("France")),
    ("NL", _l("Netherlands")),
    ("OTHER", _l("Other")),
)
LANGUAGES = (("fr", "Français"), ("nl", "Nederlands"), ("ar", "العربية"), ("en", "English"))
GENDERS = (
    ("F", _l("Woman")),
    ("M", _l("Man")),
    ("X", _l("Other")),
    ("-", _l("I prefer not to say")),
)
STAGES = (("idea", _l("An idea or a company to create")), ("company", _l("An existing company")))
LEGAL_FORMS = (
    ("SARL", "SARL"),
    ("SARL_AU", "SARL AU"),
    ("SA", "SA"),
    ("SNC", "SNC"),
    ("AUTO", _l("Auto-entrepreneur")),
    ("OTHER", _l("Other")),
)
CHANNEL_LABELS = {
    "information_session": _l("An information session"),
    "partner": _l("A partner organisation"),
    "social_media": _l("Social media"),
    "press": _l("The press"),
    "word_of_mouth": _l("Word of mouth"),
}

STEPS: tuple[Step, ...] = (
    Step(
        "applicant",
        _l("You"),
        _l("Who you are, where you live, what you have done."),
        (
            Question("full_name", _l("Full name"), "text", max_length=200),
            Question("birth_date", _l("Date of birth"), "date", when="past"),
            Question(
                "gender",
                _l("Gender"),
                "select",
                choices=GENDERS,
                help=_l("Used only for the programme's statistics."),
            ),
            Question("nationalities", _l("Nationalities"), "multi", choices=COUNTRIES),
            Question(
                "moroccan_ties",
                _l("I have family or personal ties with Morocco"),
                "boolean",
                required=False,
            ),
            Question(
                "residence_country", _l("Country where you live now"), "select", choices=COUNTRIES
            ),
            Question(
                "belgium_residence_start",
                _l("Living in Belgium since"),
                "date",
                when="past",
                help=_l("The date you started living legally in Belgium."),
            ),
            Question(
                "belgium_residence_end",
                _l("Living in Belgium until"),
                "date",
                when="past",
                required=False,
                help=_l("Leave empty if you still live in Belgium."),
            ),
            Question("languages", _l("Languages you speak"), "multi", choices=LANGUAGES),
            Question("phone", _l("Phone number"), "tel", max_length=30),
            Question("address", _l("Address"), "text", max_length=300),
            Question(
                "belgian_region",
                _l("Region in Belgium"),
                "select",
                choices=tuple((r, r) for r in BELGIAN_REGIONS),
            ),
            Question(
                "experience",
                _l("Your experience"),
                "textarea",
                max_length=3000,
                help=_l(
                    "Studies, jobs, companies you created: what prepares you for this project."
                ),
            ),
        ),
    ),
    Step(
        "project",
        _l("Project"),
        _l("What you will build in Morocco."),
        (
            Question("project_title", _l("Project title"), "text", max_length=150),
            Question(
                "summary",
                _l("Summary of the project"),
                "textarea",
                max_length=3000,
                help=_l("What you will build in Morocco, for whom, and why now."),
            ),
            Question(
                "sector",
                _l("Sector"),
                "select",
                choices=tuple((code, f"{code} – {name}") for code, name in NACE_SECTIONS.items()),
            ),
            Question(
                "moroccan_region",
                _l("Region in Morocco"),
                "select",
                choices=tuple((r, r) for r in MOROCCAN_REGIONS),
            ),
            Question("stage", _l("Where the project stands"), "select", choices=STAGES),
            Question(
                "legal_form", _l("Legal form"), "select", choices=LEGAL_FORMS, profile="company"
            ),
            Question(
                "company_created_on",
                _l("Date of creation of the company"),
                "date",
                when="past",
                profile="company",
            ),
            Question(
                "register_number",
                _l("Trade register number (RC)"),
                "text",
                max_length=50,
                profile="company",
            ),
            amount("capital_mad", _l("Share capital (MAD)"), "MAD", 10**10, profile="company"),
            percentage(
                "eligible_share_percent",
                _l("Share of the capital held by adult Moroccans living in Belgium (%)"),
                profile="company",
            ),
        ),
    ),
    Step(
        "economics",
        _l("Economics"),
        _l("The money side: needs, resources, prospects."),
        (
            amount("investment_eur", _l("Investment needed (EUR)"), "EUR"),
            amount("own_contribution_eur", _l("Your own contribution (EUR)"), "EUR"),
            amount("turnover_year1_eur", _l("Expected turnover in the first year (EUR)"), "EUR"),
            percentage("gross_margin_percent", _l("Expected gross margin (%)")),
            Question(
                "financing_plan",
                _l("Financing plan"),
                "textarea",
                max_length=3000,
                help=_l("Where the money comes from: own funds, loans, investors, grants."),
            ),
            Question(
                "jobs_created",
                _l("Jobs created in the first three years"),
                "integer",
                minimum=0,
                maximum=100000,
            ),
        ),
    ),
    Step(
        "impact",
        _l("Impact"),
        _l("What the project brings beyond its own success."),
        (
            Question(
                "link_belgium_morocco",
                _l("Link between Belgium and Morocco"),
                "textarea",
                max_length=2000,
            ),
            Question(
                "responsibility",
                _l("Social and environmental responsibility"),
                "textarea",
                max_length=2000,
            ),
            Question("training", _l("Training and skills passed on"), "textarea", max_length=2000),
        ),
    ),
    Step(
        "documents",
        _l("Documents"),
        _l("The documents the programme needs to assess your project."),
    ),
    Step(
        "declarations",
        _l("Declarations"),
        _l("Last step before the review."),
        (
            Question(
                "channel",
                _l("How did you hear about the call?"),
                "select",
                choices=tuple((c, CHANNEL_LABELS[c]) for c in CHANNELS),
            ),
            Question(
                "no_banking_ban",
                _l("I am not subject to a banking ban in Belgium or Morocco"),
                "boolean",
            ),
            Question(
                "no_legal_proceedings",
                _l("I am not subject to legal proceedings in Belgium or Morocco"),
                "boolean",
            ),
            Question(
                "truthful",
                _l("I declare that the information I give is true and complete"),
                "boolean",
            ),
            Question(
                "consent",
                _l("I agree that my data is processed as the privacy notice describes"),
                "boolean",
            ),
        ),
    ),
)

STEP_BY_SLUG = {step.slug: step for step in STEPS}
QUESTIONS = {question.name: question for step in STEPS for question in step.questions}
STEP_OF = {question.name: step.slug for step in STEPS for question in step.questions}


@dataclass(frozen=True)
class MissingItem:
    step: str
    name: str
    label: object


def profile_of(answers: dict) -> str:
    return "company" if answers.get("stage") == "company" else "person"


def applies(question: Question, answers: dict) -> bool:
    """Whether ``question`` is asked of this applicant (company questions only for companies)."""
    return question.profile is None or question.profile == profile_of(answers)


def is_answered(question: Question, value) -> bool:
    if question.kind == "boolean":
        return value is True
    if question.kind == "multi":
        return bool(value)
    return value is not None and str(value).strip() != ""


def missing_answers(answers: dict) -> list[MissingItem]:
    """The required answers still missing, in form order."""
    return [
        MissingItem(STEP_OF[q.name], q.name, q.label)
        for step in STEPS
        for q in step.questions
        if q.required and applies(q, answers) and not is_answered(q, answers.get(q.name))
    ]


def parse_iso_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
