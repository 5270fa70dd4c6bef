"""Build the demo data, deterministically for a seed.

Accounts (password ``impulse-demo``): staff@example.com, chair@example.com,
juror1..9@example.com, coach1..4@example.com, applicant1..N@example.com.
Dates are set relative to today so that the demo call is open when the demo runs.

Longer than 400 lines on purpose: the demo is one story told in stages (applications,
eligibility, scoring, decided), each calling the real services as the people would;
splitting it would scatter the story. Coaching, documents, sessions and the jury's
people have their own demo modules in their areas.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from faker import Faker
from sqlalchemy import select

from app.application_forms.versions import form_of_version
from app.applications.models import Application
from app.applications.questions import call_template
from app.auth.models import Role, RoleGrant, User, normalise_email
from app.auth.passwords import hash_password
from app.calls.definition import import_definition
from app.calls.models import Call
from app.coaching.demo import add_demo_coaching
from app.common.clock import BRUSSELS, utcnow
from app.demo import bulk, decisions
from app.demo.programmes import load_second_call, translate_letter_role
from app.demo.reference import (
    BELGIAN_REGIONS,
    CHANNELS,
    MOROCCAN_REGIONS,
)
from app.documents.demo import demo_documents
from app.documents.models import Document
from app.eligibility.checks import check_call, verdicts
from app.eligibility.services import declare_eligible, declare_ineligible, request_information
from app.extensions import db
from app.info_sessions.demo import add_demo_sessions
from app.jury.demo import add_demo_jury
from app.jury.models import JuryAssignment, Review
from app.jury.scoring import set_scoring_open
from app.letters.services import deferred
from app.selection import reserve
from app.selection import services as selection
from workflows.application import ApplicationStatus
from workflows.jury import ReviewStatus

DEMO_PASSWORD = "impulse-demo"  # noqa: S105 - documented demo credential
DEMO_CALL = "MBI-2026"
JURORS = 9
COACHES = 4

FIRST_NAMES = {
    "F": [
        "Fatima Zahra",
        "Khadija",
        "Salma",
        "Nadia",
        "Samira",
        "Imane",
        "Sanae",
        "Hajar",
        "Loubna",
        "Meryem",
        "Yasmina",
        "Soukaina",
        "Nisrine",
        "Houda",
        "Asmae",
        "Siham",
    ],
    "M": [
        "Youssef",
        "Mohamed",
        "Amine",
        "Hamza",
        "Karim",
        "Rachid",
        "Bilal",
        "Mehdi",
        "Ayoub",
        "Anas",
        "Omar",
        "Ilyas",
        "Zakaria",
        "Said",
        "Nabil",
        "Adil",
    ],
}
LAST_NAMES = [
    "El Amrani",
    "Benali",
    "Bouzid",
    "El Idrissi",
    "Tazi",
    "Alaoui",
    "Bennani",
    "Chraibi",
    "El Fassi",
    "Berrada",
    "Ouazzani",
    "Lahlou",
    "El Khattabi",
    "Haddad",
    "Azzouzi",
    "Bakkali",
    "Mansouri",
    "Ziani",
    "Kettani",
    "Ait Ahmed",
    "Boukhari",
    "El Hajji",
    "Ouali",
    "Rahmouni",
    "Zerouali",
    "Belhaj",
    "Amghar",
    "Bouchta",
]
PROJECT_IDEAS = [
    (
        "Argan oil cooperative export",
        "A",
        "Export of certified argan oil from a women's cooperative to Benelux shops.",
    ),
    (
        "Solar pumping for small farms",
        "D",
        "Solar-powered irrigation pumps rented to smallholders, paid per season.",
    ),
    (
        "Recycled plastic building blocks",
        "E",
        "Building blocks made from collected plastic waste for low-cost housing.",
    ),
    (
        "Saffron and spice e-commerce",
        "G",
        "An online shop selling Taliouine saffron and spices to the diaspora in Europe.",
    ),
    (
        "Mobile app for Moroccan artisans",
        "J",
        "A marketplace app connecting Fès artisans with European buyers.",
    ),
    ("Eco-lodge in the Atlas", "I", "A twelve-room eco-lodge run with local guides near Imlil."),
    (
        "Cold-chain logistics for fish",
        "H",
        "Refrigerated transport between Dakhla fisheries and Casablanca markets.",
    ),
    (
        "Coding bootcamp for young women",
        "P",
        "Twelve-week coding courses with placement in Casablanca tech firms.",
    ),
    (
        "Dental clinic equipment leasing",
        "Q",
        "Leasing of refurbished Belgian dental equipment to new clinics.",
    ),
    (
        "Date palm nursery",
        "A",
        "A nursery producing disease-resistant date palm seedlings in Drâa-Tafilalet.",
    ),
    (
        "Architectural 3D printing studio",
        "M",
        "3D-printed scale models for architects in Rabat and Tangier.",
    ),
    (
        "Belgian-Moroccan chocolate workshop",
        "C",
        "Chocolate made in Tangier with Belgian know-how and Moroccan flavours.",
    ),
    (
        "Translation and legal services hub",
        "N",
        "Document translation and company set-up services for diaspora investors.",
    ),
    ("Electric scooter sharing", "H", "Shared electric scooters for students in Marrakech."),
    (
        "Organic cosmetics from prickly pear",
        "C",
        "Prickly pear seed oil cosmetics produced in Sidi Ifni.",
    ),
]


def _first_of_month(rng: random.Random, first_year: int, last_year: int) -> str:
    return date(rng.randrange(first_year, last_year), rng.randrange(1, 13), 1).isoformat()


def demo_answers(rng: random.Random, name: str, gender: str) -> dict:
    """A complete, plausible set of answers for one synthetic applicant."""
    title, sector, summary = rng.choice(PROJECT_IDEAS)
    company = rng.random() < 0.3
    investment = rng.randrange(20, 400) * 1000
    answers = {
        "full_name": name,
        "birth_date": (date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 38))).isoformat(),
        "gender": gender,
        "nationalities": rng.choice([["MA"], ["MA", "BE"], ["BE"]]),
        "moroccan_ties": True,
        "residence_country": "BE",
        "belgium_residence_start": date(
            rng.randrange(1990, 2023), rng.randrange(1, 13), 1
        ).isoformat(),
        "languages": rng.choice([["fr", "ar"], ["fr", "nl", "ar"], ["nl", "en"], ["fr", "en"]]),
        "phone": "+32 4" + " ".join(str(rng.randrange(10, 99)) for _ in range(4)),
        "address": f"{rng.choice(STREETS)} {rng.randrange(1, 180)}",
        "belgian_region": rng.choice(BELGIAN_REGIONS),
        "experience": rng.choice(EXPERIENCES),
        "project_title": title,
        "summary": summary,
        "sector": sector,
        "moroccan_region": rng.choice(MOROCCAN_REGIONS),
        "stage": "company" if company else "idea",
        "investment_eur": investment,
        "own_contribution_eur": investment * rng.randrange(10, 50) // 100,
        "turnover_year1_eur": rng.randrange(30, 600) * 1000,
        "gross_margin_percent": rng.randrange(15, 65),
        "financing_plan": "Own funds, a bank loan in Morocco and family investors.",
        "jobs_created": rng.randrange(1, 25),
        "link_belgium_morocco": "Suppliers and first customers in Belgium, production in Morocco.",
        "responsibility": "Local hiring, fair prices to producers, low-waste packaging.",
        "training": "On-the-job training for young people from the region.",
        "channel": rng.choice(CHANNELS),
        "no_banking_ban": True,
        "no_legal_proceedings": True,
        "truthful": True,
        "consent": True,
    }
    trouble = rng.random()
    if trouble < 0.05:
        answers["birth_date"] = "2010-06-15"  # too young: a failing rule
    elif trouble < 0.10:
        answers |= {"nationalities": ["BE"], "moroccan_ties": False}  # needs information
    elif trouble < 0.14:
        answers |= {"belgium_residence_start": "2005-01-01", "belgium_residence_end": "2019-06-30"}
    if company:
        answers |= {
            "legal_form": rng.choice(["SARL", "SARL_AU", "SA"]),
            "company_created_on": date(
                rng.randrange(2021, 2026), rng.randrange(1, 13), 1
            ).isoformat(),
            "register_number": f"RC {rng.randrange(10000, 99999)}",
            "capital_mad": rng.randrange(1, 50) * 10000,
            "eligible_share_percent": rng.choice([51, 60, 75, 100]),
        }
    return answers


STREETS = [
    "Rue de Brabant",
    "Chaussée de Gand",
    "Turnhoutsebaan",
    "Rue Saint-Léonard",
    "Boulevard Lemonnier",
    "Kiel",
    "Rue de la Station",
    "Avenue de Stalingrad",
]
EXPERIENCES = [
    "Twelve years as a logistics manager in Antwerp, then my own transport company.",
    "Engineer in renewable energy; five years of projects in Belgium and Morocco.",
    "Chef and restaurant owner in Brussels for eight years.",
    "Accountant, then finance director of an SME in Liège.",
    "Software developer and team lead; two start-ups co-founded.",
]


DEMO_FAQ = [
    {
        "question": "Can I apply if my company already exists in Morocco?",
        "answer": "Yes, if it is under Moroccan law, less than five years old, and more than "
        "half of its capital is held by adult Moroccans living in Belgium.",
    },
    {
        "question": "Do I have to live in Belgium?",
        "answer": "You live legally in Belgium, or did for at least two of the five years before "
        "you apply.",
    },
    {
        "question": "What does the programme offer?",
        "answer": "Trainings and personalised coaching by entrepreneurship professionals, in "
        "Belgium and in Morocco.",
    },
    {"question": "In which language can I apply?", "answer": "French, Dutch, Arabic or English."},
]


class DemoError(Exception):
    """The demo cannot be loaded (e.g. it is there already)."""


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BRUSSELS)


def load_demo(*, applications: int = 40, seed: int = 2026, stage: str = "applications") -> str:
    """Create the demo call, accounts and ``applications`` synthetic applications.

    Deterministic for ``seed`` (dates aside, which follow today). Raises DemoError
    when the demo call exists already. Returns a summary line.
    """
    if db.session.scalar(select(Call.id).where(Call.reference == DEMO_CALL)):
        raise DemoError(f"Call {DEMO_CALL} exists already: the demo is loaded.")
    rng = random.Random(seed)
    faker = Faker(["fr_BE", "nl_BE"])
    faker.seed_instance(seed)
    password_hash = hash_password(DEMO_PASSWORD)

    def person(email: str, name: str, roles: list[str], locale: str = "fr") -> User:
        return _account(email, name, roles, locale, password_hash)

    person("staff@example.com", "Sofia Staff", [Role.STAFF])
    person("chair@example.com", "Charles Chair", [Role.CHAIR, Role.JUROR])
    for number in range(1, JURORS + 1):
        person(
            f"juror{number}@example.com", faker.name(), [Role.JUROR], rng.choice(["fr", "fr", "en"])
        )
    for number in range(1, COACHES + 1):
        person(f"coach{number}@example.com", faker.name(), [Role.COACH])

    today = utcnow().astimezone(BRUSSELS).date()
    call = import_definition(
        call_template("mbi"),
        reference=DEMO_CALL,
        name="Maghrib Belgium Impulse 2026",
        opens_at=_at(today - timedelta(days=45), 9),
        closes_at=_at(today + timedelta(days=30), 23, 59),
        source={"imported_from": "app/calls/call_templates/mbi.json"},
        actor=None,
    )
    translate_letter_role(call, "mbi")

    form = form_of_version(None)  # the first call's dossiers: the default form
    writer = bulk.DossierWriter(call, password_hash=password_hash)
    for number in range(1, applications + 1):
        gender = rng.choice("FM")
        name = f"{rng.choice(FIRST_NAMES[gender])} {rng.choice(LAST_NAMES)}"
        applicant = bulk.Person(
            f"applicant{number}@example.com", name, rng.choice(["fr", "fr", "fr", "nl", "en"])
        )
        dossier = bulk.Dossier(call, applicant, demo_answers(rng, name, gender), form)
        if rng.random() < 0.85:
            dossier.files = demo_documents(dossier, rng)
        dossier.submit = rng.random() < 0.6 and not dossier.missing_items()
        writer.add(dossier)
    submitted = writer.close()
    add_demo_sessions(call, rng, faker)
    second = load_second_call(password_hash, rng, faker, today, max(4, applications // 3))
    stage_note = ""

    with deferred():  # letters stay pending: `flask letters generate` (or the worker) makes them
        if stage in ("eligibility", "scoring", "decided", "coaching"):
            decided = _eligibility_stage(call, rng, all_passing=stage != "eligibility")
            stage_note = f" Eligibility: {decided}."
        if stage in ("scoring", "decided", "coaching"):
            stage_note += f" Jury: {_scoring_stage(call, rng)}."
        if stage in ("decided", "coaching"):
            stage_note += f" Selection: {_decided_stage(call, rng)}."
        if stage == "coaching":
            stage_note += f" Coaching: {add_demo_coaching(call, rng)}."
    return (
        f"Demo loaded: call {DEMO_CALL}, {JURORS} jurors, 1 chair, {COACHES} coaches, "
        f"{applications} applications ({submitted} submitted, {applications - submitted} drafts). "
        f"Every account's password is {DEMO_PASSWORD!r}.{stage_note} Second programme: call "
        f"{second.reference} ({second.name})."
    )


def _account(email: str, name: str, roles: list[str], locale: str, password_hash: str) -> User:
    """A demo account, as :func:`app.auth.services.create_user` makes it, without its
    look-up of the address (the demo's addresses are new: the demo refuses to load
    twice) and without a flush of its own: the account is inserted with the next flush,
    in the order the accounts were made, so their ids are the same for a seed."""
    user = User(
        email=normalise_email(email),
        full_name=name.strip(),
        password_hash=password_hash,
        locale=locale,
    )
    for role in roles:
        user.grants.append(RoleGrant(role=str(Role(role))))
    db.session.add(user)
    return user


def _eligibility_stage(call: Call, rng: random.Random, *, all_passing: bool = False) -> str:
    """Decide part of the queue as staff would: some eligible, some not, some asked.

    The eligible declarations are written in bulk (app.demo.bulk.Eligible); the others
    go through their services, in the same order (the bulk rows planned before each are
    written first)."""

    staff = db.session.scalar(select(User).where(User.email == "staff@example.com"))
    check_call(call)
    submitted = db.session.execute(
        select(Application.id, Application.answers, Application.submitted_at, Application.status)
        .where(Application.call_id == call.id, Application.status == ApplicationStatus.SUBMITTED)
        .order_by(Application.id)
    ).all()
    kinds: dict[int, list[str]] = {}
    for application_id, kind in db.session.execute(
        select(Document.application_id, Document.kind)
        .join(Application)
        .where(Application.call_id == call.id, Application.status == ApplicationStatus.SUBMITTED)
        .order_by(Document.id)
    ):
        kinds.setdefault(application_id, []).append(kind)
    verdict_of = verdicts([row.id for row in submitted])
    reply_by = utcnow().astimezone(BRUSSELS).date() + timedelta(days=10)
    tally = {"eligible": 0, "ineligible": 0, "asked": 0, "waiting": 0}
    eligible = decisions.Eligible(call, staff)

    def dossier(row) -> Application:
        eligible.write()  # what was planned before goes first: the ids keep their order
        return db.session.get(Application, row.id)

    for row in submitted:
        verdict = verdict_of.get(row.id)
        if verdict == "pass" and (all_passing or rng.random() < 0.6):
            if not eligible.add(row, kinds.get(row.id, [])):
                declare_eligible(dossier(row), actor=staff)
            tally["eligible"] += 1
        elif verdict == "fail" and rng.random() < 0.5:
            declare_ineligible(
                dossier(row),
                actor=staff,
                reason=(
                    "Your application does not meet the conditions of the call: see the rules "
                    "listed below."
                ),
                failed_rules=[],
            )
            tally["ineligible"] += 1
        elif verdict == "needs_information":
            request_information(
                dossier(row),
                actor=staff,
                fields=["moroccan_ties"],
                documents=["identity"],
                reply_by=reply_by,
                message="Please tell us about your ties with Morocco.",
            )
            tally["asked"] += 1
        else:
            tally["waiting"] += 1
    eligible.write()
    return ", ".join(f"{count} {name}" for name, count in tally.items())


def _assignments(call: Call) -> list:
    """The call's assignments (id, dossier, juror), in the order they were made."""
    return db.session.execute(
        select(JuryAssignment.id, JuryAssignment.application_id, JuryAssignment.juror_id)
        .join(Application)
        .where(Application.call_id == call.id)
        .order_by(JuryAssignment.id)
    ).all()


