"""What every coaching page shares: the words of coaching in its templates, and loading
a record the reader may open (404 otherwise, as app.access.policy answers)."""

from flask import abort, url_for
from flask_babel import format_currency, format_date
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.access.policy import may_read_coaching_file, may_see_item
from app.applications.models import Application
from app.coaching import bp
from app.coaching.models import ActionItem, CoachingSession
from app.coaching.overview import coaches_with_load
from app.coaching.vocabulary import (
    FACT_LABELS,
    LOCATION_LABELS,
    MODE_LABELS,
    OUTCOME_LABELS,
    OWNER_LABELS,
    PLACE_LABELS,
    ROLE_LABELS,
    milestone_label,
    topic_label,
)
from app.extensions import db
from workflows.coaching import CoachRole


@bp.app_template_filter("day")
def day_filter(value, format="d MMM y"):
    """A calendar date written for the page's language."""
    return format_date(value, format) if value else "—"


@bp.context_processor
def vocabulary():
    return {
        "mode_labels": MODE_LABELS,
        "place_labels": PLACE_LABELS,
        "owner_labels": OWNER_LABELS,
        "coach_role_labels": ROLE_LABELS,
        "coach_roles": CoachRole,
        "location_labels": LOCATION_LABELS,
        "outcome_labels": OUTCOME_LABELS,
        "fact_labels": FACT_LABELS,
        "milestone_label": milestone_label,
        "topic_label": topic_label,
        "money": lambda value: format_currency(value, "EUR"),
    }


def project_or_404(project_id: int) -> Application:
    """A project whose coaching file the current user may read, else 404."""
    application = db.session.get(Application, project_id)
    if application is None or not may_read_coaching_file(current_user, application):
        abort(404)
    return application


def session_or_404(session_id: int) -> CoachingSession:
    """A session of a coaching file the current user may read, else 404."""
    session = db.session.get(CoachingSession, session_id)
    if session is None:
        abort(404)
    project_or_404(session.application_id)
    return session


def item_or_404(item_id: int) -> ActionItem:
    """An action item the current user takes part in, else 404."""
    item = db.session.get(ActionItem, item_id)
    if item is None or not may_see_item(current_user, item):
        abort(404)
    return item


def file_url(application: Application, anchor: str = "") -> str:
    """The project's coaching file, at ``anchor`` ("#items")."""
    return url_for("coaching.project", project_id=application.id) + anchor


def topic_choices(settings) -> list[tuple[str, str]]:
    """The topics a session may cover, from the call's coaching ``settings``."""
    return [(entry["key"], topic_label(entry)) for entry in settings.topics]


def coach_choices() -> list[SelectChoice]:
    """Each active coach, with their load, languages and location in the label."""
    choices = []
    for user, profile, load in coaches_with_load():
        facts = [_("%(load)d followed", load=load)]
        if profile is not None:
            facts[0] = _("%(load)d of %(capacity)d", load=load, capacity=profile.capacity)
            if profile.languages:
                facts.append(profile.languages.upper().replace(",", ", "))
            facts.append(str(LOCATION_LABELS[profile.location]))
        choices.append(SelectChoice(user.id, f"{user.full_name} ({' · '.join(facts)})"))
    return choices
