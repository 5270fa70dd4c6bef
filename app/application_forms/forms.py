"""The form editor's forms: a step, a question (each text in four languages).

Each form reads from and writes to the definition's JSON (``from_data`` / ``data_of``);
whether the result is a usable form is the definition reader's to say.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.application_forms.definition import LANGUAGES
from app.documents.requirements import DOCUMENT_KINDS

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "nl": "Nederlands", "ar": "العربية"}
NAME = Regexp(
    r"^[a-z][a-z0-9_]*$", message=_l("Lower-case letters, digits and _, starting with a letter.")
)

TYPE_LABELS = {
    "short_text": _l("Short text"),
    "long_text": _l("Long text"),
    "email": _l("E-mail address"),
    "phone": _l("Phone number"),
    "date": _l("Date"),
    "number": _l("Number"),
    "amount": _l("Amount of money"),
    "percentage": _l("Percentage"),
    "yes_no": _l("Yes / no"),
    "one_choice": _l("One choice"),
    "several_choices": _l("Several choices"),
}
#: What the account knows that a question may start from (prefill.ACCOUNT_FACTS).
PREFILL_LABELS = {
    "full_name": _l("the name of the applicant's account"),
    "email": _l("the e-mail address of the applicant's account"),
}
LIST_LABELS = {
    "moroccan_regions": _l("Regions of Morocco"),
    "belgian_regions": _l("Regions of Belgium"),
    "nace_sections": _l("Sectors (NACE sections)"),
    "languages": _l("Languages"),
    "countries": _l("Countries"),
}


def _texts(form, prefix: str) -> dict:
    """The per-language fields ``<prefix>_<lang>`` as a text of the definition."""
    texts = {}
    for language in LANGUAGES:
        value = (form[f"{prefix}_{language}"].data or "").strip()
        if value:
            texts[language] = value
    return texts


def _fill_texts(form, prefix: str, value) -> None:
    texts = {"en": value} if isinstance(value, str) else (value or {})
    for language in LANGUAGES:
        form[f"{prefix}_{language}"].data = texts.get(language, "")


def _in_language(label, language: str) -> str:
    """A field's label for one language's text: "Help (Nederlands)", in the reader's words."""
    return f"{label} ({LANGUAGE_NAMES[language]})"


def _with_texts(cls, prefix: str, label, area: bool = False, size: int = 300):
    """Add a field per language to ``cls``: ``<prefix>_en``, ``<prefix>_fr``..."""
    kind = TextAreaField if area else StringField
    for language in LANGUAGES:
        field = kind(
            LazyString(_in_language, label, language),
            validators=[Optional(), Length(max=size)],
            render_kw={"dir": "auto", "lang": language} | ({"rows": 2} if area else {}),
        )
        setattr(cls, f"{prefix}_{language}", field)
    return cls


class StepForm(FlaskForm):
    slug = StringField(_l("Name of the step (in links)"), validators=[DataRequired(), NAME])
    documents = BooleanField(_l("The applicant uploads the documents on this step"))

    def from_data(self, step: dict) -> None:
        self.slug.data = step["slug"]
        self.documents.data = bool(step.get("documents"))
        _fill_texts(self, "title", step.get("title"))
        _fill_texts(self, "intro", step.get("intro"))

    def data_of(self) -> dict:
        step = {"slug": self.slug.data.strip(), "title": _texts(self, "title")}
        if intro := _texts(self, "intro"):
            step["intro"] = intro
        if self.documents.data:
            step["documents"] = True
        return step


_with_texts(StepForm, "title", _l("Title"), size=150)
_with_texts(StepForm, "intro", _l("Introduction"), area=True, size=1000)


