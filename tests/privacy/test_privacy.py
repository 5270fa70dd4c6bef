"""Personal data: who read sensitive documents, the download of everything held,
erasure on request, and retention of documents of applications not selected."""

import io
import json
import zipfile
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.common.clock import utcnow
from app.documents import storage
from app.documents.models import Document
from app.extensions import db
from app.info_sessions.models import InfoSession, SessionRegistration
from app.jury.models import ConflictOfInterest, CriterionScore, JuryAssignment, Review
from app.outbox.models import OutboxMessage
from app.outbox.services import queue_email
from app.privacy import registry
from app.privacy.models import DocumentAccess, DocumentDisposal, ErasureRequest
from app.privacy.registry import PersonalData
from app.privacy.services import months_before
from app.privacy.tasks import retention_task
from tests.conftest import PASSWORD
from tests.helpers import QueryCounter, transition_row

EN = {"Accept-Language": "en"}


def _document(application, kind) -> Document:
    return next(document for document in application.documents if document.kind == kind)


def _logout(client):
    client.post("/logout")


def _download(client, document) -> int:
    response = client.get(f"/documents/{document.id}")
    response.close()
    return response.status_code


# Access log ------------------------------------------------------------------------------


def test_every_download_of_an_identity_document_is_logged_and_shown_to_the_applicant(
    client, login_as, make_user, make_application
):
    application = make_application("submitted")
    owner = application.applicant
    staff = make_user(Role.STAFF, full_name="Sara Staff")
    juror = make_user(Role.JUROR, full_name="Jamal Juror")
    db.session.add(JuryAssignment(application=application, juror=juror))
    db.session.commit()
    identity = _document(application, "identity")
    cv = _document(application, "cv")

    login_as(staff)
    assert _download(client, identity) == 200
    assert _download(client, cv) == 200  # not sensitive: not logged
    _logout(client)
    login_as(juror)
    assert _download(client, identity) == 200
    _logout(client)

    rows = db.session.scalars(select(DocumentAccess).order_by(DocumentAccess.id)).all()
    assert [(row.user_id, row.kind, row.document_id) for row in rows] == [
        (staff.id, "identity", identity.id),
        (juror.id, "identity", identity.id),
    ]
    assert rows[0].sha256 == identity.sha256

    login_as(owner)
    page = client.get("/account/data", headers=EN).get_data(as_text=True)
    assert "<td>programme staff</td>" in page and "<td>a member of the jury</td>" in page
    assert "Sara Staff" not in page and "Jamal Juror" not in page
    assert "Identity document" in page
    dossier = client.get(f"/applications/{application.id}", headers=EN).get_data(as_text=True)
    assert "Who read my identity document" in dossier
    assert "<td>a member of the jury</td>" in dossier and "Jamal Juror" not in dossier


def test_a_refused_download_is_not_logged(client, login_as, make_user, make_application):
    application = make_application("submitted")
    login_as(make_user(Role.JUROR))  # not assigned
    assert _download(client, _document(application, "identity")) == 404
    assert db.session.scalar(select(func.count()).select_from(DocumentAccess)) == 0


def test_nobody_read_them_yet_says_so(client, login_as, make_application):
    application = make_application("submitted")
    login_as(application.applicant)
    page = client.get("/account/data", headers=EN).get_data(as_text=True)
    assert "Nobody has read them" in page


# Download of everything ------------------------------------------------------------------


