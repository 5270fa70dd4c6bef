"""Reasons name countries, languages and documents in the reader's language, never by
their codes ("Nationality BE, MA", "Speaks ar, fr"), while the stored values keep the
codes."""

from datetime import date

import pytest
from flask_babel import force_locale

from app.auth.models import Role
from app.eligibility.checks import check_application
from app.eligibility.conditions import evaluate_rules
from app.eligibility.names import cited_questions
from app.eligibility.rule_sets import default_rule_set, reason_of
from app.eligibility.rules import Context
from app.extensions import db
from tests.helpers import COMPLETE_ANSWERS

CONTEXT = Context(closing_date=date(2026, 3, 31), application_date=date(2026, 3, 1))


def _reasons(facts: dict, language: str) -> dict[str, str]:
    rules = default_rule_set()
    results = evaluate_rules(rules, facts, CONTEXT)
    with force_locale(language):
        return {result.rule: reason_of(rules, result) for result in results}


@pytest.mark.parametrize(
    ("language", "nationality", "speaks"),
    [
        ("en", "Nationality Belgium, Morocco: accepted.", "Speaks Arabic, French."),
        ("fr", "Nationalité Belgique, Maroc : acceptée.", "Parle arabe, français."),
        ("nl", "Nationaliteit België, Marokko: aanvaard.", "Spreekt Arabisch, Frans."),
        ("ar", "الجنسية المغرب، بلجيكا: مقبولة.", "يتحدث العربية، الفرنسية."),
    ],
)
def test_countries_and_languages_are_named_in_the_readers_language(
    app, language, nationality, speaks
):
    reasons = _reasons({**COMPLETE_ANSWERS, "documents": []}, language)
    assert reasons["nationality"] == nationality
    assert reasons["language"] == speaks


def test_a_refusal_names_what_the_call_accepts(app):
    facts = {**COMPLETE_ANSWERS, "nationalities": ["FR"], "languages": ["nl"], "documents": []}
    reasons = _reasons(facts, "fr")
    assert reasons["nationality"] == "Nationalité France : l’appel accepte Belgique, Maroc."
    assert reasons["language"] == (
        "Parle néerlandais : l’appel exige l’une des langues suivantes : anglais, arabe, français."
    )


def test_a_choice_that_is_no_country_keeps_its_label(app):
    facts = {**COMPLETE_ANSWERS, "nationalities": ["OTHER", "MA"], "documents": []}
    assert _reasons(facts, "nl")["nationality"] == "Nationaliteit Ander, Marokko: aanvaard."


def test_missing_documents_are_named(app):
    facts = {**COMPLETE_ANSWERS, "documents": ["identity", "cv"]}
    reasons = _reasons(facts, "en")
    assert reasons["documents"] == ("Documents missing: Business plan, Criminal record extract.")


def test_the_stored_values_keep_the_codes(app, make_application):
    application = make_application("submitted")
    results = check_application(application)
    nationality = next(result for result in results if result.rule == "nationality")
    assert nationality.values["held"] == "BE, MA"


def test_the_staff_review_page_names_them(client, make_user, login_as, make_application):
    application = make_application("submitted")
    check_application(application)
    db.session.commit()
    login_as(make_user(Role.STAFF, locale="fr"))
    page = client.get(f"/staff/eligibility/{application.id}").get_data(as_text=True)
    assert "Nationalité Belgique, Maroc : acceptée." in page
    assert "Parle arabe, français." in page
    assert "BE, MA" not in page and "ar, fr" not in page


def test_which_question_each_cited_value_comes_from(app):
    rules = default_rule_set()
    nationality = cited_questions(rules.rule("nationality"))
    assert nationality["held"] == nationality["accepted"] == "nationalities"
    assert cited_questions(rules.rule("language"))["spoken"] == "languages"
    assert cited_questions(rules.rule("documents"))["missing"] == "documents"


def test_a_question_on_every_country_is_named_too(app):
    from dataclasses import replace

    from app.application_forms.definition import REFERENCE_LISTS, Question
    from app.eligibility.names import readable_values

    question = Question(
        name="birth_country",
        label="Country of birth",
        kind="select",
        choices=REFERENCE_LISTS["countries"],
        choices_from="countries",
    )
    rule = {"condition": {"op": "one_of", "question": "birth_country", "values": ["MA"]}}
    values = {"held": "DZ", "values": "MA", "common": ""}
    assert readable_values(rule, values, {"birth_country": question}, "fr") == {
        "held": "Algérie",
        "values": "Maroc",
        "common": "",
    }
    sector = replace(
        question, name="sector", choices=(("A", "A – Agriculture"),), choices_from="nace_sections"
    )
    assert readable_values(rule, {"held": "A"}, {"birth_country": sector}, "fr") == {"held": "A"}
