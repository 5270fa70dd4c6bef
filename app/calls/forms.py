"""The call editor: dates, numbers, scoring criteria and eligibility parameters (its
texts per language: app.calls.language_fields)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from app.calls.language_fields import (
    per_language,
    require_base,
    texts_of,
    translations_of,
)
from app.common.forms import checkboxes

LANGUAGE_CHOICES = [
    SelectChoice("fr", "Français"),
    SelectChoice("nl", "Nederlands"),
    SelectChoice("ar", "العربية"),
    SelectChoice("en", "English"),
]


class CriterionForm(Form):
    """One scoring criterion; a row without a name is ignored."""

    name = StringField(_l("Criterion"), validators=[Optional(), Length(max=120)])
    description = TextAreaField(
        _l("What jurors look at"), validators=[Optional(), Length(max=2000)]
    )
    weight = IntegerField(
        _l("Weight (%)"),
        validators=[Optional(), NumberRange(1, 100, _l("A weight is between 1 and 100."))],
    )
    scale_min = IntegerField(
        _l("Lowest score"), default=0, validators=[Optional(), NumberRange(0, 100)]
    )
    scale_max = IntegerField(
        _l("Highest score"), default=10, validators=[Optional(), NumberRange(1, 100)]
    )
    name_i18n = per_language(120, area=False)
    description_i18n = per_language(2000)


class FaqForm(Form):
    """One question of the public page's FAQ; a row left empty is ignored."""

    question = StringField(_l("Question"), validators=[Optional(), Length(max=300)])
    answer = TextAreaField(_l("Answer"), validators=[Optional(), Length(max=5000)])
    question_i18n = per_language(300, area=False)
    answer_i18n = per_language(5000)


def _int(label, minimum, maximum, message, default=None):
    return IntegerField(
        label,
        default=default,
        validators=[
            InputRequired(_l("Please give a number.")),
            NumberRange(minimum, maximum, message),
        ],
    )


