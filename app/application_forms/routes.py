"""The form editor: staff shape a call's application form in the browser (no script
needed), each change saved as a new version, with a preview as the applicant sees it."""

from contextlib import nullcontext

from flask import abort, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.access.policy import role_required
from app.application_forms import bp, editing
from app.application_forms.definition import LANGUAGES, Form
from app.application_forms.forms import (
    LANGUAGE_NAMES,
    LIST_LABELS,
    TYPE_LABELS,
    ConfirmForm,
    DocumentsForm,
    QuestionForm,
    StepForm,
)
from app.application_forms.models import FormVersion
from app.application_forms.services import save_form
from app.application_forms.versions import call_form, current_definition
from app.applications.forms import step_form_class
from app.applications.models import Application
from app.applications.questions import condition_wording
from app.auth.models import Role
from app.calls.models import Call
from app.common.views import form_page, run_service
from app.documents.requirements import DOCUMENT_KINDS
from app.documents.wording import KIND_LABELS
from app.extensions import db


def _call(call_id: int) -> Call:
    return db.get_or_404(Call, call_id)


def _overview_url(call: Call, anchor: str = "") -> str:
    return url_for("application_forms.edit_form", call_id=call.id) + (
        f"#{anchor}" if anchor else ""
    )


def _save(call: Call, definition: dict, done: str, then: str, refused=None):
    """Save ``definition`` as the call's new version (checked whole), for the version
    the editor showed."""
    return run_service(
        save_form,
        call,
        definition,
        expected_version=_version_shown(),
        done=done,
        back=then,
        then=then,
        refused=refused,
    )


def _version_shown() -> int | None:
    """The form version the page showed: its id, None for the default form ("");
    -1 (not checked) when the post does not say."""
    shown = request.form.get("form_version")
    if shown is None:
        return -1
    return int(shown) if shown.isdigit() else None


@bp.route("/staff/calls/<int:call_id>/form")
@role_required(Role.STAFF)
def edit_form(call_id):
    """The call's form: its steps and questions, what may change, and the versions."""
    call = _call(call_id)
    versions = db.session.scalars(
        select(FormVersion)
        .where(FormVersion.call_id == call.id)
        .order_by(FormVersion.number.desc())
    ).all()
    submitted = db.session.scalar(
        select(func.count())
        .select_from(Application)
        .where(Application.call_id == call.id, Application.submitted_at.is_not(None))
    )
    return render_template(
        "application_forms/edit.html",
        call=call,
        form=call_form(call),
        versions=versions,
        submitted=submitted,
        button=ConfirmForm(),
        type_labels=TYPE_LABELS,
        list_labels=LIST_LABELS,
        document_labels=KIND_LABELS,
        condition_wording=lambda question: condition_wording(question, call_form(call)),
    )


def _step_page(call: Call, form: StepForm, slug: str | None, refused: str | None = None):
    return form_page(
        "application_forms/step.html",
        refused,
        call=call,
        form=form,
        slug=slug,
        languages=LANGUAGE_NAMES,
        version=call.form_version_id,
    )


