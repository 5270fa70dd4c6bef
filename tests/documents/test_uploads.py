"""Uploading, replacing and deleting documents through the pages, and every refusal."""

import hashlib
import io
from pathlib import Path

import pytest

from app.auth.models import Role
from app.documents.models import Document
from app.extensions import db
from tests.documents import (
    JPEG,
    LINUX_ELF,
    PDF,
    PNG,
    WINDOWS_EXE,
    document_count,
    documents_of,
    store_fixture,  # noqa: F401 - autouse fixture
    stored_files,
    upload,
)
from tests.helpers import csrf_token_from


@pytest.fixture
def draft(make_application, login_as):
    """A draft application, its owner logged in."""
    application = make_application("draft", complete=False)
    login_as(application.applicant)
    return application


def test_the_owner_uploads_a_pdf_a_jpeg_and_a_png(client, draft, store):
    for kind, content, name in [
        ("cv", PDF, "CV_Youssef_El_Amrani.pdf"),
        ("identity", JPEG, "carte-identite.jpeg"),
        ("business_plan", PNG, "plan.png"),
    ]:
        response = upload(client, draft.id, kind, content, name)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/applications/{draft.id}/documents"
    documents = {document.kind: document for document in documents_of(draft.id)}
    assert {kind: d.content_type for kind, d in documents.items()} == {
        "cv": "application/pdf",
        "identity": "image/jpeg",
        "business_plan": "image/png",
    }
    cv = documents["cv"]
    assert cv.original_name == "CV_Youssef_El_Amrani.pdf"
    assert cv.size == len(PDF)
    assert cv.sha256 == hashlib.sha256(PDF).hexdigest()
    assert cv.uploaded_by_id == draft.applicant_id
    assert cv.storage_name != cv.original_name and len(cv.storage_name) == 64
    assert (store / cv.storage_name).read_bytes() == PDF
    assert stored_files() == {d.storage_name for d in documents.values()}

    page = client.get(f"/applications/{draft.id}/documents").get_data(as_text=True)
    assert "CV_Youssef_El_Amrani.pdf" in page and "carte-identite.jpeg" in page
    assert f"/documents/{cv.id}" in page
    assert "Criminal record extract" in page  # still to upload
    assert 'enctype="multipart/form-data"' in page
    assert 'accept="application/pdf,image/jpeg,image/png"' in page
    assert "10 MB" in page and "PDF, JPEG or PNG" in page


def test_the_success_message_names_the_file(client, draft):
    response = upload(client, draft.id, "cv", PDF, "mon-cv.pdf", follow_redirects=True)
    assert "saved: mon-cv.pdf" in response.get_data(as_text=True)


def test_replacing_a_document_leaves_nothing_stale(client, draft, store):
    upload(client, draft.id, "cv", PDF, "old-cv.pdf")
    old_file = documents_of(draft.id)[0].storage_name
    response = upload(client, draft.id, "cv", PNG, "new-cv.png")
    assert response.status_code == 302
    (new,) = documents_of(draft.id)
    assert new.original_name == "new-cv.png" and new.content_type == "image/png"
    assert not (store / old_file).exists()
    assert stored_files() == {new.storage_name}


def test_the_owner_deletes_a_document(client, draft, store):
    upload(client, draft.id, "cv", PDF, "cv.pdf")
    (document,) = documents_of(draft.id)
    response = client.post(f"/documents/{document.id}/delete", follow_redirects=True)
    assert "deleted" in response.get_data(as_text=True)
    assert document_count() == 0
    assert stored_files() == set()


def test_only_the_requested_documents_change_while_information_is_requested(
    client, make_application, make_user, login_as
):
    from datetime import date

    from app.auth.models import Role
    from app.eligibility.models import InformationRequest

    application = make_application("info_requested", complete=False)
    db.session.add(
        InformationRequest(
            application=application,
            documents=["cv"],
            fields=[],
            message="Your CV, please.",
            reply_by=date(2099, 1, 1),
            requested_by_id=make_user(Role.STAFF).id,
        )
    )
    db.session.commit()
    login_as(application.applicant)
    assert upload(client, application.id, "cv", PDF, "cv.pdf").status_code == 302
    assert len(documents_of(application.id)) == 1
    upload(client, application.id, "identity", PDF, "id.pdf")
    assert [d.kind for d in documents_of(application.id)] == ["cv"]


REFUSALS = [
    ("renamed Windows executable", "cv", WINDOWS_EXE, "cv.pdf", "is not a PDF, JPEG or PNG"),
    ("renamed Linux executable", "cv", LINUX_ELF, "cv.pdf", "is not a PDF, JPEG or PNG"),
    ("text file", "cv", b"%PDF is what I say", "cv.pdf", "is not a PDF, JPEG or PNG"),
    ("zero-byte file", "cv", b"", "cv.pdf", "is empty"),
    ("unknown kind", "tax_return", PDF, "cv.pdf", "not asked for"),
    ("no file chosen", "cv", b"", "", "Choose a file"),
]


