"""The demo's second programme: a call of another programme, from its own template.

Green Start Brussels (app/calls/call_templates/green_start.json) shows that nothing in
Impulse is MBI's alone: another form (two steps of questions, a co-founder's name asked
only of those who have one, other documents, a statute asked only of a company), two
rules of its own, three criteria. Its applicants answer whatever its form asks
(:func:`answers_for` reads the form, not question names).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from faker import Faker

from app.application_forms.definition import Form, Question
from app.application_forms.versions import call_form
from app.applications.questions import call_template
from app.calls.definition import import_definition
from app.calls.models import Call
from app.common.clock import BRUSSELS
from app.demo import bulk
from app.documents.demo import demo_documents

SECOND_CALL = "GSB-2026"


def _answer(question: Question, rng: random.Random, faker: Faker):
    """A plausible answer to ``question``, from its type and limits."""
    if question.kind == "boolean":
        return rng.random() < 0.5
    if question.choices:
        values = [value for value, _label in question.choices]
        return (
            rng.sample(values, rng.randint(1, 2))
            if question.kind == "multi"
            else rng.choice(values)
        )
    if question.kind == "date":
        if question.is_birth_date:
            return faker.date_of_birth(minimum_age=17, maximum_age=60).isoformat()
        return faker.date_between("-10y", "-1y").isoformat()
    if question.kind in ("integer", "percent"):
        low = question.minimum or 0
        high = min(question.maximum if question.maximum is not None else 100, 80000)
        return rng.randint(low, max(low, high))
    if question.kind == "email":
        return faker.email()
    if question.kind == "tel":
        return faker.phone_number()
    text = faker.sentence(nb_words=6) if question.kind == "text" else faker.paragraph(4)
    return text[: question.max_length] if question.max_length else text


def answers_for(form: Form, rng: random.Random, faker: Faker) -> dict:
    """Answers to every question ``form`` asks of this applicant, in form order (a
    question asked on a condition only when the answers so far make it hold)."""
    answers: dict = {}
    for question in form.questions.values():
        if question.applies(answers):
            answers[question.name] = _answer(question, rng, faker)
    return answers


#: The demo calls' letter signatory roles in the other languages (each letter is written
#: in one language; the call templates give the French only).
LETTER_ROLES = {
    "mbi": {
        "en": "Coordinator of the Maghrib Belgium Impulse programme",
        "nl": "Coördinator van het programma Maghrib Belgium Impulse",
        "ar": "منسقة برنامج Maghrib Belgium Impulse",
    },
    "green_start": {
        "en": "Coordinator of Green Start Brussels",
        "nl": "Coördinator van Green Start Brussels",
        "ar": "منسقة Green Start Brussels",
    },
}


def translate_letter_role(call: Call, template: str) -> None:
    """Give ``call`` (made from ``template``) its signatory's role in every language,
    keeping the translations it has."""
    translations = {code: dict(texts) for code, texts in (call.translations or {}).items()}
    for code, role in LETTER_ROLES[template].items():
        translations.setdefault(code, {}).setdefault("letter_signatory_role", role)
    call.translations = translations


def load_second_call(
    password_hash: str, rng: random.Random, faker: Faker, today: date, count: int
) -> Call:
    """The Green Start Brussels call, open now, with ``count`` applicants (about two
    thirds submitted), written in bulk (app.demo.bulk) with ``password_hash``."""
    call = import_definition(
        call_template("green_start"),
        reference=SECOND_CALL,
        opens_at=datetime.combine(today - timedelta(days=20), time(9), tzinfo=BRUSSELS),
        closes_at=datetime.combine(today + timedelta(days=40), time(17), tzinfo=BRUSSELS),
        source={"imported_from": "app/calls/call_templates/green_start.json"},
        actor=None,
    )
    translate_letter_role(call, "green_start")
    form = call_form(call)
    writer = bulk.DossierWriter(call, password_hash=password_hash)
    for number in range(1, count + 1):
        applicant = bulk.Person(f"green{number}@example.com", faker.name(), "")
        applicant.locale = rng.choice(["fr", "nl", "en"])
        dossier = bulk.Dossier(call, applicant, {}, form, form_version_id=call.form_version_id)
        dossier.answers = answers_for(form, rng, faker)
        dossier.files = demo_documents(dossier, rng)
        dossier.submit = rng.random() < 0.7 and not dossier.missing_items()
        writer.add(dossier)
    writer.close()
    return call
