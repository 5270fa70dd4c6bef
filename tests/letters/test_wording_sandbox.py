"""A call's own wording is a sandboxed text: the known template-injection payloads are
refused when staff save them (and again when a letter renders), and a saved text reaches
the applicant's letter and e-mail in their language, the templates' wording otherwise."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.auth.models import Role
from app.calls.routes import demo_values
from app.calls.sandbox import WordingError, check_text, render_wording
from app.calls.services import save_wording
from app.calls.wording import OUTCOMES, default_text
from app.common.clock import utcnow
from app.common.errors import message_of
from app.extensions import db
from app.letters.content import demo_context
from app.letters.models import Letter
from app.letters.rendering import renderer
from tests.helpers import outbox_messages
from tests.letters.conftest import pdf_text, stored_pdf

VALUES = {"applicant_name": "Yasmina Benali", "reference": "MBI-2026-0042", "rank": 12}

#: Each payload, and why it is refused.
PAYLOADS = {
    "{{ ''.__class__.__mro__ }}": "not attributes",
    "{{ cycler.__init__.__globals__ }}": "not attributes",
    "{{ self }}": "Unknown placeholders: self.",
    "{{ self._TemplateReference__context }}": "not attributes",
    "{% include 'base.html' %}": "not other templates",
    "{% import 'base.html' as b %}": "not other templates",
    "{% extends 'base.html' %}": "not other templates",
    "{{ config }}": "Unknown placeholders: config.",
    "{{ request }}": "Unknown placeholders: request.",
    "{{ reference.__class__ }}": "not attributes",
    "{{ reference['__class__'] }}": "not attributes",
    "{{ reference|attr('__class__') }}": "not this construct",
    "{{ '%s' % reference }}": "not calculations",
    '{{ "{0.__class__}".format(reference) }}': "not function calls",
    "{{ lipsum }}": "Unknown placeholders: lipsum.",
    "{{ lipsum() }}": "not function calls",
    "{{ range(10**9) }}": "not function calls",
    "{% for i in reference %}{% for j in reference %}x{% endfor %}{% endfor %}": "not loops",
    "{{ reference * 100000000 }}": "not calculations",
    "{% set x = reference %}{{ x }}": "not variables",
    "{% macro m() %}{% endmacro %}": "not macros",
    "{{ reference": "cannot be read",
}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_injection_payload_is_refused_when_saved_and_when_rendered(app, payload):
    with pytest.raises(WordingError) as saved:
        check_text(payload, VALUES)
    assert PAYLOADS[payload] in message_of(saved.value)
    with pytest.raises(WordingError):
        render_wording(payload, VALUES)


@pytest.mark.parametrize(
    ("text", "reads"),
    [
        ("{% raw %}{{ ''.__class__ }}{% endraw %}", "{{ ''.__class__ }}"),
        ("<script>alert(1)</script> {{ applicant_name }}", "<script>alert(1)</script> Yasmina"),
        ("{# a note for staff #}Dear {{ applicant_name|upper }}", "Dear YASMINA BENALI"),
        ("{% if rank %}Rank {{ rank }}{% else %}No rank{% endif %}", "Rank 12"),
    ],
)
def test_what_is_allowed_prints_as_plain_text(app, text, reads):
    assert render_wording(text, VALUES).startswith(reads)


def test_only_plain_values_reach_the_sandbox(app, make_call):
    with pytest.raises(TypeError):
        render_wording("{{ call_name }}", {"call_name": make_call()})


def test_markup_in_a_text_or_a_value_prints_as_text_in_the_letter(app, make_call):
    call = make_call()
    call.wording = {"selected": {"en": {"letter": "<img src='x'/> {{ applicant_name }}"}}}
    context = demo_context("selected", "en", call)
    context["recipient"]["name"] = "<b>Yasmina</b>"
    context["wording"] = None
    from app.letters.content import _opening

    context["wording"] = _opening(call, context)
    html = renderer().html(context)
    assert "&lt;img src=&#39;x&#39;/&gt; &lt;b&gt;Yasmina&lt;/b&gt;" in html
    assert "<img src='x'" not in html


def test_a_stored_text_that_no_longer_renders_gives_the_templates_wording(app, make_call):
    """A text stored before a placeholder went away (or written into the database by
    hand) never breaks a letter: the applicant reads the template's opening."""
    call = make_call()
    call.wording = {"selected": {"en": {"letter": "{{ ''.__class__.__mro__ }}"}}}
    data, _pages = renderer().pdf(demo_context("selected", "en", call))
    text = pdf_text(data)
    assert "has selected your application CALL-" in text
    assert "__class__" not in text and "mro" not in text


