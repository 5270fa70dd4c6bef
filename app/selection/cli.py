"""``flask --app wsgi selection ...``: the selection's commands. They call services and
commit once (or roll back on a refusal)."""

from __future__ import annotations

import click
from flask import Flask
from sqlalchemy import select

from app.applications.models import Application
from app.calls.cli import call_named, call_option
from app.calls.models import Call
from app.common.errors import Refusal
from app.extensions import db
from app.selection.reserve import expire_all_confirmations
from app.selection.services import current_round, publish, refresh_draft
from workflows.selection import DECISIONS, RoundStatus


def _run(service, call: Call):
    """``service(call)`` with no one acting, committed; a refusal rolls it back and stops
    the command with its message."""
    try:
        result = service(call, actor=None)
    except Refusal as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    return result


def _counts_line(counts: dict[str, int]) -> str:
    return (
        f"{counts['selected']} selected, {counts['reserve']} reserve, "
        f"{counts['not_selected']} not selected"
    )


def register_selection_cli(app: Flask) -> None:
    """Add the ``selection`` command group to ``app``."""

    @app.cli.group("selection")
    def selection() -> None:
        """The selection of a call's project holders."""

    @selection.command("propose")
    @call_option
    def selection_propose(reference: str) -> None:
        """Compute the proposal, store it as the draft (keeping the chair's overrides), print it."""
        call = call_named(reference)
        proposal = _run(refresh_draft, call)
        stability = {d.application_id: d.stability for d in current_round(call).decisions}
        references = dict(
            db.session.execute(
                select(Application.id, Application.reference).where(Application.call_id == call.id)
            ).all()
        )
        scores = {c.dossier_id: c.score for c in proposal.candidates}
        click.echo(f"Proposal for {call.reference}: {_counts_line(proposal.counts)}")
        click.echo(
            f"{'rank':>4}  {'reference':<16} {'score':>7}  {'decision':<12} "
            f"{'tie-break':<22} {'stable':>6}"
        )
        shown = sorted(proposal.entries, key=lambda e: e.rank)[: call.quota + call.reserve_size]
        for entry in shown:
            tie = entry.tie_break.kind if entry.tie_break else ""
            if entry.override:
                tie = (tie + " overridden").strip()
            chance = stability.get(entry.dossier_id)
            percent = f"{chance:.0%}" if chance is not None else "-"
            if entry.decision != entry.pure_decision and not entry.override:
                tie = (tie + " balance").strip()
            click.echo(
                f"{entry.rank:>4}  {references.get(entry.dossier_id) or '-':<16} "
                f"{scores[entry.dossier_id]:>7.2f}  {entry.decision:<12} {tie:<22} {percent:>6}"
            )

    @selection.command("publish")
    @call_option
    @click.option("--yes", is_flag=True, help="Confirm the publication of the stored proposal.")
    def selection_publish(reference: str, yes: bool) -> None:
        """Publish the stored proposal: every decision at once, one email per applicant."""
        call = call_named(reference)
        if not yes:
            draft = current_round(call)
            if draft is not None and draft.status == RoundStatus.DRAFT:
                counts = {str(decision): 0 for decision in DECISIONS}
                for decision in draft.decisions:
                    counts[decision.decision] += 1
                click.echo(f"The proposal: {_counts_line(counts)}.")
            raise click.ClickException("Nothing published: confirm with --yes.")
        counts = _run(publish, call)
        click.echo(f"Published for {call.reference}: {_counts_line(counts)}.")

    @selection.command("expire")
    def selection_expire() -> None:
        """Free the places whose confirmation deadline passed (the worker does it too)."""
        lapsed = expire_all_confirmations()
        db.session.commit()
        click.echo(f"{lapsed} places freed after the confirmation deadline.")
