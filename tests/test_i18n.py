"""The message catalogues are complete, and pages speak the language chosen."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.config import PROJECT_ROOT, Config

CATALOGUES = PROJECT_ROOT / "app" / "translations"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _catalogue(locale: str):
    path: Path = CATALOGUES / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _template_ids() -> set:
    with (CATALOGUES / "messages.pot").open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def test_every_language_has_a_catalogue():
    assert set(Config.LANGUAGES) == {"fr", "nl", "en", "ar"}
    assert Config.BABEL_DEFAULT_LOCALE == "fr"
    for locale in Config.LANGUAGES:
        assert (CATALOGUES / locale / "LC_MESSAGES" / "messages.po").exists(), locale


@pytest.mark.parametrize("locale", list(Config.LANGUAGES))
def test_every_message_is_translated_and_none_is_fuzzy(locale):
    catalogue = _catalogue(locale)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        if message.fuzzy or not all(strings):
            problems.append(("untranslated or fuzzy", message.id))
        elif isinstance(message.id, tuple):  # a singular form may leave the number out
            if any(not set(PLACEHOLDER.findall(text)) <= wanted for text in strings):
                problems.append(("unknown placeholder", message.id))
        elif any(set(PLACEHOLDER.findall(text)) != wanted for text in strings):
            problems.append(("placeholders differ", message.id))
    assert problems == []
    assert {message.id for message in catalogue if message.id} == _template_ids()


def test_the_template_holds_every_string_of_the_code():
    """`make extract` was run after the last change of a user-facing string."""
    from babel.messages.extract import extract_from_dir

    method_map = [
        ("app/**.py", "python"),
        ("workflows/**.py", "python"),
        ("templates/**.html", "jinja2"),
        ("templates/**.txt", "jinja2"),
    ]
    options = {
        "templates/**.html": {"extensions": "jinja2.ext.do"},
        "templates/**.txt": {"extensions": "jinja2.ext.do"},
    }
    keywords = {
        "_": None,
        "N_": None,
        "gettext": None,
        "ngettext": (1, 2),
        "_l": None,
        "lazy_gettext": None,
        "lazy_ngettext": (1, 2),
    }
    found = set()
    for _, _, message, _, _ in extract_from_dir(str(PROJECT_ROOT), method_map, options, keywords):
        found.add(message)
    missing = {m for m in found if m not in _template_ids()}
    assert missing == set(), "run `make extract` and translate the new strings"


def test_french_is_the_default_and_the_browser_can_ask_for_english(client):
    assert 'lang="fr"' in client.get("/login").get_data(as_text=True)
    assert "Se connecter" in client.get("/login").get_data(as_text=True)
    english = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert 'lang="en"' in english.get_data(as_text=True)
    assert "Log in" in english.get_data(as_text=True)


def test_the_switch_keeps_the_choice_and_the_profile_remembers_it(client, make_user, login_as):
    from app.auth.models import Role
    from app.extensions import db

    user = login_as(make_user(Role.STAFF, locale="en"))
    client.post("/language", data={"locale": "fr", "next": "/staff"})
    assert 'lang="fr"' in client.get("/staff").get_data(as_text=True)
    db.session.expire_all()
    assert user.locale == "fr"


def test_an_unknown_language_is_ignored(client):
    response = client.post("/language", data={"locale": "xx", "next": "https://evil.example/"})
    assert response.headers["Location"] == "/"
    assert 'lang="fr"' in client.get("/").get_data(as_text=True)


def test_plural_forms_follow_each_language():
    """Arabic has six plural forms, Dutch two: each catalogue fills all of them."""
    arabic = _catalogue("ar")
    assert arabic.num_plurals == 6
    plurals = [m for m in arabic if m.id and isinstance(m.id, tuple)]
    assert plurals and all(len(m.string) == 6 and all(m.string) for m in plurals)
    assert _catalogue("nl").num_plurals == 2


@pytest.mark.parametrize(
    ("header", "lang", "direction", "words"),
    [
        ("nl-BE,nl;q=0.9,fr;q=0.5", "nl", "ltr", "Aanmelden"),
        ("ar-MA,ar;q=0.9", "ar", "rtl", "تسجيل الدخول"),
        ("en-GB,en;q=0.9", "en", "ltr", "Log in"),
        ("de-DE,de;q=0.9", "fr", "ltr", "Se connecter"),
    ],
)
def test_the_browser_language_chooses_the_page_language_and_direction(
    client, header, lang, direction, words
):
    page = client.get("/login", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}" dir="{direction}">' in page
    assert words in page


def test_the_switcher_offers_the_four_languages_on_every_page(client):
    page = client.get("/").get_data(as_text=True)
    for code in ("fr", "nl", "en", "ar"):
        assert f'name="locale" value="{code}"' in page


def test_an_arabic_page_is_right_to_left_and_wtforms_messages_are_translated(client):
    client.post("/language", data={"locale": "ar", "next": "/login"})
    page = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert 'dir="rtl"' in page and 'lang="ar"' in page
    assert "يرجى إدخال بريدكم الإلكتروني." in page


def test_wtforms_own_messages_follow_the_language(app):
    """Validators without a message of ours speak the page language (Flask-WTF I18N)."""
    from flask_babel import refresh
    from flask_wtf import FlaskForm
    from wtforms import IntegerField
    from wtforms.validators import InputRequired

    class Form(FlaskForm):
        number = IntegerField("n", validators=[InputRequired()])

    expected = {
        "fr": "Ce champ est requis.",
        "nl": "Dit veld is vereist.",
        "ar": "هذا الحقل مطلوب.",
        "en": "This field is required.",
    }
    for locale, message in expected.items():
        with app.test_request_context("/", method="POST", headers={"Accept-Language": locale}):
            refresh()  # the test app context outlives each request: forget its locale
            form = Form(data={})
            form.validate()
            assert form.number.errors == [message], locale


def _register(client, **extra):
    from tests.conftest import PASSWORD

    data = {
        "full_name": "Salma Bennani",
        "email": "salma@example.org",
        "password": PASSWORD,
        "confirm": PASSWORD,
        "accept_privacy": "y",
    }
    response = client.post("/register", data=data | extra, headers={"Accept-Language": "nl"})
    if response.status_code != 302:
        return response
    from tests.helpers import outbox_messages

    body = outbox_messages()[-1].body_text  # the confirmation link, in the chosen language
    link = body.split("http://127.0.0.1:5000", 1)[1].split()[0]
    return client.post(link)


def test_registration_offers_the_four_languages_and_keeps_the_choice(client):
    from app.auth.models import User
    from app.extensions import db
    from tests.helpers import outbox_messages

    form = client.get("/register", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert '<option lang="nl" selected value="nl">Nederlands</option>' in form
    assert '<option lang="ar" value="ar">العربية</option>' in form
    assert _register(client, locale="ar").status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "salma@example.org"))
    assert user.locale == "ar"
    assert "حسابكم في Impulse جاهز" in outbox_messages()[-1].body_text
    assert 'lang="ar" dir="rtl"' in client.get("/my/applications").get_data(as_text=True)


def test_registration_without_a_language_takes_the_page_language_and_refuses_junk(client):
    from app.auth.models import User
    from app.extensions import db

    refused = _register(client, locale="xx").get_data(as_text=True)
    assert "Ongeldige keuze." in refused  # WTForms' own message, in Dutch
    assert _register(client).status_code == 302
    assert (
        db.session.scalar(db.select(User.locale).where(User.email == "salma@example.org")) == "nl"
    )
