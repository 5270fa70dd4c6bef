"""The demo programmes' own texts (description, criteria, FAQ) exist in French, Dutch,
English and Arabic, and each page reads them in its language, Arabic right to left."""

import html
import re

import pytest

from app.applications.questions import call_template
from app.auth.models import Role
from app.calls.definition import import_definition
from app.extensions import db

LANGUAGES = ("fr", "nl", "en", "ar")
ARABIC = re.compile(r"[\u0600-\u06ff]")


def _texts(template: dict, language: str) -> list[str]:
    """Every text of the template's call a reader of ``language`` reads (French: the base)."""

    def text(item: dict, field: str) -> str:
        if language == "fr":
            return item[field]
        return (item.get("translations", {}).get(language) or {}).get(field, "")

    texts = [text(template, "description")]
    for criterion in template["criteria"]:
        texts += [text(criterion, "name"), text(criterion, "description")]
    for item in template["faq"]:
        texts += [text(item, "question"), text(item, "answer")]
    return texts


@pytest.mark.parametrize("name", ["mbi", "green_start"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_text_of_the_demo_programmes_is_written_in_each_language(app, name, language):
    template = call_template(name)
    texts = _texts(template, language)
    assert template["faq"], f"{name} has no FAQ"
    assert all(text.strip() for text in texts), (name, language, texts)
    if language == "ar":
        assert all(ARABIC.search(text) for text in texts), texts
    if language != "fr":  # a translation, not the French text again
        french = _texts(template, "fr")
        descriptions = [texts[0], french[0]]
        assert descriptions[0] != descriptions[1]


@pytest.mark.parametrize("name", ["mbi", "green_start"])
def test_the_public_page_reads_them_in_the_readers_language(client, make_user, name):
    template = call_template(name)
    staff = make_user(Role.STAFF)
    reference = name.upper().replace("_", "") + "-DEMO"
    call = import_definition(template, reference=reference, actor=staff)
    db.session.commit()
    for language in LANGUAGES:
        page = client.get(
            f"/calls/{call.reference}", headers={"Accept-Language": language}
        ).get_data(as_text=True)
        assert f'lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}"' in page
        shown = html.unescape(page)
        for text in _texts(template, language):
            assert text in shown, (language, text)


def test_a_text_in_another_language_than_the_page_keeps_its_own_direction(client, make_call):
    """A staff text not yet translated into Arabic is shown in French on the Arabic page,
    in an element whose direction follows its text (its full stop stays at its end)."""
    call = make_call(
        "MBI-2026",
        description="Un appel à projets.",
        faq=[{"question": "Puis-je postuler ?", "answer": "Oui."}],
    )
    page = client.get(f"/calls/{call.reference}", headers={"Accept-Language": "ar"}).text
    assert 'dir="rtl"' in page
    assert '<p dir="auto">Un appel à projets.</p>' in page
    assert '<summary dir="auto">Puis-je postuler ?</summary><p dir="auto">Oui.</p>' in page
