"""An application form as data: its steps and questions, read from a call's definition.

A form is plain JSON (the ``form`` part of a call template, for example
app/calls/call_templates/mbi.json)::

    {"default_language": "fr",
     "steps": [{"slug": "project", "title": {"en": "Project", "fr": "Projet", ...},
                "intro": {...},
                "questions": [{"name": "stage", "type": "one_choice", "label": {...},
                               "choices": [{"value": "idea", "label": {...}}, ...]},
                              {"name": "legal_form", "type": "one_choice", "label": {...},
                               "choices": [...],
                               "show_if": {"question": "stage", "equals": "company"}}]},
               {"slug": "documents", "title": {...}, "intro": {...}, "documents": true}],
     "documents": [{"kind": "identity"},
                   {"kind": "statutes", "show_if": {"question": "stage", "equals": "company"}},
                   {"kind": "cv", "required": false}]}

The ``documents`` the call asks for (kinds of app.documents.requirements.DOCUMENT_KINDS)
are listed at the form level, each required (the default) or not, and each with an
optional condition on any question of the form; the step marked ``"documents": true`` is
where they are uploaded. A question may carry marks read by generic code: ``"title":
true`` (the short text naming the dossier in lists and letters), ``"birth_date": true``
(the applicant's date of birth: the dashboard's age bands) and ``"breakdown"`` (a
one-choice question the dashboard counts the dossiers by: ``true``, or its chart's
``title`` and table ``column`` as texts). A question asked of everyone may also say
what the account already knows that answers it, ``"prefill"`` (``"full_name"``,
``"email"``: app.application_forms.prefill): a new application starts with that answer
filled in, which the applicant may change.

Every label, help text, intro and choice is given per language (``en``, ``fr``, ``nl``,
``ar``) and read in the reader's language, else the form's default language
(:class:`Text`). app.application_forms.reader reads a definition into these types,
checking it whole first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from babel import Locale
from flask_babel import get_locale
from markupsafe import escape

from app.demo.reference import (
    BELGIAN_REGION_NAMES,
    BELGIAN_REGIONS,
    MOROCCAN_REGIONS,
    MOROCCAN_REGIONS_AR,
    NACE_SECTION_NAMES,
    NACE_SECTIONS,
)

LANGUAGES = ("en", "fr", "nl", "ar")

#: The types a question may have (the name in the file: how the form draws it).
TYPES = {
    "short_text": "text",
    "long_text": "textarea",
    "email": "email",
    "phone": "tel",
    "date": "date",
    "number": "integer",
    "amount": "integer",
    "percentage": "percent",
    "yes_no": "boolean",
    "one_choice": "select",
    "several_choices": "multi",
}
CHOICE_TYPES = {"one_choice", "several_choices"}


def _countries() -> tuple:
    """Every country (ISO 3166 alpha-2 code), named in each language by Babel's CLDR data,
    in the order of their English names."""
    names = {language: Locale.parse(language).territories for language in LANGUAGES}
    not_countries = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}  # unions, pseudo-regions
    codes = sorted(
        (c for c in names["en"] if len(c) == 2 and c.isalpha() and c not in not_countries),
        key=lambda code: names["en"][code],
    )
    return tuple(
        (code, Text.of({language: names[language][code] for language in LANGUAGES}))
        for code in codes
    )


#: Lists a choice question may take its choices from instead of listing them: value ->
#: label, named in the reader's language (filled in below, once Text is defined).
REFERENCE_LISTS: dict[str, tuple] = {}


def reader_language(default: str = "en") -> str:
    """The language of the page being drawn (or the letter being printed), else ``default``."""
    try:
        locale = get_locale()
    except (RuntimeError, KeyError):  # outside a request or an app context
        locale = None
    return locale.language if locale is not None else default


@dataclass(frozen=True, eq=False)
class Text:
    """A wording given in several languages, read in the reader's own.

    ``str(text)`` picks the current language, else the form's default language, else
    English, else any: a translation missing in one language never leaves a blank.
    """

    by_language: tuple[tuple[str, str], ...]
    default: str = "en"

    @classmethod
    def of(cls, value, default: str = "en") -> Text:
        if isinstance(value, str):
            return cls((("en", value),), default)
        return cls(tuple(sorted(value.items())), default)

    def in_language(self, language: str) -> str:
        texts = dict(self.by_language)
        for candidate in (language, self.default, "en"):
            if texts.get(candidate):
                return texts[candidate]
        return next((text for _, text in self.by_language if text), "")

    def __str__(self) -> str:
        return self.in_language(reader_language(self.default))

    def __bool__(self) -> bool:
        return any(text for _, text in self.by_language)

    # Read like the string it stands for (as flask_babel's lazy strings are): compared,
    # sorted, joined and formatted in the reader's language.
    def __eq__(self, other) -> bool:
        if isinstance(other, Text):
            return self.by_language == other.by_language
        return str(self) == other

    def __hash__(self) -> int:
        return hash(self.by_language)

    def __lt__(self, other) -> bool:
        return str(self) < str(other)

    def __add__(self, other) -> str:
        return str(self) + other

    def __radd__(self, other) -> str:
        return other + str(self)

    def __len__(self) -> int:
        return len(str(self))

    def __html__(self) -> str:
        return str(escape(str(self)))

    def __getattr__(self, name):
        if name.startswith("__") or name in ("by_language", "default"):
            raise AttributeError(name)
        return getattr(str(self), name)

    def as_data(self) -> dict:
        return dict(self.by_language)


REFERENCE_LISTS["moroccan_regions"] = tuple(
    (region, Text.of({"en": region, "ar": MOROCCAN_REGIONS_AR[region]}))
    for region in MOROCCAN_REGIONS
)
REFERENCE_LISTS["belgian_regions"] = tuple(
    (region, Text.of({"en": region, **BELGIAN_REGION_NAMES[region]})) for region in BELGIAN_REGIONS
)
#: NACE sections, their code first ("C – Industrie manufacturière").
REFERENCE_LISTS["nace_sections"] = tuple(
    (
        code,
        Text.of(
            {
                language: f"{code} – {title}"
                for language, title in ({"en": name} | NACE_SECTION_NAMES[code]).items()
            }
        ),
    )
    for code, name in NACE_SECTIONS.items()
)
#: Every country, named in the reader's language (values: ISO 3166 codes).
REFERENCE_LISTS["countries"] = _countries()
#: The programme's languages, named in the reader's language (values: ISO 639 codes).
REFERENCE_LISTS["languages"] = tuple(
    (code, Text.of({language: Locale.parse(language).languages[code] for language in LANGUAGES}))
    for code in ("fr", "nl", "ar", "en")
)


@dataclass(frozen=True)
class Condition:
    """When a question is asked: the answer to an earlier ``question`` is one of ``values``."""

    question: str
    values: tuple

    def holds(self, answers: dict) -> bool:
        answer = answers.get(self.question)
        if isinstance(answer, list):
            return any(value in self.values for value in answer)
        return answer in self.values


@dataclass(frozen=True)
class Breakdown:
    """How the dashboard draws the count of dossiers per answer to a one-choice question:
    its chart's title and its table's column (None: said from the question's label)."""

    title: object = None
    column: object = None


@dataclass(frozen=True)
class DocumentRequest:
    """A kind of document the form asks for: required or not, for everyone or only when
    ``condition`` holds."""

    kind: str
    required: bool = True
    condition: Condition | None = None

    def applies(self, answers: dict) -> bool:
        return self.condition is None or self.condition.holds(answers)


@dataclass(frozen=True)
class Question:
    name: str
    label: object
    kind: str  # text, textarea, email, tel, date, select, multi, integer, percent, boolean
    required: bool = True
    #: Asked only when this holds (None: always).
    condition: Condition | None = None
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple = ()
    help: object = None
    #: Dates: "past" (not after today) or None.
    when: str | None = None
    #: Amounts: the currency (ISO code) they are written in, for display.
    currency: str | None = None
    #: The type as the file names it (short_text, amount...).
    type: str = ""
    #: The reference list the choices come from, if any.
    choices_from: str | None = None
    #: Staff filter the call's dossiers by this answer (a one-choice question).
    filter: bool = False
    #: The dashboard counts the dossiers by this answer (a one-choice question).
    breakdown: Breakdown | None = None
    #: This short text names the dossier (``"title": true``).
    is_title: bool = False
    #: This date is the applicant's date of birth (``"birth_date": true``).
    is_birth_date: bool = False
    #: What the account knows that answers this question in a new application (a key
    #: of app.application_forms.prefill.ACCOUNT_FACTS), if anything.
    prefill: str | None = None

    def applies(self, answers: dict) -> bool:
        """Whether this question is asked of an applicant with these answers."""
        return self.condition is None or self.condition.holds(answers)


@dataclass(frozen=True)
class Step:
    slug: str
    title: object
    intro: object
    questions: tuple[Question, ...] = field(default=())
    #: The step where the applicant uploads the documents the call asks for.
    documents: bool = False


@dataclass(frozen=True)
class Form:
    steps: tuple[Step, ...]
    default_language: str = "en"
    #: The documents asked for, in the order the applicant reads them.
    documents: tuple[DocumentRequest, ...] = ()

    @cached_property
    def questions(self) -> dict[str, Question]:
        """Every question by name, in form order."""
        return {question.name: question for step in self.steps for question in step.questions}

    @cached_property
    def step_by_slug(self) -> dict[str, Step]:
        return {step.slug: step for step in self.steps}

    @cached_property
    def step_of(self) -> dict[str, str]:
        """The slug of the step that asks each question."""
        return {question.name: step.slug for step in self.steps for question in step.questions}

    @cached_property
    def documents_slug(self) -> str:
        """The step where documents are uploaded (where a missing one is listed)."""
        return next((step.slug for step in self.steps if step.documents), "documents")

    def next_step(self, step: Step) -> Step | None:
        """The step after ``step`` (None after the last)."""
        index = self.steps.index(step)
        return self.steps[index + 1] if index + 1 < len(self.steps) else None

    @cached_property
    def title_question(self) -> str | None:
        """The name of the question naming the dossier (marked ``title``), if one does."""
        return next((q.name for q in self.questions.values() if q.is_title), None)

    @cached_property
    def birth_date_question(self) -> str | None:
        """The name of the question giving the applicant's date of birth, if one does."""
        return next((q.name for q in self.questions.values() if q.is_birth_date), None)

    def prefilled_answers(self, account) -> dict:
        """The answers a new application of ``account`` starts with: what the account
        knows, in the questions that ask for it (a value too long for its question is
        left for the applicant to type)."""
        answers = {}
        for question in self.questions.values():
            value = getattr(account, question.prefill, None) if question.prefill else None
            if value and (question.max_length is None or len(value) <= question.max_length):
                answers[question.name] = value
        return answers

    def breakdown_questions(self) -> list[Question]:
        """The one-choice questions the dashboard counts the dossiers by, in form order."""
        return [question for question in self.questions.values() if question.breakdown]

    def choice_questions(self) -> list[Question]:
        """The questions answered from a list (what balance rules, filters and breakdowns
        may count by)."""
        return [question for question in self.questions.values() if question.choices]


def parse_iso_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