@pytest.mark.parametrize("locale", ["fr", "en", "nl", "ar"])
@pytest.mark.parametrize("outcome", [key for key, spec in OUTCOMES.items() if spec.letter])
def test_the_default_text_reads_exactly_as_the_template(app, outcome, locale, make_call):
    """Saving the default text unchanged would print the same letter (an apostrophe is
    escaped as a character reference where the template's message printed it as is)."""
    call = make_call()
    plain = renderer().html(demo_context(outcome, locale, call))
    call.wording = {outcome: {locale: {"letter": default_text(outcome, "letter", locale)}}}
    custom = renderer().html(demo_context(outcome, locale, call))
    assert html.unescape(custom) == html.unescape(plain)


def test_every_placeholder_has_a_plain_demo_value(app):
    for key, spec in OUTCOMES.items():
        for part in spec.parts:
            values = demo_values(key, part, "fr")
            assert set(values) == set(spec.placeholders(part))
            assert all(isinstance(v, str | int | float) for v in values.values()), key
            render_wording(default_text(key, part, "fr"), values)


# A saved text in the applicant's letter and e-mail ------------------------------------


def _letter(application) -> Letter:
    return db.session.scalar(select(Letter).where(Letter.application_id == application.id))


def _request_information(make_application, make_user, call, locale):
    from app.eligibility.services import request_information

    applicant = make_user(Role.APPLICANT, locale=locale)
    application = make_application("submitted", call=call, applicant=applicant)
    request_information(
        application,
        actor=make_user(Role.STAFF),
        fields=["moroccan_ties"],
        documents=[],
        message="Tell us about your family in Morocco.",
        reply_by=(utcnow() + timedelta(days=12)).date(),
    )
    db.session.commit()
    return application


def test_a_saved_text_shows_in_the_letter_and_e_mail_in_the_applicants_language(
    app, make_call, make_user, make_application
):
    call = make_call()
    save_wording(
        call,
        "information_requested",
        {
            "en": {
                "letter": "Dear {{ applicant_name }}, {{ reference }} needs: {{ requested_items }}"
                ".\n\nReply by {{ deadline }}.",
                "subject": "Action needed on {{ reference }} (100% complete?)",
                "email": "Our team has questions on {{ reference }}.",
            },
            "fr": {"letter": "Texte propre à l'appel pour {{ reference }}."},
        },
        actor=make_user(Role.STAFF),
    )
    db.session.commit()

    english = _request_information(make_application, make_user, call, "en")
    text = pdf_text(stored_pdf(_letter(english)))
    assert f"Dear Youssef El Amrani, {english.reference} needs:" in text
    assert "Reply by" in text and "Tell us about your family in Morocco." in text
    assert "To complete the examination" not in text  # the template's opening is replaced
    message = outbox_messages()[-1]
    assert message.subject == f"Action needed on {english.reference} (100% complete?)"
    assert f"Our team has questions on {english.reference}." in message.body_text
    assert "Tell us about your family in Morocco." in message.body_text  # structured part

    dutch = _request_information(make_application, make_user, call, "nl")
    text = pdf_text(stored_pdf(_letter(dutch)))
    assert "needs:" not in text and "propre" not in text  # no Dutch text: the template's
    assert dutch.reference in text
    assert "Action needed" not in outbox_messages()[-1].subject