class QuestionForm(FlaskForm):
    name = StringField(_l("Name (in the answers and exports)"), validators=[DataRequired(), NAME])
    type = SelectField(_l("Type"), choices=[SelectChoice(*item) for item in TYPE_LABELS.items()])
    required = BooleanField(_l("Required to submit"), default=True)
    max_length = IntegerField(_l("At most this many characters"), validators=[Optional()])
    minimum = IntegerField(_l("Smallest number"), validators=[Optional()])
    maximum = IntegerField(_l("Largest number"), validators=[Optional()])
    currency = StringField(_l("Currency (EUR, MAD...)"), validators=[Optional(), Length(max=3)])
    not_in_future = BooleanField(_l("A date not in the future"))
    choices_from = SelectField(
        _l("Choices from a list"),
        choices=[
            SelectChoice(*item) for item in [("", _l("(the choices below)")), *LIST_LABELS.items()]
        ],
        validate_choice=False,  # the definition's reader names an unknown list
    )
    choices = TextAreaField(
        _l("Choices, one a line: value | English | Français | Nederlands | العربية"),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 6, "dir": "auto"},
    )
    show_if_question = SelectField(
        _l("Ask only if the answer to"), choices=[], validate_choice=False
    )
    show_if_values = StringField(
        _l("is one of (values, separated by commas)"), validators=[Optional(), Length(max=500)]
    )
    filter = BooleanField(_l("Staff filter the dossiers by this answer"))
    breakdown = BooleanField(_l("The dashboard counts the dossiers by this answer"))
    title = BooleanField(_l("This answer names the dossier (its title, a short text)"))
    birth_date = BooleanField(
        _l("This is the applicant's date of birth (the dashboard's age bands)")
    )
    prefill = SelectField(
        _l("Filled in for a new application with"),
        choices=[
            SelectChoice(*item)
            for item in [("", _l("(nothing: the applicant types it)")), *PREFILL_LABELS.items()]
        ],
        validate_choice=False,  # the definition's reader names an unknown fact
    )

    def offer_conditions(self, earlier: list[tuple[str, object, str]]) -> None:
        """The questions a condition may rest on: those asked before this one
        ((name, label, type) each)."""
        self.show_if_question.choices = [SelectChoice("", _l("(always asked)"))] + [
            SelectChoice(name, f"{label} ({name})") for name, label, _type in earlier
        ]
        self.yes_no_questions = {name for name, _label, type_ in earlier if type_ == "yes_no"}

    def from_data(self, question: dict) -> None:
        for key in ("name", "type", "max_length", "minimum", "maximum", "currency"):
            self[key].data = question.get(key)
        self.required.data = question.get("required", True) is not False
        self.not_in_future.data = bool(question.get("not_in_future"))
        for mark in ("filter", "breakdown", "title", "birth_date"):
            self[mark].data = bool(question.get(mark))
        self.choices_from.data = question.get("choices_from", "")
        self.prefill.data = question.get("prefill", "")
        self.choices.data = "\n".join(_choice_line(c) for c in question.get("choices", []))
        condition = question.get("show_if") or {}
        self.show_if_question.data = condition.get("question", "")
        values = [condition["equals"]] if "equals" in condition else condition.get("one_of", [])
        self.show_if_values.data = ", ".join(_value_text(value) for value in values)
        _fill_texts(self, "label", question.get("label"))
        _fill_texts(self, "help", question.get("help"))

    def data_of(self, existing: dict | None = None) -> dict:
        """The question as written (``existing``: the question it replaces, whose
        dashboard title and column it keeps)."""
        question = {"name": self.name.data.strip(), "type": self.type.data}
        question["label"] = _texts(self, "label")
        if help_text := _texts(self, "help"):
            question["help"] = help_text
        if not self.required.data:
            question["required"] = False
        for key in ("max_length", "minimum", "maximum"):
            if self[key].data is not None:
                question[key] = self[key].data
        if self.type.data == "amount":
            question["currency"] = (self.currency.data or "").strip().upper()
        if self.type.data == "date" and self.not_in_future.data:
            question["not_in_future"] = True
        if self.type.data in ("one_choice", "several_choices"):
            if self.choices_from.data:
                question["choices_from"] = self.choices_from.data
            else:
                question["choices"] = _choices_of(self.choices.data or "")
        for mark in ("filter", "title", "birth_date"):
            if self[mark].data:
                question[mark] = True
        if self.breakdown.data:
            question["breakdown"] = (existing or {}).get("breakdown") or True
        if self.prefill.data:
            question["prefill"] = self.prefill.data
        if self.show_if_question.data:
            yes_no = self.show_if_question.data in getattr(self, "yes_no_questions", ())
            written = [v.strip() for v in (self.show_if_values.data or "").split(",") if v.strip()]
            values = [_value_of(v) if yes_no else v for v in written]
            question["show_if"] = {"question": self.show_if_question.data, "one_of": values}
        return question


