"""Who sees what, for every person x kind of record x channel, asserted on content.

The table below is the access policy as the programme states it. For each person
around the target dossier, the test first checks that app.access.policy answers as the
table says, then reaches everything the person can reach (pages and the decision record
by following links from their home page, the exports they link to, the e-mails sent to
the person, their personal-data export) and checks each channel on content: a record
the person may not see leaves no trace in any channel; a record they may see shows in
at least one.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.access import policy
from app.coaching.models import CoachingSession
from app.extensions import db, limiter
from app.jury.models import ConflictOfInterest, Review
from app.letters.models import Letter
from tests.conftest import IsolatedClient, _empty_tables
from tests.helpers import title_problem
from tests.policy import world as W
from tests.policy.crawl import CHANNELS, EMAIL, PERSONAL_DATA, crawl, emails_to, personal_data_of

DOSSIER, DOCUMENTS, REVIEWS, LETTERS = "dossier", "documents", "reviews", "letters"
SESSIONS, NOTES, CONFLICTS, AUDIT = "coaching sessions", "coaching notes", "conflicts", "audit"
KINDS = (DOSSIER, DOCUMENTS, REVIEWS, LETTERS, SESSIONS, NOTES, CONFLICTS, AUDIT)

#: The policy: what each person may see of the target dossier.
MAY_SEE = {
    "anonymous": set(),
    "owner": {DOSSIER, DOCUMENTS, LETTERS, SESSIONS, AUDIT},
    "other applicant": set(),
    "unassigned juror": set(),
    "assigned juror": {DOSSIER, DOCUMENTS, REVIEWS},
    "conflicted juror": {CONFLICTS},
    "conflicted chair": set(),
    "chair": {DOSSIER, DOCUMENTS, REVIEWS, CONFLICTS, AUDIT},
    "coach": {DOSSIER, SESSIONS, NOTES},
    "other coach": set(),
    "staff": set(KINDS),
}


def _markers(world: W.World) -> dict[str, tuple[str, ...]]:
    """The strings that betray each kind of record of the target dossier."""
    return {
        DOSSIER: (W.TITLE, world.target.reference.lower()),
        DOCUMENTS: (W.DOCUMENT_NAME,),
        REVIEWS: (W.REVIEW_COMMENT,),
        LETTERS: (world.letter_code.lower(),),
        SESSIONS: (W.SESSION_SUMMARY,),
        NOTES: (W.PRIVATE_NOTE,),
        CONFLICTS: (W.CONFLICT_NOTE,),
        AUDIT: (W.INFORMATION_REQUEST,),
    }


def _policy_answers(user, world: W.World) -> set[str]:
    """What app.access.policy lets ``user`` see of the target dossier."""
    target = world.target
    review = db.session.scalar(
        select(Review)
        .join(Review.assignment)
        .where(Review.assignment.has(application_id=target.id))
    )
    letter = db.session.scalar(select(Letter).where(Letter.application_id == target.id))
    session = db.session.scalar(
        select(CoachingSession).where(CoachingSession.application_id == target.id)
    )
    conflict = db.session.scalar(
        select(ConflictOfInterest).where(
            ConflictOfInterest.application_id == target.id,
            ConflictOfInterest.juror_id == world.users["conflicted juror"].id,
        )
    )
    checks = {
        DOSSIER: policy.may_read_dossier(user, target),
        DOCUMENTS: policy.may_read_documents(user, target),
        REVIEWS: policy.may_read_review(user, review),
        LETTERS: policy.may_read_letter(user, letter),
        SESSIONS: policy.may_read_session(user, session),
        NOTES: policy.may_read_private_notes(user, session),
        CONFLICTS: policy.may_read_conflict(user, conflict),
        AUDIT: _reads_audit(user, world),
    }
    return {kind for kind, allowed in checks.items() if allowed}


def _reads_audit(user, world: W.World) -> bool:
    from app.access.scopes import visible_audit
    from app.audit.models import AuditEvent

    query = visible_audit(user, world.call).where(
        AuditEvent.application_id == world.target.id, AuditEvent.event == "request_information"
    )
    return db.session.scalar(query.limit(1)) is not None


@pytest.fixture(scope="module")
def reached(_app):
    """Build the world once, then reach everything as each person (a module: the crawls
    are the slow part, and every cell reads them)."""
    _app.config.update(WTF_CSRF_ENABLED=False)
    _app.test_client_class = IsolatedClient  # each request its own context
    limiter.enabled = False  # a dozen people log in from one address
    with _app.app_context():
        _empty_tables()
        world = W.build_world()
        found = {}
        for subject in W.SUBJECTS:
            client = _app.test_client()
            user = None
            if subject != "anonymous":
                user = world.users[subject]
                response = client.post("/login", data={"email": user.email, "password": W.PASSWORD})
                assert response.status_code == 302, subject
            reach = crawl(client, "/home" if user else "/")
            if user is not None:
                reach.texts[EMAIL].append(emails_to(user.email))
                reach.texts[PERSONAL_DATA].append(personal_data_of(client))
            found[subject] = (reach, _policy_answers(user, world) if user else set())
        markers = _markers(world)
        yield found, markers
        _empty_tables()
        db.session.remove()


@pytest.mark.parametrize("subject", W.SUBJECTS)
def test_the_policy_answers_as_the_table_says(reached, subject):
    found, _ = reached
    _reach, answers = found[subject]
    assert answers == MAY_SEE[subject]


CELLS = [(s, k, c) for s in W.SUBJECTS for k in KINDS for c in CHANNELS]


@pytest.mark.parametrize(("subject", "kind", "channel"), CELLS, ids=["|".join(c) for c in CELLS])
def test_each_channel_shows_only_what_the_policy_allows(reached, subject, kind, channel):
    found, markers = reached
    reach, _answers = found[subject]
    shown = [marker for marker in markers[kind] if reach.shows(channel, marker)]
    if kind not in MAY_SEE[subject]:
        assert not shown, f"{subject} reaches {kind} through the {channel}: {shown}"


@pytest.mark.parametrize(
    ("subject", "kind"), [(s, k) for s in W.SUBJECTS for k in sorted(MAY_SEE[s])]
)
def test_what_the_policy_allows_is_reachable(reached, subject, kind):
    found, markers = reached
    reach, _answers = found[subject]
    assert any(reach.shows(c, m) for c in CHANNELS for m in markers[kind]), (
        f"{subject} cannot reach {kind} although the policy allows it"
    )


@pytest.mark.parametrize("subject", ["owner", "other applicant"])
def test_no_applicant_reads_a_jurors_coachs_or_staff_members_name(reached, subject):
    found, _ = reached
    reach, _answers = found[subject]
    others = [p for p in W.PEOPLE if p not in ("owner", "other applicant")]
    for channel in CHANNELS:
        for person in others:
            name, email, _roles = W.PEOPLE[person]
            assert not reach.shows(channel, name), (channel, person)
            assert not reach.shows(channel, email), (channel, person)


@pytest.mark.parametrize("subject", W.SUBJECTS)
def test_every_page_title_is_plain_text(reached, subject):
    """A browser tab shows the ``<title>`` as plain text: no markup, and more than the
    site's name, on every page the person reaches."""
    found, _ = reached
    reach, _answers = found[subject]
    assert reach.pages, subject
    problems = {address: title_problem(title) for address, title in reach.pages.items()}
    assert not {address: problem for address, problem in problems.items() if problem}