def _export(client) -> tuple[dict, zipfile.ZipFile]:
    response = client.get("/account/data/export.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()
    return json.loads(archive.read("data.json")), archive


def test_the_download_holds_the_account_answers_documents_sessions_and_emails(
    client, login_as, make_application, make_call
):
    application = make_application("submitted")
    owner = application.applicant
    starts = utcnow() + timedelta(days=3)
    info_session = InfoSession(
        call=application.call,
        city="Gent",
        venue="Zebrastraat",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        capacity=40,
    )
    info_session.registrations.append(SessionRegistration(full_name="Y. E.", email=owner.email))
    db.session.add(info_session)
    queue_email(owner.email, "Your application", "welcome", user=owner, login_url="http://x")
    db.session.commit()

    login_as(owner)
    data, archive = _export(client)
    parts = data["parts"]
    assert parts["account"]["email"] == owner.email
    assert parts["account"]["roles"] == ["applicant"]
    (mine,) = parts["applications"]
    assert mine["reference"] == application.reference
    assert mine["answers"]["full_name"] == "Youssef El Amrani"
    assert mine["answers"]["phone"] == "+32 470 12 34 56"
    assert {d["kind"] for d in mine["documents"]} == {d.kind for d in application.documents}
    for listed in mine["documents"]:
        content = archive.read(listed["file"])
        assert content.startswith(b"%PDF-")
        assert len(content) == listed["size"]
    assert parts["information_sessions"][0]["session"].startswith("Gent")
    assert parts["emails"][0]["subject"] == "Your application"
    assert "document_accesses" not in parts  # nothing to say: no part at all


def test_another_area_adds_its_part_through_the_registry(
    client, login_as, make_user, monkeypatch, tmp_path
):
    letter = tmp_path / "letter.pdf"
    letter.write_bytes(b"%PDF-1.4 letter")
    module = SimpleNamespace(  # a future area, beside the real ones
        PROVIDERS={
            "future_area": lambda user: PersonalData(
                [{"kind": "decision", "for": user.id}], [("decision.pdf", letter)]
            )
        }
    )
    real = registry._modules()
    monkeypatch.setattr(registry, "_modules", lambda: (*real, module))
    user = login_as(make_user(Role.APPLICANT))
    data, archive = _export(client)
    assert data["parts"]["future_area"] == [{"kind": "decision", "for": user.id}]
    assert archive.read("files/future_area/decision.pdf") == b"%PDF-1.4 letter"


def test_staff_and_jurors_download_their_own_data_too(client, login_as, make_user):
    staff = login_as(make_user(Role.STAFF))
    data, _archive = _export(client)
    assert data["parts"]["account"]["email"] == staff.email
    assert "applications" not in data["parts"]


def test_a_jurors_download_reads_their_reviews_in_as_many_statements_for_one_or_many(
    client, login_as, make_user, make_call, make_application
):
    juror = login_as(make_user(Role.JUROR))
    call = make_call()

    def review(score: int) -> None:
        assignment = JuryAssignment(application=make_application("scored", call=call), juror=juror)
        scored = Review(assignment=assignment, status="submitted", total=10 * score)
        scored.scores = [CriterionScore(criterion_id=c.id, score=score) for c in call.criteria]
        db.session.add_all([assignment, scored])
        db.session.commit()

    counts = []
    for scores in ([7], [5, 6, 8, 9, 4]):
        for score in scores:
            review(score)
        with QueryCounter(db.engine) as counted:
            data, _archive = _export(client)
        counts.append(counted.count)
    written = data["parts"]["jury_reviews"]
    assert sorted(r["scores"][0]["score"] for r in written) == [4, 5, 6, 7, 8, 9]
    assert all(len(r["scores"]) == len(call.criteria) for r in written)
    assert counts[0] == counts[1], counts


# Erasure -------------------------------------------------------------------------------


@pytest.fixture
def decided(make_user, make_application):
    """A not-selected application (with its audit trail, reviewed by a juror), its
    applicant having asked for erasure."""
    staff = make_user(Role.STAFF)
    juror = make_user(Role.JUROR)
    application = make_application("not_selected")
    for number, (before, after) in enumerate(
        [("draft", "submitted"), ("submitted", "eligible"), ("scored", "not_selected")]
    ):
        db.session.add(
            transition_row(
                application=application,
                from_state=before,
                to_state=after,
                trigger="t",
                actor_id=staff.id if number else application.applicant_id,
                note="decided by the jury",
            )
        )
    db.session.add(JuryAssignment(application=application, juror=juror))
    queue_email(
        application.applicant.email,
        "Decision",
        "welcome",
        user=application.applicant,
        login_url="http://x",
    )
    db.session.commit()
    return SimpleNamespace(application=application, staff=staff, owner=application.applicant)


def test_erasure_asked_then_approved_anonymises_and_keeps_statistics_and_records(
    client, login_as, decided
):
    owner, application = decided.owner, decided.application
    owner_id, email = owner.id, owner.email
    files = [storage.path_of(d.storage_name) for d in application.documents]
    documents = len(files)
    assert documents and all(path.is_file() for path in files)
    audit_before = db.session.execute(
        select(AuditEvent.event, AuditEvent.from_state, AuditEvent.to_state, AuditEvent.actor_id)
        .where(AuditEvent.application_id == application.id)
        .order_by(AuditEvent.id)
    ).all()

    login_as(owner)
    unconfirmed = client.post("/account/data/erasure", headers=EN)
    assert unconfirmed.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(ErasureRequest)) == 0
    client.post("/account/data/erasure", data={"confirm": "yes"})
    again = client.post("/account/data/erasure", data={"confirm": "yes"}, headers=EN)
    assert "already with the programme team" in client.get(
        again.headers["Location"], headers=EN
    ).get_data(as_text=True)
    _logout(client)

    login_as(decided.staff)
    queue = client.get("/staff/erasure", headers=EN).get_data(as_text=True)
    assert email in queue
    (erasure,) = db.session.scalars(select(ErasureRequest)).all()
    response = client.post(f"/staff/erasure/{erasure.id}", data={"decision": "approve"})
    assert response.status_code == 302
    _logout(client)

    db.session.expire_all()
    user = db.session.get(User, owner_id)
    assert user.full_name == f"Erased applicant #{owner_id}"
    assert user.email == f"erased-{owner_id}@erased.invalid"
    assert not user.active
    failed = client.post("/login", data={"email": email, "password": PASSWORD})
    assert failed.status_code == 200  # cannot log in any more
    application = db.session.get(Application, application.id)
    assert application.status == "not_selected"
    assert application.answers == {
        "gender": "M",
        "belgian_region": "Brussels-Capital",
        "moroccan_region": "Souss-Massa",
        "residence_country": "BE",
        "sector": "A",
        "stage": "idea",
        "channel": "information_session",
        "age_band": application.answers["age_band"],
    }
    assert application.answers["age_band"] in {"30-39", "40-49"}
    assert application.documents == []
    assert not any(path.exists() for path in files)
    disposals = db.session.scalars(select(DocumentDisposal)).all()
    assert len(disposals) == documents
    assert {d.reason for d in disposals} == {"erasure"}
    assert {d.actor_id for d in disposals} == {decided.staff.id}
    audit_after = db.session.execute(
        select(AuditEvent.event, AuditEvent.from_state, AuditEvent.to_state, AuditEvent.actor_id)
        .where(AuditEvent.application_id == application.id)
        .order_by(AuditEvent.id)
    ).all()
    assert audit_after == [  # the trail stays, and says who asked and who erased
        *audit_before,
        ("erasure_requested", None, None, owner_id),
        ("person_erased", None, None, decided.staff.id),
    ]
    assert db.session.scalar(select(JuryAssignment.id)) is not None
    erasure = db.session.get(ErasureRequest, erasure.id)
    assert (erasure.status, erasure.decided_by_id) == ("erased", decided.staff.id)
    for message in db.session.scalars(select(OutboxMessage)):
        assert email not in message.recipient and "Youssef" not in message.body_text


