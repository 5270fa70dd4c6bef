"""A step of the form costs the same number of queries whatever the form's size: the
form is read once per process (versions never change), answers are one JSON column."""

import copy

import pytest

from app.application_forms.services import save_form
from app.application_forms.versions import current_definition
from app.applications.models import Application
from app.auth.models import Role
from app.extensions import db
from tests.helpers import QueryCounter


def _with_questions(definition: dict, count: int) -> dict:
    """``definition`` with ``count`` more short questions on its first step."""
    changed = copy.deepcopy(definition)
    changed["steps"][0]["questions"] += [
        {"name": f"extra_{n}", "type": "short_text", "label": {"en": f"Extra {n}"}}
        for n in range(count)
    ]
    return changed


def _queries(client, method, url, data=None) -> int:
    with QueryCounter(db.engine) as counter:
        response = client.get(url) if method == "GET" else client.post(url, data=data)
    assert response.status_code in (200, 302), response.status_code
    return counter.count


@pytest.fixture
def dossiers(make_call, make_user):
    """Two drafts: one on a form of 37 questions, one on a form of 237."""
    staff = make_user(Role.STAFF)
    found = []
    for reference, extra in (("SMALL-2026", 0), ("LARGE-2026", 200)):
        call = make_call(reference)
        if extra:
            save_form(call, _with_questions(current_definition(call), extra), actor=staff)
        applicant = make_user(Role.APPLICANT)
        application = Application(
            call=call, applicant=applicant, answers={}, form_version_id=call.form_version_id
        )
        db.session.add(application)
        db.session.commit()
        found.append((application, applicant))
    return found


def test_a_step_costs_the_same_queries_for_37_and_237_questions(client, login_as, dossiers):
    counts = []
    for application, applicant in dossiers:
        login_as(applicant)
        url = f"/applications/{application.id}/steps/applicant"
        client.get(url)  # the process reads the form once
        shown = _queries(client, "GET", url)
        data = {"version": str(application.version), "full_name": "Amal Idrissi"}
        saved = _queries(client, "POST", url, data)
        counts.append((shown, saved))
        client.post("/logout")
    assert counts[0] == counts[1], counts
    shown, saved = counts[1]
    assert shown <= 7 and saved <= 7, counts  # measured: 7 and 7
