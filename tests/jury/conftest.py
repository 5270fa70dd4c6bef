"""Jury tests read service messages (outside any request) in English; ``scored``, a
scoring phase with every review submitted, is shared by the summary and figures tests."""

import random
from types import SimpleNamespace

import pytest
from flask_babel import force_locale

from app.auth.models import Role
from app.extensions import db
from app.jury.models import JuryAssignment, JuryMember
from app.jury.scoring import submit_review
from tests.jury.test_scoring import data_for


@pytest.fixture(autouse=True)
def _english(app):
    with force_locale("en"):
        yield


@pytest.fixture
def scored(make_user, make_call, make_application):
    """An open scoring phase: five dossiers, three jurors each, every review submitted
    through the scoring service (seeded scores), a chair and a staff member."""
    call = make_call(scoring_open=True, disagreement_threshold=12.0)
    jurors = [make_user(Role.JUROR) for _ in range(3)]
    chair = make_user(Role.CHAIR, Role.JUROR)
    staff = make_user(Role.STAFF)
    dossiers = [make_application("eligible", call=call, complete=False) for _ in range(5)]
    db.session.add_all([JuryMember(call=call, user=juror) for juror in jurors])
    db.session.add(JuryMember(call=call, user=chair, is_chair=True))
    assignments = {}
    for dossier in dossiers:
        for juror in jurors:
            assignments[dossier.id, juror.id] = JuryAssignment(application=dossier, juror=juror)
    db.session.add_all(assignments.values())
    db.session.commit()
    rng = random.Random(19)
    for (_dossier, _juror), assignment in assignments.items():
        values = [rng.randint(0, 10) for _ in call.criteria]
        submit_review(
            assignment, data_for(call, values), actor=assignment.juror, expected_version=0
        )
    db.session.commit()
    return SimpleNamespace(
        call=call,
        jurors=jurors,
        chair=chair,
        staff=staff,
        dossiers=dossiers,
        assignments=assignments,
    )
