"""Fields the areas' forms write the same way: a text of limited length, checkboxes."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

#: A text longer than its field allows.
TOO_LONG = _l("At most %(max)d characters.")


def text_field(label, max_length: int, required=None, *, area: bool = False, **options):
    """A line of text (a text area with ``area``) of at most ``max_length`` characters,
    the reader told so in their language. ``required`` is the validator that asks for it
    (``DataRequired(message)`` or ``InputRequired(message)``); without it the field is
    optional. ``options`` go to the field (``description``, ``render_kw``...)."""
    field = TextAreaField if area else StringField
    validators = [required or Optional(), Length(max=max_length, message=TOO_LONG)]
    return field(label, validators=validators, **options)


def checkboxes(label, choices=(), **options) -> SelectMultipleField:
    """Several of ``choices`` (none yet: the form sets them), one checkbox each.
    ``options`` go to the field (``validators``, ``default``...)."""
    return SelectMultipleField(
        label,
        choices=list(choices),
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        **options,
    )
