"""Small helpers shared by tests."""

import re
from contextlib import contextmanager
from html import unescape

from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from app.application_forms.versions import default_form
from app.applications.models import Application
from app.audit.models import AuditEvent
from app.auth.models import User
from app.calls.models import Call
from app.common.clock import utcnow
from app.demo.services import DEMO_CALL
from app.extensions import db, limiter
from app.outbox.models import OutboxMessage


@contextmanager
def database_of_its_own(server_url: str, suffix: str):
    """A new, empty database on ``server_url``'s PostgreSQL server, named after that
    URL's database with ``suffix``, dropped afterwards; yields its URL."""
    url = make_url(server_url)
    name = f"{url.database}_{suffix}"
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def outbox_messages(template: str | None = None) -> list[OutboxMessage]:
    """The outbox, oldest first; only the messages of ``template`` when given."""
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if template is not None:
        query = query.where(OutboxMessage.template == template)
    return db.session.scalars(query).all()


def audit_count(application_id: int | None = None) -> int:
    query = select(func.count()).select_from(AuditEvent)
    if application_id is not None:
        query = query.where(AuditEvent.application_id == application_id)
    return db.session.scalar(query)


def audit_events(application_id: int) -> list[str]:
    """The names of the dossier's audit rows, oldest first."""
    return list(
        db.session.scalars(
            select(AuditEvent.event)
            .where(AuditEvent.application_id == application_id)
            .order_by(AuditEvent.id)
        )
    )


def transition_row(
    *,
    trigger: str,
    from_state: str,
    to_state: str,
    application: Application | None = None,
    application_id: int | None = None,
    actor=None,
    actor_id: int | None = None,
    created_at=None,
    note: str | None = None,
) -> AuditEvent:
    """An audit row of a change of state, as apply_transition writes it (not added to the
    session): for tests that set up a history without going through the lifecycle."""
    if application is None:
        application = db.session.get(Application, application_id)
    return AuditEvent(
        event=trigger,
        subject_kind="application",
        subject_id=application.id,
        call_id=application.call_id,
        application_id=application.id,
        actor_id=actor.id if actor is not None else actor_id,
        created_at=created_at or utcnow(),
        data={"from": from_state, "to": to_state, "note": note},
    )


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html)
    if match is None:
        match = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


def without_csrf_tokens(html: str) -> str:
    """The page with its CSRF tokens blanked: a token carries the second it was signed
    in, so two pages rendered a second apart differ there and nowhere else."""
    return re.sub(r'(name="csrf_token" (?:type="hidden" )?value=)"[^"]+"', r'\1"TOKEN"', html)


#: Answers that satisfy every required question of a person's application.
COMPLETE_ANSWERS = {
    "full_name": "Youssef El Amrani",
    "birth_date": "1988-04-12",
    "gender": "M",
    "nationalities": ["MA", "BE"],
    "moroccan_ties": True,
    "residence_country": "BE",
    "belgium_residence_start": "2010-09-01",
    "languages": ["fr", "ar"],
    "phone": "+32 470 12 34 56",
    "address": "Rue de la Loi 1, 1000 Bruxelles",
    "belgian_region": "Brussels-Capital",
    "experience": "Ten years in food logistics.",
    "project_title": "Argan export",
    "summary": "Export argan oil.",
    "sector": "A",
    "moroccan_region": "Souss-Massa",
    "stage": "idea",
    "investment_eur": 80000,
    "own_contribution_eur": 20000,
    "turnover_year1_eur": 120000,
    "gross_margin_percent": 35.5,
    "financing_plan": "Own funds and a bank loan.",
    "jobs_created": 6,
    "link_belgium_morocco": "Belgian shops as first customers.",
    "responsibility": "Women's cooperative, fair prices.",
    "training": "Training of six packers.",
    "channel": "information_session",
    "no_banking_ban": True,
    "no_legal_proceedings": True,
    "truthful": True,
    "consent": True,
}


def step_form_data(slug: str, answers: dict, version: int, form=None) -> dict:
    """What a browser posts for step ``slug`` of ``form`` (by default the default form)
    with these answers."""
    form = form or default_form()
    data = {"version": str(version)}
    for question in form.step_by_slug[slug].questions:
        value = answers.get(question.name)
        if value is None:
            continue
        if question.kind == "boolean":
            if value:
                data[question.name] = "y"
        else:
            data[question.name] = value
    return data


def fill_every_step(client, application, answers: dict | None = None) -> None:
    """Answer every step of ``application`` through the HTTP client, as its owner."""
    answers = COMPLETE_ANSWERS if answers is None else answers
    for step in application.form.steps:
        if not step.questions:
            continue
        db.session.expire_all()
        response = client.post(
            f"/applications/{application.id}/steps/{step.slug}",
            data=step_form_data(step.slug, answers, application.version, application.form),
        )
        assert response.status_code == 302, (step.slug, response.get_data(as_text=True)[:2000])
    db.session.expire_all()