@bp.route("/staff/calls/<int:call_id>/form/steps/new", methods=["GET", "POST"])
@bp.route("/staff/calls/<int:call_id>/form/steps/<slug>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_step(call_id, slug=None):
    """Add a step, or rename one (its title and introduction in each language)."""
    call = _call(call_id)
    definition = current_definition(call)
    existing = editing.step_data(definition, slug) if slug else None
    if slug and existing is None:
        abort(404)
    form = StepForm()
    if request.method == "GET" and existing:
        form.from_data(existing)
    if not form.validate_on_submit():
        return _step_page(call, form, slug)
    step = form.data_of()
    return _save(
        call,
        editing.put_step(definition, slug, step),
        _("Step saved."),
        _overview_url(call, f"step-{step['slug']}"),
        refused=lambda message: _step_page(call, form, slug, message),
    )


def _question_page(call, form: QuestionForm, slug, name, refused=None):
    return form_page(
        "application_forms/question.html",
        refused,
        call=call,
        form=form,
        slug=slug,
        name=name,
        languages=LANGUAGE_NAMES,
        version=call.form_version_id,
    )


def _earlier_questions(definition: dict, slug: str, name: str | None) -> list[tuple[str, object]]:
    """The questions asked before question ``name`` (or before the end of step ``slug``)."""
    earlier = []
    for step in definition["steps"]:
        for question in step.get("questions", []):
            if question["name"] == name:
                return earlier
            label = question.get("label")
            label = label.get("en") if isinstance(label, dict) else label
            earlier.append((question["name"], label, question.get("type")))
        if step["slug"] == slug and name is None:
            return earlier
    return earlier


@bp.route("/staff/calls/<int:call_id>/form/steps/<slug>/questions/new", methods=["GET", "POST"])
@bp.route("/staff/calls/<int:call_id>/form/questions/<name>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_question(call_id, slug=None, name=None):
    """Add a question to a step, or change one: type, texts, limits, choices, condition."""
    call = _call(call_id)
    definition = current_definition(call)
    if name is not None:
        existing = editing.question_data(definition, name)
        if existing is None:
            abort(404)
        slug = next(s["slug"] for s in definition["steps"] if existing in s.get("questions", []))
    elif editing.step_data(definition, slug) is None:
        abort(404)
    form = QuestionForm()
    form.offer_conditions(_earlier_questions(definition, slug, name))
    if request.method == "GET" and name is not None:
        form.from_data(existing)
    if not form.validate_on_submit():
        return _question_page(call, form, slug, name)
    question = form.data_of(existing if name is not None else None)
    return _save(
        call,
        editing.put_question(definition, slug, name, question),
        _("Question saved."),
        _overview_url(call, f"question-{question['name']}"),
        refused=lambda message: _question_page(call, form, slug, name, message),
    )


def _documents_page(call: Call, form: DocumentsForm, refused: str | None = None):
    return form_page(
        "application_forms/documents.html",
        refused,
        call=call,
        form=form,
        kinds=DOCUMENT_KINDS,
        document_labels=KIND_LABELS,
        version=call.form_version_id,
    )


@bp.route("/staff/calls/<int:call_id>/form/documents", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_documents(call_id):
    """The documents the form asks for: required or optional, for everyone or on a
    condition on an answer."""
    call = _call(call_id)
    definition = current_definition(call)
    listed = definition.get("documents") or []
    form = DocumentsForm()
    form.offer_conditions(_earlier_questions(definition, None, None))
    if request.method == "GET":
        form.from_data(listed)
    if not form.validate_on_submit():
        return _documents_page(call, form)
    return _save(
        call,
        editing.put_documents(definition, form.data_of(listed)),
        _("Documents saved."),
        _overview_url(call, "documents"),
        refused=lambda message: _documents_page(call, form, message),
    )


#: The editor's buttons: what each does to the definition, and what it says once done.
CHANGES = {
    "remove-step": (editing.remove_step, (), _l("Step removed.")),
    "step-up": (editing.move_step, (-1,), _l("Step moved.")),
    "step-down": (editing.move_step, (1,), _l("Step moved.")),
    "remove-question": (editing.remove_question, (), _l("Question removed.")),
    "question-up": (editing.move_question, (-1,), _l("Question moved.")),
    "question-down": (editing.move_question, (1,), _l("Question moved.")),
}


@bp.route("/staff/calls/<int:call_id>/form/<change>/<item>", methods=["POST"])
@role_required(Role.STAFF)
def change_form(call_id, change, item):
    """Remove or move a step or a question (a button of the editor)."""
    call = _call(call_id)
    if change not in CHANGES or not ConfirmForm().validate_on_submit():
        abort(404)
    apply, args, said = CHANGES[change]
    definition = current_definition(call)
    found = editing.step_data if "step" in change else editing.question_data
    if found(definition, item) is None:
        abort(404)
    return _save(call, apply(definition, item, *args), str(said), _overview_url(call))


@bp.route("/staff/calls/<int:call_id>/form/preview")
@bp.route("/staff/calls/<int:call_id>/form/preview/<slug>")
@role_required(Role.STAFF)
def preview(call_id, slug=None):
    """A step as the applicant sees it, in the language chosen, with nothing answered."""
    call = _call(call_id)
    form: Form = call_form(call)
    if not form.steps:
        abort(404)
    step = form.step_by_slug.get(slug) if slug else form.steps[0]
    if step is None:
        abort(404)
    language = request.args.get("lang") if request.args.get("lang") in LANGUAGES else None
    with force_locale(language) if language else nullcontext():
        page = render_template(
            "application_forms/preview.html",
            call=call,
            form=form,
            step=step,
            step_form=step_form_class(step)(formdata=None),
            questions=step.questions,
            condition_wording=lambda question: condition_wording(question, form),
            languages=LANGUAGE_NAMES,
            language=language,
        )
    return page
