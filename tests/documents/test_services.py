"""The document services: required kinds, all-or-nothing storage, names, demo files."""

import copy
import io
import random

import pytest
from flask_babel import force_locale
from werkzeug.datastructures import FileStorage

from app.application_forms.services import save_form
from app.application_forms.versions import current_definition, default_form
from app.auth.models import Role
from app.documents import storage
from app.documents.demo import attach_demo_documents, sample_pdf
from app.documents.models import Document
from app.documents.requirements import documents_to_prepare, missing_documents, required_kinds
from app.documents.services import DocumentError, attach_document, delete_document, store_document
from app.extensions import db
from tests.documents import (
    JPEG,
    PDF,
    PNG,
    document_count,
    documents_of,
    store_fixture,  # noqa: F401 - autouse fixture
    stored_files,
)

PERSON = ["identity", "cv", "business_plan", "criminal_record"]
COMPANY = PERSON + ["trade_register_certificate", "statutes", "balance_sheets"]


@pytest.fixture(autouse=True)
def _english(app):
    """Messages outside a request use the default locale (French): read them in English."""
    with force_locale("en"):
        yield


def _application(make_application, stage: str | None = None, status: str = "draft"):
    application = make_application(status, complete=False)
    if stage is not None:
        application.answers = {**application.answers, "stage": stage}
        db.session.commit()
    return application


@pytest.mark.parametrize(
    ("stage", "expected"), [(None, PERSON), ("idea", PERSON), ("company", COMPANY)]
)
def test_required_kinds_follow_the_profile(make_application, stage, expected):
    assert required_kinds(_application(make_application, stage)) == expected


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"stage": "idea"}, ["business_plan", "identity"]),
        ({"stage": "company"}, ["business_plan", "identity", "statutes"]),
        ({"stage": "company", "sector": "A"}, ["business_plan", "identity", "statutes", "cv"]),
    ],
)
def test_required_kinds_follow_the_dossiers_form_in_its_order(
    make_application, make_call, make_user, answers, expected
):
    call = make_call()
    definition = copy.deepcopy(current_definition(call))
    definition["documents"] = [
        {"kind": "business_plan"},
        {"kind": "identity"},
        {"kind": "statutes", "show_if": {"question": "stage", "equals": "company"}},
        {"kind": "cv", "show_if": {"question": "sector", "one_of": ["A", "B"]}},
        {"kind": "criminal_record", "required": False},
    ]
    save_form(call, definition, actor=make_user(Role.STAFF))
    db.session.commit()
    application = make_application(call=call, complete=False)
    application.form_version_id = call.form_version_id
    application.answers = {**application.answers, **answers}
    assert required_kinds(application) == expected
    assert "criminal_record" not in missing_documents(application)


@pytest.mark.parametrize(("stage", "required"), [("idea", PERSON), ("company", COMPANY)])
def test_missing_documents_for_a_person_and_for_a_company(make_application, stage, required):
    application = _application(make_application, stage)
    assert missing_documents(application) == required
    attach_document(application, "cv", PDF, "cv.pdf", uploaded_by=application.applicant)
    attach_document(application, "statutes", PDF, "statuts.pdf", uploaded_by=application.applicant)
    db.session.commit()
    assert missing_documents(application) == [k for k in required if k not in {"cv", "statutes"}]
    for kind in required:
        attach_document(application, kind, PNG, f"{kind}.png", uploaded_by=application.applicant)
    assert missing_documents(application) == []


