"""Staff pages to list, create and edit calls."""

from flask import abort, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.access.policy import role_required
from app.application_forms.versions import call_form
from app.applications.models import Application
from app.auth.models import Role
from app.calls import (
    bp,
    calendar_routes,  # noqa: F401 - attaches its views to the blueprint
    definition_routes,  # noqa: F401 - attaches its views to the blueprint
)
from app.calls.calendar import feed_url
from app.calls.forms import CallForm
from app.calls.language_fields import fill_per_language, wording_form
from app.calls.models import DEFAULT_ELIGIBILITY, Call
from app.calls.sandbox import WordingError, render_wording
from app.calls.services import create_call, save_wording, update_call
from app.calls.wording import (
    LANGUAGES,
    OUTCOMES,
    PLACEHOLDERS,
    custom_text,
    default_text,
    letter_facts,
    paragraphs,
)
from app.common.clock import from_brussels_naive, to_brussels, utcnow
from app.common.errors import message_of
from app.common.views import form_page, run_service
from app.documents.requirements import documents_to_prepare
from app.documents.wording import KIND_LABELS
from app.eligibility.rule_sets import rule_set
from app.eligibility.summaries import rule_summaries
from app.extensions import db
from app.i18n import page_locale
from app.info_sessions.models import public_sessions
from app.letters.content import demo_context


def _brussels_or_none(moment):
    """An optional date and time typed as Brussels time, in UTC."""
    return from_brussels_naive(moment) if moment else None


def _form_data(form: CallForm) -> dict:
    data = _form_values(form)
    if data["scoring_reminder_days"] is None:  # left empty: as it was (3 for a new call)
        del data["scoring_reminder_days"]
    return data


def _form_values(form: CallForm) -> dict:
    return {
        "reference": form.reference.data.strip(),
        "name": form.name.data.strip(),
        "description": (form.description.data or "").strip(),
        "opens_at": from_brussels_naive(form.opens_at.data),
        "closes_at": from_brussels_naive(form.closes_at.data),
        "quota": form.quota.data,
        "reserve_size": form.reserve_size.data,
        "jurors_per_dossier": form.jurors_per_dossier.data,
        "criteria": form.criteria_rows(),
        "translations": form.translations(),
        "faq": form.faq_items(),
        "eligibility": form.eligibility_parameters(),
        "four_eyes_ineligibility": form.four_eyes_ineligibility.data,
        "ranking_method": form.ranking_method.data,
        "disagreement_threshold": float(form.disagreement_threshold.data),
        "jurors_see_others": form.jurors_see_others.data,
        "anonymous_reviews": form.anonymous_reviews.data,
        "conflicts_confirmation_required": form.conflicts_confirmation_required.data,
        "scoring_closes_at": _brussels_or_none(form.scoring_closes_at.data),
        "scoring_reminder_days": form.scoring_reminder_days.data,
        "letter_signatory_name": (form.letter_signatory_name.data or "").strip(),
        "letter_signatory_role": (form.letter_signatory_role.data or "").strip(),
        "letter_place": (form.letter_place.data or "").strip() or "Bruxelles",
        "letter_partners": (form.letter_partners.data or "").strip(),
    }


def _fill_form(form: CallForm, call: Call) -> None:
    form.process(obj=call)
    form.opens_at.data = to_brussels(call.opens_at).replace(tzinfo=None)
    form.closes_at.data = to_brussels(call.closes_at).replace(tzinfo=None)
    if call.scoring_closes_at is not None:
        form.scoring_closes_at.data = to_brussels(call.scoring_closes_at).replace(tzinfo=None)
    if form.has_parameters:
        rules = {**DEFAULT_ELIGIBILITY, **call.eligibility}
        for name in (
            "minimum_age",
            "residence_min_years",
            "residence_window_years",
            "company_max_age_years",
            "ownership_min_percent",
        ):
            getattr(form, name).data = rules[name]
        form.accepted_nationalities.data = ", ".join(rules["accepted_nationalities"])
        form.accepted_languages.data = rules["accepted_languages"]
    while len(form.criteria) < len(call.criteria) + 2:
        form.criteria.append_entry()
    for row, criterion in zip(form.criteria, call.criteria, strict=False):
        row.form.process(obj=criterion)
        fill_per_language(row.form.name_i18n, criterion.translations, "name")
        fill_per_language(row.form.description_i18n, criterion.translations, "description")
    fill_per_language(form.description_i18n, call.translations, "description")
    fill_per_language(form.letter_signatory_role_i18n, call.translations, "letter_signatory_role")
    fill_per_language(form.letter_place_i18n, call.translations, "letter_place")
    while len(form.faq) < len(call.faq or []) + 2:
        form.faq.append_entry()
    for row, item in zip(form.faq, call.faq or [], strict=False):
        row.form.question.data = item.get("question", "")
        row.form.answer.data = item.get("answer", "")
        fill_per_language(row.form.question_i18n, item.get("translations"), "question")
        fill_per_language(row.form.answer_i18n, item.get("translations"), "answer")


@bp.route("/staff/calls")
@role_required(Role.STAFF)
def list_calls():
    """Every call with its phase and number of applications."""
    counts = dict(
        db.session.execute(
            select(Application.call_id, func.count()).group_by(Application.call_id)
        ).all()
    )
    calls = db.session.scalars(select(Call).order_by(Call.opens_at.desc())).all()
    return render_template("calls/list.html", calls=calls, counts=counts, now=utcnow())