@pytest.mark.parametrize(
    ("kind", "content", "filename", "message"),
    [case[1:] for case in REFUSALS],
    ids=[case[0] for case in REFUSALS],
)
def test_a_refused_upload_says_why_and_stores_nothing(
    client, draft, kind, content, filename, message
):
    upload(client, draft.id, "identity", JPEG, "id.jpg")
    before = stored_files()
    response = upload(client, draft.id, kind, content, filename, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert "id.jpg" in page  # what was stored is still there
    assert document_count() == 1
    assert stored_files() == before


def test_a_refused_replacement_keeps_the_current_file(client, draft, store):
    upload(client, draft.id, "cv", PDF, "cv.pdf")
    (document,) = documents_of(draft.id)
    upload(client, draft.id, "cv", WINDOWS_EXE, "cv.pdf")
    assert documents_of(draft.id) == [document]
    assert (store / document.storage_name).read_bytes() == PDF


def test_a_file_over_the_limit_is_refused(app, client, draft):
    app.config["MAX_DOCUMENT_BYTES"] = 1000
    try:
        response = upload(client, draft.id, "cv", PDF + bytes(1000), "cv.pdf")
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        assert "larger than 1000 bytes" in page, page
        assert upload(client, draft.id, "cv", PDF.ljust(1000), "cv.pdf").status_code == 302
        assert len(documents_of(draft.id)) == 1
    finally:
        app.config["MAX_DOCUMENT_BYTES"] = 10 * 1024 * 1024
    assert len(stored_files()) == 1


@pytest.mark.parametrize("csrf", [False, True], ids=["csrf-off", "csrf-on"])
def test_a_request_over_the_content_limit_gets_a_message_not_a_413(app, client, draft, csrf):
    app.config["WTF_CSRF_ENABLED"] = csrf
    app.config["MAX_CONTENT_LENGTH"] = 5000
    try:
        token = csrf_token_from(client.get(f"/applications/{draft.id}/documents").text)
        response = client.post(
            f"/applications/{draft.id}/documents/cv",
            data={"csrf_token": token, "file": (io.BytesIO(PDF + bytes(6000)), "big.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
        assert response.headers["Location"] == f"/applications/{draft.id}/documents"
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    finally:
        app.config.update(MAX_CONTENT_LENGTH=12 * 1024 * 1024, WTF_CSRF_ENABLED=False)
    assert "The file is too large" in page and "10 MB" in page
    assert document_count() == 0 and stored_files() == set()


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        # The multipart header escapes a backslash as two: the server receives ..\x.pdf
        ("..\\\\x.pdf", "x.pdf"),
        ("C:\\\\Users\\\\amina\\\\cv final.pdf", "cv final.pdf"),
        ("cv\x00\x07\u202egnp.pdf", "cvgnp.pdf"),
        ("..", "document.pdf"),
        ("résumé Élodie.PDF", "résumé Élodie.PDF"),
        ("cv.exe", "cv.exe.pdf"),
    ],
)
def test_path_and_control_characters_are_cleaned_from_the_name(client, draft, store, sent, kept):
    assert upload(client, draft.id, "cv", PDF, sent).status_code == 302
    (document,) = documents_of(draft.id)
    assert document.original_name == kept
    assert Path(store / document.storage_name).resolve().parent == store.resolve()


def test_a_ten_thousand_character_name_is_cut_keeping_the_extension(client, draft):
    assert upload(client, draft.id, "cv", PDF, "a" * 10_000 + ".pdf").status_code == 302
    (document,) = documents_of(draft.id)
    assert len(document.original_name) == 255
    assert document.original_name.endswith("a.pdf")


@pytest.mark.parametrize("status", ["submitted", "eligible", "withdrawn"])
def test_documents_are_frozen_once_submitted(client, make_application, login_as, status):
    application = make_application(status, complete=False)
    login_as(application.applicant)
    response = upload(client, application.id, "cv", PDF, "cv.pdf", follow_redirects=True)
    assert "can no longer be changed" in response.get_data(as_text=True)
    assert document_count() == 0 and stored_files() == set()


def test_a_document_cannot_be_deleted_once_submitted(client, make_application, login_as):
    application = make_application("draft", complete=False)
    login_as(application.applicant)
    upload(client, application.id, "cv", PDF, "cv.pdf")
    application.status = "submitted"
    db.session.commit()
    (document,) = documents_of(application.id)
    response = client.post(f"/documents/{document.id}/delete", follow_redirects=True)
    assert "can no longer be changed" in response.get_data(as_text=True)
    assert documents_of(application.id) == [document]
    assert stored_files() == {document.storage_name}


def test_nobody_changes_someone_elses_documents(client, make_application, make_user, login_as):
    application = make_application("draft", complete=False)
    login_as(application.applicant)
    upload(client, application.id, "cv", PDF, "cv.pdf")
    (document,) = documents_of(application.id)
    for role in (Role.APPLICANT, Role.STAFF):
        client.post("/logout")
        login_as(make_user(role))
        assert upload(client, application.id, "identity", PDF, "x.pdf").status_code == 404
        assert client.post(f"/documents/{document.id}/delete").status_code == 404
        assert client.get(f"/applications/{application.id}/documents").status_code == 404
    assert documents_of(application.id) == [document]
    assert len(stored_files()) == 1


def test_the_store_is_not_under_a_static_folder(app, client, draft, store):
    upload(client, draft.id, "cv", PDF, "cv.pdf")
    (document,) = documents_of(draft.id)
    stored = (store / document.storage_name).resolve()
    assert stored.is_relative_to(Path(app.config["DOCUMENT_STORE"]).resolve())
    assert not stored.is_relative_to(Path(app.static_folder).resolve())
    name = document.storage_name
    for url in (f"/static/{name}", f"/static/../documents/{name}", f"/static/documents/{name}"):
        assert client.get(url).status_code == 404


def test_a_database_failure_leaves_no_file(app, draft, monkeypatch):
    from app.documents import services

    def broken(application, document):
        raise RuntimeError("database gone")

    monkeypatch.setattr(services, "_replace", broken)
    with pytest.raises(RuntimeError):
        services.attach_document(draft, "cv", PDF, "cv.pdf", uploaded_by=draft.applicant)
    db.session.rollback()
    assert stored_files() == set()
    assert db.session.query(Document).count() == 0
