"""The reference lists a choice question may take its choices from (MBI's regions and
sectors) are named in the reader's language; the stored values stay the same."""

import re

import pytest

from app.application_forms.definition import LANGUAGES, REFERENCE_LISTS
from app.auth.models import Role

ARABIC = re.compile(r"[\u0600-\u06FF]")


@pytest.mark.parametrize("name", ["moroccan_regions", "belgian_regions", "nace_sections"])
def test_every_entry_has_a_name_in_every_language(name):
    for value, label in REFERENCE_LISTS[name]:
        names = {language: label.in_language(language) for language in LANGUAGES}
        assert all(names.values()), (value, names)
        assert ARABIC.search(names["ar"]), (value, names["ar"])  # not the English fallback


def test_the_applicant_reads_the_sectors_and_regions_in_their_language(
    client, make_call, make_user, login_as
):
    login_as(make_user(Role.STAFF))
    call = make_call()

    def preview(step, language):
        page = client.get(f"/staff/calls/{call.id}/form/preview/{step}?lang={language}")
        assert page.status_code == 200
        return page.get_data(as_text=True)

    assert '<option value="C">C – Industrie manufacturière</option>' in preview("project", "fr")
    assert '<option value="C">C – Industrie</option>' in preview("project", "nl")
    assert '<option value="C">C – Manufacturing</option>' in preview("project", "en")
    assert '<option value="Souss-Massa">سوس ماسة</option>' in preview("project", "ar")
    assert '<option value="Souss-Massa">Souss-Massa</option>' in preview("project", "fr")
    assert '<option value="Flanders">Vlaanderen</option>' in preview("applicant", "nl")
    assert '<option value="Flanders">Flandre</option>' in preview("applicant", "fr")