@bp.route("/staff/calls/new", methods=["GET", "POST"])
@role_required(Role.STAFF)
def new_call():
    """Create a call."""
    form = CallForm()
    if not form.validate_on_submit():
        return _edit_page(form, None)
    return run_service(
        create_call,
        {**_form_data(form), "form": form.start_form.data},
        done=lambda call: _("Call %(reference)s created.", reference=call.reference),
        then=lambda call: url_for("calls.show_call", call_id=call.id),
        refused=lambda message: _edit_page(form, None, message),
    )


def _edit_page(form: CallForm, call: Call | None, refusal: str | None = None):
    """The call's form (again), with the reason its change was refused, if any."""
    conditions = None if form.has_parameters else rule_summaries(rule_set(call), call_form(call))
    return form_page("calls/edit.html", refusal, form=form, call=call, conditions=conditions)


@bp.route("/staff/calls/<int:call_id>")
@role_required(Role.STAFF)
def show_call(call_id):
    """A call's settings, criteria and eligibility parameters."""
    call = db.get_or_404(Call, call_id)
    counts = dict(
        db.session.execute(
            select(Application.status, func.count())
            .where(Application.call_id == call.id)
            .group_by(Application.status)
        ).all()
    )
    return render_template(
        "calls/show.html",
        call=call,
        counts=counts,
        now=utcnow(),
        calendar_url=feed_url(call, page_locale()),
        conditions=rule_summaries(rule_set(call), call_form(call)),
    )


@bp.route("/staff/calls/<int:call_id>/edit", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_call(call_id):
    """Edit a call's settings and criteria."""
    call = db.get_or_404(Call, call_id)
    form = CallForm()
    if call.eligibility_rules is not None:
        form.without_parameters()
    if request.method == "GET":
        _fill_form(form, call)
    if not form.validate_on_submit():
        return _edit_page(form, call)
    return run_service(
        update_call,
        call,
        _form_data(form),
        done=lambda saved: _("Call %(reference)s saved.", reference=saved.reference),
        then=url_for("calls.show_call", call_id=call.id),
        refused=lambda message: _edit_page(form, call, message),
    )


# Wording of the letters and e-mails --------------------------------------------------


@bp.route("/staff/calls/<int:call_id>/wording")
@role_required(Role.STAFF)
def call_wording(call_id):
    """The outcomes whose letter and e-mail texts the call may replace, and which it did."""
    call = db.get_or_404(Call, call_id)
    return render_template("calls/wording.html", call=call, outcomes=OUTCOMES.values())


@bp.route("/staff/calls/<int:call_id>/wording/<outcome>", methods=["GET", "POST"])
@role_required(Role.STAFF)
def edit_wording(call_id, outcome):
    """Edit an outcome's texts in every language, with a preview on demo data."""
    call = db.get_or_404(Call, call_id)
    spec = OUTCOMES.get(outcome) or abort(404)
    form = wording_form(spec)
    if request.method == "GET":
        for code in LANGUAGES:
            for part in spec.parts:
                text = custom_text(call, outcome, part, code)
                form[f"{code}_{part}"].data = text or default_text(outcome, part, code)
    if not (form.validate_on_submit() and "save" in request.form):
        return _wording_page(form, call, spec)
    texts = {code: {part: form[f"{code}_{part}"].data for part in spec.parts} for code in LANGUAGES}
    return run_service(
        save_wording,
        call,
        outcome,
        texts,
        done=lambda changed: _("Wording saved.") if changed else _("Nothing changed."),
        then=url_for("calls.call_wording", call_id=call.id),
        refused=lambda message: _wording_page(form, call, spec, message),
    )


def _preview(spec, part: str, code: str, text: str, call) -> dict:
    """How ``text`` reads for the demo applicant (left empty: the template's), or why it
    cannot be used."""
    text = (text or "").strip() or default_text(spec.key, part, code)
    try:
        rendered = render_wording(text, demo_values(spec.key, part, code, call))
    except WordingError as error:
        return {"problem": message_of(error)}
    return {"paragraphs": paragraphs(rendered) or []}


def _wording_page(form, call: Call, spec, refusal: str | None = None):
    previews = {
        code: {
            part: _preview(spec, part, code, form[f"{code}_{part}"].data, call)
            for part in spec.parts
        }
        for code in LANGUAGES
    }
    return form_page(
        "calls/wording_edit.html",
        refusal,
        form=form,
        call=call,
        outcome=spec,
        wording_languages=LANGUAGES,
        previews=previews,
        placeholders=PLACEHOLDERS,
    )


# Public ------------------------------------------------------------------------------


@bp.route("/calls/<reference>")
def public_call(reference):
    """The public page of a call: offer, conditions, criteria, timeline, documents, FAQ."""
    call = db.session.scalar(select(Call).where(Call.reference == reference))
    if call is None:
        abort(404)
    now = utcnow()
    form = call_form(call)
    return render_template(
        "calls/public.html",
        call=call,
        now=now,
        conditions=rule_summaries(rule_set(call), form),
        sessions=public_sessions(call, now=now),
        document_kinds=KIND_LABELS,
        prepare=documents_to_prepare(form),
        remaining=call.closes_at - now,
    )


def demo_values(outcome: str, part: str, locale: str, call=None) -> dict:
    """The placeholders of ``part`` of ``outcome`` filled with the letters' demo dossier
    (app.letters.content.demo_context), for previews."""
    letter = outcome if OUTCOMES[outcome].letter else "selected"
    facts = letter_facts(demo_context(letter, locale, call)) | {"project_title": "Atlas Agritech"}
    return {name: facts[name] for name in OUTCOMES[outcome].placeholders(part)}
