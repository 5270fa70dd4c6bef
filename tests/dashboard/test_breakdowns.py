"""The dashboard's breakdowns are the call's own: every one-choice question its form marks
``breakdown``, and the age bands when it marks a date of birth; the charts, their
CSV/XLSX tables, the applications export and the links to the list follow the form."""

import copy
import csv
import io

import pytest

from app.application_forms.services import save_form
from app.application_forms.versions import current_definition
from app.auth.models import Role
from app.extensions import db
from tests.dashboard.conftest import add_dossier

TRACK = {
    "name": "track",
    "type": "one_choice",
    "label": {"en": "Track", "fr": "Filière"},
    "choices": [
        {"value": "food", "label": {"en": "Food", "fr": "Alimentation"}},
        {"value": "tech", "label": {"en": "Technology", "fr": "Technologie"}},
    ],
    "filter": True,
    "breakdown": True,
}


@pytest.fixture
def track_call(make_call, make_user):
    """A call whose form counts its dossiers by its own "track" only (no date of birth)."""
    call = make_call("TRACK-2026")
    definition = copy.deepcopy(current_definition(call))
    for step in definition["steps"]:
        for question in step.get("questions", []):
            for mark in ("breakdown", "birth_date", "filter"):
                question.pop(mark, None)
    definition["steps"][0]["questions"].append(TRACK)
    save_form(call, definition, actor=make_user(Role.STAFF))
    for track in ("tech", "tech", "food", None):
        add_dossier(call, answers={"track": track} if track else {})
    add_dossier(call, "draft", answers={"track": "food"})
    db.session.commit()
    return call


def test_a_calls_own_choice_question_is_charted_linked_and_exported(
    client, make_user, login_as, track_call
):
    login_as(make_user(Role.STAFF))
    base = f"/dashboard/calls/{track_call.id}"
    html = client.get(base).get_data(as_text=True)
    assert "Dossiers by “Track”" in html
    assert f"/staff/calls/{track_call.id}/applications?track=tech" in html
    assert "Dossiers by sector" not in html and "Dossiers by age band" not in html
    text = client.get(f"{base}/reports/by-track.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [
        ["Track", "Dossiers"],
        ["Technology", "2"],
        ["Food", "1"],
        ["Not answered", "1"],
    ]
    assert client.get(f"{base}/charts/by-track.svg").status_code == 200
    assert client.get(f"{base}/charts/by-sector.svg").status_code == 404
    assert client.get(f"{base}/charts/age.svg").status_code == 404
    listed = client.get(f"{base}/applications.csv?track=tech").get_data(as_text=True)
    lines = list(csv.reader(io.StringIO(listed.lstrip("\ufeff"))))
    assert lines[0][-2:] == ["Track", "Submitted"] and len(lines) == 3
    assert {line[-2] for line in lines[1:]} == {"tech"}


def test_mbi_keeps_its_breakdowns_and_their_titles(client, make_user, login_as, make_call):
    call = make_call("MBI-2031")
    login_as(make_user(Role.STAFF, locale="fr"))
    html = client.get(f"/dashboard/calls/{call.id}").get_data(as_text=True)
    for title in (
        "Dossiers par région au Maroc",
        "Dossiers par secteur",
        "Comment les candidats ont connu l’appel",
        "Dossiers par genre",
        "Dossiers par tranche d’âge",
    ):
        assert title in html
