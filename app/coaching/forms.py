"""Forms of coaching: assignment, coach profile, settings, sessions, items, milestones."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional

from app.calls.forms import LANGUAGE_CHOICES
from app.coaching.models import ItemOwner
from app.coaching.vocabulary import (
    FACT_LABELS,
    LOCATION_LABELS,
    MODE_LABELS,
    OUTCOME_LABELS,
    OWNER_LABELS,
    PLACE_LABELS,
    ROLE_LABELS,
    STANDARD_MILESTONES,
    STANDARD_TOPICS,
)
from app.common.forms import checkboxes, text_field
from workflows.coaching import CoachingOutcome, CoachRole


def _choices(labels: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _checkboxes(label, choices=()) -> SelectMultipleField:
    return checkboxes(label, choices, validate_choice=False)


def _one_per_line(label) -> TextAreaField:
    return text_field(label, 2000, area=True, description=_l("One per line."))


class AssignForm(FlaskForm):
    coach_id = SelectField(
        _l("Coach"), coerce=int, validators=[InputRequired(_l("Please choose a coach."))]
    )
    role = SelectField(_l("As"), choices=_choices(ROLE_LABELS), default=CoachRole.PRIMARY)


class ProfileForm(FlaskForm):
    languages = _checkboxes(_l("Languages"), LANGUAGE_CHOICES)
    location = SelectField(_l("Works in"), choices=_choices(LOCATION_LABELS))
    capacity = IntegerField(
        _l("Entrepreneurs at most"),
        default=8,
        validators=[InputRequired(_l("Give a number between 1 and 100."))],
    )

    def data_for_service(self, languages: tuple[str, ...]) -> dict:
        """The profile, keeping only the ``languages`` the programme works in."""
        return {
            "languages": [code for code in self.languages.data or [] if code in languages],
            "location": self.location.data,
            "capacity": self.capacity.data,
        }


class SettingsForm(FlaskForm):
    topics = _checkboxes(_l("Standard topics"), _choices(STANDARD_TOPICS))
    custom_topics = _one_per_line(_l("The programme's own topics"))
    milestones = _checkboxes(
        _l("Standard milestones"),
        [SelectChoice(key, entry["label"]) for key, entry in STANDARD_MILESTONES.items()],
    )
    custom_milestones = _one_per_line(_l("The programme's own milestones"))
    stall_days = IntegerField(
        _l("A project without a session for more than this many days is stalled"),
        default=21,
        validators=[InputRequired(_l("Give a number of days."))],
    )

    def data_for_service(self) -> dict:
        """Standard topics and milestones chosen, the programme's own one per line."""
        return {
            "topics": [key for key in self.topics.data or [] if key in STANDARD_TOPICS],
            "custom_topics": (self.custom_topics.data or "").splitlines(),
            "milestones": [key for key in self.milestones.data or [] if key in STANDARD_MILESTONES],
            "custom_milestones": (self.custom_milestones.data or "").splitlines(),
            "stall_days": self.stall_days.data,
        }


class ItemForm(Form):
    """One action item; a row without text is ignored."""

    text = text_field(_l("Action item"), 500)
    owner = SelectField(
        _l("Who does it"), choices=_choices(OWNER_LABELS), default=ItemOwner.ENTREPRENEUR
    )
    due_on = DateField(_l("Due on"), validators=[Optional()], render_kw={"type": "date"})

    def data_for_service(self) -> dict:
        return {"text": self.text.data, "owner": self.owner.data, "due_on": self.due_on.data}


class SessionForm(FlaskForm):
    held_on = DateField(
        _l("Date of the session"),
        validators=[InputRequired(_l("Give the date of the session."))],
        render_kw={"type": "date"},
    )
    duration_minutes = IntegerField(
        _l("Duration (minutes)"),
        validators=[InputRequired(_l("Give the duration in minutes."))],
    )
    mode = RadioField(_l("How"), choices=_choices(MODE_LABELS), default="in_person")
    place = RadioField(_l("Where"), choices=_choices(PLACE_LABELS), default="belgium")
    topics = _checkboxes(_l("Topics"))
    tags = text_field(_l("Tags"), 400, description=_l("Your own words, separated by commas."))
    summary = text_field(_l("Summary shared with the entrepreneur"), 10000, area=True)
    private_notes = text_field(
        _l("Private notes"),
        10000,
        area=True,
        description=_l("Read by coaches and the programme staff only, never by the entrepreneur."),
    )
    next_session_on = DateField(
        _l("Next session"), validators=[Optional()], render_kw={"type": "date"}
    )
    items = FieldList(FormField(ItemForm), min_entries=3, max_entries=10)

    def data_for_service(self) -> dict:
        return {
            "held_on": self.held_on.data,
            "duration_minutes": self.duration_minutes.data,
            "mode": self.mode.data,
            "place": self.place.data,
            "topics": self.topics.data or [],
            "tags": [tag for tag in (self.tags.data or "").split(",")],
            "summary": self.summary.data,
            "private_notes": self.private_notes.data,
            "next_session_on": self.next_session_on.data,
            "items": [row.form.data_for_service() for row in (self.items or [])],
        }


class EditSessionForm(SessionForm):
    items = None
    #: The session's version the page showed: an edit of a session changed since is refused.
    version = HiddenField()

    def expected_version(self) -> int:
        """The version posted back (-1 when missing: refused as changed)."""
        value = self.version.data or ""
        return int(value) if str(value).isdigit() else -1


class NewItemForm(FlaskForm, ItemForm):
    """One action item added on its own: its text is required."""

    text = text_field(_l("Action item"), 500, InputRequired(_l("Describe the action item.")))


class CommentForm(FlaskForm):
    body = text_field(_l("Comment"), 2000, InputRequired(_l("Write a comment first.")), area=True)


class MilestoneForm(FlaskForm):
    target_on = DateField(_l("Target date"), validators=[Optional()], render_kw={"type": "date"})
    reached_on = DateField(_l("Reached on"), validators=[Optional()], render_kw={"type": "date"})
    register_number = text_field(FACT_LABELS["register_number"], 120)
    amount_eur = DecimalField(FACT_LABELS["amount_eur"], places=2, validators=[Optional()])
    source = text_field(FACT_LABELS["source"], 120)
    jobs = IntegerField(FACT_LABELS["jobs"], validators=[Optional()])
    evidence_note = text_field(_l("Evidence (a note)"), 2000, area=True)
    evidence = FileField(_l("Evidence (a PDF or an image)"))

    def data_for_service(self) -> dict:
        amount = self.amount_eur.data
        return {
            "target_on": self.target_on.data,
            "reached_on": self.reached_on.data,
            "register_number": self.register_number.data or None,
            "amount_eur": float(amount) if amount is not None else None,
            "source": self.source.data or None,
            "jobs": self.jobs.data,
            "evidence_note": self.evidence_note.data,
        }


class CloseForm(FlaskForm):
    outcome = RadioField(
        _l("Coaching ends"), choices=_choices(OUTCOME_LABELS), default=CoachingOutcome.COMPLETED
    )
    text = text_field(
        _l("Closing report, or the reason for dropping out"),
        10000,
        InputRequired(_l("Write the closing report or the reason.")),
        area=True,
    )
