"""What a letter says: the plain data its template renders, read from the database.

Everything is resolved here, in the letter's language: dates and numbers (Babel, for
that locale), the eligibility rules' reasons and the names of requested items (the
application's catalogue under ``force_locale``). The result is a plain dict, so it
can be rendered in any process (see app.letters.rendering).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.application_forms.versions import call_form
from app.calls.models import Call
from app.calls.wording import letter_values, paragraphs, rendered_or_none
from app.common.clock import BRUSSELS, utcnow
from app.common.urls import external_url
from app.documents.wording import KIND_LABELS
from app.eligibility.models import DecisionStatus, EligibilityDecision, RuleOutcome, open_request
from app.eligibility.rule_sets import default_rule_set, reason_of, rule_set, rule_titles
from app.eligibility.rules import FAIL, RuleResult
from app.extensions import db
from app.i18n import localized, text_direction
from app.letters.models import Letter
from app.selection.explanation import CriterionComparison, Explanation, explain
from app.selection.standing import Standing
from workflows.application import ApplicationStatus
from workflows.letters import LetterOutcome
from workflows.selection import Decision

#: The MBI demo call's letterhead, used by previews when no call is given.
DEMO_PARTNERS = [
    "Enabel",
    "Ministère délégué chargé des Marocains résidant à l'étranger",
    "MEM by CGEM",
]


#: The place the calls write by default (app.calls.models.Call.letter_place), in French.
DEFAULT_PLACE = Call.__table__.c.letter_place.default.arg


#: The criteria of the demo dossier's feedback, with their weights.
DEMO_CRITERIA = [
    (_l("Team"), 25),
    (_l("Project"), 35),
    (_l("Profitability"), 25),
    (_l("Overall"), 15),
]

#: The demo letterhead's signatory role in the other languages.
DEMO_TRANSLATIONS = {
    "en": {"letter_signatory_role": "Programme coordinator"},
    "nl": {"letter_signatory_role": "Programmacoördinator"},
    "ar": {"letter_signatory_role": "منسقة البرنامج"},
}


def letter_locale(locale: str | None) -> str:
    """The language a letter is written in: the applicant's if letters speak it."""
    languages = current_app.config["LETTER_LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    return locale if locale in languages else default


def _day(moment: datetime | date | None, locale: str) -> str | None:
    if moment is None:
        return None
    if isinstance(moment, datetime):
        moment = moment.astimezone(BRUSSELS).date()
    return format_date(moment, "long", locale=locale)


def _number(value: float | None, locale: str) -> str:
    if value is None:
        return "—"
    return format_decimal(value, format="#,##0.0#", locale=locale)


def _in_language(call, field: str, locale: str) -> str:
    """A letter setting of ``call`` as written in ``locale``: the column itself in the
    call's base language (French), else its translation (``call.translations``); ""
    when the call has it in no such words, so a letter never mixes two languages."""
    translated = localized(
        {field: "", "translations": getattr(call, "translations", None)}, field, locale
    )
    if translated or locale != current_app.config["BABEL_DEFAULT_LOCALE"]:
        return translated
    return (getattr(call, field, None) or "").strip()


def letter_place(call, locale: str) -> str:
    """The place written before a letter's date, in the letter's language: the call's
    own translation; else, for the default place, its name in that language; else the
    place as the call writes it (a town's own name)."""
    place = _in_language(call, "letter_place", locale)
    if place:
        return place
    written = (getattr(call, "letter_place", None) or "").strip() or DEFAULT_PLACE
    if written != DEFAULT_PLACE:
        return written
    with force_locale(locale):
        return gettext("Brussels")


def verification_url(code: str) -> str:
    return external_url("letters.verify", code=code)


def _base(
    call,
    *,
    locale: str,
    outcome: str,
    reference: str,
    code: str,
    version: int,
    decided_at: datetime,
    name: str,
    address: str,
) -> dict:
    url = verification_url(code)
    partners = [line.strip() for line in (call.letter_partners or "").splitlines() if line.strip()]
    return {
        "outcome": outcome,
        "locale": locale,
        "direction": text_direction(locale),
        "programme": call.name,
        "call_name": call.name,
        "partners": partners,
        "place": letter_place(call, locale),
        "date": _day(decided_at, locale),
        "reference": reference,
        "version": version,
        "recipient": {
            "name": name,
            "address_lines": [line.strip() for line in (address or "").split(",") if line.strip()],
        },
        "signatory": {
            "name": call.letter_signatory_name or call.name,
            "role": _in_language(call, "letter_signatory_role", locale),
        },
        "verification": {"code": code, "url": url, "qr": f"qr:{code}"},
        "confirmation_days": call.confirmation_days,
        #: The call's own opening for this outcome (see :func:`_opening`), else None.
        "wording": None,
    }


def _opening(call, context: dict) -> list[list[str]] | None:
    """The opening the call wrote for the letter's outcome and language, filled with
    the letter's values, as paragraphs of lines; None: the template's own."""
    outcome, locale = context["outcome"], context["locale"]
    values = letter_values(outcome, context)
    return paragraphs(rendered_or_none(call, outcome, "letter", locale, values))


def letter_context(letter: Letter) -> dict:
    """The data of ``letter``'s template, read from its dossier now."""
    application = letter.application
    call = application.call
    locale = letter.locale
    answers = application.answers or {}
    context = _base(
        call,
        locale=locale,
        outcome=letter.outcome,
        reference=application.reference or f"#{application.id}",
        code=letter.verification_code,
        version=letter.version,
        decided_at=letter.decided_at,
        name=answers.get("full_name") or application.applicant.full_name,
        address=answers.get("address") or "",
    )
    with force_locale(locale):
        if letter.outcome == LetterOutcome.INELIGIBLE:
            context.update(_ineligibility(application))
        elif letter.outcome == LetterOutcome.INFORMATION_REQUESTED:
            context["request"] = _information_request(application, locale)
        else:
            context["explanation"] = _explanation(application, locale)
    context["wording"] = _opening(call, context)
    return context


def _ineligibility(application) -> dict:
    decision = db.session.scalar(
        select(EligibilityDecision)
        .where(
            EligibilityDecision.application_id == application.id,
            EligibilityDecision.outcome == ApplicationStatus.INELIGIBLE,
            EligibilityDecision.status == DecisionStatus.FINAL,
        )
        .order_by(EligibilityDecision.id.desc())
    )
    outcomes = db.session.scalars(
        select(RuleOutcome)
        .where(RuleOutcome.application_id == application.id, RuleOutcome.outcome == FAIL)
        .order_by(RuleOutcome.id)
    ).all()
    named = set(decision.failed_rules) if decision and decision.failed_rules else None
    rules = rule_set(application.call)
    titles = rule_titles(rules)
    return {
        "failed_rules": [
            {"label": str(titles.get(o.rule, o.rule)), "reason": reason_of(rules, o)}
            for o in outcomes
            if named is None or o.rule in named
        ],
        "decision_reason": decision.reason if decision else "",
    }


def _information_request(application, locale: str) -> dict:
    request = open_request(application)
    if request is None:
        return {"asked": [], "message": "", "reply_by": None}
    questions = application.form.questions
    items = [str(questions[name].label) if name in questions else name for name in request.fields]
    items += [str(KIND_LABELS.get(kind, kind)) for kind in request.documents]
    return {"asked": items, "message": request.message, "reply_by": _day(request.reply_by, locale)}


def _explanation(application, locale: str) -> dict:
    found = explain(application)
    if found is None:
        raise LookupError(f"no published selection decision for application {application.id}")
    return _explanation_dict(found, locale)


def _explanation_dict(found: Explanation, locale: str) -> dict:
    """The letter's figures: the applicant page's (app.selection.explanation), written
    for ``locale``. ``rank`` is the place in the final order, ``quota`` and
    ``reserve_size`` the numbers selected and on the reserve list at publication."""
    standing = found.standing
    return {
        "decision": standing.decision,
        "rank": standing.position,
        "ranked": standing.ranked,
        "score": _number(standing.score, locale),
        "cutoff": _number(standing.cutoff, locale) if standing.cutoff is not None else None,
        "quota": standing.selected,
        "reserve_position": standing.reserve_position,
        "reserve_size": standing.reserve,
        "confirm_by": _day(found.confirm_by, locale),
        "why": standing.why,
        "reasons": list(found.reasons),
        "criteria": [
            {
                "name": c.name,
                "weight": c.weight,
                "own": _number(c.own, locale),
                "selected": _number(c.selected, locale),
                "scale_max": c.scale_max,
            }
            for c in found.criteria
        ],
    }


# Previews and benchmarks ----------------------------------------------------------


def demo_context(outcome: str, locale: str, call=None, *, code: str = "DEMO-0000-0000") -> dict:
    """A letter of ``outcome`` in ``locale`` filled with demo data (the call's letterhead
    and wording when given, else the MBI demo's): what staff preview before any letter
    exists."""
    if call is None:
        call = SimpleNamespace(
            name="Maghrib Belgium Impulse 2026",
            letter_partners="\n".join(DEMO_PARTNERS),
            letter_place="Bruxelles",
            letter_signatory_name="Nadia El Amrani",
            letter_signatory_role="Coordinatrice du programme",
            translations=DEMO_TRANSLATIONS,
            confirmation_days=14,
            quota=30,
            reserve_size=10,
            criteria=[],
            form_version_id=None,
        )
    reference = f"{getattr(call, 'reference', 'MBI-2026')}-0042"
    now = utcnow()
    context = _base(
        call,
        locale=locale,
        outcome=outcome,
        reference=reference,
        code=code,
        version=1,
        decided_at=now,
        name="Yasmina Benali",
        address="Rue de la Loi 42, 1040 Etterbeek, Belgique",
    )
    with force_locale(locale):
        if outcome == LetterOutcome.INELIGIBLE:
            example = RuleResult(
                "minimum_age",
                "fail",
                "Born %(born)s: %(age)d years old on %(on)s, minimum %(minimum)d.",
                {"born": "2009-03-02", "age": 17, "on": "2026-03-31", "minimum": 18},
            )
            rules = default_rule_set()
            context["failed_rules"] = [
                {
                    "label": str(rule_titles(rules)["minimum_age"]),
                    "reason": reason_of(rules, example),
                }
            ]
            context["decision_reason"] = "The applicant is under 18 on the closing date."
        elif outcome == LetterOutcome.INFORMATION_REQUESTED:
            first_question = next(iter(call_form(call).questions.values()))
            context["request"] = {
                "asked": [str(first_question.label), str(KIND_LABELS["identity"])],
                "message": "Please tell us about your ties with Morocco.",
                "reply_by": _day((now + timedelta(days=10)).date(), locale),
            }
        else:
            criteria = getattr(call, "criteria", None) or []
            names = [
                (localized(c, "name", locale), c.weight, c.scale_min, c.scale_max) for c in criteria
            ] or [(str(name), weight, 0, 10) for name, weight in DEMO_CRITERIA]
            selected = outcome in (LetterOutcome.SELECTED, LetterOutcome.PROMOTED)
            waiting = outcome in (LetterOutcome.RESERVE, LetterOutcome.PROMOTED)
            quota = getattr(call, "quota", 30)
            reserve = getattr(call, "reserve_size", 10)
            if outcome == LetterOutcome.SELECTED:
                position = min(12, quota)
            elif outcome == LetterOutcome.NOT_SELECTED:
                position = quota + reserve + 5
            else:
                position = quota + 3
            standing = Standing(
                decision=Decision.RESERVE if outcome == LetterOutcome.PROMOTED else outcome,
                position=position,
                ranked=180,
                selected=quota,
                reserve=max(reserve, 3) if waiting else reserve,
                reserve_position=3 if waiting else None,
                score=74.5 if selected else 61.25,
                cutoff=70.0,
                why="",
                reasons=(),
            )
            found = Explanation(
                standing,
                confirm_by=now + timedelta(days=14) if selected else None,
                reasons=(),
                criteria=tuple(
                    CriterionComparison(name, low, high, weight, 7.33 if selected else 6.0, 7.5)
                    for name, weight, low, high in names
                ),
            )
            context["explanation"] = _explanation_dict(found, locale)
    context["wording"] = _opening(call, context)
    return context
