"""What every coaching page shares: the words of coaching in its templates, loading a
record the reader may open (404 otherwise, as app.access.policy answers), and running
a service posted with a form."""

from flask import flash, redirect, url_for
from flask_babel import format_currency, format_date
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.access.policy import may_manage_coaching, may_read_coaching_file, may_see_item
from app.applications.models import Application
from app.calls.models import Call
from app.coaching import bp
from app.coaching import vocabulary as words
from app.coaching.models import ActionItem, CoachingSession
from app.coaching.overview import coaches_with_load
from app.common.views import form_errors, permitted_or_404, run_service
from workflows.coaching import CoachRole


@bp.app_template_filter("day")
def day_filter(value, format="d MMM y"):
    """A calendar date written for the page's language."""
    return format_date(value, format) if value else "—"


@bp.context_processor
def vocabulary():
    return {
        "mode_labels": words.MODE_LABELS,
        "place_labels": words.PLACE_LABELS,
        "owner_labels": words.OWNER_LABELS,
        "coach_role_labels": words.ROLE_LABELS,
        "coach_roles": CoachRole,
        "location_labels": words.LOCATION_LABELS,
        "outcome_labels": words.OUTCOME_LABELS,
        "fact_labels": words.FACT_LABELS,
        "milestone_label": words.milestone_label,
        "topic_label": words.topic_label,
        "changed_fields": words.changed_fields,
        "money": lambda value: format_currency(value, "EUR"),
    }


def project_or_404(project_id: int) -> Application:
    """A project whose coaching file the current user may read, else 404."""
    return permitted_or_404(Application, project_id, may_read_coaching_file)


def session_or_404(session_id: int) -> CoachingSession:
    """A session of a coaching file the current user may read, else 404."""
    return permitted_or_404(
        CoachingSession, session_id, lambda user, row: may_read_coaching_file(user, row.application)
    )


def item_or_404(item_id: int) -> ActionItem:
    """An action item the current user takes part in, else 404."""
    return permitted_or_404(ActionItem, item_id, may_see_item)


def call_or_404(call_id: int) -> Call:
    """A call whose coaching the current user manages (staff), else 404."""
    return permitted_or_404(Call, call_id, lambda user, _call: may_manage_coaching(user))


def file_url(application: Application, anchor: str = "") -> str:
    """The project's coaching file, at ``anchor`` ("#items")."""
    return url_for("coaching.project", project_id=application.id) + anchor


def run_posted(form, change, *args, done: str, back: str, **kwargs):
    """Run ``change`` for a valid posted ``form`` (app.common.views.run_service), back to
    ``back``; an invalid form goes back there with its errors, in one message (where
    app.common.views.run_posted flashes each error on its own)."""
    if not form.validate_on_submit():
        flash(form_errors(form), "error")
        return redirect(back)
    return run_service(change, *args, done=done, back=back, **kwargs)


def topic_choices(settings) -> list[tuple[str, str]]:
    """The topics a session may cover, from the call's coaching ``settings``."""
    return [(entry["key"], words.topic_label(entry)) for entry in settings.topics]


def coach_choices() -> list[SelectChoice]:
    """Each active coach, with their load, languages and location in the label."""
    choices = []
    for user, profile, load in coaches_with_load():
        facts = [_("%(load)d followed", load=load)]
        if profile is not None:
            facts[0] = _("%(load)d of %(capacity)d", load=load, capacity=profile.capacity)
            if profile.languages:
                facts.append(profile.languages.upper().replace(",", ", "))
            facts.append(str(words.LOCATION_LABELS[profile.location]))
        choices.append(SelectChoice(user.id, f"{user.full_name} ({' · '.join(facts)})"))
    return choices