def test_a_refusal_needs_a_reason_that_the_applicant_reads(client, login_as, decided):
    erasure = ErasureRequest(user_id=decided.owner.id)
    db.session.add(erasure)
    db.session.commit()
    login_as(decided.staff)
    client.post(f"/staff/erasure/{erasure.id}", data={"decision": "refuse", "note": " "})
    db.session.expire_all()
    assert db.session.get(ErasureRequest, erasure.id).status == "pending"
    client.post(
        f"/staff/erasure/{erasure.id}",
        data={"decision": "refuse", "note": "Your appeal is still being examined."},
    )
    twice = client.post(f"/staff/erasure/{erasure.id}", data={"decision": "approve"}, headers=EN)
    assert "decided already" in client.get(twice.headers["Location"], headers=EN).get_data(
        as_text=True
    )
    _logout(client)
    db.session.expire_all()
    assert db.session.get(User, decided.owner.id).email.endswith("@example.org")
    login_as(decided.owner)
    page = client.get("/account/data", headers=EN).get_data(as_text=True)
    assert "Your appeal is still being examined." in page


def test_an_application_in_progress_blocks_erasure_and_changes_nothing(
    client, login_as, make_user, make_application
):
    application = make_application("in_review")
    staff = make_user(Role.STAFF)
    erasure = ErasureRequest(user_id=application.applicant_id)
    db.session.add(erasure)
    db.session.commit()
    login_as(staff)
    response = client.post(f"/staff/erasure/{erasure.id}", data={"decision": "approve"})
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "in progress" in page
    db.session.expire_all()
    assert db.session.get(ErasureRequest, erasure.id).status == "pending"
    assert db.session.get(Application, application.id).answers["full_name"]
    assert db.session.get(Application, application.id).documents