def _scoring_stage(call: Call, rng: random.Random) -> str:
    """A jury at work: conflicts, assignments, and reviews in every state (written in
    bulk: app.demo.bulk.Reviews)."""

    add_demo_jury(call, rng)
    call.scoring_open = True
    reviews = decisions.Reviews(call)
    tally = {"submitted": 0, "draft": 0, "not started": 0}
    for assignment in _assignments(call):
        roll = rng.random()
        if roll > 0.8:
            tally["not started"] += 1
            continue
        quality = rng.gauss(6, 1.5)
        data = {
            "scores": {
                c.id: max(c.scale_min, min(c.scale_max, round(rng.gauss(quality, 1.2))))
                for c in call.criteria
            },
            "comments": {c.id: rng.choice(DEMO_COMMENTS) for c in call.criteria},
            "overall_comment": rng.choice(DEMO_COMMENTS),
        }
        if roll < 0.6:
            reviews.add(assignment, data, submitted=True)
            tally["submitted"] += 1
        else:
            data["scores"].pop(call.criteria[-1].id)
            reviews.add(assignment, data, submitted=False)
            tally["draft"] += 1
    reviews.write()
    return ", ".join(f"{count} reviews {name}" for name, count in tally.items())


DEMO_COMMENTS = [
    "Solid team with relevant experience in the sector.",
    "The market study is thin; the first customers are not named.",
    "Clear link between Belgium and Morocco, convincing supply chain.",
    "Financing plan realistic, own contribution is significant.",
    "Margins look optimistic for the first year.",
    "Good social impact: local hiring and training.",
]


