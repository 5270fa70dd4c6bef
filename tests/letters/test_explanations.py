"""After the chair's moves, what each applicant reads on their page, in their letter
(the PDF's text) and in their e-mail agrees with their decision: the final order, the
real reserve, the deliberation's reason (never the chair's words), each letter in one
language."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.letters.models import Letter
from app.selection.services import override, publish, refresh_draft
from tests.helpers import outbox_messages
from tests.letters.conftest import pdf_text, stored_pdf

#: The chair's own words: kept in the decision record, never shown to the applicant.
PRIVATE = "Her cousin sits on the jury"
PRIVATE_IN = "Lobbying from the partner bank"

CRITERIA = {  # position: French name (the base), then its other languages
    1: ("Équipe", {"en": "Team", "nl": "Team", "ar": "الفريق"}),
    2: ("Projet", {"en": "Project", "nl": "Project", "ar": "المشروع"}),
    3: ("Rentabilité", {"en": "Profitability", "nl": "Rendabiliteit", "ar": "الربحية"}),
    4: ("Appréciation générale", {"en": "Overall", "nl": "Algemeen", "ar": "التقييم العام"}),
}


def _page_text(client, application) -> str:
    response = client.get(f"/applications/{application.id}")
    assert response.status_code == 200
    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(text))


def _letter_text(application) -> str:
    (letter,) = db.session.scalars(select(Letter).where(Letter.application_id == application.id))
    return pdf_text(stored_pdf(letter))


def _in_french_with_translations(call):
    """The call as staff write it: French texts, each with its other languages."""
    call.letter_signatory_name = "Nadia El Amrani"
    call.letter_signatory_role = "Coordinatrice du programme"
    call.translations = {"en": {"letter_signatory_role": "Programme coordinator"}}
    for criterion in call.criteria:
        name, others = CRITERIA[criterion.position]
        criterion.name = name
        criterion.translations = {code: {"name": text} for code, text in others.items()}


@pytest.fixture
def deliberated(make_scored_call, make_chair):
    """Eight dossiers scored 90 to 20 (A to H), 3 places, a reserve of 3. The chair
    moves C (70) out to the reserve for feasibility, then H (20) in for its fit with the
    programme. Final order: A B H | C D E | F G; cut-off 20. C writes in French."""
    call, apps = make_scored_call([[9], [8], [7], [6], [5], [4], [3], [2]], quota=3, reserve_size=3)
    _in_french_with_translations(call)
    apps[2].applicant.locale = "fr"
    db.session.commit()
    chair = make_chair(call)
    refresh_draft(call, actor=chair)
    override(call, apps[2].id, "reserve", PRIVATE, actor=chair, reason="feasibility")
    override(call, apps[7].id, "selected", PRIVATE_IN, actor=chair, reason="programme_fit")
    publish(call, actor=chair)
    db.session.commit()
    return call, apps


def test_the_dossier_moved_out_reads_its_reserve_place_and_the_deliberations_reason(
    client, login_as, deliberated
):
    call, (a, b, c, d, e, f, g, h) = deliberated
    login_as(c.applicant)
    page = _page_text(client, c)
    assert "Votre projet est en position 1 sur la liste de réserve" in page
    assert "La liste de réserve compte 3 projets. 3 projets sont sélectionnés." in page
    assert (
        "La délibération du jury a décidé de ce résultat, en s’écartant de l’ordre des notes. "
        "Motif : Faisabilité du projet." in page
    )
    assert "Rentabilité" in page and "Profitability" not in page  # criteria in French
    assert PRIVATE not in page and PRIVATE_IN not in page
    letter = _letter_text(c)
    assert "liste de réserve" in letter and "position 1 sur 3" in letter
    assert "Position dans l’ordre final 4 sur 8 dossiers" in letter
    assert "3 sélectionnés, 3 sur la liste de réserve" in letter
    assert (
        "La délibération du jury a décidé de ce résultat, en s’écartant de l’ordre des scores. "
        "Motif : Faisabilité du projet." in letter
    )
    assert "Bruxelles," in letter and "Coordinatrice du programme" in letter
    assert "Rentabilité" in letter and "Profitability" not in letter
    assert PRIVATE not in letter and "Feasibility" not in letter


def test_the_dossier_moved_in_reads_it_is_among_the_selected_in_english_only(
    client, login_as, deliberated
):
    call, (a, b, c, d, e, f, g, h) = deliberated
    login_as(h.applicant)
    page = _page_text(client, h)
    assert "Your project is among the 3 projects selected, out of 8." in page
    assert (
        "The jury's deliberation decided this outcome, departing from the order of the scores. "
        "Reason: Fit with the programme's aims." in page
    )
    assert "ranked" not in page and "places" not in page
    assert PRIVATE_IN not in page
    letter = _letter_text(h)
    assert "Place in the final order 3 out of 8 dossiers" in letter
    assert "3 selected, 3 on the reserve list" in letter
    assert "Reason: Fit with the programme's aims." in letter and PRIVATE_IN not in letter
    # the English letter is English throughout: place, signature, criteria
    assert "Brussels," in letter and "Bruxelles" not in letter
    assert "Programme coordinator" in letter and "Coordinatrice" not in letter
    assert "Profitability" in letter and "Rentabilité" not in letter
    (mail,) = [m for m in outbox_messages() if m.application_id == h.id]
    assert "(rank 3)" in mail.body_text  # the same place as on the page and in the letter


def test_a_score_above_the_cut_off_comes_with_the_deliberation_sentence(
    client, login_as, deliberated
):
    call, (a, b, c, d, e, f, g, h) = deliberated
    login_as(f.applicant)
    page = _page_text(client, f)
    assert "not selected this time" in page
    assert "Your project is at position 7 of 8 in the final order." in page
    assert "3 projects are selected. 3 projects are on the reserve list." in page
    assert "40.0 / 100" in page and "20.0 / 100" in page  # its score and the cut-off
    assert (
        "Projects with a lower score than yours were selected: the jury's deliberation "
        "departed from the order of the scores. Reason: Fit with the programme's aims." in page
    )
    letter = _letter_text(f)
    assert "7 out of 8 dossiers" in letter
    assert "Projects with a lower score than yours were selected" in letter
    assert PRIVATE not in letter and PRIVATE_IN not in letter
    client.post("/logout")
    login_as(a.applicant)  # not moved, selected on its score: nothing to explain
    page = _page_text(client, a)
    assert "among the 3 projects selected" in page and "deliberation" not in page


def test_letters_print_the_reserve_as_published_not_the_calls_size(
    client, login_as, make_scored_call, make_chair
):
    call, (a, b, c, d) = make_scored_call([[9], [8], [7], [6]], quota=2, reserve_size=10)
    chair = make_chair(call)
    refresh_draft(call, actor=chair)
    publish(call, actor=chair)
    db.session.commit()
    assert "2 selected, 2 on the reserve list" in _letter_text(a)
    reserve = _letter_text(d)
    assert "position 2 of 2" in reserve and "of 10." not in reserve
    login_as(d.applicant)
    page = _page_text(client, d)
    assert "number 2 on the reserve list" in page and "The reserve list holds 2 projects." in page


def test_a_balance_rule_is_named_with_the_forms_words(client, login_as, make_scored_call):
    call, apps = make_scored_call([[9], [8], [7], [3]], quota=2, reserve_size=1)
    for application, gender in zip(apps, "MMMF", strict=True):
        application.answers = {"gender": gender}
    call.balance_rules = [{"attribute": "gender", "value": "F", "kind": "at_least", "count": 1}]
    refresh_draft(call, actor=None)
    publish(call, actor=None)
    db.session.commit()
    login_as(apps[3].applicant)
    page = _page_text(client, apps[3])
    assert "among the 2 projects selected" in page
    assert (
        "The jury's deliberation decided this outcome, departing from the order of the scores. "
        "Reason: Balance rule of the call (at least 1 project selected with “Gender: Woman”)."
        in page
    )
    client.post("/logout")
    login_as(apps[1].applicant)  # displaced by the rule, to the reserve
    page = _page_text(client, apps[1])
    assert "number 1 on the reserve list" in page and "(at least 1 project selected" in page


def test_staff_write_the_signatorys_role_and_the_place_in_each_language(
    client, login_as, make_user
):
    from app.auth.models import Role
    from app.calls.models import Call
    from tests.calls.test_calls import VALID

    login_as(make_user(Role.STAFF))
    data = VALID | {
        "letter_signatory_name": "Nadia El Amrani",
        "letter_signatory_role": "Coordinatrice du programme",
        "letter_place": "Anvers",
        "letter_signatory_role_i18n-en": "Programme coordinator",
        "letter_signatory_role_i18n-nl": "Programmacoördinator",
        "letter_place_i18n-en": "Antwerp",
        "letter_place_i18n-nl": "Antwerpen",
    }
    assert client.post("/staff/calls/new", data=data).status_code == 302
    call = db.session.scalar(select(Call).where(Call.reference == "MBI-2027"))
    assert call.translations["nl"] == {
        "letter_signatory_role": "Programmacoördinator",
        "letter_place": "Antwerpen",
    }
    form = client.get(f"/staff/calls/{call.id}/edit").get_data(as_text=True)
    assert "Programmacoördinator" in form and "Antwerpen" in form
    roles = {"fr": "Coordinatrice du programme", "nl": "Programmacoördinator"}
    roles["en"] = "Programme coordinator"
    places = {"fr": "Anvers", "nl": "Antwerpen", "en": "Antwerp", "ar": "Anvers"}
    for locale, place in places.items():
        response = client.get(
            "/staff/letters/preview.pdf",
            query_string={"outcome": "selected", "locale": locale, "call_id": call.id},
        )
        text = pdf_text(response.data)
        assert (place in text) if locale == "ar" else (f"{place}," in text), locale
        for other, role in roles.items():  # its own role only; none untranslated (Arabic)
            assert (role in text) == (other == locale), (locale, other)


def test_a_translated_role_needs_the_french_one(client, login_as, make_user):
    from app.auth.models import Role
    from app.calls.models import Call
    from tests.calls.test_calls import VALID

    login_as(make_user(Role.STAFF))
    data = VALID | {"letter_signatory_role": "", "letter_signatory_role_i18n-en": "Coordinator"}
    response = client.post("/staff/calls/new", data=data, headers={"Accept-Language": "en"})
    assert "Give the French text first" in response.get_data(as_text=True)
    assert db.session.scalar(select(Call.id).where(Call.reference == "MBI-2027")) is None