def test_only_applicants_may_ask_to_be_erased(client, login_as, make_user):
    login_as(make_user(Role.JUROR))
    assert client.post("/account/data/erasure", data={"confirm": "yes"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ErasureRequest)) == 0


# Retention -------------------------------------------------------------------------------


def _decided_long_ago(make_application, status, months_ago):
    application = make_application(status)
    db.session.add(
        transition_row(
            application=application,
            from_state="scored",
            to_state=status,
            trigger="t",
            created_at=months_before(utcnow(), months_ago),
        )
    )
    db.session.commit()
    return application


def test_retention_dry_run_lists_then_the_real_run_deletes(runner, make_application):
    old = _decided_long_ago(make_application, "not_selected", 13)
    withdrawn = _decided_long_ago(make_application, "withdrawn", 14)
    recent = _decided_long_ago(make_application, "ineligible", 11)
    kept_selected = _decided_long_ago(make_application, "selected", 30)
    old_files = [storage.path_of(d.storage_name) for d in old.documents + withdrawn.documents]
    count = len(old_files)

    dry = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert old.reference in dry.output and withdrawn.reference in dry.output
    assert recent.reference not in dry.output and kept_selected.reference not in dry.output
    assert f"would delete {count} document(s) of 2 application(s)" in dry.output
    assert all(path.is_file() for path in old_files)
    assert db.session.scalar(select(func.count()).select_from(DocumentDisposal)) == 0

    real = runner.invoke(args=["privacy", "retention"])
    assert real.exit_code == 0, real.output
    assert f"deleted {count} document(s) of 2 application(s)" in real.output
    db.session.expire_all()
    assert not any(path.exists() for path in old_files)
    assert db.session.get(Application, old.id).documents == []
    assert db.session.get(Application, old.id).answers["full_name"]  # only documents go
    assert db.session.get(Application, recent.id).documents
    assert db.session.get(Application, kept_selected.id).documents
    reasons = db.session.scalars(select(DocumentDisposal.reason)).all()
    assert reasons == ["retention"] * count

    again = runner.invoke(args=["privacy", "retention", "--dry-run"])
    assert "would delete 0 document(s) of 0 application(s)" in again.output


def test_the_nightly_job_applies_the_configured_months(app, make_application):
    old = _decided_long_ago(make_application, "declined", 7)
    old_id, documents = old.id, len(old.documents)
    app.config["RETENTION_MONTHS"] = 6
    try:
        deleted = retention_task.call_local()
    finally:
        app.config["RETENTION_MONTHS"] = 12
    assert deleted == documents > 0
    assert db.session.get(Application, old_id).documents == []


def test_months_before_keeps_the_day_or_takes_the_last_of_a_shorter_month():
    moment = utcnow().replace(year=2026, month=3, day=31)
    assert months_before(moment, 1).date().isoformat() == "2026-02-28"
    assert months_before(moment, 12).date().isoformat() == "2025-03-31"
    assert months_before(moment, 15).date().isoformat() == "2024-12-31"


def test_staff_in_conflict_with_a_dossier_neither_see_nor_decide_its_applicants_erasure(
    client, login_as, make_user, decided
):
    conflicted = make_user(Role.STAFF)
    db.session.add(
        ConflictOfInterest(
            application_id=decided.application.id, juror_id=conflicted.id, kind="family"
        )
    )
    erasure = ErasureRequest(user_id=decided.owner.id)
    db.session.add(erasure)
    db.session.commit()
    email = decided.owner.email
    login_as(conflicted)
    queue = client.get("/staff/erasure", headers=EN).get_data(as_text=True)
    assert email not in queue and "No request waiting" in queue
    assert (
        client.post(f"/staff/erasure/{erasure.id}", data={"decision": "approve"}).status_code == 404
    )
    _logout(client)
    login_as(decided.staff)
    assert email in client.get("/staff/erasure", headers=EN).get_data(as_text=True)
    client.post(f"/staff/erasure/{erasure.id}", data={"decision": "approve"})
    db.session.expire_all()
    assert db.session.get(ErasureRequest, erasure.id).status == "erased"