def _decided_stage(call: Call, rng: random.Random) -> str:
    """Every review in, scoring closed, the selection published by the chair, some places
    confirmed and one declined (so a reserve dossier is promoted). Letters are left to
    be generated."""

    chair = db.session.scalar(select(User).where(User.email == "chair@example.com"))
    review_of = {
        assignment_id: (review_id, status)
        for assignment_id, review_id, status in db.session.execute(
            select(Review.assignment_id, Review.id, Review.status)
            .join(JuryAssignment)
            .join(Application)
            .where(Application.call_id == call.id)
        )
    }
    reviews = decisions.Reviews(call)
    for assignment in _assignments(call):
        review_id, status = review_of.get(assignment.id, (None, None))
        if status == ReviewStatus.SUBMITTED:
            continue
        quality = rng.gauss(6, 1.5)
        scores = {
            c.id: max(c.scale_min, min(c.scale_max, round(rng.gauss(quality, 1.2))))
            for c in call.criteria
        }
        data = {"scores": scores, "overall_comment": rng.choice(DEMO_COMMENTS)}
        if review_id is None:
            reviews.add(assignment, data, submitted=True)
        else:
            reviews.submit_draft(assignment, review_id, data)
    reviews.write()
    set_scoring_open(call, False, actor=chair)
    # MBI wants women well represented: at least a third of the places.
    call.balance_rules = [
        {"attribute": "gender", "value": "F", "kind": "at_least", "count": max(1, call.quota // 3)}
    ]
    selection.refresh_draft(call, actor=chair)
    counts = selection.publish(call, actor=chair)
    selected = db.session.scalars(
        select(Application)
        .where(Application.call_id == call.id, Application.status == ApplicationStatus.SELECTED)
        .order_by(Application.id)
    ).all()
    declined = 0
    for index, application in enumerate(selected):
        if index == 0:
            reserve.decline_place(application, actor=application.applicant)
            declined += 1
        elif rng.random() < 0.5:
            reserve.confirm_place(application, actor=application.applicant)
    return f"{counts}, {declined} declined and replaced from the reserve"
