"""Who may download a document, and how it is sent."""

import pytest

from app.access.policy import may_download
from app.auth.models import Role
from app.documents.services import attach_document
from app.events import document_read
from app.extensions import db
from app.jury.models import ConflictOfInterest, JuryAssignment
from tests.documents import PDF, PNG, store_fixture  # noqa: F401 - autouse fixture


@pytest.fixture
def dossier(make_application, make_user):
    """A submitted application with a CV, and one person per way of standing towards it."""
    application = make_application("submitted")
    people = {
        "owner": application.applicant,
        "other applicant": make_user(Role.APPLICANT),
        "staff": make_user(Role.STAFF),
        "assigned juror": make_user(Role.JUROR),
        "conflicted juror": make_user(Role.JUROR),
        "juror not assigned": make_user(Role.JUROR),
        "assigned chair": make_user(Role.CHAIR, Role.JUROR),
        "chair not assigned": make_user(Role.CHAIR),
        "coach": make_user(Role.COACH),
    }
    for who in ("assigned juror", "conflicted juror", "assigned chair"):
        db.session.add(JuryAssignment(application=application, juror=people[who]))
    db.session.add(
        ConflictOfInterest(
            application_id=application.id, juror_id=people["conflicted juror"].id, kind="family"
        )
    )
    document = attach_document(
        application, "cv", PDF, "CV_Youssef_El_Amrani.pdf", uploaded_by=application.applicant
    )
    db.session.commit()
    return people, document


ANSWERS = {
    "owner": 200,
    "staff": 200,
    "assigned juror": 200,
    "assigned chair": 200,
    "other applicant": 404,
    "conflicted juror": 404,
    "juror not assigned": 404,
    "chair not assigned": 404,
    "coach": 404,
}


@pytest.mark.parametrize(("who", "status"), ANSWERS.items(), ids=list(ANSWERS))
def test_download_answers_each_role(client, login_as, dossier, who, status):
    people, document = dossier
    assert may_download(people[who], document) is (status == 200)
    login_as(people[who])
    with client.get(f"/documents/{document.id}") as response:
        assert response.status_code == status
        if status == 200:
            assert response.data == PDF
            assert response.headers["Content-Type"] == "application/pdf"
            assert response.headers["Content-Disposition"] == (
                "attachment; filename=CV_Youssef_El_Amrani.pdf"
            )
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Cache-Control"] == "private, no-store"
        else:
            assert "CV_Youssef" not in response.get_data(as_text=True)


def test_anonymous_is_sent_to_the_login_page(client, dossier):
    _, document = dossier
    response = client.get(f"/documents/{document.id}", headers={"Accept-Language": "en"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_non_ascii_name_is_encoded_for_the_header(client, login_as, make_application):
    application = make_application("draft")
    document = attach_document(
        application,
        "identity",
        PNG,
        "carte d'identité – recto.png",
        uploaded_by=application.applicant,
    )
    db.session.commit()
    login_as(application.applicant)
    with client.get(f"/documents/{document.id}") as response:
        disposition = response.headers["Content-Disposition"]
        assert response.headers["Content-Type"] == "image/png"
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''carte%20d%27identit%C3%A9%20%E2%80%93%20recto.png" in disposition


def test_a_missing_document_is_not_found(client, login_as, make_user):
    login_as(make_user(Role.STAFF))
    assert client.get("/documents/999").status_code == 404


def test_a_file_lost_from_the_store_is_not_found(app, client, login_as, dossier):
    people, document = dossier
    (app.config["DOCUMENT_STORE"] / document.storage_name).unlink()
    login_as(people["staff"])
    assert client.get(f"/documents/{document.id}").status_code == 404


def test_the_list_partial_links_only_for_those_who_may_download(app, dossier):
    from flask import render_template_string
    from flask_login import login_user

    people, document = dossier
    template = '{% include "documents/_list.html" with context %}'
    for who, linked in [("staff", True), ("chair not assigned", False)]:
        with app.test_request_context():
            login_user(people[who])
            html = render_template_string(template, documents=[document])
        assert "CV_Youssef_El_Amrani.pdf" in html and "CV" in html
        assert (f'href="/documents/{document.id}"' in html) is linked
    with app.test_request_context():
        assert "No document" in render_template_string(template, documents=[])


def test_a_download_announces_the_read_and_a_refusal_does_not(client, login_as, dossier):
    people, document = dossier
    reads = []

    def receiver(sender, *, reader, **_):
        reads.append((sender.id, reader.id))

    document_read.connect(receiver)
    try:
        login_as(people["conflicted juror"])
        client.get(f"/documents/{document.id}").close()
        assert reads == []
        client.post("/logout")
        login_as(people["staff"])
        client.get(f"/documents/{document.id}").close()
    finally:
        document_read.disconnect(receiver)
    assert reads == [(document.id, people["staff"].id)]
