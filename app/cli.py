"""``flask --app wsgi ...`` commands. They call services and commit; no SQL of their own."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from inspect import Parameter, signature
from pathlib import Path

import click
from babel.messages.pofile import read_po, write_po
from flask import Flask, current_app
from huey.consumer import Consumer
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

import app as package
from app.auth.models import Role, User
from app.auth.services import AccountError, create_user
from app.calls.cli import call_named, call_option, register_calls_cli
from app.coaching.cli import register_coaching_cli
from app.common.exports import csv_text
from app.common.statistics import refresh_statistics
from app.config import PROJECT_ROOT
from app.demo.services import DemoError, load_demo
from app.eligibility.checks import check_call
from app.eligibility.models import RuleOutcome
from app.extensions import db
from app.i18n_fill import FillError, fill_catalogues
from app.jobs import huey, use_app
from app.jury.cli import register_jury_cli
from app.letters.cli import register_letters_cli
from app.outbox.services import deliver_queued
from app.privacy.cli import register_privacy_cli
from app.selection.cli import register_selection_cli
from workflows.application import mermaid_diagram

WORKFLOW_DOC = PROJECT_ROOT / "docs" / "workflow.md"
README = PROJECT_ROOT / "README.md"
README_MARKERS = ("<!-- workflow:start -->\n", "<!-- workflow:end -->")


def render_workflow_doc() -> str:
    return (
        "# The application lifecycle\n\n"
        "Generated from `workflows/application.py` by "
        "`flask --app wsgi workflow diagram`; a test fails when it drifts.\n\n"
        "```mermaid\n" + mermaid_diagram() + "```\n"
    )


def readme_with_diagram(readme: str) -> str:
    """``readme`` with the diagram between its workflow markers regenerated."""
    start, end = README_MARKERS
    head, _, rest = readme.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}```mermaid\n{mermaid_diagram()}```\n{end}{tail}"


def register_cli(app: Flask) -> None:
    register_jury_cli(app)
    register_selection_cli(app)
    register_coaching_cli(app)
    register_privacy_cli(app)
    register_letters_cli(app)
    register_calls_cli(app)

    @app.cli.command("demo")
    @click.option(
        "--applications",
        "applications",
        default=40,
        show_default=True,
        type=click.IntRange(0, 100000),
        help="Number of synthetic applications.",
    )
    @click.option(
        "--seed",
        default=2026,
        show_default=True,
        type=int,
        help="Random seed: the same seed gives the same demo.",
    )
    @click.option(
        "--stage",
        default="applications",
        show_default=True,
        type=click.Choice(["applications", "eligibility", "scoring", "decided", "coaching"]),
        help="How far the demo call has gone.",
    )
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database holds a call.")
    def demo(applications: int, seed: int, stage: str, if_empty: bool) -> None:
        """Load the demo: call MBI-2026, its people and synthetic applications."""
        if if_empty and _has_data():
            click.echo("The database already holds data: demo not loaded.")
            return
        try:
            summary = load_demo(applications=applications, seed=seed, stage=stage)
        except DemoError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
        db.session.commit()
        refresh_statistics()  # the planner sees the new rows at once
        click.echo(summary)

    @app.cli.group("workflow")
    def workflow() -> None:
        """The application lifecycle."""

    @workflow.command("diagram")
    @click.option("--out", type=click.Path(path_type=Path), default=WORKFLOW_DOC, show_default=True)
    def workflow_diagram(out: Path) -> None:
        """Write the lifecycle diagram (Mermaid), generated from the machine."""
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_workflow_doc())
        README.write_text(readme_with_diagram(README.read_text()))
        click.echo(f"Wrote {out} and the diagram in README.md")

    @app.cli.group("outbox")
    def outbox() -> None:
        """The email outbox."""

    @outbox.command("send")
    def outbox_send() -> None:
        """Deliver every queued or failed email now."""
        with Session(db.engine) as session:
            count = deliver_queued(session)
        click.echo(f"{count} message(s) delivered or attempted.")

    @app.cli.group("jobs")
    def jobs() -> None:
        """The background job queue."""

    @jobs.command("worker")
    @click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32))
    def jobs_worker(workers: int) -> None:
        """Run the background worker (Huey consumer) until interrupted."""
        use_app(current_app._get_current_object())  # built once, before the threads start
        Consumer(huey, workers=workers, worker_type="thread").run()

    @app.cli.group("eligibility")
    def eligibility() -> None:
        """The eligibility check."""

    @eligibility.command("check")
    @call_option
    def eligibility_check(reference: str) -> None:
        """Run the eligibility rules on every dossier waiting for a decision."""
        call = call_named(reference)
        summary = check_call(call)
        db.session.commit()
        refresh_statistics(RuleOutcome.__tablename__)  # every outcome of the call replaced
        click.echo(
            f"{summary.dossiers} dossiers checked in {summary.seconds:.2f} s: "
            f"{summary.passed} pass, {summary.failed} fail, "
            f"{summary.needs_information} need information."
        )

    @app.cli.group("export")
    def export() -> None:
        """CSV exports to standard output (each area adds its own in app/<area>/exports.py)."""

    for name, build in discover_exports().items():
        command = _export_command(build)
        viewer = signature(build).parameters.get("viewer")
        if viewer is not None:  # the export lists records through app.access.scopes
            command = click.option(
                "--as",
                "viewer_email",
                required=viewer.default is Parameter.empty,
                help="E-mail of the account the export is made for: it holds what they may read.",
            )(command)
        export.command(name, help=build.__doc__)(call_option(command))

    @app.cli.group("i18n")
    def i18n() -> None:
        """Message catalogues."""

    @i18n.command("fill-source")
    @click.option("--locale", default="en", show_default=True)
    @click.option("--domain", default="messages", show_default=True, help="messages or letters")
    def i18n_fill_source(locale: str, domain: str) -> None:
        """Make the catalogue of the source language (English) complete: msgstr = msgid."""
        path = PROJECT_ROOT / "app" / "translations" / locale / "LC_MESSAGES" / f"{domain}.po"
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        for message in catalog:
            if message.id:
                message.string = message.id
                message.flags.discard("fuzzy")
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100)
        click.echo(f"{path.relative_to(PROJECT_ROOT)}: {len(catalog)} messages")

    @i18n.command("fill")
    @click.option(
        "--from",
        "sources",
        multiple=True,
        required=True,
        type=click.Path(exists=True, dir_okay=False),
        help='JSON {msgid: {"nl": ..., "ar": ...}} (translations-pending/*.json), or '
        "{msgid: msgstr} with --locale. Repeat to read several files.",
    )
    @click.option("--locale", "locales", multiple=True, help="Only these languages.")
    def i18n_fill(sources: tuple, locales: tuple) -> None:
        """Fill catalogues from JSON translations; list what each still lacks."""
        try:
            report = fill_catalogues([Path(source) for source in sources], locales or None)
        except FillError as error:
            raise click.ClickException(str(error)) from error
        incomplete = False
        for locale, (filled, missing) in report.items():
            click.echo(f"{locale}: {filled} messages filled, {len(missing)} untranslated")
            for msgid in missing:
                click.echo(f"  - {msgid}")
            incomplete = incomplete or bool(missing)
        if incomplete:
            raise SystemExit(1)

    @app.cli.command("create-staff")
    @click.option("--email", required=True)
    @click.option("--name", "full_name", required=True)
    @click.password_option()
    def create_staff(email: str, full_name: str, password: str) -> None:
        """Create the first staff account of a new installation."""
        if len(password) < 10:
            raise click.ClickException("The password needs at least 10 characters.")
        try:
            create_user(email, full_name, password, [Role.STAFF])
        except AccountError as error:
            raise click.ClickException(str(error)) from error
        db.session.commit()
        click.echo(f"Staff account {email} created.")


def discover_exports() -> dict:
    """Every area's exports: ``EXPORTS = {name: build(call) -> (header, rows)}`` in
    ``app/<area>/exports.py``. A build with a ``viewer`` parameter lists what that
    account may read; its command takes ``--as EMAIL`` (required unless ``viewer`` has
    a default)."""
    found = {}
    for area in pkgutil.iter_modules(package.__path__):
        if not area.ispkg or area.name == "common":  # common/exports.py is the CSV writer
            continue
        try:
            module = importlib.import_module(f"app.{area.name}.exports")
        except ModuleNotFoundError as error:
            if error.name != f"app.{area.name}.exports":
                raise
            continue
        found.update(module.EXPORTS)
    return found


def _export_command(build):
    def command(reference: str, viewer_email: str | None = None) -> None:
        call = call_named(reference)
        if viewer_email is None:
            header, rows = build(call)
        else:
            viewer = db.session.scalar(select(User).where(User.email == viewer_email.lower()))
            if viewer is None:
                raise click.ClickException(f"No account with e-mail {viewer_email!r}.")
            header, rows = build(call, viewer=viewer)
        sys.stdout.write(csv_text(header, rows))

    command.__name__ = build.__name__
    return command


def _has_data() -> bool:
    if not inspect(db.engine).has_table("users"):
        return False
    return db.session.scalar(select(User.id).limit(1)) is not None
