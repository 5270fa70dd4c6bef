"""Texts staff write on a call (description, FAQ, criteria) in each language, French the
fallback; jurors and visitors read them in their own language."""

import pytest
from sqlalchemy import func, select

from app.auth.models import Role
from app.calls.models import Call
from app.extensions import db
from app.i18n import localized
from tests.calls.test_calls import VALID

TRANSLATED = VALID | {
    "description": "Deuxième édition.",
    "description_i18n-nl": "Tweede editie.",
    "description_i18n-ar": "الدورة الثانية.",
    "criteria-0-name": "Équipe",
    "criteria-0-description": "Complémentarité de l'équipe.",
    "criteria-0-name_i18n-nl": "Team",
    "criteria-0-name_i18n-ar": "الفريق",
    "criteria-0-description_i18n-nl": "Complementariteit van het team.",
    "faq-0-question": "Puis-je postuler à deux ?",
    "faq-0-answer": "Oui, en tant qu'entreprise.",
    "faq-0-question_i18n-nl": "Kan ik met twee indienen?",
    "faq-0-answer_i18n-nl": "Ja, als onderneming.",
    "faq-0-question_i18n-ar": "هل يمكنني التقدم مع شريك؟",
}


@pytest.fixture
def staff_client(client, make_user, login_as):
    login_as(make_user(Role.STAFF))
    return client


def _call() -> Call:
    return db.session.scalar(select(Call).where(Call.reference == "MBI-2027"))


def test_staff_write_the_call_in_each_language_and_find_it_again(staff_client):
    response = staff_client.post("/staff/calls/new", data=TRANSLATED)
    assert response.status_code == 302, response.get_data(as_text=True)
    call = _call()
    assert call.description == "Deuxième édition."
    assert call.translations == {
        "nl": {"description": "Tweede editie."},
        "ar": {"description": "الدورة الثانية."},
    }
    assert call.criteria[0].translations == {
        "nl": {"name": "Team", "description": "Complementariteit van het team."},
        "ar": {"name": "الفريق"},
    }
    assert call.criteria[1].translations == {}
    assert call.faq == [
        {
            "question": "Puis-je postuler à deux ?",
            "answer": "Oui, en tant qu'entreprise.",
            "translations": {
                "nl": {"question": "Kan ik met twee indienen?", "answer": "Ja, als onderneming."},
                "ar": {"question": "هل يمكنني التقدم مع شريك؟"},
            },
        }
    ]
    form = staff_client.get(f"/staff/calls/{call.id}/edit").get_data(as_text=True)
    assert "Tweede editie." in form and "الفريق" in form and "Ja, als onderneming." in form
    assert 'dir="rtl" id="description_i18n-ar" lang="ar"' in form  # Arabic typed right to left


def test_erasing_a_translation_keeps_the_other_texts_of_that_language(staff_client, make_call):
    call = make_call("MBI-2027")
    call.translations = {"nl": {"description": "Oud.", "letter_signatory_name": "Voorzitter"}}
    db.session.commit()
    data = TRANSLATED | {"description_i18n-nl": ""}
    assert staff_client.post(f"/staff/calls/{call.id}/edit", data=data).status_code == 302
    db.session.expire_all()
    assert call.translations["nl"] == {"letter_signatory_name": "Voorzitter"}
    assert call.translations["ar"] == {"description": "الدورة الثانية."}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"description": ""}, "Give the French text first"),
        ({"criteria-0-description": ""}, "Give the French text first"),
        ({"faq-0-question": "", "faq-0-answer": ""}, "Give the French text first"),
        ({"faq-0-answer": ""}, "Please give the answer."),
        ({"faq-1-answer": "An answer alone"}, "Please give the question."),
        ({"description_i18n-ar": "ع" * 20001}, "20000"),
    ],
)
def test_a_translation_without_its_french_text_is_refused(staff_client, change, message):
    response = staff_client.post(
        "/staff/calls/new", data=TRANSLATED | change, headers={"Accept-Language": "en"}
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Call)) == 0


def test_visitors_read_the_call_in_their_language_french_filling_the_gaps(client, make_call):
    call = make_call(
        "MBI-2026",
        description="Un programme pour entreprendre au Maroc.",
        translations={"nl": {"description": "Een programma om te ondernemen in Marokko."}},
        faq=[
            {
                "question": "Faut-il parler arabe ?",
                "answer": "Non.",
                "translations": {"ar": {"question": "هل يجب التحدث بالعربية؟", "answer": ""}},
            }
        ],
    )
    call.criteria[0].translations = {"ar": {"name": "الفريق"}, "nl": {"name": "  "}}
    db.session.commit()
    dutch = client.get("/calls/MBI-2026", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert "Een programma om te ondernemen in Marokko." in dutch
    assert "Faut-il parler arabe ?" in dutch  # no Dutch FAQ: French
    assert '<td dir="auto">Team</td>' in dutch  # a blank translation falls back too
    arabic = client.get("/calls/MBI-2026", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'dir="rtl"' in arabic
    assert "Un programme pour entreprendre au Maroc." in arabic  # no Arabic description
    assert '<td dir="auto">الفريق</td>' in arabic
    assert "هل يجب التحدث بالعربية؟" in arabic and '<p dir="auto">Non.</p>' in arabic
    # Countries and languages of the conditions are named in the reader's language.
    assert "Marokko of België" in dutch and "Frans, Arabisch of Engels" in dutch
    assert "المغرب أو بلجيكا" in arabic


def test_a_juror_scores_with_the_criteria_in_their_language(
    client, make_user, make_call, make_application, login_as
):
    from app.jury.models import JuryAssignment, JuryMember

    call = make_call(scoring_open=True)
    call.criteria[0].translations = {"nl": {"name": "Het team", "description": "Wie zijn ze?"}}
    juror = make_user(Role.JUROR, locale="nl")
    application = make_application("eligible", call=call)
    db.session.add(JuryMember(call=call, user=juror))
    assignment = JuryAssignment(application=application, juror=juror)
    db.session.add(assignment)
    db.session.commit()
    login_as(juror)
    page = client.get(f"/jury/assignments/{assignment.id}").get_data(as_text=True)
    assert 'lang="nl"' in page
    assert "Het team" in page and "Wie zijn ze?" in page
    assert "Project" in page  # untranslated criteria keep their French name


def test_localized_reads_models_and_dicts_with_a_fallback(app):
    item = {"question": "Q fr", "translations": {"nl": {"question": "Q nl"}, "ar": {}}}
    assert localized(item, "question", "nl") == "Q nl"
    assert localized(item, "question", "ar") == "Q fr"
    assert localized(item, "question", "en") == "Q fr"
    assert localized(item, "question", "nl_BE") == "Q nl"
    assert localized({"name": "x"}, "name", "nl") == "x"
    assert localized(None, "name") is None