class QueryCounter:
    """Counts the SQL statements sent to the database inside a ``with`` block."""

    def __init__(self, engine):
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        from sqlalchemy import event

        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def count(self) -> int:
        return len(self.statements)


def planner_statistics(table: str) -> int:
    """What the current app's database says of ``table``'s planner statistics (ANALYZE):
    on PostgreSQL how many times it was analysed, on SQLite its rows of sqlite_stat1
    (only the latest ANALYZE's)."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            query = "SELECT analyze_count FROM pg_stat_user_tables WHERE relname = :table"
        elif connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        ).first():
            query = "SELECT count(*) FROM sqlite_stat1 WHERE tbl = :table"
        else:
            return 0
        return connection.execute(text(query), {"table": table}).scalar() or 0


@contextmanager
def expect_analyze(table: str):
    """Fail unless ``table`` is analysed (ANALYZE: the planner's statistics) inside the
    block, on the current app's database."""
    if db.engine.dialect.name == "sqlite" and planner_statistics(table):
        with db.engine.begin() as connection:  # SQLite keeps no count: forget the latest
            connection.execute(text("DELETE FROM sqlite_stat1 WHERE tbl = :t"), {"t": table})
    before = planner_statistics(table)
    yield
    assert planner_statistics(table) > before, f"{table} was not analysed"


_TINY_PDF: list[bytes] = []


def attach_required_documents(application) -> None:
    """Give ``application`` every document its call requires (small real PDFs)."""
    from app.documents.demo import sample_pdf
    from app.documents.requirements import required_kinds
    from app.documents.services import attach_document

    if not _TINY_PDF:
        _TINY_PDF.append(sample_pdf("Test document", ["Impulse tests"]))
    for kind in required_kinds(application):
        attach_document(application, kind, _TINY_PDF[0], f"{kind}.pdf")


def upload_required_documents(client, application) -> None:
    """Upload, through the HTTP client, a small PDF for every required document."""
    import io

    from app.documents.demo import sample_pdf
    from app.documents.requirements import required_kinds

    for kind in required_kinds(application):
        response = client.post(
            f"/applications/{application.id}/documents/{kind}",
            data={"file": (io.BytesIO(sample_pdf(kind, ["test"])), f"{kind}.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
    db.session.expire_all()


def race(app, attempt, arguments, *, lost: tuple = ()) -> list[str]:
    """Run ``attempt(argument, ready)`` in one thread per argument, at the same moment.

    Each thread has its own app context, hence its own database session (threads never
    touch the test's session: pass ids). ``attempt`` loads what it needs, calls
    ``ready()`` (a barrier releasing every thread together), then writes and commits.
    Returns one outcome per thread: "won", "lost" (it raised one of ``lost``), or the
    repr of any other error, so that the test's assertions show it.
    """
    import threading

    barrier = threading.Barrier(len(arguments), timeout=30)
    outcomes: list[str] = []

    def run(argument):
        with app.app_context():
            try:
                attempt(argument, barrier.wait)
                outcomes.append("won")
            except lost:
                db.session.rollback()
                outcomes.append("lost")
            except Exception as error:  # reported through the outcomes
                outcomes.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@contextmanager
def limits(app, **values):
    """Turn rate limiting on with the given limits (config keys), restore afterwards."""
    saved = {key: app.config[key] for key in values}
    app.config.update(values)
    limiter.enabled = True
    limiter.reset()
    try:
        yield
    finally:
        limiter.enabled = False
        limiter.reset()
        app.config.update(saved)


SITE_NAME = "Impulse"
_TITLE = re.compile(r"<title>(.*?)</title>", re.DOTALL | re.IGNORECASE)


def title_problem(html: str) -> str | None:
    """What is wrong with a page's ``<title>`` as a browser tab shows it, or None.

    A title is read by the browser as plain text: any ``<`` or ``>`` in it (markup
    leaked from a template block) is shown as is. It must also say more than the
    site's name."""
    found = _TITLE.search(html)
    if found is None:
        return "no <title>"
    raw = found.group(1)
    if "<" in raw or ">" in raw:
        return f"markup in the title: {raw.strip()[:120]!r}"
    text = " ".join(unescape(raw).split())
    if "<" in text or ">" in text:
        return f"escaped markup in the title: {text[:120]!r}"
    if not text.removesuffix(SITE_NAME).strip(" ·"):
        return f"the title says nothing but the site's name: {text!r}"
    return None


def demo_applicant_in(*states) -> str | None:
    """The e-mail of the first demo applicant whose dossier on the demo call is in one of
    ``states`` (app.demo: applicant1..N@example.com)."""
    return db.session.scalar(
        select(User.email)
        .join(Application, Application.applicant_id == User.id)
        .join(Call, Application.call_id == Call.id)
        .where(Call.reference == DEMO_CALL, Application.status.in_(states))
        .order_by(Application.id)
        .limit(1)
    )
