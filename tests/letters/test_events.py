"""What happens to the letters is written down: generated or failed (by the system),
retried and generated again (by staff), each in the call's audit viewer."""

from __future__ import annotations

import re

from sqlalchemy import select

from app.auth.models import Role
from app.extensions import db
from app.letters.models import FAILED, Letter

EN = {"Accept-Language": "en"}


def viewer_rows(client, call, event: str) -> list[str]:
    """The rows of the call's audit viewer for ``event``: their cells as text."""
    url = f"/dashboard/calls/{call.id}/audit?event={event}"
    html = client.get(url, headers=EN).get_data(as_text=True)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", html, flags=re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        if cells:
            rows.append(" | ".join(re.sub(r"<[^>]+>", "", cell).strip() for cell in cells))
    return rows


def test_generated_failed_retried_and_regenerated_letters_are_in_the_audit_viewer(
    client, login_as, make_scored_call, make_user, monkeypatch
):
    from app.letters import content
    from app.selection.services import publish, refresh_draft

    real = content.letter_context
    broken = set()

    def flaky(letter):
        if letter.application_id in broken:
            raise ValueError("the dossier's address is unreadable")
        return real(letter)

    monkeypatch.setattr(content, "letter_context", flaky)
    call, (a, b, c) = make_scored_call([[8], [9], [5]], quota=1, reserve_size=1)
    broken.add(a.id)
    refresh_draft(call, actor=None)
    publish(call, actor=None)
    db.session.commit()  # the worker (immediate here) generates the letters after the commit
    staff = make_user(Role.STAFF, full_name="Samira Staff")
    login_as(staff)
    generated = viewer_rows(client, call, "letter_generated")
    assert len(generated) == 2 and all("System" in row for row in generated)
    assert {b.reference, c.reference} == {row.split(" | ")[1] for row in generated}
    (failed,) = viewer_rows(client, call, "letter_failed")
    assert a.reference in failed and "Letter failed" in failed and "System" in failed
    broken.clear()  # the cause is fixed
    assert client.post(f"/staff/calls/{call.id}/letters/retry").status_code == 302
    (retried,) = viewer_rows(client, call, "letters_retried")
    assert "Failed letters retried" in retried and "Samira Staff" in retried
    assert len(viewer_rows(client, call, "letter_generated")) == 3  # a's letter, this time
    letter = db.session.scalar(select(Letter).where(Letter.application_id == b.id))
    assert client.post(f"/staff/letters/{letter.id}/regenerate").status_code == 302
    (regenerated,) = viewer_rows(client, call, "letter_regenerated")
    assert b.reference in regenerated and "Samira Staff" in regenerated
    assert len(viewer_rows(client, call, "letter_generated")) == 4  # its new version
    assert db.session.scalar(select(Letter.id).where(Letter.status == FAILED)) is None
