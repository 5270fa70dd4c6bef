"""What the selection does is written down: each step appears in the call's audit viewer,
with who did it."""

from __future__ import annotations

import re

from app.auth.models import Role

EN = {"Accept-Language": "en"}


def viewer_rows(client, call, event: str) -> list[str]:
    """The rows of the call's audit viewer for ``event``: their cells as text."""
    html = client.get(f"/dashboard/calls/{call.id}/audit?event={event}", headers=EN).get_data(
        as_text=True
    )
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    return [
        " | ".join(
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        )
        for row in rows
        if "<td" in row
    ]


def test_rules_proposal_moves_and_publication_are_in_the_audit_viewer(
    client, login_as, make_scored_call, make_chair, make_user
):
    call, (a, b, c, d, e) = make_scored_call([[9], [8], [7], [6], [3]])
    chair = make_chair(call, full_name="Nadia Chair")
    login_as(chair)
    client.post(f"/calls/{call.id}/selection/rules", data={"confirmation_days": "10"})
    client.post(f"/calls/{call.id}/selection/compute")
    client.post(
        f"/calls/{call.id}/selection/dossiers/{b.id}/move",
        data={
            "decision": "not_selected",
            "reason": "new_information",
            "justification": "Project already funded.",
        },
    )
    client.post(f"/calls/{call.id}/selection/publish", data={"confirm": "y"})
    client.post("/logout")
    login_as(make_user(Role.STAFF))
    (rules,) = viewer_rows(client, call, "selection_rules_changed")
    assert "Selection rules changed" in rules and "Nadia Chair" in rules
    (computed,) = viewer_rows(client, call, "selection_computed")
    assert "Selection proposal computed" in computed and "Nadia Chair" in computed
    (moved,) = viewer_rows(client, call, "selection_moved")
    assert b.reference in moved and "Project already funded." in moved and "Nadia Chair" in moved
    assert "Reason: Information received after the jury" in moved  # the reason, in words
    (published,) = viewer_rows(client, call, "selection_published")
    assert "Selection published" in published and "Nadia Chair" in published
    assert len(viewer_rows(client, call, "reject")) == 3  # one transition per dossier besides