class CallForm(FlaskForm):
    reference = StringField(
        _l("Reference"),
        validators=[
            DataRequired(_l("Please give the call a reference.")),
            Length(max=40),
            Regexp(
                r"^[A-Z0-9][A-Z0-9-]*$",
                message=_l("Capital letters, digits and dashes only, e.g. MBI-2026."),
            ),
        ],
        description=_l("Prefix of every application reference, e.g. MBI-2026."),
    )
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Please give the call a name.")), Length(max=200)]
    )
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20000)])
    description_i18n = per_language(20000)
    opens_at = DateTimeLocalField(
        _l("Opens (Brussels time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("Please give a date and time."))],
    )
    closes_at = DateTimeLocalField(
        _l("Closes (Brussels time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("Please give a date and time."))],
    )
    quota = _int(_l("Projects selected (quota)"), 1, 10000, _l("The quota is at least 1."), 30)
    reserve_size = IntegerField(
        _l("Reserve list size"),
        default=10,
        validators=[Optional(), NumberRange(0, 10000, _l("The reserve list cannot be negative."))],
    )
    jurors_per_dossier = _int(
        _l("Jurors per dossier"), 1, 50, _l("At least 1 juror per dossier."), 3
    )
    #: Only on the new-call page: which application form the call starts with.
    start_form = RadioField(
        _l("Application form"),
        choices=[
            SelectChoice("default", _l("Start from the default form (MBI)")),
            SelectChoice("empty", _l("Start from an empty form (one step, one question)")),
        ],
        default="default",
        validators=[Optional()],
    )
    criteria = FieldList(FormField(CriterionForm), min_entries=4)
    faq = FieldList(FormField(FaqForm), min_entries=3)

    # Eligibility parameters
    minimum_age = _int(_l("Minimum age on the closing date"), 1, 120, _l("Between 1 and 120."), 18)
    accepted_nationalities = StringField(
        _l("Accepted nationalities (ISO codes, comma-separated)"),
        default="MA, BE",
        validators=[
            DataRequired(_l("Name at least one nationality.")),
            Length(max=200),
            Regexp(
                r"^\s*[A-Za-z]{2}(\s*,\s*[A-Za-z]{2})*\s*$",
                message=_l("Two-letter country codes separated by commas, e.g. MA, BE."),
            ),
        ],
    )
    residence_min_years = _int(
        _l("Years of residence in Belgium required"), 0, 50, _l("Between 0 and 50."), 2
    )
    residence_window_years = _int(
        _l("... within the last (years)"), 1, 50, _l("Between 1 and 50."), 5
    )
    accepted_languages = checkboxes(
        _l("Accepted languages"),
        LANGUAGE_CHOICES,
        default=["fr", "ar", "en"],
        validators=[DataRequired(_l("Choose at least one language."))],
    )
    company_max_age_years = _int(
        _l("Maximum age of an existing company (years)"), 1, 100, _l("Between 1 and 100."), 5
    )
    ownership_min_percent = _int(
        _l("Eligible people must hold more than this share of the capital (%)"),
        1,
        100,
        _l("A percentage between 1 and 100."),
        50,
    )

    # How the jury and the staff work on this call
    four_eyes_ineligibility = BooleanField(
        _l("An ineligibility needs a second staff member's confirmation (four eyes)")
    )
    ranking_method = SelectField(
        _l("Ranking used by the selection"),
        choices=[
            SelectChoice("raw", _l("Raw: the mean of the jurors' totals")),
            SelectChoice("normalised", _l("Normalised: each juror's scores centred and scaled")),
        ],
        default="raw",
    )
    disagreement_threshold = DecimalField(
        _l("Flag a dossier when the jurors' totals differ by more than (standard deviation)"),
        places=None,
        default=15,
        validators=[
            InputRequired(_l("Please give a number.")),
            NumberRange(0, 100, _l("Between 0 and 100.")),
        ],
    )
    jurors_see_others = BooleanField(
        _l("After submitting, jurors see the other reviews of the dossier"), default=True
    )
    anonymous_reviews = BooleanField(_l("... without the other jurors' names"), default=True)
    conflicts_confirmation_required = BooleanField(
        _l("Jurors confirm having no other conflict before scoring")
    )
    scoring_closes_at = DateTimeLocalField(
        _l("Scoring closes (Brussels time)"),
        format="%Y-%m-%dT%H:%M",
        validators=[Optional()],
    )
    scoring_reminder_days = IntegerField(
        _l("Remind jurors with reviews not submitted this many days before (0: never)"),
        default=3,
        validators=[Optional(), NumberRange(0, 60, _l("Between 0 and 60."))],
    )

    # Decision letters
    letter_signatory_name = StringField(
        _l("Letters are signed by"),
        validators=[Optional(), Length(max=200)],
        description=_l("Name of the signatory, e.g. the programme coordinator."),
    )
    letter_signatory_role = StringField(
        _l("Role of the signatory"), validators=[Optional(), Length(max=200)]
    )
    letter_signatory_role_i18n = per_language(200, area=False)
    letter_place = StringField(
        _l("Place written before the date"),
        default="Bruxelles",
        validators=[Optional(), Length(max=100)],
    )
    letter_place_i18n = per_language(100, area=False)
    letter_partners = TextAreaField(
        _l("Partners on the letterhead (one per line)"),
        validators=[Optional(), Length(max=2000)],
    )

    #: The simple eligibility parameters, only for a call judged by the default template's
    #: rules (a call with rules of its own edits them in the rules editor).
    PARAMETERS = (
        "minimum_age",
        "accepted_nationalities",
        "residence_min_years",
        "residence_window_years",
        "accepted_languages",
        "company_max_age_years",
        "ownership_min_percent",
    )

    def without_parameters(self) -> CallForm:
        """This form without the simple eligibility parameters (nothing of them is read or
        saved)."""
        for name in self.PARAMETERS:
            delattr(self, name)
        return self

    @property
    def has_parameters(self) -> bool:
        return "minimum_age" in self._fields

    def validate(self, extra_validators=None) -> bool:
        #: Problems of the criteria as a whole (their sum, their absence).
        self.criteria_problems = []
        valid = super().validate(extra_validators)
        if self.opens_at.data and self.closes_at.data and self.closes_at.data <= self.opens_at.data:
            self.closes_at.errors.append(_l("The call must close after it opens."))
            valid = False
        if self.has_parameters and (self.residence_min_years.data or 0) > (
            self.residence_window_years.data or 0
        ):
            self.residence_min_years.errors.append(
                _l("The years required cannot exceed the window they are counted in.")
            )
            valid = False
        valid = require_base(self.description.data, self.description_i18n) and valid
        valid = (
            require_base(self.letter_signatory_role.data, self.letter_signatory_role_i18n) and valid
        )
        for row in self.criteria:
            valid = require_base(row.form.name.data, row.form.name_i18n) and valid
            valid = require_base(row.form.description.data, row.form.description_i18n) and valid
        valid = self._validate_faq() and valid
        rows = [row for row in self.criteria if (row.form.name.data or "").strip()]
        if not rows:
            self.criteria_problems.append(_l("Give at least one scoring criterion."))
            return False
        for row in rows:
            if row.form.weight.data is None:
                row.form.weight.errors.append(_l("Please give a weight."))
                valid = False
            low, high = row.form.scale_min.data, row.form.scale_max.data
            if low is not None and high is not None and high <= low:
                row.form.scale_max.errors.append(_l("The highest score must exceed the lowest."))
                valid = False
        total = sum(row.form.weight.data or 0 for row in rows)
        if total != 100:
            self.criteria_problems.append(
                _l("The weights add up to %(total)d; they must add up to 100.", total=total)
            )
            valid = False
        return valid

    def _validate_faq(self) -> bool:
        valid = True
        for row in self.faq:
            item = row.form
            question, answer = (item.question.data or "").strip(), (item.answer.data or "").strip()
            if answer and not question:
                item.question.errors = [*item.question.errors, _l("Please give the question.")]
                valid = False
            if question and not answer:
                item.answer.errors = [*item.answer.errors, _l("Please give the answer.")]
                valid = False
            valid = require_base(question, item.question_i18n) and valid
            valid = require_base(answer, item.answer_i18n) and valid
        return valid

    def translations(self) -> dict:
        """The call's own texts in the other languages: {code: {"description": ...}}, with
        an empty text for each language left empty (it erases a stored one)."""
        return {
            "description": texts_of(self.description_i18n),
            # a letter is written in one language: its signatory's role and its place too
            "letter_signatory_role": texts_of(self.letter_signatory_role_i18n),
            "letter_place": texts_of(self.letter_place_i18n),
        }

    def faq_items(self) -> list[dict]:
        return [
            {
                "question": row.form.question.data.strip(),
                "answer": (row.form.answer.data or "").strip(),
                "translations": translations_of(
                    question=row.form.question_i18n, answer=row.form.answer_i18n
                ),
            }
            for row in self.faq
            if (row.form.question.data or "").strip()
        ]

    def criteria_rows(self) -> list[dict]:
        return [
            {
                "name": row.form.name.data.strip(),
                "description": (row.form.description.data or "").strip(),
                "weight": row.form.weight.data,
                "scale_min": row.form.scale_min.data if row.form.scale_min.data is not None else 0,
                "scale_max": row.form.scale_max.data if row.form.scale_max.data is not None else 10,
                "translations": translations_of(
                    name=row.form.name_i18n, description=row.form.description_i18n
                ),
            }
            for row in self.criteria
            if (row.form.name.data or "").strip()
        ]

    def eligibility_parameters(self) -> dict:
        if not self.has_parameters:
            return {}
        return {
            "minimum_age": self.minimum_age.data,
            "accepted_nationalities": sorted(
                {
                    code.strip().upper()
                    for code in self.accepted_nationalities.data.split(",")
                    if code.strip()
                }
            ),
            "residence_min_years": self.residence_min_years.data,
            "residence_window_years": self.residence_window_years.data,
            "accepted_languages": list(self.accepted_languages.data),
            "company_max_age_years": self.company_max_age_years.data,
            "ownership_min_percent": self.ownership_min_percent.data,
        }
