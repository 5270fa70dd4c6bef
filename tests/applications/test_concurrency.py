"""Two people change one application at once: exactly one wins, the other is told to reload."""

import threading

import pytest
from sqlalchemy import select

from app.applications.models import Application
from app.applications.services import ConcurrentUpdate, apply_transition
from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.extensions import db
from tests.helpers import audit_count, race


def test_two_staff_deciding_the_same_dossier_at_once(app, make_application, make_user):
    application = make_application("submitted")
    alice, bob = make_user(Role.STAFF), make_user(Role.STAFF)
    # Each app context has its own database session: two people, two requests.
    with app.app_context():
        mine = db.session.get(Application, application.id)
        with app.app_context():
            theirs = db.session.get(Application, application.id)
            apply_transition(theirs, "declare_eligible", actor=db.session.get(User, bob.id))
            db.session.commit()
        assert mine.version == 1  # loaded before the other commit
        with pytest.raises(ConcurrentUpdate):
            apply_transition(
                mine, "declare_ineligible", actor=db.session.get(User, alice.id), note="n"
            )
        db.session.rollback()

    db.session.expire_all()
    assert application.status == "eligible"
    assert audit_count(application.id) == 1


def test_the_loser_sees_a_clear_message_in_the_page(client, make_application, make_user, login_as):
    application = make_application("submitted")
    login_as(make_user(Role.STAFF))
    seen = application.version
    first = client.post(
        f"/applications/{application.id}/actions/declare_eligible", data={"version": seen}
    )
    second = client.post(
        f"/applications/{application.id}/actions/request_information",
        data={"version": seen, "note": "CV?"},
        headers={"Accept-Language": "en"},
    )
    assert first.status_code == 302
    assert second.status_code == 409
    assert "changed by someone else" in second.get_data(as_text=True)
    db.session.expire_all()
    assert application.status == "eligible" and audit_count(application.id) == 1


@pytest.mark.postgres
def test_concurrent_submits_get_gap_free_references(app, make_call, make_application):
    call = make_call("MBI-2026")
    ids = [make_application("draft", call=call).id for _ in range(12)]
    barrier = threading.Barrier(len(ids), timeout=30)
    errors = []

    def submit(application_id):
        with app.app_context():
            try:
                application = db.session.get(Application, application_id)
                barrier.wait()
                apply_transition(application, "submit", actor=None)
                db.session.commit()
            except Exception as error:
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    references = sorted(db.session.scalars(select(Application.reference)))
    assert references == [f"MBI-2026-{n:04d}" for n in range(1, 13)]
    assert len(db.session.scalars(select(AuditEvent)).all()) == 12


@pytest.mark.postgres
def test_concurrent_transitions_on_one_application_one_wins(app, make_application):
    application = make_application("submitted")
    application_id = application.id  # threads must not touch the test's own session

    def decide(trigger, ready):
        row = db.session.get(Application, application_id)
        ready()
        apply_transition(row, trigger, actor=None, note="n")
        db.session.commit()

    outcomes = race(
        app, decide, ["declare_eligible", "declare_ineligible"], lost=(ConcurrentUpdate,)
    )
    assert sorted(outcomes) == ["lost", "won"]
    decisions = db.session.scalars(
        select(AuditEvent.event).where(
            AuditEvent.application_id == application_id,
            AuditEvent.event.in_(["declare_eligible", "declare_ineligible"]),
        )
    ).all()
    assert len(decisions) == 1  # besides it, the winner's letter may be generated already