_with_texts(QuestionForm, "label", _l("Question"))
_with_texts(QuestionForm, "help", _l("Help"), area=True, size=1000)


def _choice_line(choice: dict) -> str:
    label = choice.get("label")
    texts = {"en": label} if isinstance(label, str) else (label or {})
    return " | ".join([choice["value"], *(texts.get(language, "") for language in LANGUAGES)])


def _choices_of(text: str) -> list[dict]:
    """Choices from lines "value | English | Français | Nederlands | العربية"."""
    choices = []
    for line in text.splitlines():
        if not line.strip():
            continue
        value, *labels = [part.strip() for part in line.split("|")]
        texts = {
            language: label for language, label in zip(LANGUAGES, labels, strict=False) if label
        }
        choices.append({"value": value, "label": texts or {"en": value}})
    return choices


def _value_text(value) -> str:
    return {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else value


def _value_of(text: str):
    """A yes/no question's answer as written (yes/no) as the answers store it."""
    return {"yes": True, "no": False}.get(text.lower(), text)


#: How the documents page asks each kind: not at all, required, or optional.
ASKED = {"": _l("Not asked"), "required": _l("Required"), "optional": _l("Optional")}


class DocumentsForm(FlaskForm):
    """The documents a form asks for: per kind of DOCUMENT_KINDS, whether it is asked
    and required, and the condition on an answer it rests on (fields ``<kind>_asked``,
    ``<kind>_question``, ``<kind>_values``, added per kind below)."""

    def offer_conditions(self, questions: list[tuple[str, object, str]]) -> None:
        """The questions a condition may rest on: every question of the form ((name,
        label, type) each)."""
        for kind in DOCUMENT_KINDS:
            self[f"{kind}_question"].choices = [SelectChoice("", _l("(everyone)"))] + [
                SelectChoice(name, f"{label} ({name})") for name, label, _type in questions
            ]
        self.yes_no_questions = {name for name, _label, type_ in questions if type_ == "yes_no"}

    def from_data(self, documents: list[dict]) -> None:
        for item in documents:
            kind = item.get("kind")
            if kind not in DOCUMENT_KINDS:
                continue
            self[f"{kind}_asked"].data = "required" if item.get("required", True) else "optional"
            condition = item.get("show_if") or {}
            self[f"{kind}_question"].data = condition.get("question", "")
            values = [condition["equals"]] if "equals" in condition else condition.get("one_of", [])
            self[f"{kind}_values"].data = ", ".join(_value_text(value) for value in values)

    def data_of(self, documents: list[dict]) -> list[dict]:
        """The documents asked, those already listed (``documents``) first in their order."""
        listed = [item.get("kind") for item in documents]
        order = [*listed, *(kind for kind in DOCUMENT_KINDS if kind not in listed)]
        written = []
        for kind in order:
            asked = self[f"{kind}_asked"].data if kind in DOCUMENT_KINDS else ""
            if not asked:
                continue
            item = {"kind": kind} | ({"required": False} if asked == "optional" else {})
            if question := self[f"{kind}_question"].data:
                item["show_if"] = self._condition(question, self[f"{kind}_values"].data or "")
            written.append(item)
        return written

    def _condition(self, question: str, values: str) -> dict:
        yes_no = question in getattr(self, "yes_no_questions", ())
        written = [v.strip() for v in values.split(",") if v.strip()]
        written = [_value_of(v) if yes_no else v for v in written]
        if len(written) == 1:
            return {"question": question, "equals": written[0]}
        return {"question": question, "one_of": written}


for _kind in DOCUMENT_KINDS:
    setattr(
        DocumentsForm,
        f"{_kind}_asked",
        SelectField(_l("Document asked"), choices=[SelectChoice(*item) for item in ASKED.items()]),
    )
    setattr(
        DocumentsForm,
        f"{_kind}_question",
        SelectField(_l("Only if the answer to"), choices=[], validate_choice=False),
    )
    setattr(
        DocumentsForm,
        f"{_kind}_values",
        StringField(
            _l("is one of (values, separated by commas)"),
            validators=[Optional(), Length(max=500)],
        ),
    )


class ConfirmForm(FlaskForm):
    """The POST behind a button of the editor (remove, move)."""
