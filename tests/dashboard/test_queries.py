"""The dashboard reads a call in a fixed number of SQL statements, whatever its size."""

from app.auth.models import Role
from app.extensions import db
from tests.dashboard.conftest import add_audit, add_dossier, add_review
from tests.helpers import COMPLETE_ANSWERS, QueryCounter


def statements_for(client, call) -> tuple[int, int]:
    """The statements of two reads of the dashboard: the first recomputes the jury's
    figures (the reviews changed), the second reads them as kept."""
    counts = []
    for _ in range(2):
        with QueryCounter(db.engine) as counter:
            response = client.get(f"/dashboard/calls/{call.id}")
        assert response.status_code == 200
        counts.append(counter.count)
    return counts[0], counts[1]


def grow(call, jurors, dossiers: int) -> None:
    for n in range(dossiers):
        dossier = add_dossier(call, "in_review", answers=COMPLETE_ANSWERS)
        for k, juror in enumerate(jurors):
            add_review(dossier, juror, [(n + k) % 11, 5, 6, 7])
        add_audit(dossier, "start_review")
    db.session.commit()


def test_the_query_count_does_not_grow_with_the_dossiers(client, make_user, login_as, make_call):
    call = make_call("BIG-2026")
    jurors = [make_user(Role.JUROR) for _ in range(3)]
    grow(call, jurors[:2], 1)
    login_as(make_user(Role.STAFF))
    statements_for(client, call)  # the first computation (PostgreSQL then runs ANALYZE)
    grow(call, jurors[:2], 2)
    small = statements_for(client, call)
    grow(call, jurors, 40)
    large = statements_for(client, call)
    assert large == small
    assert large[1] <= 11 < large[0]
