"""Documents shown in the page (the jury's split view): who may read a page, what is
sent, the read log of sensitive documents, and the cache of rendered pages."""

import io
import os
import time

import pytest
from PIL import Image
from sqlalchemy import select

from app.auth.models import Role
from app.documents import pages, storage
from app.documents.pages import RENDER_WIDTH
from app.documents.services import attach_document, delete_document
from app.documents.tasks import purge_pages_task
from app.extensions import db
from app.jury.models import ConflictOfInterest, JuryAssignment
from app.privacy.models import DocumentAccess
from tests.documents import (  # noqa: F401 - autouse fixture
    JPEG,
    pdf_of_pages,
    picture_png,
    store_fixture,
)
from workflows.application import ApplicationStatus


@pytest.fixture(autouse=True)
def page_cache(app, tmp_path):
    """A cache of rendered pages of the test's own."""
    previous = app.config["DOCUMENT_PAGES"]
    app.config["DOCUMENT_PAGES"] = tmp_path / "pages"
    yield app.config["DOCUMENT_PAGES"]
    app.config["DOCUMENT_PAGES"] = previous


@pytest.fixture
def dossier(make_application, make_user):
    """A dossier in review with a three-page business plan and a photographed identity
    card, and one person per way of standing towards it."""
    application = make_application("in_review", complete=False)
    other = make_application("in_review", complete=False)
    people = {
        "owner": application.applicant,
        "staff": make_user(Role.STAFF),
        "assigned juror": make_user(Role.JUROR),
        "staff in conflict": make_user(Role.STAFF),
        "assigned juror in conflict": make_user(Role.JUROR),
        "juror not assigned": make_user(Role.JUROR),
        "applicant of another dossier": other.applicant,
        "coach": make_user(Role.COACH),
    }
    for who in ("assigned juror", "assigned juror in conflict"):
        db.session.add(JuryAssignment(application=application, juror=people[who]))
    for who in ("staff in conflict", "assigned juror in conflict"):
        db.session.add(
            ConflictOfInterest(application_id=application.id, juror_id=people[who].id, kind="other")
        )
    plan = attach_document(application, "business_plan", pdf_of_pages(3), "plan.pdf")
    identity = attach_document(application, "identity", picture_png(), "id.png")
    db.session.commit()
    return people, plan, identity


READERS = {"owner", "staff", "assigned juror"}
ALL = [
    "owner",
    "staff",
    "assigned juror",
    "staff in conflict",
    "assigned juror in conflict",
    "juror not assigned",
    "applicant of another dossier",
    "coach",
]


def page_bytes(client, document, number: int) -> bytes:
    with client.get(f"/documents/{document.id}/pages/{number}") as response:
        assert response.status_code == 200
        return response.data


def accesses() -> list[tuple[int, str]]:
    db.session.expire_all()
    return [(a.user_id, a.kind) for a in db.session.scalars(select(DocumentAccess))]


@pytest.mark.parametrize("who", ALL)
def test_pages_go_to_those_who_may_read_the_dossier_and_404_to_others(
    client, login_as, dossier, who
):
    people, plan, identity = dossier
    login_as(people[who])
    for document, number in ((plan, 1), (plan, 3), (identity, 1)):
        with client.get(f"/documents/{document.id}/pages/{number}") as response:
            if who not in READERS:
                assert response.status_code == 404
                assert b"PNG" not in response.data[:8]
                continue
            assert response.status_code == 200
            assert response.headers["Content-Type"] == "image/png"
            assert "attachment" not in response.headers.get("Content-Disposition", "")
            assert response.headers["Cache-Control"] == "private, no-store"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            image = Image.open(io.BytesIO(response.data))
            if document is plan:  # a rendered page, at the render width, A4
                assert image.size == (RENDER_WIDTH, 1699)
            else:  # the photograph as it was uploaded
                assert image.size == (640, 400)
    # The identity card is sensitive: each read is on its owner's log, and only reads.
    expected = [(people[who].id, "identity")] if who in READERS else []
    assert accesses() == expected


def test_a_page_the_document_does_not_have_is_404(client, login_as, dossier):
    people, plan, identity = dossier
    login_as(people["assigned juror"])
    for document, number in ((plan, 0), (plan, 4), (identity, 2)):
        with client.get(f"/documents/{document.id}/pages/{number}") as response:
            assert response.status_code == 404
    assert accesses() == []  # a refused read leaves nothing on the log


def test_a_rendered_page_is_kept_and_goes_with_its_document(
    app, client, login_as, dossier, page_cache
):
    people, plan, _identity = dossier
    login_as(people["assigned juror"])
    first = page_bytes(client, plan, 2)
    cached = page_cache / plan.storage_name / "2.png"
    assert cached.read_bytes() == first
    written = cached.stat().st_mtime_ns
    assert page_bytes(client, plan, 2) == first
    assert cached.stat().st_mtime_ns == written  # served from the cache, not rendered again
    assert oct(cached.stat().st_mode & 0o777) == "0o600"
    # a page of text is stored in grey; the owner deletes the document (while a draft)
    with Image.open(cached) as image:
        assert image.mode == "L"
    plan = db.session.merge(plan)
    plan.application.status = ApplicationStatus.DRAFT
    delete_document(plan, actor=plan.application.applicant)
    assert cached.exists()  # until the commit
    db.session.commit()
    assert not (page_cache / plan.storage_name).exists()


def test_unused_renders_and_those_of_deleted_files_are_purged(app, dossier, page_cache):
    _people, plan, identity = dossier
    assert pages.layout(plan).total == 3 and pages.layout(identity).total == 1
    old = page_cache / identity.storage_name
    stale = time.time() - 15 * 86400
    os.utime(old, (stale, stale))
    orphan = page_cache / ("0" * 64)
    orphan.mkdir()
    assert purge_pages_task.call_local() == 2  # the nightly job, DOCUMENT_PAGES_KEEP_DAYS=14
    assert sorted(p.name for p in page_cache.iterdir()) == [plan.storage_name]
    assert pages.purge(14) == 0
    # an image that was purged is measured again on demand
    assert pages.layout(identity).pages[0].width == 640


def test_a_damaged_pdf_or_image_cannot_be_shown_and_says_so(client, login_as, dossier, make_user):
    people, plan, _identity = dossier
    broken = attach_document(
        plan.application, "cv", b"%PDF-1.4\nnot really a PDF\n%%EOF\n", "cv.pdf"
    )
    photo = attach_document(plan.application, "criminal_record", JPEG, "extract.jpg")
    db.session.commit()
    assert pages.layout(broken) is None and pages.layout(photo) is None
    login_as(people["assigned juror"])
    for document in (broken, photo):
        with client.get(f"/documents/{document.id}/pages/1") as response:
            assert response.status_code == 404
    with client.get(f"/documents/{broken.id}") as response:
        assert response.status_code == 200  # the download still works


def test_a_missing_file_cannot_be_shown(app, dossier):
    _people, plan, _identity = dossier
    storage.path_of(plan.storage_name).unlink()
    assert pages.layout(plan) is None


def test_a_very_tall_page_is_rendered_narrower_not_larger():
    assert pages._fit(595, 842) == (RENDER_WIDTH, 1699)
    width, height = pages._fit(100, 100_000)
    assert height == pages.MAX_HEIGHT and width < 10
    assert pages._fit(0, 842) is None