def _file(content: bytes, name: str = "cv.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(content), filename=name, content_type="application/pdf")


def test_store_document_refuses_others_and_frozen_applications(make_application, make_user):
    draft = make_application("draft", complete=False)
    with pytest.raises(DocumentError, match="cannot change"):
        store_document(draft, "cv", _file(PDF), actor=make_user("applicant"))
    submitted = make_application("submitted", complete=False)
    with pytest.raises(DocumentError, match="can no longer be changed"):
        store_document(submitted, "cv", _file(PDF), actor=submitted.applicant)
    with pytest.raises(DocumentError, match="Choose a file"):
        store_document(draft, "cv", None, actor=draft.applicant)
    assert document_count() == 0 and stored_files() == set()


def test_store_document_reads_no_more_than_the_limit_plus_one(app, make_application):
    app.config["MAX_DOCUMENT_BYTES"] = 2000
    stream = io.BytesIO(PDF + bytes(10_000_000))
    draft = make_application("draft", complete=False)
    try:
        with pytest.raises(DocumentError, match="larger than"):
            store_document(draft, "cv", FileStorage(stream, "cv.pdf"), actor=draft.applicant)
    finally:
        app.config["MAX_DOCUMENT_BYTES"] = 10 * 1024 * 1024
    assert stream.tell() == 2001


def test_the_declared_type_is_ignored(make_application):
    draft = make_application("draft", complete=False)
    upload = FileStorage(io.BytesIO(JPEG), filename="scan.pdf", content_type="application/pdf")
    document = store_document(draft, "identity", upload, actor=draft.applicant)
    assert document.content_type == "image/jpeg"
    assert document.original_name == "scan.pdf.jpg"


def test_a_rollback_removes_the_new_file_and_keeps_the_old(make_application):
    draft = make_application("draft", complete=False)
    old = attach_document(draft, "cv", PDF, "old.pdf", uploaded_by=draft.applicant)
    db.session.commit()
    attach_document(draft, "cv", PNG, "new.png", uploaded_by=draft.applicant)
    assert len(stored_files()) == 2
    db.session.rollback()
    assert stored_files() == {old.storage_name}
    assert [d.original_name for d in documents_of(draft.id)] == ["old.pdf"]


def test_a_session_closed_without_commit_removes_the_new_file(make_application):
    draft = make_application("draft", complete=False)
    attach_document(draft, "cv", PDF, "cv.pdf", uploaded_by=draft.applicant)
    assert len(stored_files()) == 1
    db.session.remove()
    assert stored_files() == set() and document_count() == 0


def test_the_old_file_goes_only_after_the_commit(make_application):
    draft = make_application("draft", complete=False)
    old = attach_document(draft, "cv", PDF, "old.pdf", uploaded_by=draft.applicant)
    db.session.commit()
    old_file = old.storage_name
    new = attach_document(draft, "cv", PNG, "new.png", uploaded_by=draft.applicant)
    assert old_file in stored_files()
    db.session.commit()
    assert stored_files() == {new.storage_name}


def test_a_deletion_rolled_back_keeps_the_file(make_application):
    draft = make_application("draft", complete=False)
    document = attach_document(draft, "cv", PDF, "cv.pdf", uploaded_by=draft.applicant)
    db.session.commit()
    delete_document(document, actor=draft.applicant)
    db.session.rollback()
    assert stored_files() == {document.storage_name} and document_count() == 1
    delete_document(documents_of(draft.id)[0], actor=draft.applicant)
    db.session.commit()
    assert stored_files() == set() and document_count() == 0


@pytest.mark.parametrize(
    ("sent", "content_type", "kept"),
    [
        ("../../etc/passwd.pdf", "application/pdf", "passwd.pdf"),
        ("..\\..\\windows\\x.pdf", "application/pdf", "x.pdf"),
        ("C:\\Users\\amina\\cv final.pdf", "application/pdf", "cv final.pdf"),
        ("photo.JPEG", "image/jpeg", "photo.JPEG"),
        ("photo.pdf", "image/png", "photo.pdf.png"),
        ("line\nbreak\t.png", "image/png", "linebreak.png"),
        ("\u202efdp.exe", "application/pdf", "fdp.exe.pdf"),
        ("   ", "application/pdf", "document.pdf"),
        (None, "image/jpeg", "document.jpg"),
        ("/", "image/png", "document.png"),
        ("....pdf", "application/pdf", "document.pdf"),
    ],
)
def test_clean_filename(sent, content_type, kept):
    assert storage.clean_filename(sent, content_type) == kept


def test_clean_filename_cuts_long_names_keeping_the_extension():
    name = storage.clean_filename("é" * 10_000 + ".png", "image/png")
    assert len(name) == 255 and name.endswith("é.png")


def test_path_of_refuses_anything_but_a_generated_name(app):
    for name in ("../secret", "", "x" * 64, "a/b"):
        with pytest.raises(ValueError):
            storage.path_of(name)


def test_sample_pdf_is_a_valid_pdf():
    pypdf = pytest.importorskip("pypdf")
    content = sample_pdf("Plan d'affaires – Argan (export)", ["Ligne \\ un", "Région : Souss"])
    assert storage.detect_type(content) == ("application/pdf", "pdf")
    reader = pypdf.PdfReader(io.BytesIO(content), strict=True)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "Plan d'affaires – Argan (export)" in text and "Région : Souss" in text


def test_demo_documents_are_stored_like_uploads(make_application, make_user):
    applicant = make_user("applicant", full_name="Youssef El Amrani")
    application = make_application("draft", applicant=applicant, complete=False)
    application.answers = {**application.answers, "stage": "company"}
    attach_demo_documents(application, random.Random(1))
    db.session.commit()
    documents = documents_of(application.id)
    assert sorted(d.kind for d in documents) == sorted(COMPANY)
    assert missing_documents(application) == []
    assert all(d.content_type == "application/pdf" for d in documents)
    assert stored_files() == {d.storage_name for d in documents}
    names = {d.kind: d.original_name for d in documents}
    assert names["cv"] in {"CV_Youssef_El_Amrani.pdf", "cv-2026.pdf", "CV.pdf"}


def test_a_concurrent_upload_of_the_same_kind_is_refused_cleanly(make_application):
    draft = make_application("draft", complete=False)
    assert draft.documents == []  # this session saw no CV...
    with db.engine.begin() as other:  # ...another request stores one meanwhile
        other.execute(
            Document.__table__.insert().values(
                application_id=draft.id,
                kind="cv",
                original_name="cv.pdf",
                content_type="application/pdf",
                size=1,
                sha256="0" * 64,
                storage_name="f" * 64,
            )
        )
    with pytest.raises(DocumentError, match="at the same moment"):
        attach_document(draft, "cv", PDF, "mine.pdf", uploaded_by=draft.applicant)
    db.session.rollback()
    assert stored_files() == set()
    assert [d.original_name for d in documents_of(draft.id)] == ["cv.pdf"]


def test_the_public_page_lists_the_forms_documents_by_condition(app):
    with app.test_request_context():
        prepare = documents_to_prepare(default_form())
    assert prepare == [
        (None, PERSON),
        (
            {"question": "Where the project stands", "answer": "An existing company"},
            COMPANY[len(PERSON) :],
        ),
    ]
