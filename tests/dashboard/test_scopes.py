"""The dashboard counts and lists what the scopes let its viewer read: a chair or a member
of staff in conflict with a dossier finds nothing of it in the charts and exports."""

import csv
import io

import pytest

from app.auth.models import Role
from app.extensions import db
from app.jury.models import ConflictOfInterest
from tests.dashboard.conftest import add_dossier, add_review
from tests.helpers import COMPLETE_ANSWERS


@pytest.fixture
def jury_call(make_call, make_user, make_chair):
    """Two dossiers before the jury, each reviewed by two jurors: the first all 10s, the
    second all 3s."""
    call = make_call("SCOPE-2026")
    chair = make_chair(call, full_name="Chadia Chair")
    jurors = [make_user(Role.JUROR, full_name=name) for name in ("Amal", "Bram")]
    high = add_dossier(call, "in_review", answers=COMPLETE_ANSWERS, name="Hamid High")
    low = add_dossier(call, "in_review", answers=COMPLETE_ANSWERS, name="Loubna Low")
    for juror in jurors:
        add_review(high, juror, [10, 10, 10, 10])
        add_review(low, juror, [3, 3, 3, 3])
    db.session.commit()
    return call, chair, high, low


def _conflict(user, dossier) -> None:
    db.session.add(ConflictOfInterest(application_id=dossier.id, juror_id=user.id, kind="family"))
    db.session.commit()


def _csv(client, url) -> list[list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _scores_given(client, call) -> dict[str, str]:
    return dict(_csv(client, f"/dashboard/calls/{call.id}/reports/criterion-1.csv")[1:])


def test_a_conflicted_chairs_jury_charts_leave_out_the_reviews_of_that_dossier(
    client, login_as, jury_call
):
    call, chair, high, _low = jury_call
    login_as(chair)
    before = _scores_given(client, call)
    assert (before["10"], before["3"]) == ("2", "2")
    _conflict(chair, high)
    after = _scores_given(client, call)
    assert (after["10"], after["3"]) == ("0", "2")
    jurors = _csv(client, f"/dashboard/calls/{call.id}/reports/jurors.csv")
    assert len(jurors) == 3  # header, Amal, Bram
    assert all("100" not in cell for row in jurors[1:] for cell in row)  # no all-10 total
    page = client.get(f"/dashboard/calls/{call.id}").get_data(as_text=True)
    assert "Hamid High" not in page and high.reference not in page


def test_staff_see_every_review_unless_they_are_in_conflict(client, login_as, make_user, jury_call):
    call, _chair, high, _low = jury_call
    staff = login_as(make_user(Role.STAFF))
    assert _scores_given(client, call)["10"] == "2"
    _conflict(staff, high)
    assert _scores_given(client, call)["10"] == "0"


def test_the_applications_export_lists_only_the_dossiers_the_staff_member_may_read(
    client, login_as, make_user, jury_call
):
    call, _chair, high, low = jury_call
    staff = login_as(make_user(Role.STAFF))
    _conflict(staff, high)
    rows = _csv(client, f"/dashboard/calls/{call.id}/applications.csv")
    assert [row[0] for row in rows[1:]] == [low.reference]
    text = client.get(f"/dashboard/calls/{call.id}/applications.csv").get_data(as_text=True)
    assert "Hamid High" not in text and high.reference not in text
    funnel = dict(_csv(client, f"/dashboard/calls/{call.id}/reports/funnel.csv")[1:])
    assert funnel["In review"] == "1"


def test_only_the_calls_own_chair_sees_its_jury_reports(
    client, login_as, make_call, make_chair, jury_call
):
    call, _chair, _high, _low = jury_call
    other_chair = make_chair(make_call("ELSE-2026"))
    login_as(other_chair)
    assert client.get(f"/dashboard/calls/{call.id}/reports/jurors.csv").status_code == 404
    assert client.get(f"/dashboard/calls/{call.id}").status_code == 404
