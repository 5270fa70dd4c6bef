"""``flask selection propose|publish`` and ``flask export ranking``."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.selection.cli import register_selection_cli
from app.selection.models import SelectionRound
from tests.helpers import outbox_messages


@pytest.fixture
def cli(app, runner):
    if "selection" not in app.cli.commands:  # until app/cli.py registers the group
        register_selection_cli(app)
    return runner


@pytest.fixture
def call_with_dossiers(make_scored_call):
    return make_scored_call(
        [[9, 9], [8, 7], [5, 6], [3, 4], [7, 7]], quota=2, reserve_size=1, reference="MBI-2026"
    )


def test_propose_prints_and_stores_the_draft(cli, call_with_dossiers):
    call, apps = call_with_dossiers
    result = cli.invoke(args=["selection", "propose", "--call", "MBI-2026"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Proposal for MBI-2026: 2 selected, 1 reserve, 2 not selected"
    assert len(lines) == 2 + 3  # header line, column titles, quota + reserve lines
    assert lines[2].split() == ["1", "MBI-2026-0001", "90.00", "selected", "100%"]
    # 75 (dossier 2) and 70 (dossier 5) fight for the second place
    assert lines[3].split()[:4] == ["2", "MBI-2026-0002", "75.00", "selected"]
    assert lines[4].split()[:4] == ["3", "MBI-2026-0005", "70.00", "reserve"]
    assert db.session.scalar(select(SelectionRound.status)) == "draft"


def test_propose_refuses_while_the_jury_is_at_work(cli, call_with_dossiers, make_application):
    call, _ = call_with_dossiers
    make_application("in_review", call=call, complete=False)
    result = cli.invoke(args=["selection", "propose", "--call", "MBI-2026"])
    assert result.exit_code == 1 and "still waiting for the jury" in result.output


def test_publish_needs_yes_then_publishes_once(cli, call_with_dossiers):
    call, apps = call_with_dossiers
    cli.invoke(args=["selection", "propose", "--call", "MBI-2026"])
    refused = cli.invoke(args=["selection", "publish", "--call", "MBI-2026"])
    assert refused.exit_code == 1
    assert "2 selected, 1 reserve, 2 not selected" in refused.output
    assert "--yes" in refused.output and outbox_messages() == []
    done = cli.invoke(args=["selection", "publish", "--call", "MBI-2026", "--yes"])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == "Published for MBI-2026: 2 selected, 1 reserve, 2 not selected."
    again = cli.invoke(args=["selection", "publish", "--call", "MBI-2026", "--yes"])
    assert again.exit_code == 1 and "already published" in again.output
    assert len(outbox_messages()) == 5


def test_publish_without_a_proposal_or_an_unknown_call(cli, call_with_dossiers):
    result = cli.invoke(args=["selection", "publish", "--call", "MBI-2026", "--yes"])
    assert result.exit_code == 1 and "no selection proposal" in result.output
    result = cli.invoke(args=["selection", "propose", "--call", "NOPE"])
    assert result.exit_code == 1 and "No call with reference 'NOPE'" in result.output


def test_export_ranking(cli, call_with_dossiers):
    call, apps = call_with_dossiers
    cli.invoke(args=["selection", "propose", "--call", "MBI-2026"])
    result = cli.invoke(args=["export", "ranking", "--call", "MBI-2026"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:3] == [
        "rank,reference,score,decision",
        "1,MBI-2026-0001,90.000,selected",
        "2,MBI-2026-0002,75.000,selected",
    ]
