"""Personal data without identities: what an applicant reads about the people of the
programme (their pages and their download) names them by role, never by name or e-mail,
and never holds a juror's declaration of a conflict."""

import io
import json
import zipfile
from types import SimpleNamespace

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Role
from app.events import Event
from app.extensions import db
from app.jury.models import JuryAssignment, JuryMember
from app.privacy.models import DocumentAccess
from tests.helpers import transition_row

EN = {"Accept-Language": "en"}
NOTE = "Her brother-in-law is my business partner at Atlas Dates"


@pytest.fixture
def read_then_recused(client, login_as, make_user, make_call, make_application):
    """A dossier before the jury. Staff moved it and opened its identity document; a
    juror opened it too, then declared a conflict with a private note."""
    call = make_call("IDN-2026")
    application = make_application("in_review", call=call)
    staff = make_user(Role.STAFF, full_name="Sara Staffwoman", email="sara.staff@mbi.example")
    juror = make_user(Role.JUROR, full_name="Jamal Jurorman", email="jamal.juror@mbi.example")
    both = make_user(
        Role.STAFF, Role.JUROR, full_name="Bilal Bothroles", email="bilal.both@mbi.example"
    )
    for member in (juror, both):
        db.session.add(JuryMember(call_id=call.id, user_id=member.id))
        db.session.add(JuryAssignment(application=application, juror=member))
    db.session.add(
        transition_row(
            application=application,
            trigger="start_review",
            from_state="eligible",
            to_state="in_review",
            actor=staff,
        )
    )
    db.session.commit()
    identity = next(d for d in application.documents if d.kind == "identity")
    for reader in (staff, both, juror):
        login_as(reader)
        response = client.get(f"/documents/{identity.id}")
        response.close()
        assert response.status_code == 200
        client.post("/logout")
    login_as(juror)
    declared = client.post(
        f"/jury/calls/{call.id}/conflicts/{application.id}", data={"kind": "other", "note": NOTE}
    )
    assert declared.status_code == 302
    client.post("/logout")
    conflict = db.session.scalar(
        select(AuditEvent).where(AuditEvent.event == Event.CONFLICT_DECLARED)
    )
    assert conflict is not None and conflict.application_id == application.id
    assert NOTE in json.dumps(conflict.data)  # the note is on record, for the programme
    return SimpleNamespace(application=application, staff=staff, juror=juror, both=both)


def _secrets(world) -> list[str]:
    people = (world.staff, world.juror, world.both)
    return [NOTE, *(p.full_name for p in people), *(p.email for p in people), "Jurorman"]


def _dates(app, reads) -> list[str]:
    with app.test_request_context(), force_locale("en"):
        return [app.jinja_env.filters["local_dt"](read.at) for read in reads]


def test_the_applicants_pages_name_who_opened_their_documents_by_role_and_date(
    app, client, login_as, read_then_recused
):
    world = read_then_recused
    reads = db.session.scalars(select(DocumentAccess).order_by(DocumentAccess.id)).all()
    assert [read.user_id for read in reads] == [world.staff.id, world.both.id, world.juror.id]
    login_as(world.application.applicant)
    for url in ("/account/data", f"/applications/{world.application.id}"):
        page = client.get(url, headers=EN).get_data(as_text=True)
        for secret in _secrets(world):
            assert secret not in page, (url, secret)
        assert page.count("<td>a member of the jury</td>") == 1
        assert page.count("<td>programme staff</td>") == 2  # staff on the jury read as staff
        for day in _dates(app, reads):
            assert day in page
        assert "Identity document" in page


def test_the_applicants_download_holds_no_juror_conflict_and_no_name_of_the_programme(
    client, login_as, read_then_recused
):
    world = read_then_recused
    login_as(world.application.applicant)
    response = client.get("/account/data/export.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()
    for name in archive.namelist():
        content = archive.read(name).decode("utf-8", "replace")
        for secret in _secrets(world):
            assert secret not in content, (name, secret)
    data = json.loads(archive.read("data.json"))
    reads = data["parts"]["document_accesses"]
    assert [read["read_by"] for read in reads] == [
        "a member of the jury",
        "programme staff",
        "programme staff",
    ]
    assert all(read["at"] and read["document"] == "identity" for read in reads)
    (mine,) = data["parts"]["applications"]
    assert [entry["event"] for entry in mine["history"]] == ["start_review"]
    assert mine["history"][0]["by"] == "programme staff"
    assert "conflict" not in json.dumps(data).lower()


def test_the_applicant_who_opened_their_own_document_reads_you(client, login_as, make_application):
    application = make_application("submitted")
    identity = next(d for d in application.documents if d.kind == "identity")
    login_as(application.applicant)
    client.get(f"/documents/{identity.id}").close()
    page = client.get("/account/data", headers=EN).get_data(as_text=True)
    assert "<td>you</td>" in page
    assert application.applicant.full_name not in page.split("<table")[1]
